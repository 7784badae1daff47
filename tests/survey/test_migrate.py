"""The migration runner: idempotent, one application per file under concurrency, all-or-nothing per file."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import asyncpg
import pytest

from survey import db, migrate, migration_queries
from survey.settings import resource_dir


@pytest.fixture
def migrations_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "migrations"
    shutil.copytree(resource_dir("migrations"), folder)
    return folder


async def _applied(url: str) -> list[tuple[int, str]]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT version, name FROM schema_migrations ORDER BY version")
        return [(row["version"], row["name"]) for row in rows]
    finally:
        await conn.close()


async def test_running_twice_applies_nothing_the_second_time(empty_conn: db.Connection) -> None:
    first = await migrate.apply_all(empty_conn)
    second = await migrate.apply_all(empty_conn)
    assert first == [m.name for m in migrate.load()]
    assert second == []


async def test_concurrent_runners_apply_each_file_once(empty_database_url: str) -> None:
    connections = [await asyncpg.connect(empty_database_url) for _ in range(4)]
    try:
        results = await asyncio.gather(*(migrate.apply_all(c) for c in connections))
    finally:
        for connection in connections:
            await connection.close()
    applied_names = [name for result in results for name in result]
    assert sorted(applied_names) == sorted(m.name for m in migrate.load())
    assert len(await _applied(empty_database_url)) == len(migrate.load())


async def test_failing_migration_rolls_back_whole_file(
    empty_conn: db.Connection, migrations_copy: Path
) -> None:
    (migrations_copy / "9001_half_done.sql").write_text(
        "CREATE TABLE half_done (id int);\nINSERT INTO half_done VALUES (1);\nSELECT 1 / 0;\n"
    )
    with pytest.raises(asyncpg.DivisionByZeroError):
        await migrate.apply_all(empty_conn, migrations_copy)
    table = await empty_conn.fetchval("SELECT to_regclass('half_done')")
    newest = await empty_conn.fetchval("SELECT max(version) FROM schema_migrations")
    lock_free = await empty_conn.fetchval("SELECT pg_try_advisory_lock($1)", migration_queries.LOCK_KEY)
    assert table is None
    assert newest == max(m.version for m in migrate.load())
    assert lock_free, "the advisory lock must be released after a failure"


async def test_changed_applied_file_is_refused(empty_conn: db.Connection, migrations_copy: Path) -> None:
    await migrate.apply_all(empty_conn, migrations_copy)
    first = sorted(migrations_copy.glob("*.sql"))[0]
    first.write_text(first.read_text() + "\n-- an edit after the fact\n")
    with pytest.raises(migrate.MigrationError, match=re.escape(first.name)):
        await migrate.apply_all(empty_conn, migrations_copy)


async def test_new_file_numbered_below_an_applied_one_is_refused(
    empty_conn: db.Connection, migrations_copy: Path
) -> None:
    (migrations_copy / "9002_later.sql").write_text("CREATE TABLE later_one (id int);")
    await migrate.apply_all(empty_conn, migrations_copy)
    (migrations_copy / "9000_forgotten.sql").write_text("CREATE TABLE forgotten (id int);")
    with pytest.raises(migrate.MigrationError, match=re.escape("9000_forgotten.sql")):
        await migrate.apply_all(empty_conn, migrations_copy)


async def test_status_lists_pending_then_applied(empty_conn: db.Connection) -> None:
    before = await migrate.status(empty_conn)
    await migrate.apply_all(empty_conn)
    after = await migrate.status(empty_conn)
    assert [state.applied for state in before] == [False] * len(before)
    assert [state.applied for state in after] == [True] * len(after)


def test_misnamed_file_is_refused(migrations_copy: Path) -> None:
    (migrations_copy / "2-bad name.sql").write_text("SELECT 1;")
    with pytest.raises(migrate.MigrationError, match=re.escape("NNNN_words.sql")):
        migrate.load(migrations_copy)
