"""Kiosks: enrolment by one-time code, long-lived tablet tokens, revocation, staff PINs, rate limits."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from collections import deque
from datetime import timedelta
from typing import TYPE_CHECKING, Final, Literal

import msgspec

from survey import kiosk_queries, passwords
from survey.audit_queries import audit
from survey.problems import SetupProblem

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from survey.db import Connection
    from survey.kiosk_queries import KioskIdentity, KioskRow

CODE_LIFETIME: Final = timedelta(minutes=15)
CODE_ALPHABET: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH: Final = 8
TOKEN_PREFIX: Final = "kiosk_"  # noqa: S105 - a prefix, not a secret
# No lockout after wrong codes (one would let anyone block every site's enrolment): a code is 40 random
# bits alive for 15 minutes, so guessing one online is hopeless; failures are audited.
PIN_TRIES: Final = 5
"""Wrong staff PINs a kiosk may have in a row before it must wait."""
FIRST_PIN_WAIT: Final = timedelta(minutes=1)
"""The wait after the fifth wrong PIN in a row; it doubles after each further one."""
LONGEST_PIN_WAIT: Final = timedelta(hours=1)
"""The waits stop growing here: a 4-digit PIN still takes months to guess, and staff are never shut out
of their own tablet for a day."""


NO_SITE: Final = "There is no such site, or it is archived: kiosks are added only at a site in use."


class KioskError(SetupProblem, ValueError):
    """A kiosk action was refused; the message says why in plain words."""


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
    """Add a kiosk for a site and return its id and one-time enrolment code (valid 15 minutes).

    Raises:
        KioskError: there is no such site, or it is archived.
    """
    code = new_code()
    async with conn.transaction():
        kiosk_id = await kiosk_queries.insert_kiosk(
            conn, site_id, label, code_hash(secret, code), CODE_LIFETIME, actor_id
        )
        if kiosk_id is None:
            raise KioskError(NO_SITE)
        await audit(
            conn, "kiosk_created", account_id=actor_id, subject=str(kiosk_id), detail={"label": label}
        )
    return kiosk_id, code


async def create_enrolled(conn: Connection, *, site_id: int, label: str, actor_id: int | None) -> str:
    """Add a kiosk that is enrolled at once, returning its token (scripted kiosks, tests).

    Raises:
        KioskError: there is no such site, or it is archived.
    """
    token = new_kiosk_token()
    async with conn.transaction():
        kiosk_id = await kiosk_queries.insert_enrolled_kiosk(
            conn, site_id, label, passwords.token_hash(token), actor_id
        )
        if kiosk_id is None:
            raise KioskError(NO_SITE)
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
        identity = await kiosk_queries.redeem_code(conn, code_hash(secret, code), passwords.token_hash(token))
        if identity is None:
            await audit(conn, "kiosk_code_failed", account_id=None)
        else:
            await audit(
                conn,
                "kiosk_enrolled",
                account_id=None,
                subject=str(identity.kiosk_id),
                detail={"label": identity.label},
            )
    if identity is None:
        raise KioskError("That code does not work. Codes last 15 minutes and work once: ask for a new one.")
    return token, identity


async def identify(conn: Connection, token: str) -> KioskIdentity | None:
    """The enrolled, unrevoked kiosk holding ``token``, or ``None``."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    return await kiosk_queries.kiosk_identity(conn, passwords.token_hash(token))


async def revoke(conn: Connection, *, kiosk_id: int, actor_id: int | None) -> None:
    """End a kiosk's token at its next request.

    Raises:
        KioskError: no such kiosk, or it is revoked already.
    """
    refusal = "There is no such kiosk, or it is already turned off."
    await _stop(conn, kiosk_id, actor_id, kiosk_queries.revoke, "kiosk_revoked", refusal)


async def rename(conn: Connection, *, kiosk_id: int, label: str, actor_id: int | None) -> str:
    """Give a kiosk a new label (its history keeps the old one in the audit trail); the new label.

    Raises:
        KioskError: no such kiosk, or it is archived.
    """
    async with conn.transaction():
        before = await kiosk_queries.lock_label(conn, kiosk_id)
        renamed = await kiosk_queries.rename(conn, kiosk_id, label)
        if renamed is None or before is None:
            raise KioskError("There is no such kiosk, or it is archived.")
        await audit(
            conn,
            "kiosk_renamed",
            account_id=actor_id,
            subject=str(kiosk_id),
            detail={"from": before, "to": renamed},
        )
    return renamed


async def archive(conn: Connection, *, kiosk_id: int, actor_id: int | None) -> str:
    """Archive a kiosk: its token and any code stop working at once, its history stays; its label.

    Raises:
        KioskError: no such kiosk, or it is archived already.
    """
    refusal = "There is no such kiosk, or it is archived already."
    return await _stop(conn, kiosk_id, actor_id, kiosk_queries.archive, "kiosk_archived", refusal)


async def _stop(
    conn: Connection,
    kiosk_id: int,
    actor_id: int | None,
    stop: Callable[[Connection, int], Awaitable[str | None]],
    action: str,
    refusal: str,
) -> str:
    """Stop a kiosk's token with ``stop`` and audit ``action`` with its label, in one transaction; the label.

    Raises:
        KioskError: ``stop`` found no kiosk to stop; ``refusal`` says so.
    """
    async with conn.transaction():
        label = await stop(conn, kiosk_id)
        if label is None:
            raise KioskError(refusal)
        await audit(conn, action, account_id=actor_id, subject=str(kiosk_id), detail={"label": label})
    return label


async def listing(conn: Connection) -> list[KioskRow]:
    """Every kiosk with its site and state."""
    return await kiosk_queries.kiosks(conn)


async def site_id_by_name(conn: Connection, name: str) -> int:
    """A site's id by its name.

    Raises:
        KioskError: no site has that name.
    """
    site_id = await kiosk_queries.site_id_by_name(conn, name)
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
        name = await kiosk_queries.set_pin_hash(conn, site_id, passwords.hash_password(pin))
        if name is None:
            raise KioskError("There is no such site.")
        await audit(conn, "site_pin_set", account_id=actor_id, subject=name)


def pin_wait(failures: int) -> timedelta:
    """How long a kiosk waits before its next PIN try after ``failures`` wrong ones in a row.

    None for the first ``PIN_TRIES``; then ``FIRST_PIN_WAIT``, doubling after each further wrong PIN, up
    to ``LONGEST_PIN_WAIT``.
    """
    if failures < PIN_TRIES:
        return timedelta(0)
    doublings = min(failures - PIN_TRIES, 16)  # far past the longest wait; keeps the power small
    wait: timedelta = FIRST_PIN_WAIT * (1 << doublings)
    return min(wait, LONGEST_PIN_WAIT)


class PinOutcome(msgspec.Struct, frozen=True):
    """What a staff PIN try on a kiosk came to.

    ``right``: the kiosk is now paused or resumed. ``wrong``: refused and counted; ``wait`` is how long
    the kiosk now waits before the next try (zero while tries remain). ``waiting``: refused without
    looking at the PIN, because the kiosk is still waiting ``wait`` longer. ``gone``: the kiosk was
    revoked in the meantime.
    """

    result: Literal["right", "wrong", "waiting", "gone"]
    wait: timedelta = timedelta(0)

    @property
    def retry_after(self) -> str:
        """The wait in whole seconds, for a ``Retry-After`` header (at least 1)."""
        return str(max(1, math.ceil(self.wait.total_seconds())))


async def staff_pin(conn: Connection, kiosk: KioskIdentity, *, pin: str, pause: bool) -> PinOutcome:
    """Try the site's staff PIN on a kiosk, to pause it (``pause``, leaving kiosk mode) or resume it.

    Tries are limited per kiosk and counted in the database (every worker sees the same count): after
    ``PIN_TRIES`` wrong PINs in a row the kiosk waits (see ``pin_wait``) before the next try, and a right
    PIN starts the count again. Each refusal is a ``kiosk_pin_failed`` audit event whose subject is the
    kiosk's label (no participant is ever part of it); a right PIN is ``kiosk_paused`` or
    ``kiosk_resumed``. Tries on one kiosk run one at a time (its row is locked), so guesses sent in
    parallel are counted like guesses sent in turn.
    """
    detail: dict[str, object] = {"kiosk_id": kiosk.kiosk_id}
    async with conn.transaction():
        label = await kiosk_queries.lock_kiosk(conn, kiosk.kiosk_id)
        if label is None:
            return PinOutcome("gone")
        tally = await kiosk_queries.pin_tally(conn, kiosk.kiosk_id)
        if tally.last_failure is not None:
            remaining = tally.last_failure + pin_wait(tally.failures) - tally.checked_at
            if remaining > timedelta(0):
                await audit(
                    conn,
                    "kiosk_pin_failed",
                    account_id=None,
                    subject=label,
                    detail={**detail, "waiting": True},
                )
                return PinOutcome("waiting", remaining)
        stored = await kiosk_queries.pin_hash(conn, kiosk.site_id)
        if not passwords.verify_password(stored, pin):
            await audit(conn, "kiosk_pin_failed", account_id=None, subject=label, detail=detail)
            return PinOutcome("wrong", pin_wait(tally.failures + 1))
        await kiosk_queries.set_paused(conn, kiosk.kiosk_id, pause)
        await audit(
            conn, "kiosk_paused" if pause else "kiosk_resumed", account_id=None, subject=label, detail=detail
        )
    return PinOutcome("right")


async def check_pin(conn: Connection, *, site_id: int, pin: str) -> bool:
    """Whether ``pin`` is the site's staff PIN (always false when none is set)."""
    stored = await kiosk_queries.pin_hash(conn, site_id)
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
