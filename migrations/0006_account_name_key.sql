-- One normalisation of account names for storage, look-up, uniqueness and sign-in limits alike: the
-- name's NFKC form, case-folded (survey.schemas.account_name_key, computed by the application, since
-- PostgreSQL has no case folding). Before, failures were counted under Python's lower() and looked up
-- with PostgreSQL's lower(), which disagree on letters such as U+0130, so some names had no limit.
-- Existing names are ASCII (the CHECK on account.name), where NFKC changes nothing and lower() is case
-- folding, so lower() gives every existing account its key.

ALTER TABLE account ADD COLUMN name_key text;
UPDATE account SET name_key = lower(name);
ALTER TABLE account ALTER COLUMN name_key SET NOT NULL;
DROP INDEX account_name_key;
CREATE UNIQUE INDEX account_name_key ON account (name_key);
-- Failed sign-ins were recorded under lower(name) too; they keep counting under the same key.
