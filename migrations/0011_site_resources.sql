-- A site's thank-you resources (where to get naloxone, testing, a hotline) in the languages of its survey.
-- site.resources stays the text in the site's main language (what the kiosk has always shown); this table
-- holds the same resources in the site's other languages, one row per language.
CREATE TABLE site_resource (
    site_id bigint NOT NULL REFERENCES site (id),
    language text NOT NULL CHECK (language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$'),
    body text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    PRIMARY KEY (site_id, language)
);
