-- Leaving kiosk mode pauses the tablet: /kiosk then shows "paused by staff" until the site's staff PIN
-- is entered again there (or the tablet is enrolled anew, which makes a new kiosk row). Only the state is
-- kept here; when staff paused or resumed it is in the audit trail (kiosk_paused, kiosk_resumed), like
-- every staff action, and nothing here says anything about a participant or a response.
ALTER TABLE kiosk ADD COLUMN paused boolean NOT NULL DEFAULT false;

-- Wrong staff PINs are counted per kiosk from the audit trail (kiosk_pin_failed since the last right PIN,
-- which pauses or resumes), as sign-ins are counted per account name: in the database, so every worker
-- sees the same count, and with no timestamp beyond the audit events themselves.
CREATE INDEX audit_event_kiosk_pin_idx ON audit_event ((detail ->> 'kiosk_id'), occurred_at)
    WHERE action IN ('kiosk_pin_failed', 'kiosk_paused', 'kiosk_resumed');
