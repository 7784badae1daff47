-- Sites and kiosks can be renamed and archived from the admin pages. Archiving keeps every row (a site's
-- responses, a kiosk's audit events) and stops the thing working: an archived kiosk's token and code are
-- refused, and every kiosk of an archived site with it. Only the state is kept; who archived what and when
-- is in the audit trail (site_archived, kiosk_archived), like every staff action.
ALTER TABLE site ADD COLUMN archived boolean NOT NULL DEFAULT false;
ALTER TABLE kiosk ADD COLUMN archived boolean NOT NULL DEFAULT false;

-- The day (UTC) a kiosk last fetched its survey, so an admin sees a tablet that went quiet. A day and never
-- a time, written at most once a day and only when the tablet reads its survey, never when it sends a
-- response: nothing here lines a response up with a kiosk (docs/admin.md).
ALTER TABLE kiosk ADD COLUMN last_contact_on date;
