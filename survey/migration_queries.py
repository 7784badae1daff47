"""SQL for the migration runner: its bookkeeping table, and the advisory lock all runners share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from survey.db import fetch_all

if TYPE_CHECKING:
    from survey.db import Connection

# Any fixed 64-bit number works; this one spells "survey" in ASCII so it is recognisable in pg_locks.
LOCK_KEY: Final = 0x737572766579

LOCK: Final = "SELECT pg_advisory_lock($1)"
UNLOCK: Final = "SELECT pg_advisory_unlock($1)"
CREATE_TABLE: Final = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""
TABLE_EXISTS: Final = "SELECT to_regclass('schema_migrations') IS NOT NULL"
SELECT_APPLIED: Final = "SELECT version, name, checksum FROM schema_migrations ORDER BY version"
INSERT_APPLIED: Final = "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)"


class AppliedMigration(msgspec.Struct, frozen=True):
    """A migration this database has, as recorded when it was applied."""

    version: int
    name: str
    checksum: str


async def lock(conn: Connection) -> None:
    """Wait for the migration lock (a session lock: it outlives transactions until :func:`unlock`)."""
    await conn.execute(LOCK, LOCK_KEY)


async def unlock(conn: Connection) -> None:
    """Let the next runner in."""
    await conn.execute(UNLOCK, LOCK_KEY)


async def create_table(conn: Connection) -> None:
    """Make the bookkeeping table when it is missing."""
    await conn.execute(CREATE_TABLE)


async def table_exists(conn: Connection) -> bool:
    """Whether this database has the bookkeeping table yet (without making it)."""
    return bool(await conn.fetchval(TABLE_EXISTS))


async def applied(conn: Connection) -> list[AppliedMigration]:
    """Every migration the bookkeeping table records, by version."""
    return await fetch_all(conn, SELECT_APPLIED, AppliedMigration)


async def run(conn: Connection, script: str) -> None:
    """Run a migration file's statements (the file is SQL written for this: no parameters)."""
    await conn.execute(script)


async def record(conn: Connection, version: int, name: str, checksum: str) -> None:
    """Note a migration as applied, in the transaction that ran it."""
    await conn.execute(INSERT_APPLIED, version, name, checksum)
