"""Shared fixtures: one embedded PostgreSQL per run, a fresh database per test, the app, clients.

Under pytest-xdist (``make test`` runs two workers) the workers share one embedded server in the run's
base folder: the migrated template and each demo database are made once, by whichever worker asks first,
under a file lock, and every worker copies them.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Final, NamedTuple

import asyncpg
import pytest
from argon2 import PasswordHasher
from litestar import Litestar
from litestar.testing import AsyncTestClient

from analysis import protected_store
from survey import db, demo, embedded, migrate, passwords, synthetic
from survey.app import create_app
from survey.settings import DEFAULT_MIN_CELL, Settings
from tests.support import LiveServer, start_live_server, with_database

TEMPLATE: Final = "survey_template"
DEMO_DATA: Final = "demo_data"
# The session's cluster is thrown away, so it need not survive a power cut: without fsync a database is
# created and dropped in milliseconds instead of a checkpoint each (PostgreSQL's "Non-Durable Settings").
NON_DURABLE: Final = ("fsync", "synchronous_commit", "full_page_writes")
# For the same reason, accounts made and signed in here use argon2id at its smallest cost (a fifth of a
# second less per hash and per check): see survey.passwords.use_hasher. Servers and commands that tests
# start as processes hash at the platform's cost (tests/survey/test_cli.py checks it).
passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


class DemoData(NamedTuple):
    """What a ``demo_data`` test's database holds: ``survey demo seed``, then synthetic responses if any."""

    responses: int | None = None
    seed: int = 1
    today: date | None = None
    warm: bool = True
    """Whether the protected set is built too (10-40 s a survey), as ``survey demo responses`` does."""


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``demo_data`` marker next to the fixture that reads it."""
    config.addinivalue_line(
        "markers",
        f"{DEMO_DATA}(responses=None, seed=1, today=None, warm=True): the test's database starts as a copy"
        " of the demo program (and that many synthetic responses, and their protected set unless warm is"
        " False), seeded once per run",
    )


SLOW_DEMO: Final = 100
"""A demo database with more synthetic responses than this has a protected set decided for it (20-70 s)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``slow`` the tests whose database needs a decided protected set, so ``make quick`` skips them."""
    for item in items:
        mark = item.get_closest_marker(DEMO_DATA)
        if mark is None:
            continue
        data = DemoData(*mark.args, **mark.kwargs)
        if data.responses is not None and data.responses > SLOW_DEMO and data.warm:
            item.add_marker(pytest.mark.slow)


def _run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder this run's workers share: the base temporary folder, or its parent under xdist."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@asynccontextmanager
async def _file_lock(path: Path) -> AsyncIterator[None]:
    """Hold an exclusive lock on ``path`` against this run's other workers (waiting in a thread)."""
    with path.open("a") as handle:
        await asyncio.to_thread(fcntl.flock, handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


async def _database_exists(pg_url: str, name: str) -> bool:
    admin = await asyncpg.connect(pg_url)
    try:
        return bool(await admin.fetchval("SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", name))
    finally:
        await admin.close()


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this run's shared embedded server and its locks live."""
    return _run_folder(tmp_path_factory)


@pytest.fixture(scope="session")
async def pg_url(run_folder: Path) -> AsyncIterator[str]:
    """The embedded server of the whole run (its ``postgres`` database), shared by every worker."""
    data_dir = run_folder / "embedded"
    url = embedded.start(data_dir)
    admin = await asyncpg.connect(url)
    try:
        for setting in NON_DURABLE:
            await admin.execute(f"ALTER SYSTEM SET {setting} = off")
        await admin.execute("SELECT pg_reload_conf()")
    finally:
        await admin.close()
    yield url
    embedded.release(data_dir)


async def _make_once(
    pg_url: str, run_folder: Path, name: str, make: Callable[[str], Awaitable[None]]
) -> None:
    """Make database ``name`` with ``make`` unless a worker of this run already did.

    ``make`` fills a database of another name, renamed to ``name`` only when it is complete, so a database
    of that name is always whole.
    """
    async with _file_lock(run_folder / f"{name}.lock"):
        if await _database_exists(pg_url, name):
            return
        building = f"{name}_building"
        admin = await asyncpg.connect(pg_url)
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {building}")
            await make(building)
            await admin.execute(f"ALTER DATABASE {building} RENAME TO {name}")
        finally:
            await admin.close()


@pytest.fixture(scope="session")
async def template_url(pg_url: str, run_folder: Path) -> str:
    """A migrated database that every test's database is copied from."""

    async def migrated(name: str) -> None:
        await _copy_database(pg_url, "template1", name)
        conn = await asyncpg.connect(with_database(pg_url, name))
        try:
            await migrate.apply_all(conn)
        finally:
            await conn.close()

    await _make_once(pg_url, run_folder, TEMPLATE, migrated)
    return with_database(pg_url, TEMPLATE)


async def _copy_database(pg_url: str, template: str, name: str) -> None:
    admin = await asyncpg.connect(pg_url)
    try:
        await admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    finally:
        await admin.close()


class DemoTemplates:
    """Migrated databases with the demo (and synthetic responses) already made: one per kind, made once."""

    def __init__(self, pg_url: str, run_folder: Path) -> None:
        self.pg_url = pg_url
        self.run_folder = run_folder
        self.made: set[str] = set()

    async def template(self, data: DemoData) -> str:
        """The name of the database holding ``data``, seeded the first time this run asks for it."""
        name = "_".join(["demo", *(str(part).replace("-", "") for part in data)]).lower()
        if name not in self.made:
            await _make_once(self.pg_url, self.run_folder, name, lambda building: self._seed(building, data))
            self.made.add(name)
        return name

    async def _seed(self, name: str, data: DemoData) -> None:
        await _copy_database(self.pg_url, TEMPLATE, name)
        conn = await db.connect(with_database(self.pg_url, name))
        try:
            await demo.seed(conn)
            if data.responses is not None:
                await synthetic.generate(conn, data.responses, seed=data.seed, today=data.today)
                if data.warm:
                    # As `survey demo responses` does: the protected set is decided once, here.
                    await protected_store.warm(conn, DEFAULT_MIN_CELL)
        finally:
            await conn.close()


@pytest.fixture(scope="session")
def demo_templates(pg_url: str, template_url: str, run_folder: Path) -> DemoTemplates:
    """The session's demo databases, for ``demo_data`` tests to copy."""
    return DemoTemplates(pg_url, run_folder)


async def _fresh_database(pg_url: str, template: str) -> str:
    name = f"test_{uuid.uuid4().hex[:16]}"
    await _copy_database(pg_url, template, name)
    return name


async def _drop_database(pg_url: str, name: str) -> None:
    admin = await asyncpg.connect(pg_url)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await admin.close()


@pytest.fixture
async def database_url(
    request: pytest.FixtureRequest, pg_url: str, template_url: str, demo_templates: DemoTemplates
) -> AsyncIterator[str]:
    """A fresh, migrated database for one test, dropped afterwards.

    A test marked ``@pytest.mark.demo_data(responses=..., seed=..., today=...)`` gets a copy of a database
    where ``demo.seed`` and then ``synthetic.generate`` (with those arguments, unless ``responses`` is
    left out) already ran: the same rows as running them in the test, made once per session.
    """
    mark = request.node.get_closest_marker(DEMO_DATA)
    template = TEMPLATE
    if mark is not None:
        template = await demo_templates.template(DemoData(*mark.args, **mark.kwargs))
    name = await _fresh_database(pg_url, template)
    yield with_database(pg_url, name)
    await _drop_database(pg_url, name)


@pytest.fixture
async def empty_database_url(pg_url: str) -> AsyncIterator[str]:
    """A fresh database without any migration, for the migration runner's tests."""
    name = await _fresh_database(pg_url, "template0")
    yield with_database(pg_url, name)
    await _drop_database(pg_url, name)


@pytest.fixture
async def empty_conn(empty_database_url: str) -> AsyncIterator[db.Connection]:
    """A direct connection to a fresh database without any migration (see ``empty_database_url``)."""
    connection = await db.connect(empty_database_url)
    yield connection
    await connection.close()


@pytest.fixture
async def conn(database_url: str) -> AsyncIterator[db.Connection]:
    """A direct connection to the test's database, for arranging and checking rows."""
    connection = await db.connect(database_url)
    try:
        yield connection
    finally:
        await connection.close()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings pointing at the test's database, with fixed secrets."""
    return Settings(
        database_url=database_url,
        data_dir=tmp_path,
        csrf_secret="test-csrf-secret",
        linkage_pepper="test-linkage-pepper",
    )


@pytest.fixture
def app(settings: Settings) -> Litestar:
    """The real application on the test's database."""
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """An HTTP client running the app's lifespan (pool, migrations) in-process."""
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
def live_server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """The real server (``survey run``) in a subprocess on a free port, with its log captured."""
    server = start_live_server(database_url, tmp_path)
    try:
        yield server
    finally:
        server.stop()
