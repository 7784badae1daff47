"""The daily release: held responses move into the response tables in shuffled batches of whole days.

Responses land in the inbox the moment a kiosk sends them (durable and idempotent on their id), keeping
only the day they arrived. A release takes every held response of the days that have ended, shuffles them
with the operating system's randomness and writes them in one transaction, so they share one ``xmin`` and
their row order, ``ctid`` and dump order say nothing about the order they were sent in; then it rewrites
the inbox's files, and after the commit lets the server delete the write-ahead log that held them.
Analysis reads only released responses, so a dashboard's counts change once a day, not the moment
someone at a site finishes. The server releases shortly after each midnight (UTC) under a lock, so
several workers or instances release once; ``survey responses shuffle`` releases now.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Final, Literal

import asyncpg
import msgspec

from analysis import protected_store
from survey import release_queries
from survey.audit_queries import audit

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from datetime import date

    from litestar import Litestar

    from survey.db import Connection, Pool

logger = logging.getLogger(__name__)

RELEASE_AT: Final = time(0, 5)
"""When the server releases each day (UTC): a few minutes after the day it releases has ended."""
RETRY_SECONDS: Final = 300.0


class ReleaseOutcome(msgspec.Struct, frozen=True):
    """What one release did: ``released`` responses, ``busy`` (another process is releasing), or none due."""

    status: Literal["released", "busy", "nothing_due"]
    responses: int = 0
    still_held: int = 0


def today_utc() -> date:
    """The server's day, which decides which held responses are due."""
    return datetime.now(UTC).date()


async def release(conn: Connection, today: date | None = None) -> ReleaseOutcome:
    """Release every held response that arrived before ``today``, shuffled, in one transaction.

    Args:
        conn: a connection outside any transaction.
        today: the day whose arrivals stay held (the server's day when omitted).
    """
    today = today or today_utc()
    async with conn.transaction():
        if not await release_queries.try_lock_for_release(conn):
            return ReleaseOutcome("busy")
        rows = await release_queries.due(conn, today)
        if rows:
            random.SystemRandom().shuffle(rows)
            await release_queries.write_batch(conn, rows, today)
            await audit(conn, "responses_released", account_id=None, detail={"responses": len(rows)})
        still_held = await release_queries.held_count(conn)
    if not rows:
        return ReleaseOutcome("nothing_due", still_held=still_held)
    logger.info("released %d held response(s) in one shuffled batch", len(rows))
    await retire_wal(conn)
    return ReleaseOutcome("released", responses=len(rows), still_held=still_held)


async def retire_wal(conn: Connection, kept: str = "the released responses' arrival times") -> None:
    """Let the server delete the WAL that held what was just released (or deleted) with its times.

    Where it cannot (an external server's ordinary role may not), the work stands, and the log says
    once what is left to the operator (docs/admin.md).

    Args:
        conn: a connection outside any transaction.
        kept: what the WAL keeps meanwhile, for the log line.
    """
    try:
        await release_queries.retire_wal(conn)
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
        logger.warning(
            "could not switch the write-ahead log and checkpoint (may this database role?): the WAL keeps"
            " %s; see docs/admin.md, 'Write-ahead log'",
            kept,
        )


def seconds_until(moment: time, now: datetime) -> float:
    """How long from ``now`` until the next ``moment`` of the day (UTC)."""
    target = datetime.combine(now.date(), moment, tzinfo=UTC)
    if target <= now:
        target += timedelta(days=1)
    return (target - now).total_seconds()


DailyJob = Callable[["Connection"], Awaitable[bool | None]]
"""One day's work: whether figures changed (the protected sets are then decided again), or ``None``
when another worker holds the lock (try again in :data:`RETRY_SECONDS`)."""


@asynccontextmanager
async def daily(app: Litestar, what: str, at: time, job: DailyJob) -> AsyncIterator[None]:
    """Lifespan: run ``job`` at start (a missed night), then every day at ``at`` (UTC).

    A failure (the database may be away: the outage handler says so once) is logged without details and
    tried again in :data:`RETRY_SECONDS`.
    """

    async def loop() -> None:
        pool: Pool = app.state.pool
        delay = 0.0
        while True:
            await asyncio.sleep(delay)
            try:
                async with pool.acquire() as conn:
                    changed = await job(conn)
                    if changed:  # the first dashboard after it is then quick
                        await protected_store.warm(conn, app.state.settings.min_cell)
                delay = RETRY_SECONDS if changed is None else seconds_until(at, datetime.now(UTC))
            except Exception:
                logger.warning("the daily %s could not run; trying again in %d s", what, RETRY_SECONDS)
                delay = RETRY_SECONDS

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()


async def _release_job(conn: Connection) -> bool:
    return (await release(conn)).status == "released"


def daily_release(app: Litestar) -> AbstractAsyncContextManager[None]:
    """Lifespan: release what is due at start (a missed night), then every day at :data:`RELEASE_AT`."""
    return daily(app, "release", RELEASE_AT, _release_job)
