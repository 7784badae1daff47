-- The board governs its own membership (docs/board.md). A voting member is an account with a membership
-- row, made when the board accepts a proposal to welcome them, or by an admin while the board has fewer
-- members than its quorum (setting up). Proposals may be about the board itself (welcome a member, a
-- member steps down, change the quorum): those have no survey and no draft.

-- An account cannot both administer and vote: no single account may both choose who votes and publish.
-- Accounts that held both keep admin (the program still needs its admins) and lose board, audited.
INSERT INTO audit_event (account_id, action, subject, detail)
SELECT NULL, 'account_roles_changed', name,
       jsonb_build_object(
           'before', to_jsonb(roles),
           'after', to_jsonb(array_remove(roles, 'board')),
           'why', 'An account cannot both administer and vote on the board (migration 0007).'
       )
FROM account WHERE roles @> ARRAY['admin', 'board']::text[] ORDER BY id;
UPDATE account SET roles = array_remove(roles, 'board') WHERE roles @> ARRAY['admin', 'board']::text[];
ALTER TABLE account ADD CONSTRAINT account_admin_or_board CHECK (NOT roles @> ARRAY['admin', 'board']::text[]);

ALTER TABLE proposal ALTER COLUMN survey_id DROP NOT NULL, ALTER COLUMN draft_before DROP NOT NULL;
ALTER TABLE proposal DROP CONSTRAINT proposal_kind_check;
ALTER TABLE proposal ADD CONSTRAINT proposal_kind_check CHECK (
    kind IN ('wording', 'options', 'add', 'retire', 'move', 'publish', 'welcome', 'step_down', 'quorum')
);
-- A proposal about the board has neither survey nor draft; every other kind has both.
ALTER TABLE proposal ADD CONSTRAINT proposal_about_the_board CHECK (
    (kind IN ('welcome', 'step_down', 'quorum')) = (survey_id IS NULL)
    AND (survey_id IS NULL) = (draft_before IS NULL)
);
CREATE INDEX proposal_board_idx ON proposal (status) WHERE survey_id IS NULL;

-- One row per time someone was a member. When a membership began is kept as an order, not a time: the
-- last proposal number given out by then (after_proposal). A member votes only on proposals numbered
-- above it, so nobody joins in time to decide a proposal that was already open.
CREATE TABLE board_membership (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES account (id),
    after_proposal bigint NOT NULL CHECK (after_proposal >= 0),
    -- setup: an admin added them while the board was being set up; welcomed: the board accepted a proposal;
    -- before_0007: a board account when membership began to be recorded.
    joined text NOT NULL CHECK (joined IN ('setup', 'welcomed', 'before_0007')),
    welcomed_by bigint REFERENCES proposal (id),
    added_by bigint REFERENCES account (id),
    -- The accepted "a member steps down" proposal that ended it (NULL: a member now).
    ended_by bigint REFERENCES proposal (id),
    CHECK ((joined = 'welcomed') = (welcomed_by IS NOT NULL)),
    CHECK (joined = 'setup' OR added_by IS NULL)
);
CREATE UNIQUE INDEX board_membership_current ON board_membership (account_id) WHERE ended_by IS NULL;

-- Active board accounts were the voting members: they stay members, and keep their votes on open
-- proposals. Board accounts turned off were not voting; turned back on, the board can welcome them.
INSERT INTO board_membership (account_id, after_proposal, joined)
SELECT id, 0, 'before_0007' FROM account WHERE active AND 'board' = ANY (roles) ORDER BY id;

-- The quorum's row always exists: membership and quorum changes lock it, so two at once queue up.
INSERT INTO board_quorum (singleton, approvals) VALUES (true, NULL) ON CONFLICT (singleton) DO NOTHING;
