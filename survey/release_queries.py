"""SQL of the response inbox and its daily release into the response tables."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Final
from uuid import UUID

import msgspec

from survey import response_queries
from survey.db import fetch_all, fetch_one

if TYPE_CHECKING:
    from survey.db import Connection

RELEASE_LOCK_KEY: Final = 0x5245_4C45  # "RELE": intake takes it shared, a release takes it alone
LOCK_FOR_INTAKE: Final = "SELECT pg_advisory_xact_lock_shared($1)"
LOCK_FOR_RELEASE: Final = "SELECT pg_try_advisory_xact_lock($1)"
HELD_HASH: Final = "SELECT content_hash FROM response_inbox WHERE id = $1"
HOLD: Final = """
INSERT INTO response_inbox (id, arrived_on, content_hash, held) VALUES ($1, $2, $3, $4)
ON CONFLICT (id) DO NOTHING RETURNING id
"""
DUE: Final = "SELECT id, content_hash, held FROM response_inbox WHERE arrived_on < $1"
HELD_COUNT: Final = "SELECT count(*) FROM response_inbox"
# Taking the released rows out empties the inbox's files, whatever other transactions are open: DELETE
# then VACUUM FULL would keep every row a concurrent snapshot (an export, autovacuum's ANALYZE) may still
# see. TRUNCATE gives the table new, empty files at commit; every row not released goes back in.
# The lock (kiosk sends wait, reads go on) keeps a row from arriving between what is kept and the TRUNCATE.
LOCK_INBOX: Final = "LOCK TABLE response_inbox IN EXCLUSIVE MODE"
KEEP_HELD: Final = """
CREATE TEMPORARY TABLE still_held ON COMMIT DROP AS
SELECT id, arrived_on, content_hash, held FROM response_inbox WHERE NOT (id = ANY($1::uuid[]))
"""
EMPTY_INBOX: Final = "TRUNCATE response_inbox"
PUT_BACK_HELD: Final = """
INSERT INTO response_inbox (id, arrived_on, content_hash, held)
SELECT id, arrived_on, content_hash, held FROM still_held
"""
# The inbox's rows stay in the write-ahead log after the TRUNCATE, each next to its commit time, until the
# segment holding them is no longer needed. Closing the segment and checkpointing makes every segment
# before the release unneeded, and the server then deletes them (renames them for reuse unless
# wal_recycle is off: survey/embedded.py). Both need a superuser, or pg_checkpoint and EXECUTE on
# pg_switch_wal (PostgreSQL 15+).
SWITCH_WAL: Final = "SELECT pg_switch_wal()"
CHECKPOINT: Final = "CHECKPOINT"
LAST_RELEASE: Final = "SELECT released_on, responses FROM response_release ORDER BY released_on DESC LIMIT 1"
RECORD_RELEASE: Final = """
INSERT INTO response_release (released_on, responses) VALUES ($1, $2)
ON CONFLICT (released_on) DO UPDATE SET responses = response_release.responses + excluded.responses
"""


class HeldScore(msgspec.Struct, frozen=True):
    """A measure score computed at intake, waiting with its response."""

    measure: str
    value: float
    band: str | None
    missing_items: int
    scoring_version: str


class HeldResponse(msgspec.Struct, frozen=True, kw_only=True):
    """A checked, scored response waiting in the inbox for its batch."""

    survey_version_id: int
    site_id: int
    language: str
    period: str
    linkage: list[str] | None
    answers: dict[str, Any]
    scores: list[HeldScore]
    answered_with: str | None = None
    """How the participant answered; absent in responses held before it was asked."""


class InboxRow(msgspec.Struct, frozen=True):
    """One row of the inbox."""

    id: UUID
    content_hash: str
    held: HeldResponse


class Release(msgspec.Struct, frozen=True):
    """A released batch: the day, and how many responses it held."""

    released_on: date
    responses: int


async def lock_for_intake(conn: Connection) -> None:
    """Wait while a batch is being released (intakes share the lock; a release takes it alone)."""
    await conn.execute(LOCK_FOR_INTAKE, RELEASE_LOCK_KEY)


async def try_lock_for_release(conn: Connection) -> bool:
    """Take the release lock for this transaction if nobody else holds it."""
    taken: bool = await conn.fetchval(LOCK_FOR_RELEASE, RELEASE_LOCK_KEY)
    return taken


async def content_hash(conn: Connection, response_id: UUID) -> str | None:
    """The content hash of a response held or released with this id, or ``None`` when there is none."""
    found = await response_queries.content_hash(conn, response_id)
    if found is None:
        found = await conn.fetchval(HELD_HASH, response_id)
    return found


async def hold(conn: Connection, response_id: UUID, arrived_on: date, hash_: str, held: HeldResponse) -> bool:
    """Put a response in the inbox; ``False`` when one with this id is already there."""
    return await conn.fetchval(HOLD, response_id, arrived_on, hash_, held) is not None


async def due(conn: Connection, today: date) -> list[InboxRow]:
    """The held responses of the days before ``today`` (in no meaningful order: the release shuffles)."""
    return await fetch_all(conn, DUE, InboxRow, today)


async def held_count(conn: Connection) -> int:
    """How many responses wait for release."""
    count: int = await conn.fetchval(HELD_COUNT)
    return count


async def retire_wal(conn: Connection) -> None:
    """Let the server delete the WAL written so far: close the current segment, then checkpoint.

    Raises:
        asyncpg.InsufficientPrivilegeError: the role may not switch the WAL or may not checkpoint.
    """
    await conn.execute(SWITCH_WAL)
    await conn.execute(CHECKPOINT)


async def last_release(conn: Connection) -> Release | None:
    """The latest release, or ``None`` before the first."""
    return await fetch_one(conn, LAST_RELEASE, Release)


async def write_batch(conn: Connection, rows: list[InboxRow], today: date) -> None:
    """Write ``rows`` to the response tables in this order, take them from the inbox, record the day.

    The inbox is emptied with TRUNCATE (every row not released is put back), so no released row stays in
    its files. From the lock to the caller's commit a kiosk's send waits (its outbox keeps it meanwhile).
    """
    await response_queries.copy_released(
        conn,
        [
            (
                r.id,
                r.held.survey_version_id,
                r.held.site_id,
                r.held.language,
                r.held.period,
                r.held.linkage,
                r.content_hash,
                r.held.answered_with,
            )
            for r in rows
        ],
        [(r.id, key, value) for r in rows for key, value in r.held.answers.items()],
        [
            (r.id, s.measure, s.value, s.band, s.missing_items, s.scoring_version)
            for r in rows
            for s in r.held.scores
        ],
    )
    await conn.execute(LOCK_INBOX)
    await conn.execute(KEEP_HELD, [r.id for r in rows])
    await conn.execute(EMPTY_INBOX)
    await conn.execute(PUT_BACK_HELD)
    await conn.execute(RECORD_RELEASE, today, len(rows))
