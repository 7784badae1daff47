"""Shared fixtures: one embedded PostgreSQL per session, a fresh database per test, the app, clients."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path
from typing import Final, NamedTuple

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from analysis import protected_store
from survey import db, demo, embedded, migrate, synthetic
from survey.app import create_app
from survey.settings import DEFAULT_MIN_CELL, Settings
from tests.support import LiveServer, start_live_server, with_database

TEMPLATE: Final = "survey_template"
DEMO_DATA: Final = "demo_data"
# The session's cluster is thrown away, so it need not survive a power cut: without fsync a database is
# created and dropped in milliseconds instead of a checkpoint each (PostgreSQL's "Non-Durable Settings").
NON_DURABLE: Final = ("fsync", "synchronous_commit", "full_page_writes")


class DemoData(NamedTuple):
    """What a ``demo_data`` test's database holds: ``survey demo seed``, then synthetic responses if any."""

    responses: int | None = None
    seed: int = 1
    today: date | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``demo_data`` marker next to the fixture that reads it."""
    config.addinivalue_line(
        "markers",
        f"{DEMO_DATA}(responses=None, seed=1, today=None): the test's database starts as a copy of the demo"
        " program (and that many synthetic responses), seeded once per session",
    )


@pytest.fixture(scope="session")
async def pg_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """The embedded server of the whole test session (its ``postgres`` database)."""
    data_dir = tmp_path_factory.mktemp("embedded")
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


@pytest.fixture(scope="session")
async def template_url(pg_url: str) -> str:
    """A migrated database that every test's database is copied from."""
    admin = await asyncpg.connect(pg_url)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE}")
        await admin.execute(f"CREATE DATABASE {TEMPLATE}")
    finally:
        await admin.close()
    url = with_database(pg_url, TEMPLATE)
    conn = await asyncpg.connect(url)
    try:
        await migrate.apply_all(conn)
    finally:
        await conn.close()
    return url


async def _copy_database(pg_url: str, template: str, name: str) -> None:
    admin = await asyncpg.connect(pg_url)
    try:
        await admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    finally:
        await admin.close()


class DemoTemplates:
    """Migrated databases with the demo (and synthetic responses) already made: one per kind, made once."""

    def __init__(self, pg_url: str) -> None:
        self.pg_url = pg_url
        self.made: dict[DemoData, str] = {}

    async def template(self, data: DemoData) -> str:
        """The name of the database holding ``data``, seeded the first time it is asked for."""
        if data not in self.made:
            name = f"demo_template_{len(self.made)}"
            await _copy_database(self.pg_url, TEMPLATE, name)
            conn = await db.connect(with_database(self.pg_url, name))
            try:
                await demo.seed(conn)
                if data.responses is not None:
                    await synthetic.generate(conn, data.responses, seed=data.seed, today=data.today)
                    # As `survey demo responses` does: the protected set is decided once, here.
                    await protected_store.warm(conn, DEFAULT_MIN_CELL)
            finally:
                await conn.close()
            self.made[data] = name
        return self.made[data]


@pytest.fixture(scope="session")
def demo_templates(pg_url: str, template_url: str) -> DemoTemplates:
    """The session's demo databases, for ``demo_data`` tests to copy."""
    return DemoTemplates(pg_url)


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
