"""Helpers the questions tests share."""

from __future__ import annotations

from survey import db


async def scalar(database_url: str, sql: str, *args: object) -> object:
    """One value read from the database as it stands (what an action stored, or did not)."""
    conn = await db.connect(database_url)
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()
