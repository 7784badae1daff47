-- Responses land in an inbox at once (durable, idempotent on their id) and are released into response,
-- answer and measure_score in shuffled daily batches, in one transaction per batch: afterwards no table's
-- row order, xmin, ctid or dump order follows the order in which responses were sent.
-- A batch is one or more whole days of arrivals: a held response keeps only the day it arrived (never a
-- time), and a release takes only days that have ended, so it never splits a day, whenever it runs.
-- The day is dropped at release; the response keeps its period, as before.

CREATE TABLE response_inbox (
    id uuid PRIMARY KEY,
    arrived_on date NOT NULL,
    content_hash text NOT NULL,
    -- Everything the release writes: version, site, language, period, linkage, answers and scores.
    held jsonb NOT NULL
);

CREATE TABLE response_release (
    released_on date PRIMARY KEY,
    responses integer NOT NULL CHECK (responses >= 0)
);
