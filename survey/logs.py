"""Logging without client addresses or participant times.

uvicorn's access log is off. Our request log names no client: a line holds the method, the path (no query
string), the status the client received and the time taken; never the address, user agent or any other
header. Requests from the kiosk side (the kiosk pages and API, and anything a tablet holding a kiosk
cookie asks for) get no line of their own, and their unexpected errors none either, since a line's
timestamp would say when a participant answered: they are counted by the UTC day they arrived, and a
day's count is written once, just after the midnight that ends it, and only for a day the server counted
whole (see :class:`KioskRequestCount`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from traceback import walk_tb
from typing import TYPE_CHECKING, Any, Final

from litestar.enums import ScopeType

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from litestar import Litestar
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

request_logger: Final = logging.getLogger("survey.requests")

FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"
KIOSK_COOKIE: Final = "survey_kiosk"
"""The cookie an enrolled tablet carries (set by the kiosk routes)."""
KIOSK_PATHS: Final = ("/kiosk", "/api/kiosk")
STARTED: Final = "request_log_started"
OUR_PACKAGES: Final = ("survey.", "questions.", "analysis.")
"""Modules whose frames name where a kiosk-side error was raised."""
AFTER_MIDNIGHT: Final = timedelta(seconds=1)
"""How long after midnight (UTC) the day's count is written: a time no request chose."""
SHUTDOWN_LINE: Final = (
    "kiosk request counts are written for whole UTC days only: today's are not written at shutdown"
)


def log_config(level: str) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the server: one stderr handler, uvicorn's access log silenced."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": FORMAT}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            # The access log's first field is the client's address: it never runs.
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "survey": {"handlers": ["stderr"], "level": level, "propagate": False},
            "litestar": {"handlers": ["stderr"], "level": level, "propagate": False},
        },
    }


def silence_access_log() -> None:
    """Turn uvicorn's access log off even when the server was started without our log config."""
    logging.getLogger("uvicorn.access").disabled = True


def is_kiosk_side(scope: Scope) -> bool:
    """Whether a request comes from the participant side (a kiosk path, or a tablet's kiosk cookie)."""
    path: str = scope["path"]
    if path.startswith(KIOSK_PATHS):
        return True
    cookies = b";".join(value for name, value in scope.get("headers", ()) if name == b"cookie")
    return f"{KIOSK_COOKIE}=".encode() in cookies


def error_kind(scope: Scope, error: BaseException) -> str:
    """What went wrong, in kind: the exception's class, the route's template and our deepest frame.

    Never the exception's message or the request's path or body, which may hold a participant's answers
    or ids: ``asyncpg.exceptions.DiskFullError on POST /api/kiosk/responses (in survey.intake.store)``.
    """
    kind = type(error)
    name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
    route = scope.get("path_template") or "(no route)"
    ours = [
        f"{frame.f_globals['__name__']}.{frame.f_code.co_qualname}"
        for frame, _ in walk_tb(error.__traceback__)
        if str(frame.f_globals.get("__name__", "")).startswith(OUR_PACKAGES)
    ]
    where = f" (in {ours[-1]})" if ours else ""
    return f"{name} on {scope.get('method', '-')} {route}{where}"


def utc_now() -> datetime:
    """The current time in UTC (the counter's clock; tests give it another)."""
    return datetime.now(UTC)


@dataclass
class DayCount:
    """One UTC day's kiosk-side responses by status, and its unexpected errors by kind."""

    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)


class KioskRequestCount:
    """Kiosk-side responses and unexpected errors by the UTC day they happened (one per process).

    A day's line is written by :meth:`flush` once the day is over, and only for a day the process counted
    from its first moment: a count over part of a day (since a start at 10:20, or until a shutdown at
    14:37) would place the responses and failed submissions in it within that part, more finely than their
    release batch, which is the whole day. So the day a server starts in is not counted (its line says
    so), and at shutdown the day so far is dropped (:meth:`drop`), errors included: a failed submission is
    a participant's answers, sent again by the tablet until it is stored.
    """

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        self.clock = clock
        self.first_day = date.min
        """The first day counted: the first whole UTC day the process served."""
        self.started_on: date | None = None
        """The day the process started in, when it started after midnight: its line has no counts."""
        self.days: dict[date, DayCount] = {}

    def start(self, now: datetime) -> None:
        """Count from the first whole UTC day after a start at ``now`` (``now``'s own day at midnight)."""
        self.days.clear()
        whole = now.time() == datetime.min.time()
        self.started_on = None if whole else now.date()
        self.first_day = now.date() if whole else now.date() + timedelta(days=1)

    def _today(self) -> DayCount | None:
        day = self.clock().date()
        return self.days.setdefault(day, DayCount()) if day >= self.first_day else None

    def add(self, status: int) -> None:
        """Count one response, under the day it was sent."""
        if (today := self._today()) is not None:
            today.statuses[status] += 1

    def add_error(self, kind: str) -> None:
        """Count one unexpected error (see :func:`error_kind`), under the day it happened."""
        if (today := self._today()) is not None:
            today.errors[kind] += 1

    def flush(self, now: datetime) -> None:
        """Write one line for each counted day that ended before ``now`` and forget it.

        A day without kiosk requests has no line; the day the process started in has a line without
        counts, so an operator knows why its numbers are missing.
        """
        today = now.date()
        if self.started_on is not None and self.started_on < today:
            request_logger.info(
                "kiosk requests on %s (UTC): not counted, the server started that day", self.started_on
            )
            self.started_on = None
        for day in sorted(day for day in self.days if day < today):
            count = self.days.pop(day)
            by_status = ", ".join(f"{status}: {n}" for status, n in sorted(count.statuses.items()))
            errors = ", ".join(f"{kind}: {n}" for kind, n in sorted(count.errors.items()))
            errors = f"; unexpected errors: {errors}" if errors else ""
            request_logger.info(
                "kiosk requests on %s (UTC): %d (%s)%s", day, count.statuses.total(), by_status, errors
            )

    def drop(self) -> None:
        """Write the days that have ended, then forget the day so far (at shutdown), saying so in one line.

        A shutdown just after midnight, before the daily line was written, must not lose a whole day.
        """
        self.flush(self.clock())
        self.days.clear()
        request_logger.info(SHUTDOWN_LINE)


kiosk_requests: Final = KioskRequestCount()


def seconds_to_next_midnight(now: datetime) -> float:
    """How long until just after the next midnight (UTC), when the day that ends is written."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return (midnight + AFTER_MIDNIGHT - now).total_seconds()


@asynccontextmanager
async def daily_kiosk_counts(_: Litestar) -> AsyncIterator[None]:
    """Lifespan: write each whole UTC day's kiosk count just after its midnight, and no count at shutdown."""
    kiosk_requests.start(kiosk_requests.clock())

    async def every_day() -> None:
        while True:
            await asyncio.sleep(seconds_to_next_midnight(kiosk_requests.clock()))
            kiosk_requests.flush(kiosk_requests.clock())

    task = asyncio.create_task(every_day())
    try:
        yield
    finally:
        task.cancel()
        kiosk_requests.drop()


def request_log_middleware(app: ASGIApp) -> ASGIApp:
    """ASGI middleware noting when a request began; :func:`log_response` writes its line."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            scope.setdefault("state", {})[STARTED] = time.perf_counter()
        await app(scope, receive, send)

    return middleware


async def log_response(message: Message, scope: Scope) -> None:
    """``before_send`` hook: one line per response, with the status the client actually receives.

    It runs outside every exception handler, so a request refused before or inside the handler is logged
    with the status sent (not a guess), and requests that no route matched are logged too.
    """
    if message["type"] != "http.response.start" or scope["type"] != ScopeType.HTTP:
        return
    status: int = message["status"]
    if is_kiosk_side(scope):
        kiosk_requests.add(status)
        return
    started = scope.get("state", {}).get(STARTED)
    elapsed = f"{(time.perf_counter() - started) * 1000:.1f}ms" if started is not None else "-"
    request_logger.info("%s %s %d %s", scope.get("method"), scope["path"], status, elapsed)
