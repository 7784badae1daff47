-- The inbox keeps no statistics. ANALYZE (autovacuum's too) copies sampled values of each column into
-- pg_statistic, which any role that may read the table reads through pg_stats, and TRUNCATE leaves them
-- there: held answers, free text and response ids would outlive the release, and the moment they were
-- sampled would split a day's batch. The table is made anew, so its old statistics go with the old one;
-- every column's statistics target is 0, and autovacuum is off for it (rows only ever leave by TRUNCATE,
-- so there is nothing to vacuum; PostgreSQL still vacuums it to prevent transaction-id wraparound).
LOCK TABLE response_inbox IN ACCESS EXCLUSIVE MODE;

CREATE TABLE response_inbox_anew (
    id uuid PRIMARY KEY,
    arrived_on date NOT NULL,
    content_hash text NOT NULL,
    -- Everything the release writes: version, site, language, period, linkage, answers and scores.
    held jsonb NOT NULL
) WITH (autovacuum_enabled = false, toast.autovacuum_enabled = false);

ALTER TABLE response_inbox_anew
    ALTER COLUMN id SET STATISTICS 0,
    ALTER COLUMN arrived_on SET STATISTICS 0,
    ALTER COLUMN content_hash SET STATISTICS 0,
    ALTER COLUMN held SET STATISTICS 0;

INSERT INTO response_inbox_anew (id, arrived_on, content_hash, held)
SELECT id, arrived_on, content_hash, held FROM response_inbox;

DROP TABLE response_inbox;
ALTER TABLE response_inbox_anew RENAME TO response_inbox;
ALTER INDEX response_inbox_anew_pkey RENAME TO response_inbox_pkey;
