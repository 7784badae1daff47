"""The database's pulse: one statement that answers when PostgreSQL does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from survey.db import Connection

PING: Final = "SELECT 1"


async def ping(conn: Connection) -> None:
    """Ask the database for nothing; raises when it cannot answer."""
    await conn.fetchval(PING)
