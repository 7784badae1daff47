-- The foundation: places, staff accounts, their sessions and API tokens, and the audit trail of staff actions.
-- Participants never appear here: nothing in this file can hold a participant's identity.

CREATE TABLE site (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    default_language text NOT NULL DEFAULT 'en' CHECK (default_language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$'),
    resources text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX site_name_key ON site (lower(name));

-- Staff, board members and evaluators. A board member may go by a chosen name (display_name).
CREATE TABLE account (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$'),
    display_name text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 100),
    password_hash text NOT NULL,
    roles text[] NOT NULL CHECK (
        cardinality(roles) > 0 AND roles <@ ARRAY['admin', 'board', 'evaluator']::text[]
    ),
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX account_name_key ON account (lower(name));

-- Only a SHA-256 of each token is kept: tokens are 256 random bits, so a fast hash is enough.
CREATE TABLE api_token (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES account (id),
    token_hash text NOT NULL UNIQUE,
    label text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE INDEX api_token_account_idx ON api_token (account_id);

-- Staff sign-in sessions, shared by every worker and instance. The cookie holds a random token; only its
-- SHA-256 is kept, and a new token is made at every sign-in.
CREATE TABLE web_session (
    token_hash text PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES account (id),
    expires_at timestamptz NOT NULL
);
CREATE INDEX web_session_account_idx ON web_session (account_id);
CREATE INDEX web_session_expires_idx ON web_session (expires_at);

-- Staff actions only (sign-in, account changes, later publishing and exports). Never participants'.
-- subject names what the action was about (an account name, a survey id); detail holds the rest.
CREATE TABLE audit_event (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    account_id bigint REFERENCES account (id),
    action text NOT NULL,
    subject text NOT NULL DEFAULT '',
    detail jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_event_action_subject_idx ON audit_event (action, subject, occurred_at);
CREATE INDEX audit_event_occurred_idx ON audit_event (occurred_at);
