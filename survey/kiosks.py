"""Kiosks: enrolment by one-time code, long-lived tablet tokens, revocation, staff PINs, rate limits."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import deque
from datetime import timedelta
from typing import TYPE_CHECKING, Final

import msgspec

from survey import passwords
from survey.audit_queries import audit
from survey.problems import SetupProblem

if TYPE_CHECKING:
    from survey.db import Connection

CODE_LIFETIME: Final = timedelta(minutes=15)
CODE_ALPHABET: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH: Final = 8
TOKEN_PREFIX: Final = "kiosk_"  # noqa: S105 - a prefix, not a secret
# No lockout after wrong codes (one would let anyone block every site's enrolment): a code is 40 random
# bits alive for 15 minutes, so guessing one online is hopeless; failures are audited.

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
RETURNING id, site_id, label
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


class KioskError(SetupProblem, ValueError):
    """A kiosk action was refused; the message says why in plain words."""


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


def new_code() -> str:
    """A short one-time enrolment code, easy to read and type: ``K7M2-Q9PX``."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def code_hash(secret: str, code: str) -> str:
    """Keyed hash of a code (short codes need a key: a plain hash of 40 bits is guessed offline)."""
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hmac.new(secret.encode(), f"kiosk-code:{normalised}".encode(), hashlib.sha256).hexdigest()


def new_kiosk_token() -> str:
    """A tablet token: 256 random bits, prefixed so it is recognisable."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


async def create(
    conn: Connection, *, site_id: int, label: str, actor_id: int | None, secret: str
) -> tuple[int, str]:
    """Add a kiosk for a site and return its id and one-time enrolment code (valid 15 minutes)."""
    code = new_code()
    async with conn.transaction():
        kiosk_id: int = await conn.fetchval(
            INSERT_KIOSK, site_id, label.strip(), code_hash(secret, code), CODE_LIFETIME, actor_id
        )
        await audit(
            conn, "kiosk_created", account_id=actor_id, subject=str(kiosk_id), detail={"label": label}
        )
    return kiosk_id, code


async def create_enrolled(conn: Connection, *, site_id: int, label: str, actor_id: int | None) -> str:
    """Add a kiosk that is enrolled at once, returning its token (scripted kiosks, tests)."""
    token = new_kiosk_token()
    async with conn.transaction():
        kiosk_id = await conn.fetchval(
            INSERT_ENROLLED_KIOSK, site_id, label.strip(), passwords.token_hash(token), actor_id
        )
        await audit(
            conn, "kiosk_enrolled", account_id=actor_id, subject=str(kiosk_id), detail={"label": label}
        )
    return token


async def redeem(conn: Connection, *, code: str, secret: str) -> tuple[str, KioskIdentity]:
    """Exchange a valid enrolment code for a tablet token; the code can never be used again.

    Raises:
        KioskError: the code is wrong, used, expired or revoked.
    """
    token = new_kiosk_token()
    async with conn.transaction():
        row = await conn.fetchrow(REDEEM_CODE, code_hash(secret, code), passwords.token_hash(token))
        if row is None:
            await audit(conn, "kiosk_code_failed", account_id=None)
        else:
            await audit(
                conn,
                "kiosk_enrolled",
                account_id=None,
                subject=str(row["id"]),
                detail={"label": row["label"]},
            )
    if row is None:
        raise KioskError("That code does not work. Codes last 15 minutes and work once: ask for a new one.")
    return token, KioskIdentity(row["id"], row["site_id"], row["label"])


async def identify(conn: Connection, token: str) -> KioskIdentity | None:
    """The enrolled, unrevoked kiosk holding ``token``, or ``None``."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = await conn.fetchrow(KIOSK_IDENTITY, passwords.token_hash(token))
    return None if row is None else KioskIdentity(row["kiosk_id"], row["site_id"], row["label"])


async def revoke(conn: Connection, *, kiosk_id: int, actor_id: int | None) -> None:
    """End a kiosk's token at its next request.

    Raises:
        KioskError: no such kiosk, or it is revoked already.
    """
    async with conn.transaction():
        label = await conn.fetchval(REVOKE, kiosk_id)
        if label is None:
            raise KioskError("There is no such kiosk, or it is already turned off.")
        await audit(
            conn, "kiosk_revoked", account_id=actor_id, subject=str(kiosk_id), detail={"label": label}
        )


async def listing(conn: Connection) -> list[KioskRow]:
    """Every kiosk with its site and state."""
    return [msgspec.convert(dict(row), KioskRow) for row in await conn.fetch(KIOSKS)]


async def site_id_by_name(conn: Connection, name: str) -> int:
    """A site's id by its name.

    Raises:
        KioskError: no site has that name.
    """
    site_id: int | None = await conn.fetchval(SITE_BY_NAME, name)
    if site_id is None:
        raise KioskError(f"There is no site called {name!r}.")
    return site_id


async def set_pin(conn: Connection, *, site_id: int, pin: str, actor_id: int | None) -> None:
    """Set the staff PIN (4-12 digits) that exits kiosk mode at a site; only its argon2 hash is kept.

    Raises:
        KioskError: the PIN is not 4 to 12 digits, or there is no such site.
    """
    if not (pin.isdigit() and 4 <= len(pin) <= 12):
        raise KioskError("A staff PIN is 4 to 12 digits.")
    async with conn.transaction():
        name = await conn.fetchval(SET_PIN, site_id, passwords.hash_password(pin))
        if name is None:
            raise KioskError("There is no such site.")
        await audit(conn, "site_pin_set", account_id=actor_id, subject=str(name))


async def check_pin(conn: Connection, *, site_id: int, pin: str) -> bool:
    """Whether ``pin`` is the site's staff PIN (always false when none is set)."""
    stored: str | None = await conn.fetchval(PIN_HASH, site_id)
    return passwords.verify_password(stored, pin)


class RateLimiter:
    """Responses per kiosk in the last minute, counted in this worker's memory.

    Deliberately not in the database: a counter row written next to each response would let anyone
    holding the database line a response up with its kiosk through PostgreSQL's transaction ids. With W
    workers a tablet may send up to W times the limit, which still stops a runaway script.
    """

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._sent: dict[int, deque[float]] = {}

    def allow(self, kiosk_id: int, now: float | None = None) -> bool:
        """Count one response from the kiosk; ``False`` when it already sent the limit this minute."""
        moment = time.monotonic() if now is None else now
        sent = self._sent.setdefault(kiosk_id, deque())
        while sent and sent[0] <= moment - 60:
            sent.popleft()
        if len(sent) >= self.per_minute:
            return False
        sent.append(moment)
        return True
