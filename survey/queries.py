"""SQL for sites, accounts, sessions, API tokens and the audit trail, with small typed functions around it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from survey.db import fetch_all, fetch_one
from survey.schemas import Account, Principal, Role, Site, SiteDetail, account_name_key

if TYPE_CHECKING:
    from datetime import timedelta

    from survey.db import Connection

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
ACCOUNT_BY_NAME: Final = "SELECT id, name, display_name, roles, active FROM account WHERE name_key = $1"
CREDENTIALS: Final = "SELECT id, password_hash, active FROM account WHERE name_key = $1"
INSERT_ACCOUNT: Final = """
INSERT INTO account (name, name_key, display_name, password_hash, roles) VALUES ($1, $2, $3, $4, $5)
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
SELECT a.id AS account_id, a.name, a.display_name, a.roles, 'session' AS via,
       s.expires_at < now() + $2::interval / 2 AS renew
FROM web_session s JOIN account a ON a.id = s.account_id
WHERE s.token_hash = $1 AND s.expires_at > now() AND a.active
"""
RENEW_SESSION: Final = "UPDATE web_session SET expires_at = now() + $2::interval WHERE token_hash = $1"
DELETE_SESSION: Final = "DELETE FROM web_session WHERE token_hash = $1 RETURNING account_id"
DELETE_ACCOUNT_SESSIONS: Final = "DELETE FROM web_session WHERE account_id = $1"
DELETE_EXPIRED_SESSIONS: Final = "DELETE FROM web_session WHERE expires_at < now()"

INSERT_TOKEN: Final = "INSERT INTO api_token (account_id, token_hash, label) VALUES ($1, $2, $3)"
TOKEN_PRINCIPAL: Final = """
SELECT a.id AS account_id, a.name, a.display_name, a.roles, 'token' AS via
FROM api_token t JOIN account a ON a.id = t.account_id
WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND a.active
"""
REVOKE_ACCOUNT_TOKENS: Final = (
    "UPDATE api_token SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL"
)

SIGNIN_LOCK: Final = "SELECT pg_advisory_xact_lock(hashtext('signin:' || $1))"
RECENT_FAILURES: Final = """
SELECT count(*) FROM audit_event
WHERE action = 'signin_failed' AND subject = $1 AND occurred_at > now() - $2::interval
"""


class Credentials(msgspec.Struct, frozen=True, kw_only=True):
    """What sign-in checks a password against; read only by :func:`credentials`, never shown."""

    id: int
    password_hash: str
    active: bool


class _LiveSession(Principal, frozen=True, kw_only=True):
    renew: bool
    """Half the session's lifetime has passed: extend it."""


async def site_details(conn: Connection) -> list[SiteDetail]:
    """Every site with what its kiosks run, its resources text and whether it has a staff PIN."""
    return await fetch_all(conn, SITE_DETAILS, SiteDetail)


async def sites(conn: Connection) -> list[Site]:
    """Every site, by name."""
    return await fetch_all(conn, SITES, Site)


async def insert_site(conn: Connection, name: str, default_language: str) -> Site:
    """Add a site and return it."""
    site = await fetch_one(conn, INSERT_SITE, Site, name.strip(), default_language)
    assert site is not None  # noqa: S101 - INSERT ... RETURNING always returns the row
    return site


async def accounts(conn: Connection) -> list[Account]:
    """Every account, by name."""
    return await fetch_all(conn, ACCOUNTS, Account)


async def account_by_id(conn: Connection, account_id: int) -> Account | None:
    """One account by id, or ``None``."""
    return await fetch_one(conn, ACCOUNT_BY_ID, Account, account_id)


async def account_by_name(conn: Connection, name: str) -> Account | None:
    """One account by its sign-in name (any spelling with the same :func:`account_name_key`), or ``None``."""
    return await fetch_one(conn, ACCOUNT_BY_NAME, Account, account_name_key(name))


async def insert_account(
    conn: Connection, name: str, display_name: str, password_hash: str, roles: list[Role]
) -> Account:
    """Add an account and return it."""
    account = await fetch_one(
        conn,
        INSERT_ACCOUNT,
        Account,
        name,
        account_name_key(name),
        display_name.strip(),
        password_hash,
        roles,
    )
    assert account is not None  # noqa: S101 - INSERT ... RETURNING always returns the row
    return account


async def credentials(conn: Connection, name: str) -> Credentials | None:
    """The id, password hash and state of the account with this sign-in name (by its key)."""
    return await fetch_one(conn, CREDENTIALS, Credentials, account_name_key(name))


async def password_hash(conn: Connection, account_id: int) -> str | None:
    """An account's password hash, or ``None`` when there is no such account."""
    stored: str | None = await conn.fetchval(PASSWORD_HASH, account_id)
    return stored


async def lock_account(conn: Connection, account_id: int) -> None:
    """Hold an account's row until the transaction ends."""
    await conn.execute(LOCK_ACCOUNT, account_id)


async def lock_admins(conn: Connection) -> None:
    """Hold every admin's row, in id order, until the transaction ends."""
    await conn.execute(LOCK_ADMINS)


async def active_admins(conn: Connection) -> int:
    """How many active accounts hold the admin role."""
    count: int = await conn.fetchval(ACTIVE_ADMINS)
    return count


async def update_roles(conn: Connection, account_id: int, roles: list[Role]) -> None:
    """Replace an account's roles."""
    await conn.execute(UPDATE_ROLES, account_id, roles)


async def update_active(conn: Connection, account_id: int, active: bool) -> None:
    """Turn an account on or off (nothing else: its sessions and tokens are the caller's to end)."""
    await conn.execute(UPDATE_ACTIVE, account_id, active)


async def update_password(conn: Connection, account_id: int, password_hash: str) -> None:
    """Store a new password hash."""
    await conn.execute(UPDATE_PASSWORD, account_id, password_hash)


async def update_display_name(conn: Connection, account_id: int, display_name: str) -> None:
    """Change the name others see."""
    await conn.execute(UPDATE_DISPLAY_NAME, account_id, display_name.strip())


async def insert_session(conn: Connection, token_hash: str, account_id: int, lifetime: timedelta) -> None:
    """Open a session for an account, ending after ``lifetime`` unless renewed."""
    await conn.execute(INSERT_SESSION, token_hash, account_id, lifetime)


async def delete_session(conn: Connection, token_hash: str) -> int | None:
    """End one session, returning its account's id (``None`` for an unknown token)."""
    account_id: int | None = await conn.fetchval(DELETE_SESSION, token_hash)
    return account_id


async def delete_account_sessions(conn: Connection, account_id: int) -> None:
    """End every session of an account."""
    await conn.execute(DELETE_ACCOUNT_SESSIONS, account_id)


async def delete_expired_sessions(conn: Connection) -> None:
    """Drop the sessions past their end."""
    await conn.execute(DELETE_EXPIRED_SESSIONS)


async def session_principal(conn: Connection, token_hash: str, lifetime: timedelta) -> Principal | None:
    """The account behind a live session, renewing the session when half its lifetime has passed."""
    live = await fetch_one(conn, SESSION_PRINCIPAL, _LiveSession, token_hash, lifetime)
    if live is None:
        return None
    if live.renew:
        await conn.execute(RENEW_SESSION, token_hash, lifetime)
    return Principal(
        account_id=live.account_id,
        name=live.name,
        display_name=live.display_name,
        roles=live.roles,
        via=live.via,
    )


async def insert_token(conn: Connection, account_id: int, token_hash: str, label: str) -> None:
    """Store an API token's hash for an account."""
    await conn.execute(INSERT_TOKEN, account_id, token_hash, label.strip())


async def revoke_account_tokens(conn: Connection, account_id: int) -> None:
    """Revoke every API token of an account that is not revoked already."""
    await conn.execute(REVOKE_ACCOUNT_TOKENS, account_id)


async def token_principal(conn: Connection, token_hash: str) -> Principal | None:
    """The account behind an unrevoked API token of an active account."""
    return await fetch_one(conn, TOKEN_PRINCIPAL, Principal, token_hash)


async def signin_lock(conn: Connection, name: str) -> None:
    """Hold the sign-in lock of an account name (by its key) until the transaction ends."""
    await conn.execute(SIGNIN_LOCK, account_name_key(name))


async def recent_failures(conn: Connection, name: str, window: timedelta) -> int:
    """Failed sign-ins for an account name (by its key) within the window."""
    count: int = await conn.fetchval(RECENT_FAILURES, account_name_key(name), window)
    return count


async def update_site_settings(
    conn: Connection, site_id: int, survey_id: int | None, resources: str
) -> str | None:
    """Set the survey a site's kiosks run and its thank-you resources; the site's name, ``None`` if none."""
    name: str | None = await conn.fetchval(UPDATE_SITE_SETTINGS, site_id, survey_id, resources)
    return name
