"""The database pool, made once per process in the app's lifespan, and the per-request connection."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated, Final, TypeVar

import asyncpg
import msgspec
from litestar.di import NamedDependency
from litestar.params import PathParameter

from survey import embedded
from survey.problems import SetupProblem

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, AsyncIterator

    from litestar import Litestar
    from litestar.datastructures import State

    from survey.settings import Settings

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    Pool = asyncpg.Pool[asyncpg.Record]
    # A pooled connection is a proxy of the same interface; code takes either.
    Connection = asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]
else:  # asyncpg's classes are generic only in its stubs; Litestar reads these names at run time.
    Pool = asyncpg.Pool
    Connection = asyncpg.Connection

ConnectionDependency = NamedDependency[Connection]
"""How a handler asks for its request's connection: ``conn: ConnectionDependency``."""
RowId = Annotated[int, PathParameter(ge=1, le=2**63 - 1)]
"""A row id in a path: a number past PostgreSQL's bigint is refused with a 400, before any query."""

CONNECT_TIMEOUT: Final = 10.0
RowT = TypeVar("RowT", bound=msgspec.Struct)


class DatabaseUnavailableError(SetupProblem, RuntimeError):
    """The database cannot be reached; the message names where it looked."""


def database_url(settings: Settings) -> str:
    """The URL to connect to: ``DATABASE_URL`` when set, else the embedded server of the data folder."""
    return settings.database_url or embedded.start(settings.data_dir)


def _encode_json(value: object) -> str:
    return msgspec.json.encode(value).decode()


def _encode_jsonb(value: object) -> bytes:
    # jsonb's binary form is a version byte (1) and the JSON text; binary also serves COPY.
    return b"\x01" + msgspec.json.encode(value)


def _decode_jsonb(data: bytes) -> object:
    return msgspec.json.decode(data[1:])


async def _init_connection(connection: Connection) -> None:
    # msgspec encodes Structs directly, so definitions and details go in without a detour through dicts.
    await connection.set_type_codec(
        "json", encoder=_encode_json, decoder=msgspec.json.decode, schema="pg_catalog"
    )
    await connection.set_type_codec(
        "jsonb", encoder=_encode_jsonb, decoder=_decode_jsonb, schema="pg_catalog", format="binary"
    )


async def connect(url: str) -> Connection:
    """One connection (outside a pool) set up like the pool's: for scripts and tests."""
    connection: Connection = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT)
    await _init_connection(connection)
    return connection


async def create_pool(url: str, *, min_size: int = 1, max_size: int = 10) -> Pool:
    """Open a pool to ``url`` whose connections decode JSON columns.

    Raises:
        DatabaseUnavailableError: the server refused or did not answer, with the host it tried.
    """
    try:
        pool: Pool = await asyncpg.create_pool(
            url, min_size=min_size, max_size=max_size, init=_init_connection, timeout=CONNECT_TIMEOUT
        )
    except (OSError, TimeoutError, asyncpg.PostgresError) as error:
        raise DatabaseUnavailableError(
            f"Cannot reach PostgreSQL at {redact(url)}: {error}. Check DATABASE_URL, or unset it to use "
            "the embedded database."
        ) from error
    return pool


@asynccontextmanager
async def pool_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Open the pool, bring the schema up to date under the migration lock, and close the pool on exit."""
    # Imported here, not at the top: the migration runner's queries import this module's fetch helpers.
    from survey import migrate

    settings: Settings = app.state.settings
    pool = await create_pool(database_url(settings))
    try:
        async with pool.acquire() as connection:
            await migrate.apply_all(connection)
        app.state.pool = pool
        yield
    finally:
        await pool.close()


async def provide_connection(state: State) -> AsyncGenerator[Connection, None]:
    """Lend one pooled connection to a request and take it back afterwards."""
    pool: Pool = state.pool
    async with pool.acquire() as connection:
        yield connection


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, sep, rest = url.partition("://")
    if "@" not in rest:
        return url
    credentials, _, location = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}@{location}"


async def fetch_all(conn: Connection, sql: str, shape: type[RowT], *args: object) -> list[RowT]:
    """Every row of ``sql`` as a ``shape`` Struct (columns matched to fields by name).

    This and :func:`fetch_one` are the one way a row becomes an object, so no raw ``Record`` leaves a
    query module and a column that does not fit its field fails loudly, naming it.
    """
    return [msgspec.convert(dict(row.items()), shape) for row in await conn.fetch(sql, *args)]


async def fetch_one(conn: Connection, sql: str, shape: type[RowT], *args: object) -> RowT | None:
    """The first row of ``sql`` as a ``shape`` Struct, or ``None`` when there is none."""
    row = await conn.fetchrow(sql, *args)
    return None if row is None else msgspec.convert(dict(row.items()), shape)
