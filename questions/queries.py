"""SQL for surveys, drafts, published versions and loaded instruments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from questions.bank import Instrument
from questions.schemas import SurveyDefinition
from survey.db import fetch_all, fetch_one

if TYPE_CHECKING:
    from survey.db import Connection

INSERT_SURVEY: Final = "INSERT INTO survey (name) VALUES ($1) RETURNING id"
SURVEY_NAME: Final = "SELECT name FROM survey WHERE id = $1"
SURVEY_BY_NAME: Final = "SELECT id FROM survey WHERE lower(name) = lower($1)"
SURVEYS: Final = """
SELECT s.id, s.name, max(v.number) AS latest_version
FROM survey s LEFT JOIN survey_version v ON v.survey_id = s.id
GROUP BY s.id ORDER BY lower(s.name)
"""
UPSERT_DRAFT: Final = """
INSERT INTO survey_draft (survey_id, definition, based_on_version) VALUES ($1, $2, $3)
ON CONFLICT (survey_id) DO UPDATE
SET definition = EXCLUDED.definition, based_on_version = EXCLUDED.based_on_version, updated_at = now()
"""
DRAFT: Final = "SELECT definition, based_on_version FROM survey_draft WHERE survey_id = $1"
DRAFT_BASE: Final = "SELECT based_on_version FROM survey_draft WHERE survey_id = $1"
LOCK_SURVEY: Final = "SELECT id FROM survey WHERE id = $1 FOR UPDATE"
NEXT_NUMBER: Final = "SELECT coalesce(max(number), 0) + 1 FROM survey_version WHERE survey_id = $1"
INSERT_VERSION: Final = """
INSERT INTO survey_version (survey_id, number, definition, approval, published_by)
VALUES ($1, $2, $3, $4, $5) RETURNING id
"""
VERSION: Final = "SELECT id, survey_id, number, definition FROM survey_version WHERE id = $1"
LATEST_VERSION: Final = """
SELECT id, survey_id, number, definition FROM survey_version WHERE survey_id = $1 ORDER BY number DESC LIMIT 1
"""
UPSERT_INSTRUMENT: Final = """
INSERT INTO instrument (key, definition, added_by) VALUES ($1, $2, $3)
ON CONFLICT (key) DO UPDATE
SET definition = EXCLUDED.definition, added_by = EXCLUDED.added_by, added_at = now()
"""
INSTRUMENTS: Final = "SELECT definition FROM instrument ORDER BY key"


class SurveySummary(msgspec.Struct, frozen=True):
    """A survey and its newest published version number (``None`` before the first)."""

    id: int
    name: str
    latest_version: int | None


class PublishedVersion(msgspec.Struct, frozen=True):
    """A published, frozen survey version."""

    id: int
    survey_id: int
    number: int
    definition: SurveyDefinition


class Draft(msgspec.Struct, frozen=True):
    """A survey's working draft and the version it was copied from (``None``: not a copy)."""

    definition: SurveyDefinition
    based_on_version: int | None


class _LoadedInstrument(msgspec.Struct, frozen=True):
    definition: Instrument


async def insert_survey(conn: Connection, name: str) -> int:
    """Add a survey; its id.

    Raises:
        asyncpg.UniqueViolationError: there is already a survey of that name.
    """
    survey_id: int = await conn.fetchval(INSERT_SURVEY, name)
    return survey_id


async def lock_survey(conn: Connection, survey_id: int) -> None:
    """Hold a survey's row until the transaction ends, so decisions on one survey queue up."""
    await conn.execute(LOCK_SURVEY, survey_id)


async def surveys(conn: Connection) -> list[SurveySummary]:
    """Every survey, by name."""
    return await fetch_all(conn, SURVEYS, SurveySummary)


async def version(conn: Connection, version_id: int) -> PublishedVersion | None:
    """A published version by id."""
    return await fetch_one(conn, VERSION, PublishedVersion, version_id)


async def latest_version(conn: Connection, survey_id: int) -> PublishedVersion | None:
    """The newest published version of a survey."""
    return await fetch_one(conn, LATEST_VERSION, PublishedVersion, survey_id)


async def next_number(conn: Connection, survey_id: int) -> int:
    """The number the survey's next version takes."""
    number: int = await conn.fetchval(NEXT_NUMBER, survey_id)
    return number


async def insert_version(
    conn: Connection,
    survey_id: int,
    number: int,
    definition: SurveyDefinition,
    approval: msgspec.Struct,
    published_by: int | None,
) -> int:
    """Store a published version with what approved it; its id."""
    version_id: int = await conn.fetchval(
        INSERT_VERSION, survey_id, number, definition, approval, published_by
    )
    return version_id


async def draft(conn: Connection, survey_id: int) -> SurveyDefinition | None:
    """The working draft of a survey."""
    found = await fetch_one(conn, DRAFT, Draft, survey_id)
    return None if found is None else found.definition


async def draft_base(conn: Connection, survey_id: int) -> int | None:
    """The version the survey's draft was copied from (``None``: not a copy, or no draft)."""
    based_on: int | None = await conn.fetchval(DRAFT_BASE, survey_id)
    return based_on


async def upsert_draft(
    conn: Connection, survey_id: int, definition: SurveyDefinition, based_on_version: int | None
) -> None:
    """Make ``definition`` the survey's draft, copied from ``based_on_version``."""
    await conn.execute(UPSERT_DRAFT, survey_id, definition, based_on_version)


async def upsert_instrument(conn: Connection, instrument: Instrument, added_by: int | None) -> None:
    """Load an instrument, replacing one with the same key."""
    await conn.execute(UPSERT_INSTRUMENT, instrument.key, instrument, added_by)


async def instruments(conn: Connection) -> list[Instrument]:
    """The instruments a program loaded, by key."""
    return [row.definition for row in await fetch_all(conn, INSTRUMENTS, _LoadedInstrument)]


async def survey_name(conn: Connection, survey_id: int) -> str | None:
    """A survey's name, or ``None`` when there is no such survey."""
    name: str | None = await conn.fetchval(SURVEY_NAME, survey_id)
    return name
