"""Helpers for tests: database URLs, a live server subprocess, accounts and signed-in clients."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import httpx
import msgspec

from questions import membership, membership_queries, proposals
from questions import queries as question_queries
from questions.changes import PublishDraft, QuorumChange, WelcomeMember, WordingChange
from questions.demo import demo_definition
from questions.schemas import SurveyDefinition
from survey import accounts, db, demo, kiosks, migrate, passwords, release
from survey.app import CSRF_COOKIE
from survey.schemas import Account, Role

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.testing import AsyncTestClient

PASSWORD = "correct horse battery"
SURVEY_BIN = Path(sys.executable).parent / "survey"


def with_database(url: str, name: str) -> str:
    """The same server URL pointing at another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LiveServer(Protocol):
    """A server the tests reach over HTTP: its address, what it logged, and how to stop it."""

    base_url: str

    def log(self) -> str:
        """Everything the server wrote so far."""
        ...

    def stop(self, signum: int = signal.SIGINT) -> None:
        """Stop it and wait until it has shut down."""
        ...


class ServerProcess:
    """A ``survey run`` subprocess and where its log goes."""

    def __init__(self, process: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
        self.process = process
        self.base_url = base_url
        self.log_path = log_path

    def log(self) -> str:
        """Everything the server wrote so far."""
        return self.log_path.read_text(errors="replace")

    def stop(self, signum: int = signal.SIGINT) -> None:
        """Stop it as Ctrl-C (or, with SIGTERM, a process supervisor) would."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def survey_env(tmp_path: Path, database_url: str | None) -> dict[str, str]:
    """Environment for a ``survey`` subprocess: the test's database or data folder, fixed secrets."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(SURVEY_DATA_DIR=str(tmp_path / "data"), SURVEY_LOG_LEVEL="INFO", PYTHONUNBUFFERED="1")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def start_live_server(
    database_url: str | None, tmp_path: Path, *, workers: int = 1, extra_env: dict[str, str] | None = None
) -> ServerProcess:
    """Start ``survey run`` and wait until ``/healthz`` answers ok."""
    port = free_port()
    log_path = tmp_path / f"server-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(SURVEY_BIN), "run", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
            env={**survey_env(tmp_path, database_url), **(extra_env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = ServerProcess(process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"survey run exited early:\n{server.log()}")
        try:
            if httpx.get(f"{server.base_url}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"survey run did not become healthy:\n{server.log()}")


async def make_account(database_url: str, name: str, roles: list[Role], password: str = PASSWORD) -> Account:
    """Create an account directly through the accounts module."""
    conn = await db.connect(database_url)
    try:
        return await accounts.create_account(
            conn, actor_id=None, name=name, display_name=name.title(), roles=roles, password=password
        )
    finally:
        await conn.close()


async def raw_token(database_url: str, account_id: int) -> str:
    """An API token stored straight into the database, whatever the account's roles (for refusal tests)."""
    token = passwords.new_token()
    conn = await db.connect(database_url)
    try:
        await conn.execute(
            "INSERT INTO api_token (account_id, token_hash) VALUES ($1, $2)",
            account_id,
            passwords.token_hash(token),
        )
    finally:
        await conn.close()
    return token


async def demo_kiosk(database_url: str) -> str:
    """Seed the demo program and enrol a kiosk at its first site; returns the tablet token."""
    conn = await db.connect(database_url)
    try:
        await demo.seed(conn)
        site_id = await conn.fetchval("SELECT id FROM site ORDER BY id LIMIT 1")
        return await kiosks.create_enrolled(conn, site_id=site_id, label="Test tablet", actor_id=None)
    finally:
        await conn.close()


async def csrf_token(client: AsyncTestClient[Litestar]) -> str:
    """The CSRF token of the client's session (fetching a page sets the cookie)."""
    if CSRF_COOKIE not in client.cookies:
        await client.get("/signin")
    return str(client.cookies[CSRF_COOKIE])


async def post_form(
    client: AsyncTestClient[Litestar], path: str, data: dict[str, Any], **kwargs: Any
) -> httpx.Response:
    """POST a form the way a page does, with its CSRF token."""
    form = {"_csrf_token": await csrf_token(client), **data}
    return await client.post(path, data=form, follow_redirects=False, **kwargs)


async def sign_in(client: AsyncTestClient[Litestar], name: str, password: str = PASSWORD) -> httpx.Response:
    """Sign the client in through the real form."""
    return await post_form(client, "/signin", {"name": name, "password": password})


async def board_decides(conn: db.Connection, proposal_id: int) -> None:
    """Every member who may vote on a proposal approves it, one after another, until the board decides it."""
    for voter in sorted(await membership_queries.voters(conn, proposal_id)):
        if (await proposals.vote(conn, proposal_id, "approve", actor_id=voter)).status != "open":
            return
    raise AssertionError(f"the board's approvals did not decide proposal {proposal_id}")


def single_choice_survey(
    title: dict[str, str], key: str, text: dict[str, str], options: list[dict[str, Any]], **fields: Any
) -> SurveyDefinition:
    """A survey of one single-choice question, in the languages of its title.

    Args:
        title: The survey's title by language; its keys are the survey's languages, in order.
        key: The question's key.
        text: The question's words by language.
        options: The answers as a definition's JSON writes them (``code``, ``label``, ``picture``).
        fields: Any other field of the question, such as ``help`` or ``audio``.
    """
    question = {"key": key, "type": "single_choice", "text": text, "options": options, **fields}
    return msgspec.convert(
        {"title": title, "languages": list(title), "questions": [question]}, SurveyDefinition
    )


def reword(text: str, key: str | None = None) -> WordingChange:
    """New English words for one demo question (``key``, else the first), keeping its help and options."""
    definition = demo_definition()
    question = definition.question(key) if key else definition.questions[0]
    assert question is not None
    return WordingChange(
        question=question.key,
        language="en",
        text=text,
        help=question.help.get("en", ""),
        option_labels=[option.label["en"] for option in question.options],
    )


async def make_member(database_url: str, name: str) -> Account:
    """A board account made a voting member the way the rules allow.

    While the board is being set up, the admin path adds it; once it is set up, its members welcome it.
    """
    account = await make_account(database_url, name, ["board"])
    conn = await db.connect(database_url)
    try:
        if (await membership.board_state(conn)).setting_up:
            await membership.add_during_setup(conn, account.id, actor_id=None)
        else:
            proposer = min(await membership_queries.active_members(conn))
            change = WelcomeMember(account_id=account.id)
            welcome = await proposals.propose_about_board(conn, change, reason="", actor_id=proposer)
            await board_decides(conn, welcome)
    finally:
        await conn.close()
    return account


async def set_board_quorum(database_url: str, approvals: int | None) -> None:
    """Set the quorum the way the rules allow: the admin path while setting up, else the board decides it."""
    conn = await db.connect(database_url)
    try:
        state = await membership.board_state(conn)
        if state.setting_up:
            await proposals.set_quorum(conn, approvals, actor_id=None)
        elif state.setting != approvals:
            proposer = min(await membership_queries.active_members(conn))
            change = QuorumChange(approvals=approvals, before=state.setting)
            await board_decides(
                conn, await proposals.propose_about_board(conn, change, reason="", actor_id=proposer)
            )
    finally:
        await conn.close()


async def publish_with_board(database_url: str, survey_id: int) -> None:
    """Publish a survey's draft the only way there is: a publish proposal the board's members approve."""
    members = [(await make_member(database_url, f"panel{n}_{survey_id}")).id for n in (1, 2)]
    conn = await db.connect(database_url)
    try:
        draft = await question_queries.draft(conn, survey_id)
        assert draft is not None
        change = PublishDraft(definition=draft)
        proposal_id = await proposals.propose(conn, survey_id, change, reason="", actor_id=members[0])
        await board_decides(conn, proposal_id)
    finally:
        await conn.close()


async def apply_migrations_before(conn: db.Connection, version: int, folder: Path) -> None:
    """Apply only the migrations below ``version``, copied into ``folder``: to test one on old rows."""
    folder.mkdir()
    for migration in migrate.load():
        if migration.version < version:
            (folder / migration.name).write_text(migration.sql)
    await migrate.apply_all(conn, folder)


def tomorrow() -> date:
    """The server's next day, read when called: a module constant goes stale over a midnight mid-run."""
    return release.today_utc() + timedelta(days=1)


async def release_sent(conn: db.Connection) -> release.ReleaseOutcome:
    """Release every response sent so far (today's too), as the night's release will."""
    return await release.release(conn, tomorrow())


async def wal_files(conn: db.Connection) -> bytes:
    """Every WAL file of the server, read through SQL (a file removed meanwhile reads as nothing).

    The run's server commits asynchronously (tests/conftest.py), so first wait until the WAL written so
    far has reached its files, as the server's WAL writer sees to within a second.
    """
    inserted = await conn.fetchval("SELECT pg_current_wal_insert_lsn()")
    while await conn.fetchval("SELECT pg_current_wal_lsn() < $1", inserted):  # noqa: ASYNC110 - no event to wait on
        await asyncio.sleep(0.05)
    files = await conn.fetch(
        "SELECT pg_read_binary_file('pg_wal/' || name, true) AS content FROM pg_ls_waldir() ORDER BY name"
    )
    return b"".join(row["content"] or b"" for row in files)
