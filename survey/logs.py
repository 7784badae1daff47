"""Logging without client addresses: uvicorn's access log is off, and our request log names no client.

A request line holds the method, the path (no query string), the status and the time taken; never the
address, user agent or any other header.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, Final

from litestar.enums import ScopeType

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

request_logger: Final = logging.getLogger("survey.requests")

FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"


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


def request_log_middleware(app: ASGIApp) -> ASGIApp:
    """ASGI middleware logging one address-free line per HTTP request."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, send_wrapper)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            request_logger.info("%s %s %d %.1fms", scope.get("method"), scope["path"], status, elapsed)

    return middleware
