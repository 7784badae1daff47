-- Surveys, their working drafts and their published versions, and instruments a program loads itself.
-- A published version is a frozen snapshot: the database itself refuses to change or delete one.

CREATE TABLE survey (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX survey_name_key ON survey (lower(name));

-- The one working draft of a survey: the board's proposals change it; publishing freezes a copy.
CREATE TABLE survey_draft (
    survey_id bigint PRIMARY KEY REFERENCES survey (id),
    definition jsonb NOT NULL,
    based_on_version integer,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE survey_version (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    survey_id bigint NOT NULL REFERENCES survey (id),
    number integer NOT NULL CHECK (number > 0),
    definition jsonb NOT NULL,
    -- What allowed publishing: a board decision (later) or the demo seed; never empty.
    approval jsonb NOT NULL CHECK (approval ? 'basis'),
    published_by bigint REFERENCES account (id),
    published_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (survey_id, number)
);

CREATE FUNCTION survey_version_is_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'published survey versions cannot be truncated'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RAISE EXCEPTION 'survey version % is published and cannot be changed or deleted', OLD.id
        USING ERRCODE = 'integrity_constraint_violation',
              HINT = 'Copy it into the draft, change the draft, and publish a new version.';
END;
$$;

CREATE TRIGGER survey_version_frozen
    BEFORE UPDATE OR DELETE ON survey_version
    FOR EACH ROW EXECUTE FUNCTION survey_version_is_frozen();

CREATE TRIGGER survey_version_not_truncated
    BEFORE TRUNCATE ON survey_version
    FOR EACH STATEMENT EXECUTE FUNCTION survey_version_is_frozen();

-- Instruments a program loads (licensed ones with their items); the shipped ones live in the code.
CREATE TABLE instrument (
    key text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,63}$'),
    definition jsonb NOT NULL,
    added_by bigint REFERENCES account (id),
    added_at timestamptz NOT NULL DEFAULT now()
);
