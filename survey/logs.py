"""Logging without client addresses or participant times.

uvicorn's access log is off. Our request log names no client: a line holds the method, the path (no query
string), the status the client received and the time taken; never the address, user agent or any other
header. Requests from the kiosk side (the kiosk pages and API, and anything a tablet holding a kiosk
cookie asks for) get no line of their own, since a line's timestamp would say when a participant answered:
they are counted, and the count is written once an hour, on the hour.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from litestar.enums import ScopeType

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from litestar import Litestar
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

request_logger: Final = logging.getLogger("survey.requests")

FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"
KIOSK_COOKIE: Final = "survey_kiosk"
"""The cookie an enrolled tablet carries (set by the kiosk routes)."""
KIOSK_PATHS: Final = ("/kiosk", "/api/kiosk")
STARTED: Final = "request_log_started"


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


class KioskRequestCount:
    """Kiosk-side responses by status since the last hourly line (one per process)."""

    def __init__(self) -> None:
        self.statuses: Counter[int] = Counter()

    def add(self, status: int) -> None:
        """Count one response."""
        self.statuses[status] += 1

    def flush(self) -> None:
        """Write the hour's counts as one line (nothing when there were none) and start again."""
        if self.statuses:
            by_status = ", ".join(f"{status}: {count}" for status, count in sorted(self.statuses.items()))
            request_logger.info("kiosk requests in the past hour: %d (%s)", self.statuses.total(), by_status)
        self.statuses.clear()


kiosk_requests: Final = KioskRequestCount()


def seconds_to_next_hour(now: datetime) -> float:
    """How long until the next full hour, so the count is written at a time no request chose."""
    next_hour = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return (next_hour - now).total_seconds()


@asynccontextmanager
async def hourly_kiosk_counts(_: Litestar) -> AsyncIterator[None]:
    """Lifespan: write the kiosk request count on every full hour, and once more at shutdown."""

    async def every_hour() -> None:
        while True:
            await asyncio.sleep(seconds_to_next_hour(datetime.now(UTC)))
            kiosk_requests.flush()

    task = asyncio.create_task(every_hour())
    try:
        yield
    finally:
        task.cancel()
        kiosk_requests.flush()


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
