-- Kiosks (enrolled tablets), what each site runs, and anonymous responses.
-- A response carries its survey version, site, language and a coarse period, and nothing else about
-- when, where from or on which tablet it was given: no timestamp, no kiosk id, no serial number.

ALTER TABLE site ADD COLUMN staff_pin_hash text;
ALTER TABLE site ADD COLUMN survey_id bigint REFERENCES survey (id);

CREATE TABLE kiosk (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id bigint NOT NULL REFERENCES site (id),
    label text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 100),
    -- A one-time enrolment code (keyed hash), valid until code_expires_at; cleared when redeemed.
    code_hash text UNIQUE,
    code_expires_at timestamptz,
    -- The tablet's long-lived token (SHA-256); set when the code is redeemed.
    token_hash text UNIQUE,
    enrolled_at timestamptz,
    revoked_at timestamptz,
    created_by bigint REFERENCES account (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kiosk_site_idx ON kiosk (site_id);

CREATE TABLE response (
    id uuid PRIMARY KEY,                    -- random (version 4), made on the tablet
    survey_version_id bigint NOT NULL REFERENCES survey_version (id),
    site_id bigint NOT NULL REFERENCES site (id),
    language text NOT NULL,
    period text NOT NULL CHECK (period ~ '^\d{4}-(\d{2}|W\d{2})$'),
    completed boolean NOT NULL DEFAULT true,
    linkage jsonb,                          -- keyed HMACs of the parts of an optional linkage code
    content_hash text NOT NULL              -- SHA-256 of the submitted content, for idempotent resends
);
CREATE INDEX response_version_site_period_idx ON response (survey_version_id, site_id, period);

CREATE TABLE answer (
    response_id uuid NOT NULL REFERENCES response (id),
    question_key text NOT NULL,
    value jsonb NOT NULL,                   -- a code, a list of codes, a number, text, or "prefer_not_to_say"
    PRIMARY KEY (response_id, question_key)
);

CREATE TABLE measure_score (
    response_id uuid NOT NULL REFERENCES response (id),
    measure text NOT NULL,
    value double precision NOT NULL,
    band text,
    missing_items integer NOT NULL DEFAULT 0,
    scoring_version text NOT NULL,
    PRIMARY KEY (response_id, measure)
);
CREATE INDEX measure_score_measure_idx ON measure_score (measure);
