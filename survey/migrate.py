"""Forward-only SQL migrations: numbered files, one transaction each, one advisory lock for all runners."""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Final

import msgspec

from survey import migration_queries
from survey.problems import SetupProblem
from survey.settings import resource_dir

if TYPE_CHECKING:
    from pathlib import Path

    from survey.db import Connection

FILE_PATTERN: Final = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class MigrationError(SetupProblem, RuntimeError):
    """The migrations on disk and in the database disagree; the message says which file and what to do."""


class Migration(msgspec.Struct, frozen=True):
    """One migration file."""

    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        """SHA-256 of the file's text, recorded when it is applied."""
        return hashlib.sha256(self.sql.encode()).hexdigest()


class MigrationState(msgspec.Struct, frozen=True):
    """A file and whether the database has it."""

    version: int
    name: str
    applied: bool


def load(directory: Path | None = None) -> list[Migration]:
    """Read the migration files in version order.

    Raises:
        MigrationError: a ``.sql`` file is misnamed or two files share a number.
    """
    folder = directory or resource_dir("migrations")
    migrations: dict[int, Migration] = {}
    for path in sorted(folder.glob("*.sql")):
        match = FILE_PATTERN.match(path.name)
        if match is None:
            raise MigrationError(f"{path.name}: migration files are named NNNN_words.sql")
        version = int(match.group(1))
        if version in migrations:
            raise MigrationError(f"{path.name} and {migrations[version].name} share the number {version:04d}")
        migrations[version] = Migration(version, path.name, path.read_text(encoding="utf-8"))
    return [migrations[version] for version in sorted(migrations)]


async def apply_all(connection: Connection, directory: Path | None = None) -> list[str]:
    """Apply every pending migration, each in its own transaction, holding the advisory lock throughout.

    Concurrent runners (several workers starting at once) wait on the lock; the second finds nothing left.

    Returns:
        The names of the files applied by this call.

    Raises:
        MigrationError: an applied file changed on disk, or a new file is numbered below an applied one.
    """
    migrations = load(directory)
    await migration_queries.lock(connection)
    try:
        await migration_queries.create_table(connection)
        applied = {row.version: row for row in await migration_queries.applied(connection)}
        newest = max(applied, default=0)
        done: list[str] = []
        for migration in migrations:
            row = applied.get(migration.version)
            if row is not None:
                if row.checksum != migration.checksum:
                    raise MigrationError(
                        f"{migration.name} changed after it was applied to this database. Applied "
                        "migrations are never edited: restore the file and put the change in a new one."
                    )
                continue
            if migration.version < newest:
                raise MigrationError(
                    f"{migration.name} is numbered below {newest:04d}, which is already applied. "
                    "Give it the next free number."
                )
            async with connection.transaction():
                await migration_queries.run(connection, migration.sql)
                await migration_queries.record(
                    connection, migration.version, migration.name, migration.checksum
                )
            done.append(migration.name)
        return done
    finally:
        await migration_queries.unlock(connection)


async def status(connection: Connection, directory: Path | None = None) -> list[MigrationState]:
    """Each migration file and whether this database has applied it."""
    applied: set[int] = set()
    if await migration_queries.table_exists(connection):
        applied = {row.version for row in await migration_queries.applied(connection)}
    return [MigrationState(m.version, m.name, m.version in applied) for m in load(directory)]
