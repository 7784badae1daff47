"""SQL for sites, accounts, sessions, API tokens and the audit trail, with small typed functions around it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from survey.db import Connection, record_to_dict
from survey.schemas import Account, Principal, Role, Site, SiteDetail

if TYPE_CHECKING:
    from datetime import timedelta

SITE_DETAILS: Final = """
SELECT id, name, default_language, resources, survey_id, staff_pin_hash IS NOT NULL AS has_pin
FROM site ORDER BY lower(name)
"""
UPDATE_SITE_SETTINGS: Final = "UPDATE site SET survey_id = $2, resources = $3 WHERE id = $1 RETURNING name"
SITES: Final = "SELECT id, name, default_language FROM site ORDER BY lower(name)"
INSERT_SITE: Final = (
    "INSERT INTO site (name, default_language) VALUES ($1, $2) RETURNING id, name, default_language"
)

ACCOUNTS: Final = "SELECT id, name, display_name, roles, active FROM account ORDER BY lower(name)"
ACCOUNT_BY_ID: Final = "SELECT id, name, display_name, roles, active FROM account WHERE id = $1"
ACCOUNT_BY_NAME: Final = (
    "SELECT id, name, display_name, roles, active FROM account WHERE lower(name) = lower($1)"
)
CREDENTIALS: Final = "SELECT id, password_hash, active FROM account WHERE lower(name) = lower($1)"
INSERT_ACCOUNT: Final = """
INSERT INTO account (name, display_name, password_hash, roles) VALUES ($1, $2, $3, $4)
RETURNING id, name, display_name, roles, active
"""
UPDATE_ROLES: Final = "UPDATE account SET roles = $2 WHERE id = $1"
UPDATE_ACTIVE: Final = "UPDATE account SET active = $2 WHERE id = $1"
UPDATE_PASSWORD: Final = "UPDATE account SET password_hash = $2 WHERE id = $1"
UPDATE_DISPLAY_NAME: Final = "UPDATE account SET display_name = $2 WHERE id = $1"
PASSWORD_HASH: Final = "SELECT password_hash FROM account WHERE id = $1"
LOCK_ACCOUNT: Final = "SELECT 1 FROM account WHERE id = $1 FOR UPDATE"
LOCK_ADMINS: Final = "SELECT 1 FROM account WHERE 'admin' = ANY(roles) ORDER BY id FOR UPDATE"
ACTIVE_ADMINS: Final = "SELECT count(*) FROM account WHERE active AND 'admin' = ANY(roles)"

INSERT_SESSION: Final = (
    "INSERT INTO web_session (token_hash, account_id, expires_at) VALUES ($1, $2, now() + $3::interval)"
)
SESSION_PRINCIPAL: Final = """
SELECT a.id AS account_id, a.name, a.display_name, a.roles, s.expires_at < now() + $2::interval / 2 AS renew
FROM web_session s JOIN account a ON a.id = s.account_id
WHERE s.token_hash = $1 AND s.expires_at > now() AND a.active
"""
RENEW_SESSION: Final = "UPDATE web_session SET expires_at = now() + $2::interval WHERE token_hash = $1"
DELETE_SESSION: Final = "DELETE FROM web_session WHERE token_hash = $1 RETURNING account_id"
DELETE_ACCOUNT_SESSIONS: Final = "DELETE FROM web_session WHERE account_id = $1"
DELETE_EXPIRED_SESSIONS: Final = "DELETE FROM web_session WHERE expires_at < now()"

INSERT_TOKEN: Final = "INSERT INTO api_token (account_id, token_hash, label) VALUES ($1, $2, $3)"
TOKEN_PRINCIPAL: Final = """
SELECT a.id AS account_id, a.name, a.display_name, a.roles
FROM api_token t JOIN account a ON a.id = t.account_id
WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND a.active
"""
REVOKE_ACCOUNT_TOKENS: Final = (
    "UPDATE api_token SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL"
)

SIGNIN_LOCK: Final = "SELECT pg_advisory_xact_lock(hashtext('signin:' || $1))"
RECENT_FAILURES: Final = """
SELECT count(*) FROM audit_event
WHERE action = 'signin_failed' AND subject = lower($1) AND occurred_at > now() - $2::interval
"""


async def site_details(conn: Connection) -> list[SiteDetail]:
    """Every site with what its kiosks run, its resources text and whether it has a staff PIN."""
    return [msgspec.convert(record_to_dict(row), SiteDetail) for row in await conn.fetch(SITE_DETAILS)]


async def sites(conn: Connection) -> list[Site]:
    """Every site, by name."""
    return [msgspec.convert(record_to_dict(row), Site) for row in await conn.fetch(SITES)]


async def insert_site(conn: Connection, name: str, default_language: str) -> Site:
    """Add a site and return it."""
    row = await conn.fetchrow(INSERT_SITE, name.strip(), default_language)
    assert row is not None  # noqa: S101 - INSERT ... RETURNING always returns the row
    return msgspec.convert(record_to_dict(row), Site)


async def accounts(conn: Connection) -> list[Account]:
    """Every account, by name."""
    return [msgspec.convert(record_to_dict(row), Account) for row in await conn.fetch(ACCOUNTS)]


async def account_by_id(conn: Connection, account_id: int) -> Account | None:
    """One account by id, or ``None``."""
    row = await conn.fetchrow(ACCOUNT_BY_ID, account_id)
    return None if row is None else msgspec.convert(record_to_dict(row), Account)


async def account_by_name(conn: Connection, name: str) -> Account | None:
    """One account by its sign-in name (case-insensitive), or ``None``."""
    row = await conn.fetchrow(ACCOUNT_BY_NAME, name)
    return None if row is None else msgspec.convert(record_to_dict(row), Account)


async def insert_account(
    conn: Connection, name: str, display_name: str, password_hash: str, roles: list[Role]
) -> Account:
    """Add an account and return it."""
    row = await conn.fetchrow(INSERT_ACCOUNT, name, display_name.strip(), password_hash, roles)
    assert row is not None  # noqa: S101 - INSERT ... RETURNING always returns the row
    return msgspec.convert(record_to_dict(row), Account)


async def session_principal(conn: Connection, token_hash: str, lifetime: timedelta) -> Principal | None:
    """The account behind a live session, renewing the session when half its lifetime has passed."""
    row = await conn.fetchrow(SESSION_PRINCIPAL, token_hash, lifetime)
    if row is None:
        return None
    if row["renew"]:
        await conn.execute(RENEW_SESSION, token_hash, lifetime)
    values = record_to_dict(row)
    del values["renew"]
    return msgspec.convert({**values, "via": "session"}, Principal)


async def token_principal(conn: Connection, token_hash: str) -> Principal | None:
    """The account behind an unrevoked API token of an active account."""
    row = await conn.fetchrow(TOKEN_PRINCIPAL, token_hash)
    return None if row is None else msgspec.convert({**record_to_dict(row), "via": "token"}, Principal)


async def recent_failures(conn: Connection, name: str, window: timedelta) -> int:
    """Failed sign-ins for an account name within the window."""
    count: int = await conn.fetchval(RECENT_FAILURES, name, window)
    return count


async def update_site_settings(
    conn: Connection, site_id: int, survey_id: int | None, resources: str
) -> str | None:
    """Set the survey a site's kiosks run and its thank-you resources; the site's name, ``None`` if none."""
    name: str | None = await conn.fetchval(UPDATE_SITE_SETTINGS, site_id, survey_id, resources)
    return name
