"""The ``survey`` command as an operator runs it, in a subprocess, on the test's database or data folder."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest
from argon2 import extract_parameters

from survey import db, passwords
from survey.backup import tool
from tests.support import SURVEY_BIN, start_live_server, survey_env, with_database

pytestmark = pytest.mark.slow


def survey(
    tmp_path: Path, database_url: str | None, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SURVEY_BIN), *args],
        env=survey_env(tmp_path, database_url),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def postmasters(data_dir: Path) -> list[psutil.Process]:
    """Running (not zombie) postgres processes serving ``data_dir``."""
    found = []
    for process in psutil.process_iter(["name", "cmdline", "status"]):
        info = process.info
        serving = str(data_dir) in " ".join(info["cmdline"] or [])
        if info["name"] == "postgres" and info["status"] != psutil.STATUS_ZOMBIE and serving:
            found.append(process)
    return found


def test_a_command_starts_without_the_disclosure_audit_or_litestars_cli() -> None:
    """The audit's scipy and Litestar's CLI load only for the commands that use them (see LAZY)."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, survey.cli; print(sorted(m for m in ('scipy', 'matplotlib', 'litestar.cli.main')"
            " if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "[]"


def test_demo_seed_then_site_and_user_lists(tmp_path: Path, database_url: str) -> None:
    seeded = survey(tmp_path, database_url, "demo", "seed")
    again = survey(tmp_path, database_url, "demo", "seed")
    sites = survey(tmp_path, database_url, "site", "list")
    users = survey(tmp_path, database_url, "user", "list")
    assert seeded.returncode == 0, seeded.stderr
    assert seeded.stdout.count("admin") >= 1
    assert "none were added" in again.stdout
    assert [line.split("\t")[0] for line in sites.stdout.splitlines()] == [
        "Eastside Drop-in Centre",
        "Harbour Mobile Van",
    ]
    assert [line.split("\t")[:2] for line in users.stdout.splitlines()] == [
        ["admin", "admin"],
        ["board", "board"],
        ["board2", "board"],
        ["evaluator", "evaluator"],
    ]


async def test_user_create_prompts_for_a_password_and_token_works(
    tmp_path: Path, database_url: str, conn: db.Connection
) -> None:
    created = survey(
        tmp_path,
        database_url,
        "user",
        "create",
        "eval",
        "--role",
        "evaluator",
        "--role",
        "board",
        stdin="a long enough password\na long enough password\n",
    )
    token = survey(tmp_path, database_url, "user", "token", "eval").stdout.strip()
    refused = survey(
        tmp_path, database_url, "user", "create", "eval", "--role", "admin", "--password", "x" * 12
    )
    assert created.returncode == 0, created.stderr
    assert refused.returncode != 0
    assert "already taken" in refused.stderr
    server = start_live_server(database_url, tmp_path)
    try:
        me = httpx.get(f"{server.base_url}/api/me", headers={"authorization": f"Bearer {token}"})
    finally:
        server.stop()
    assert me.json()["roles"] == ["board", "evaluator"]
    # A command hashes at the platform's own cost, whatever this test process uses for its accounts.
    stored = await conn.fetchval("SELECT password_hash FROM account WHERE name = 'eval'")
    assert extract_parameters(stored) == extract_parameters(passwords.STRONG.hash("x" * 12))


async def test_backup_restores_into_a_new_database(tmp_path: Path, database_url: str, pg_url: str) -> None:
    survey(tmp_path, database_url, "demo", "seed")
    backup_file = tmp_path / "survey.dump"
    made = survey(tmp_path, database_url, "db", "backup", "--output", str(backup_file))
    assert made.returncode == 0, made.stderr
    admin = await db.connect(pg_url)
    await admin.execute("CREATE DATABASE restored_copy")
    await admin.close()
    restored_url = with_database(pg_url, "restored_copy")
    try:
        restored = survey(tmp_path, restored_url, "db", "restore", str(backup_file), "--yes")
        assert restored.returncode == 0, restored.stderr
        conn = await db.connect(restored_url)
        names = [row["name"] for row in await conn.fetch("SELECT name FROM account ORDER BY name")]
        versions = await conn.fetchval("SELECT count(*) FROM schema_migrations")
        await conn.close()
    finally:
        admin = await db.connect(pg_url)
        await admin.execute("DROP DATABASE IF EXISTS restored_copy WITH (FORCE)")
        await admin.close()
    assert names == ["admin", "board", "board2", "evaluator"]
    assert versions >= 1
    assert tool("pg_restore").exists()


def test_db_status_and_migrate(tmp_path: Path, database_url: str) -> None:
    status = survey(tmp_path, database_url, "db", "status")
    migrated = survey(tmp_path, database_url, "db", "migrate")
    assert status.stdout.splitlines()[0].startswith("applied  0001_")
    assert "Up to date" in migrated.stdout


@pytest.mark.parametrize(
    ("signum", "workers"),
    [(signal.SIGINT, 2), (signal.SIGTERM, 1)],
    ids=["ctrl-c-2-workers", "sigterm-1-worker"],
)
def test_commands_share_the_embedded_database_of_a_running_server(
    tmp_path: Path, signum: int, workers: int
) -> None:
    data_dir = tmp_path / "data"
    server = start_live_server(None, tmp_path, workers=workers)
    try:
        serving = {process.pid for process in postmasters(data_dir)}
        seeded = survey(tmp_path, None, "demo", "seed")
        listed = survey(tmp_path, None, "site", "list")
        health = httpx.get(f"{server.base_url}/healthz").json()
        still_serving = {process.pid for process in postmasters(data_dir)}
    finally:
        server.stop(signum)
    assert seeded.returncode == 0, seeded.stderr
    assert listed.stdout.splitlines()[0].startswith("Eastside Drop-in Centre")
    assert health == {"status": "ok", "database": "ok"}
    assert serving
    assert still_serving == serving, "the commands joined the server's PostgreSQL instead of starting one"
    deadline = time.monotonic() + 15
    while postmasters(data_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert postmasters(data_dir) == [], "stopping the server must leave no PostgreSQL behind"


def test_setup_errors_are_one_plain_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env_dir = tmp_path / "elsewhere"
    env_dir.mkdir()
    result = subprocess.run(
        [str(SURVEY_BIN), "site", "list"],
        env={**survey_env(env_dir, None), "SURVEY_DATA_DIR": str(blocker / "data")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "SURVEY_DATA_DIR" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_one_plain_line(tmp_path: Path) -> None:
    unreachable = "postgresql://survey@127.0.0.1:9/survey"
    result = survey(tmp_path, unreachable, "db", "status")
    assert result.returncode != 0
    assert "Cannot reach PostgreSQL at postgresql://survey@127.0.0.1:9/survey" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_changed_migration_stops_every_command(tmp_path: Path, database_url: str) -> None:
    async def tamper() -> None:
        conn = await db.connect(database_url)
        try:
            await conn.execute("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
        finally:
            await conn.close()

    asyncio.run(tamper())
    result = survey(tmp_path, database_url, "site", "list")
    assert result.returncode != 0
    assert "0001_initial.sql changed after it was applied" in result.stderr
