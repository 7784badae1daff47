"""SQL for kiosks: enrolment codes and tokens, pausing, staff PIN tries, what a kiosk reads of its site."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Final

import msgspec

from survey.db import fetch_all, fetch_one

if TYPE_CHECKING:
    from datetime import timedelta

    from survey.db import Connection

# Kiosks are added only at a site in use (not archived); no row is added otherwise.
INSERT_KIOSK: Final = """
INSERT INTO kiosk (site_id, label, code_hash, code_expires_at, created_by)
SELECT id, $2, $3, now() + $4::interval, $5 FROM site WHERE id = $1 AND NOT archived RETURNING id
"""
INSERT_ENROLLED_KIOSK: Final = """
INSERT INTO kiosk (site_id, label, token_hash, enrolled_at, created_by)
SELECT id, $2, $3, now(), $4 FROM site WHERE id = $1 AND NOT archived RETURNING id
"""
REDEEM_CODE: Final = """
UPDATE kiosk k SET token_hash = $2, code_hash = NULL, code_expires_at = NULL, enrolled_at = now()
FROM site s
WHERE s.id = k.site_id AND k.code_hash = $1 AND k.code_expires_at > now() AND k.revoked_at IS NULL
  AND NOT k.archived AND NOT s.archived
RETURNING k.id AS kiosk_id, k.site_id, k.label, k.paused
"""
# An archived kiosk, or any kiosk of an archived site, is refused like a revoked one.
KIOSK_IDENTITY: Final = """
SELECT k.id AS kiosk_id, k.site_id, k.label, k.paused FROM kiosk k JOIN site s ON s.id = k.site_id
WHERE k.token_hash = $1 AND k.revoked_at IS NULL AND NOT k.archived AND NOT s.archived
"""
REVOKE: Final = "UPDATE kiosk SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING label"
KIOSKS: Final = """
SELECT k.id, k.label, s.name AS site, k.token_hash IS NOT NULL AS enrolled,
       k.revoked_at IS NOT NULL AS revoked, k.code_expires_at > now() AS code_pending, k.paused,
       k.archived, s.archived AS site_archived, k.last_contact_on
FROM kiosk k JOIN site s ON s.id = k.site_id ORDER BY k.archived, lower(s.name), lower(k.label), k.id
"""
LOCK_LABEL: Final = "SELECT label FROM kiosk WHERE id = $1 AND NOT archived FOR UPDATE"
RENAME_KIOSK: Final = "UPDATE kiosk SET label = $2 WHERE id = $1 AND NOT archived RETURNING label"
ARCHIVE_KIOSK: Final = """
UPDATE kiosk SET archived = true, revoked_at = coalesce(revoked_at, now()), code_hash = NULL,
                 code_expires_at = NULL
WHERE id = $1 AND NOT archived RETURNING label
"""
SITE_BY_NAME: Final = "SELECT id FROM site WHERE lower(name) = lower($1)"
SET_PIN: Final = "UPDATE site SET staff_pin_hash = $2 WHERE id = $1 RETURNING name"
PIN_HASH: Final = "SELECT staff_pin_hash FROM site WHERE id = $1"
KIOSK_SITE: Final = "SELECT name, resources, survey_id, default_language FROM site WHERE id = $1"
# Staff PIN tries run one at a time per kiosk (the row lock), so parallel guesses cannot all pass the
# count before any failure is written.
LOCK_KIOSK: Final = "SELECT label FROM kiosk WHERE id = $1 AND revoked_at IS NULL FOR UPDATE"
# Wrong PINs since the last right one (which paused or resumed the kiosk); tries refused while waiting
# are audited with "waiting" and not counted, so they neither lengthen the wait nor reveal anything.
PIN_TALLY: Final = """
SELECT count(*) AS failures, max(f.occurred_at) AS last_failure, clock_timestamp() AS checked_at
FROM audit_event f
WHERE f.action = 'kiosk_pin_failed' AND f.detail ->> 'kiosk_id' = $1::text AND NOT f.detail ? 'waiting'
  AND f.occurred_at > coalesce(
      (SELECT max(r.occurred_at) FROM audit_event r
       WHERE r.action IN ('kiosk_paused', 'kiosk_resumed') AND r.detail ->> 'kiosk_id' = $1::text),
      '-infinity')
"""
SET_PAUSED: Final = "UPDATE kiosk SET paused = $2 WHERE id = $1"


class KioskIdentity(msgspec.Struct, frozen=True):
    """An enrolled, unrevoked tablet: which kiosk and which site. Never stored with a response."""

    kiosk_id: int
    site_id: int
    label: str
    paused: bool
    """Staff left kiosk mode: the tablet shows "paused by staff" until the PIN is entered there again."""


class KioskRow(msgspec.Struct, frozen=True):
    """A kiosk as the admin page and CLI list it."""

    id: int
    label: str
    site: str
    enrolled: bool
    revoked: bool
    code_pending: bool | None
    paused: bool
    archived: bool
    site_archived: bool
    last_contact_on: date | None
    """The last day (UTC) the tablet read its survey; never a time, never linked to a response."""


class PinTally(msgspec.Struct, frozen=True):
    """A kiosk's wrong staff PINs since the last right one, and the database's clock now."""

    failures: int
    last_failure: datetime | None
    checked_at: datetime


class KioskSite(msgspec.Struct, frozen=True):
    """What a kiosk shows of its site: the name, the thank-you screen's resources, the survey it runs."""

    name: str
    resources: str
    survey_id: int | None
    default_language: str


async def insert_kiosk(
    conn: Connection, site_id: int, label: str, code_hash: str, code_lifetime: timedelta, actor_id: int | None
) -> int | None:
    """Add a kiosk waiting for its enrolment code (valid for ``code_lifetime``); its id.

    ``None``: there is no such site in use (none, or it is archived), and nothing was added.
    """
    kiosk_id: int | None = await conn.fetchval(
        INSERT_KIOSK, site_id, label.strip(), code_hash, code_lifetime, actor_id
    )
    return kiosk_id


async def insert_enrolled_kiosk(
    conn: Connection, site_id: int, label: str, token_hash: str, actor_id: int | None
) -> int | None:
    """Add a kiosk already holding a token; its id (``None``: no such site in use)."""
    kiosk_id: int | None = await conn.fetchval(
        INSERT_ENROLLED_KIOSK, site_id, label.strip(), token_hash, actor_id
    )
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


async def lock_kiosk(conn: Connection, kiosk_id: int) -> str | None:
    """Hold the kiosk's row until the transaction ends, returning its label (``None``: gone or revoked)."""
    label: str | None = await conn.fetchval(LOCK_KIOSK, kiosk_id)
    return label


async def pin_tally(conn: Connection, kiosk_id: int) -> PinTally:
    """How many wrong staff PINs the kiosk had since the last right one, and when the latest was."""
    tally = await fetch_one(conn, PIN_TALLY, PinTally, str(kiosk_id))
    if tally is None:  # an aggregate without GROUP BY always has its one row
        raise RuntimeError("the PIN tally returned no row")
    return tally


async def set_paused(conn: Connection, kiosk_id: int, paused: bool) -> None:
    """Pause the kiosk (staff left kiosk mode) or resume it."""
    await conn.execute(SET_PAUSED, kiosk_id, paused)


async def lock_label(conn: Connection, kiosk_id: int) -> str | None:
    """Hold a kiosk in use until the transaction ends, returning its label (``None``: none, or archived)."""
    label: str | None = await conn.fetchval(LOCK_LABEL, kiosk_id)
    return label


async def rename(conn: Connection, kiosk_id: int, label: str) -> str | None:
    """Give a kiosk in use a new label, returning it (``None``: no such kiosk, or it is archived)."""
    renamed: str | None = await conn.fetchval(RENAME_KIOSK, kiosk_id, label.strip())
    return renamed


async def archive(conn: Connection, kiosk_id: int) -> str | None:
    """Archive a kiosk (its token and code stop working), returning its label (``None``: none, or done)."""
    label: str | None = await conn.fetchval(ARCHIVE_KIOSK, kiosk_id)
    return label
