"""While the database is unreachable: 503 with Retry-After, one log line when it goes and one when it is back.

No request logs a traceback for it: every route answers the same plain 503 until the database returns.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, Final

import asyncpg

from survey import health_queries
from survey.db import DatabaseUnavailableError

if TYPE_CHECKING:
    from types import TracebackType

    from survey.db import Pool

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS: Final = 10
PROBE_SECONDS: Final = 2.0

# Errors that mean "PostgreSQL is not there" rather than "this request is wrong". OSError counts only when
# it comes from the database driver (a missing socket is FileNotFoundError, a stopped server refuses).
DATABASE_GONE: Final[tuple[type[BaseException], ...]] = (
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    DatabaseUnavailableError,
)
HANDLED: Final[tuple[type[BaseException], ...]] = (*DATABASE_GONE, OSError, TimeoutError)
"""The exception classes to route through :func:`is_outage`."""
PROBE_FAILURES: Final[tuple[type[BaseException], ...]] = (*HANDLED, asyncpg.InterfaceError)


def _raised_in_driver(traceback: TracebackType | None) -> bool:
    while traceback is not None:
        if traceback.tb_frame.f_globals.get("__name__", "").startswith("asyncpg"):
            return True
        traceback = traceback.tb_next
    return False


def is_outage(error: BaseException) -> bool:
    """Whether ``error`` means the database cannot be reached."""
    if isinstance(error, DATABASE_GONE):
        return True
    return isinstance(error, OSError | TimeoutError) and _raised_in_driver(error.__traceback__)


class Outage:
    """One process's view of the database: reachable, or gone since the first failure it saw."""

    def __init__(self) -> None:
        self.gone = False
        self._probe: asyncio.Task[None] | None = None

    def noticed(self, pool: Pool | None, error: BaseException) -> None:
        """A request failed for want of the database: log it the first time, then watch for its return."""
        if self.gone:
            return
        self.gone = True
        logger.warning("database unreachable (%s); answering 503 until it is back", type(error).__name__)
        if pool is not None:
            self._probe = asyncio.get_running_loop().create_task(self._watch(pool))

    async def _watch(self, pool: Pool) -> None:
        while True:
            await asyncio.sleep(PROBE_SECONDS)
            try:
                async with pool.acquire(timeout=PROBE_SECONDS) as conn:
                    await health_queries.ping(conn)
            except PROBE_FAILURES:
                continue
            self.gone = False
            logger.warning("database reachable again")
            return

    def close(self) -> None:
        """Stop watching (the app is shutting down)."""
        if self._probe is not None:
            self._probe.cancel()


def retry_headers() -> dict[str, Any]:
    """The headers of a 503 while the database is away."""
    return {"Retry-After": str(RETRY_AFTER_SECONDS)}
