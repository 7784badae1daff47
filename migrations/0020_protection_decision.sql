-- The protected set's search decisions, by the shape of the table set each was made for
-- (docs/analysis.md, "Decisions kept"). A set rebuilt from the same cells (a site renamed, a version
-- published without new responses, the cells retention kept, a rescore that changed nothing) reads its
-- decision here instead of searching again, in every worker and after a restart. A shape is a SHA-256
-- of counts, costs and the search's own code, never a name; a decision is the positions it hides and
-- the audit that passed. Only the newest are kept (analysis/queries.py, DECISIONS_KEPT).
CREATE TABLE protection_decision (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shape bytea NOT NULL UNIQUE CHECK (length(shape) = 32),
    decision jsonb NOT NULL
);
