"""SQL for kiosks, their enrolment codes and tokens, and what a kiosk reads of its site (PIN, resources)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from survey.db import fetch_all, fetch_one

if TYPE_CHECKING:
    from datetime import timedelta

    from survey.db import Connection

INSERT_KIOSK: Final = """
INSERT INTO kiosk (site_id, label, code_hash, code_expires_at, created_by)
VALUES ($1, $2, $3, now() + $4::interval, $5) RETURNING id
"""
INSERT_ENROLLED_KIOSK: Final = """
INSERT INTO kiosk (site_id, label, token_hash, enrolled_at, created_by)
VALUES ($1, $2, $3, now(), $4) RETURNING id
"""
REDEEM_CODE: Final = """
UPDATE kiosk SET token_hash = $2, code_hash = NULL, code_expires_at = NULL, enrolled_at = now()
WHERE code_hash = $1 AND code_expires_at > now() AND revoked_at IS NULL
RETURNING id AS kiosk_id, site_id, label
"""
KIOSK_IDENTITY: Final = """
SELECT k.id AS kiosk_id, k.site_id, k.label FROM kiosk k JOIN site s ON s.id = k.site_id
WHERE k.token_hash = $1 AND k.revoked_at IS NULL
"""
REVOKE: Final = "UPDATE kiosk SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING label"
KIOSKS: Final = """
SELECT k.id, k.label, s.name AS site, k.token_hash IS NOT NULL AS enrolled,
       k.revoked_at IS NOT NULL AS revoked, k.code_expires_at > now() AS code_pending
FROM kiosk k JOIN site s ON s.id = k.site_id ORDER BY lower(s.name), lower(k.label), k.id
"""
SITE_BY_NAME: Final = "SELECT id FROM site WHERE lower(name) = lower($1)"
SET_PIN: Final = "UPDATE site SET staff_pin_hash = $2 WHERE id = $1 RETURNING name"
PIN_HASH: Final = "SELECT staff_pin_hash FROM site WHERE id = $1"
KIOSK_SITE: Final = "SELECT name, resources, survey_id FROM site WHERE id = $1"


class KioskIdentity(msgspec.Struct, frozen=True):
    """An enrolled, unrevoked tablet: which kiosk and which site. Never stored with a response."""

    kiosk_id: int
    site_id: int
    label: str


class KioskRow(msgspec.Struct, frozen=True):
    """A kiosk as the admin page and CLI list it."""

    id: int
    label: str
    site: str
    enrolled: bool
    revoked: bool
    code_pending: bool | None


class KioskSite(msgspec.Struct, frozen=True):
    """What a kiosk shows of its site: the name, the thank-you screen's resources, the survey it runs."""

    name: str
    resources: str
    survey_id: int | None


async def insert_kiosk(
    conn: Connection, site_id: int, label: str, code_hash: str, code_lifetime: timedelta, actor_id: int | None
) -> int:
    """Add a kiosk waiting for its enrolment code (valid for ``code_lifetime``), returning its id."""
    kiosk_id: int = await conn.fetchval(
        INSERT_KIOSK, site_id, label.strip(), code_hash, code_lifetime, actor_id
    )
    return kiosk_id


async def insert_enrolled_kiosk(
    conn: Connection, site_id: int, label: str, token_hash: str, actor_id: int | None
) -> int:
    """Add a kiosk already holding a token, returning its id."""
    kiosk_id: int = await conn.fetchval(INSERT_ENROLLED_KIOSK, site_id, label.strip(), token_hash, actor_id)
    return kiosk_id


async def redeem_code(conn: Connection, code_hash: str, token_hash: str) -> KioskIdentity | None:
    """Swap a live, unrevoked kiosk's code for a token; ``None`` when no kiosk waits for that code."""
    return await fetch_one(conn, REDEEM_CODE, KioskIdentity, code_hash, token_hash)


async def kiosk_identity(conn: Connection, token_hash: str) -> KioskIdentity | None:
    """The unrevoked kiosk holding the token with this hash, or ``None``."""
    return await fetch_one(conn, KIOSK_IDENTITY, KioskIdentity, token_hash)


async def revoke(conn: Connection, kiosk_id: int) -> str | None:
    """Revoke a kiosk, returning its label (``None``: no such kiosk, or it was revoked already)."""
    label: str | None = await conn.fetchval(REVOKE, kiosk_id)
    return label


async def kiosks(conn: Connection) -> list[KioskRow]:
    """Every kiosk with its site and state, by site and label."""
    return await fetch_all(conn, KIOSKS, KioskRow)


async def site_id_by_name(conn: Connection, name: str) -> int | None:
    """A site's id by its name (case-insensitive), or ``None``."""
    site_id: int | None = await conn.fetchval(SITE_BY_NAME, name)
    return site_id


async def set_pin_hash(conn: Connection, site_id: int, pin_hash: str) -> str | None:
    """Store a site's staff PIN hash, returning the site's name (``None``: no such site)."""
    name: str | None = await conn.fetchval(SET_PIN, site_id, pin_hash)
    return name


async def pin_hash(conn: Connection, site_id: int) -> str | None:
    """A site's staff PIN hash, or ``None`` when it has none (or there is no such site)."""
    stored: str | None = await conn.fetchval(PIN_HASH, site_id)
    return stored


async def kiosk_site(conn: Connection, site_id: int) -> KioskSite | None:
    """The site a kiosk belongs to, as the kiosk shows it, or ``None``."""
    return await fetch_one(conn, KIOSK_SITE, KioskSite, site_id)
