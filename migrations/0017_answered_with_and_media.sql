-- How a participant answered (said at the end, one tap, skippable): on their own, with the tablet reading
-- to them, or with someone's help (never who). It identifies no one; NULL when they skipped it or the
-- response came from a kiosk before this question existed.
ALTER TABLE response
    ADD COLUMN answered_with text CHECK (answered_with IN ('own', 'read_aloud', 'helped'));

-- Pictures for answers and recorded readings, uploaded on the board's pages. Content-addressed: the key
-- is the SHA-256 of the bytes as stored (pictures re-encoded without their metadata), so a URL never
-- changes meaning and can be cached for ever. Only these types, checked by their bytes at upload.
CREATE TABLE media (
    digest text PRIMARY KEY CHECK (digest ~ '^[0-9a-f]{64}$'),
    content_type text NOT NULL CHECK (content_type IN (
        'image/png', 'image/jpeg', 'image/webp', 'audio/mpeg', 'audio/ogg', 'audio/webm', 'audio/wav'
    )),
    content bytea NOT NULL CHECK (octet_length(content) BETWEEN 1 AND 5000000),
    width integer CHECK (width > 0),
    height integer CHECK (height > 0),
    uploaded_by bigint REFERENCES account (id)
);

-- A recorded reading of one question (option_code '') or one answer, in one language, of the words it was
-- recorded for. A recording plays only where those words are still the words shown; when they change it
-- is out of date, and the version that still shows the old words keeps playing its own.
CREATE TABLE recording (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    survey_id bigint NOT NULL REFERENCES survey (id),
    question_key text NOT NULL CHECK (question_key ~ '^[a-z][a-z0-9_]{0,63}$'),
    option_code text NOT NULL DEFAULT '',
    language text NOT NULL,
    recorded_text text NOT NULL CHECK (length(recorded_text) BETWEEN 1 AND 4000),
    digest text NOT NULL REFERENCES media (digest),
    uploaded_by bigint REFERENCES account (id),
    UNIQUE (survey_id, question_key, option_code, language, recorded_text)
);

-- "Change an answer's picture" is a proposal like any other (the board approves every picture a kiosk
-- shows). Add the kind to whatever list the migrations before this one left (others add kinds too).
DO $$
DECLARE
    definition text;
BEGIN
    SELECT pg_get_constraintdef(oid) INTO definition
    FROM pg_constraint WHERE conname = 'proposal_kind_check' AND conrelid = 'proposal'::regclass;
    IF position('''picture''' IN definition) = 0 THEN
        ALTER TABLE proposal DROP CONSTRAINT proposal_kind_check;
        EXECUTE 'ALTER TABLE proposal ADD CONSTRAINT proposal_kind_check '
            || regexp_replace(definition, 'ARRAY\[', 'ARRAY[''picture''::text, ');
    END IF;
END
$$;
