-- How many responses picked at least one answer of a pick-any question (services used), per finest
-- cell, for the periods whose responses retention deleted: the denominator of the indicator shares
-- (analysis/indicators.py), which the option counts of kept_answer_cell cannot give (answers overlap).
-- Counts of a cell, never a response.
CREATE TABLE kept_answerer_cell (
    survey_version_id bigint NOT NULL REFERENCES survey_version (id),
    site_id bigint NOT NULL REFERENCES site (id),
    language text NOT NULL,
    period text NOT NULL CHECK (period ~ '^\d{4}-(\d{2}|W\d{2})$'),
    question_key text NOT NULL,
    n integer NOT NULL CHECK (n > 0),
    PRIMARY KEY (survey_version_id, site_id, language, period, question_key)
);
