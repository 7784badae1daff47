-- The protected table set (analysis/protected.py) is decided once per state of the responses and kept
-- here, so a dashboard, an export or an API answer is a projection of it and never a fresh aggregate.
-- The state is a counter that every statement changing response or measure_score bumps (once per
-- statement, so a release or a rescore of thousands of rows bumps it once); a kept set is used only
-- while its revision and the survey's newest version are the current ones.

CREATE TABLE analysis_revision (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    revision bigint NOT NULL
);
INSERT INTO analysis_revision (only_row, revision) VALUES (true, 1);

CREATE FUNCTION bump_analysis_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE analysis_revision SET revision = revision + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER response_changes_analysis
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON response
    FOR EACH STATEMENT EXECUTE FUNCTION bump_analysis_revision();
CREATE TRIGGER measure_score_changes_analysis
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON measure_score
    FOR EACH STATEMENT EXECUTE FUNCTION bump_analysis_revision();

CREATE TABLE protected_set (
    survey_id bigint NOT NULL REFERENCES survey (id) ON DELETE CASCADE,
    k integer NOT NULL CHECK (k >= 5),
    revision bigint NOT NULL,
    version_id bigint NOT NULL,
    body jsonb NOT NULL,
    PRIMARY KEY (survey_id, k)
);
