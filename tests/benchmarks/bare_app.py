"""The bare baseline: a minimal Litestar + asyncpg endpoint inserting one row per request.

Run by the submission benchmark with uvicorn, on the same database and the same load as the kiosk intake.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from litestar import Litestar, post
from litestar.datastructures import State
from litestar.params import JSONBody


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=4, max_size=10)
    async with pool.acquire() as conn:
        await conn.execute("CREATE TABLE IF NOT EXISTS bench_bare (id uuid PRIMARY KEY, body text NOT NULL)")
    app.state.pool = pool
    yield
    await pool.close()


@post("/insert", status_code=201)
async def insert(state: State, data: JSONBody[dict[str, Any]]) -> dict[str, str]:
    """Insert the body as one row."""
    row_id = uuid.uuid4()
    async with state.pool.acquire() as conn:
        await conn.execute("INSERT INTO bench_bare (id, body) VALUES ($1, $2)", row_id, str(data))
    return {"id": str(row_id)}


app = Litestar(route_handlers=[insert], lifespan=[lifespan])
