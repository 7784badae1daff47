"""SQL only the demo seed and synthetic responses need: table locks, a survey by name, site set-up."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from survey.db import fetch_all

if TYPE_CHECKING:
    from survey.db import Connection

ANY_SITE_OR_ACCOUNT: Final = "SELECT EXISTS (SELECT 1 FROM account) OR EXISTS (SELECT 1 FROM site)"
LOCK_ACCOUNTS: Final = "LOCK TABLE account IN SHARE ROW EXCLUSIVE MODE"
LOCK_SURVEYS: Final = "LOCK TABLE survey IN SHARE ROW EXCLUSIVE MODE"
SURVEY_BY_NAME: Final = "SELECT id FROM survey WHERE lower(name) = lower($1)"
SET_SITE_SURVEY: Final = "UPDATE site SET survey_id = $2, resources = $3 WHERE id = $1"
ENSURE_SITE: Final = """
INSERT INTO site (name, default_language, survey_id) SELECT $1, 'en', $2
WHERE NOT EXISTS (SELECT 1 FROM site WHERE lower(name) = lower($1))
"""
SITES_RUNNING: Final = "SELECT id, name FROM site WHERE survey_id = $1 ORDER BY id"


class SiteName(msgspec.Struct, frozen=True):
    """A site's id and name."""

    id: int
    name: str


async def any_site_or_account(conn: Connection) -> bool:
    """Whether the database holds any account or site at all."""
    return bool(await conn.fetchval(ANY_SITE_OR_ACCOUNT))


async def lock_accounts(conn: Connection) -> None:
    """Keep other transactions from adding accounts until this one ends (reads go on)."""
    await conn.execute(LOCK_ACCOUNTS)


async def lock_surveys(conn: Connection) -> None:
    """Keep other transactions from adding surveys until this one ends (reads go on)."""
    await conn.execute(LOCK_SURVEYS)


async def survey_id_by_name(conn: Connection, name: str) -> int | None:
    """A survey's id by its name (case-insensitive, as names are unique), or ``None``."""
    survey_id: int | None = await conn.fetchval(SURVEY_BY_NAME, name)
    return survey_id


async def set_site_survey(conn: Connection, site_id: int, survey_id: int | None, resources: str) -> None:
    """Set the survey a site's kiosks run and the resources its thank-you screen shows."""
    await conn.execute(SET_SITE_SURVEY, site_id, survey_id, resources)


async def ensure_site(conn: Connection, name: str, survey_id: int) -> None:
    """Add an English site running ``survey_id`` unless a site has that name (any case) already."""
    await conn.execute(ENSURE_SITE, name, survey_id)


async def sites_running(conn: Connection, survey_id: int) -> list[SiteName]:
    """The sites whose kiosks run a survey, by id."""
    return await fetch_all(conn, SITES_RUNNING, SiteName, survey_id)
