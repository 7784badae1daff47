-- A proposal can be revised after the board's comments: the proposer changes what it proposes, the
-- earlier wording stays in the proposal's history (proposal_revision), and the votes start again, since
-- nobody approved the new words. A vote belongs to the revision it was cast on; only votes on the
-- current revision stand. Also "Change when it is shown" (a question's "show only if"), a new kind.

ALTER TABLE proposal ADD COLUMN revision integer NOT NULL DEFAULT 1 CHECK (revision >= 1);
ALTER TABLE proposal_vote ADD COLUMN revision integer NOT NULL DEFAULT 1 CHECK (revision >= 1);
DROP INDEX proposal_vote_proposal_idx;
CREATE INDEX proposal_vote_proposal_idx ON proposal_vote (proposal_id, revision, account_id, id);

-- Each earlier revision as it was when the proposer replaced it: what it proposed and why.
CREATE TABLE proposal_revision (
    proposal_id bigint NOT NULL REFERENCES proposal (id),
    revision integer NOT NULL CHECK (revision >= 1),
    change jsonb NOT NULL CHECK (change ? 'kind'),
    reason text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
    replaced_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (proposal_id, revision)
);

ALTER TABLE proposal DROP CONSTRAINT proposal_kind_check;
ALTER TABLE proposal ADD CONSTRAINT proposal_kind_check CHECK (
    kind IN (
        'wording', 'options', 'show_if', 'add', 'retire', 'move', 'publish', 'welcome', 'step_down', 'quorum'
    )
);
