-- The peer advisory board's workspace: proposals on a survey's draft, their comments and votes, the quorum
-- the program sets, and the words the board adds to the language check. Nothing here is ever deleted:
-- withdrawing a comment or a vote adds a row or a mark, so the board's history stays whole.

-- The program's quorum: approvals a proposal needs. No row, or NULL, means the default: a majority of the
-- active board members, and never fewer than two.
CREATE TABLE board_quorum (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    approvals integer CHECK (approvals BETWEEN 2 AND 100),
    updated_by bigint REFERENCES account (id),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE proposal (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    survey_id bigint NOT NULL REFERENCES survey (id),
    kind text NOT NULL CHECK (kind IN ('wording', 'options', 'add', 'retire', 'move', 'publish')),
    -- The change itself (a tagged msgspec Struct) and the draft it was proposed against, so its diff
    -- reads the same however the draft moves on.
    change jsonb NOT NULL CHECK (change ? 'kind'),
    draft_before jsonb NOT NULL,
    reason text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
    status text NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'accepted', 'rejected', 'withdrawn', 'outdated')),
    -- Why it closed, in plain words (e.g. which accepted proposal changed the same question first).
    outcome text NOT NULL DEFAULT '',
    published_version integer,
    proposed_by bigint NOT NULL REFERENCES account (id),
    proposed_at timestamptz NOT NULL DEFAULT now(),
    closed_at timestamptz,
    CHECK ((status = 'open') = (closed_at IS NULL))
);
CREATE INDEX proposal_survey_idx ON proposal (survey_id, status);

CREATE TABLE proposal_comment (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    proposal_id bigint NOT NULL REFERENCES proposal (id),
    account_id bigint NOT NULL REFERENCES account (id),
    body text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 4000),
    written_at timestamptz NOT NULL DEFAULT now(),
    withdrawn_at timestamptz
);
CREATE INDEX proposal_comment_proposal_idx ON proposal_comment (proposal_id, id);

-- Every vote cast stays; a member's standing vote is their latest row ('withdrawn' takes a vote back).
CREATE TABLE proposal_vote (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    proposal_id bigint NOT NULL REFERENCES proposal (id),
    account_id bigint NOT NULL REFERENCES account (id),
    choice text NOT NULL CHECK (choice IN ('approve', 'object', 'abstain', 'withdrawn')),
    reason text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
    cast_at timestamptz NOT NULL DEFAULT now(),
    CHECK (choice <> 'object' OR length(btrim(reason)) > 0)
);
CREATE INDEX proposal_vote_proposal_idx ON proposal_vote (proposal_id, account_id, id);

-- Words the board adds to the shipped words-to-avoid lists.
CREATE TABLE board_word (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    language text NOT NULL CHECK (language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$'),
    phrase text NOT NULL CHECK (length(btrim(phrase)) BETWEEN 1 AND 100),
    suggestion text NOT NULL CHECK (length(btrim(suggestion)) BETWEEN 1 AND 200),
    note text NOT NULL DEFAULT '' CHECK (length(note) <= 300),
    added_by bigint NOT NULL REFERENCES account (id),
    added_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX board_word_key ON board_word (language, lower(phrase));
