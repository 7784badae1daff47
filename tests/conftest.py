"""Shared fixtures: one embedded PostgreSQL per session, a fresh database per test, the app, clients."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from survey import db, embedded, migrate
from survey.app import create_app
from survey.settings import Settings
from tests.support import LiveServer, start_live_server, with_database

TEMPLATE = "survey_template"


@pytest.fixture(scope="session")
def pg_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The embedded server of the whole test session (its ``postgres`` database)."""
    data_dir = tmp_path_factory.mktemp("embedded")
    yield embedded.start(data_dir)
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


async def _fresh_database(pg_url: str, template: str) -> str:
    name = f"test_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(pg_url)
    try:
        await admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    finally:
        await admin.close()
    return name


async def _drop_database(pg_url: str, name: str) -> None:
    admin = await asyncpg.connect(pg_url)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await admin.close()


@pytest.fixture
async def database_url(pg_url: str, template_url: str) -> AsyncIterator[str]:
    """A fresh, migrated database for one test, dropped afterwards."""
    name = await _fresh_database(pg_url, TEMPLATE)
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
