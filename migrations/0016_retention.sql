-- Retention: how long a survey keeps its free-text answers and its responses, and the finest-cell
-- aggregates kept for the periods whose responses were deleted, so reports stay reproducible.
-- NULL keeps for good (the default). Who set a policy and when is in the audit trail
-- (retention_policy_set), like every staff action.
CREATE TABLE retention_policy (
    survey_id bigint PRIMARY KEY REFERENCES survey (id),
    free_text_months integer CHECK (free_text_months BETWEEN 3 AND 120),
    response_years integer CHECK (response_years BETWEEN 1 AND 30)
);

-- What the protected set (analysis/protected.py) reads, for the deleted periods only: per finest cell
-- (survey version x site x language x stored period), how many scores of each value each measure had
-- (source 'score', name = the measure) and how many number answers of each value each number question
-- had (source 'number', name = the question key). Counts of a cell, never a response.
CREATE TABLE kept_score_cell (
    survey_version_id bigint NOT NULL REFERENCES survey_version (id),
    site_id bigint NOT NULL REFERENCES site (id),
    language text NOT NULL,
    period text NOT NULL CHECK (period ~ '^\d{4}-(\d{2}|W\d{2})$'),
    source text NOT NULL CHECK (source IN ('score', 'number')),
    name text NOT NULL,
    value double precision NOT NULL,
    n integer NOT NULL CHECK (n > 0),
    PRIMARY KEY (survey_version_id, site_id, language, period, source, name, value)
);

-- How many chose each option (each code of a list answer) of every question that is not free text.
CREATE TABLE kept_answer_cell (
    survey_version_id bigint NOT NULL REFERENCES survey_version (id),
    site_id bigint NOT NULL REFERENCES site (id),
    language text NOT NULL,
    period text NOT NULL CHECK (period ~ '^\d{4}-(\d{2}|W\d{2})$'),
    question_key text NOT NULL,
    option text NOT NULL,
    n integer NOT NULL CHECK (n > 0),
    PRIMARY KEY (survey_version_id, site_id, language, period, question_key, option)
);

-- Reliability's input for the deleted periods: per stored period and measure (its items, in order), the
-- sums and cross products of each pair of items over the complete responses (analysis.queries'
-- ITEM_MOMENTS), so Cronbach's alpha of those periods stays what it was.
CREATE TABLE kept_item_moment (
    survey_id bigint NOT NULL REFERENCES survey (id),
    period text NOT NULL CHECK (period ~ '^\d{4}-(\d{2}|W\d{2})$'),
    items text[] NOT NULL,
    first_item text NOT NULL,
    second_item text NOT NULL,
    n integer NOT NULL CHECK (n > 0),
    first_sum double precision NOT NULL,
    cross_sum double precision NOT NULL,
    PRIMARY KEY (survey_id, period, items, first_item, second_item)
);

-- Which stored periods of a survey had their free text or their responses deleted, and so what a report
-- of those periods can no longer show (linked pairs, reliability, free text). Periods, never responses.
CREATE TABLE retention_deleted (
    survey_id bigint NOT NULL REFERENCES survey (id),
    period text NOT NULL CHECK (period ~ '^\d{4}-(\d{2}|W\d{2})$'),
    what text NOT NULL CHECK (what IN ('free_text', 'responses')),
    PRIMARY KEY (survey_id, period, what)
);

-- A kiosk reports how many completed responses wait in its outbox when it reads its survey; only the
-- count at its first contact of a day is kept, with last_contact_on (migration 0010): a day and a count,
-- never a time, never linked to a response.
ALTER TABLE kiosk ADD COLUMN outbox_waiting integer CHECK (outbox_waiting >= 0);
