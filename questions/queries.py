"""SQL for surveys, drafts, published versions and loaded instruments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from questions.schemas import SurveyDefinition

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


async def surveys(conn: Connection) -> list[SurveySummary]:
    """Every survey, by name."""
    return [SurveySummary(row["id"], row["name"], row["latest_version"]) for row in await conn.fetch(SURVEYS)]


def _version(row: object) -> PublishedVersion | None:
    return None if row is None else msgspec.convert(dict(row), PublishedVersion)  # type: ignore[call-overload]


async def version(conn: Connection, version_id: int) -> PublishedVersion | None:
    """A published version by id."""
    return _version(await conn.fetchrow(VERSION, version_id))


async def latest_version(conn: Connection, survey_id: int) -> PublishedVersion | None:
    """The newest published version of a survey."""
    return _version(await conn.fetchrow(LATEST_VERSION, survey_id))


async def draft(conn: Connection, survey_id: int) -> SurveyDefinition | None:
    """The working draft of a survey."""
    row = await conn.fetchrow(DRAFT, survey_id)
    return None if row is None else msgspec.convert(row["definition"], SurveyDefinition)


async def survey_name(conn: Connection, survey_id: int) -> str | None:
    """A survey's name, or ``None`` when there is no such survey."""
    name: str | None = await conn.fetchval(SURVEY_NAME, survey_id)
    return name
