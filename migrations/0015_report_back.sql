-- "You said, we did": the board's report-backs to the community (docs/board.md, "Report-backs"). A
-- report-back is a draft the board writes for one reporting period of one survey: a few figures picked from
-- the survey's protected table set, by reference only (never a count), and the program's response in its
-- own words per language. Releasing it is a proposal of the kind 'report_back', decided by the quorum like
-- any other; it carries a snapshot of what the board read. A release is kept for good: a later release of
-- the same report-back supersedes it on the public page and the kiosk, and never deletes it.

CREATE TABLE report_back (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    survey_id bigint NOT NULL REFERENCES survey (id),
    -- A reporting period of analysis/periods.py: 'all', a year, a quarter, a month (or an ISO week).
    period text NOT NULL CHECK (period ~ '^(all|[0-9]{4}(-Q[1-4]|-[0-9]{2}|-W[0-9]{2})?)$'),
    -- Per language code: {"title", "heard", "did"}; a language without its own words is shown in the
    -- survey's first language and marked "needs translation" on the board's page.
    texts jsonb NOT NULL CHECK (jsonb_typeof(texts) = 'object'),
    -- References to figures of the protected set ({"kind": "mean", "measure": "who5"}, ...), in order.
    figures jsonb NOT NULL CHECK (jsonb_typeof(figures) = 'array' AND jsonb_array_length(figures) <= 6),
    drafted_by bigint NOT NULL REFERENCES account (id),
    drafted_at timestamptz NOT NULL DEFAULT now(),
    changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX report_back_survey_idx ON report_back (survey_id, id);

CREATE TABLE report_back_release (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_back_id bigint NOT NULL REFERENCES report_back (id),
    -- The accepted proposal that released it: who proposed it and every vote stay there.
    proposal_id bigint NOT NULL UNIQUE REFERENCES proposal (id),
    -- The public page's address: random, so it says nothing about surveys, drafts or how many there are.
    public_id text NOT NULL UNIQUE CHECK (public_id ~ '^[A-Za-z0-9_-]{10,32}$'),
    -- To the day, like every staff date the public sees.
    released_on date NOT NULL DEFAULT current_date,
    proposer text NOT NULL,
    decision text NOT NULL,
    -- The texts and figures exactly as released, each figure with its value and its words per language.
    content jsonb NOT NULL CHECK (jsonb_typeof(content) = 'object')
);
CREATE INDEX report_back_release_idx ON report_back_release (report_back_id, id);

-- A release proposal is about a report-back, not a survey's draft: like the proposals about the board it
-- has no survey_id (so every survey's list of draft proposals leaves it out) and no draft.
ALTER TABLE proposal DROP CONSTRAINT proposal_about_the_board;
ALTER TABLE proposal ADD CONSTRAINT proposal_about_the_board CHECK (
    (kind IN ('welcome', 'step_down', 'quorum', 'report_back')) = (survey_id IS NULL)
    AND (survey_id IS NULL) = (draft_before IS NULL)
);

-- Add the kind to whatever list of kinds the migrations before this one left (others may add kinds too).
DO $$
DECLARE
    definition text;
BEGIN
    SELECT pg_get_constraintdef(oid) INTO definition
    FROM pg_constraint WHERE conname = 'proposal_kind_check' AND conrelid = 'proposal'::regclass;
    IF position('''report_back''' IN definition) = 0 THEN
        ALTER TABLE proposal DROP CONSTRAINT proposal_kind_check;
        EXECUTE 'ALTER TABLE proposal ADD CONSTRAINT proposal_kind_check '
            || regexp_replace(definition, 'ARRAY\[', 'ARRAY[''report_back''::text, ');
    END IF;
END
$$;
