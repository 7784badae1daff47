"""SQL for the admin's sites: naming, archiving, the survey a site runs, its resources in each language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from survey.db import fetch_all

if TYPE_CHECKING:
    from survey.db import Connection

SITE_ROWS: Final = """
SELECT s.id, s.name, s.default_language, s.resources, s.survey_id, s.staff_pin_hash IS NOT NULL AS has_pin,
       s.archived,
       coalesce((SELECT jsonb_object_agg(r.language, r.body) FROM site_resource r WHERE r.site_id = s.id),
                '{}'::jsonb) AS other_resources
FROM site s ORDER BY s.archived, lower(s.name), s.id
"""
RENAME_SITE: Final = "UPDATE site SET name = $2 WHERE id = $1 AND NOT archived RETURNING name"
SITE_NAME: Final = "SELECT name FROM site WHERE id = $1"
ARCHIVE_SITE: Final = "UPDATE site SET archived = true WHERE id = $1 AND NOT archived RETURNING name"
SET_SURVEY: Final = (
    "UPDATE site SET survey_id = $2, resources = $3 WHERE id = $1 AND NOT archived RETURNING name"
)
SET_LANGUAGE: Final = "UPDATE site SET default_language = $2 WHERE id = $1 AND NOT archived RETURNING name"
PUT_RESOURCE: Final = """
INSERT INTO site_resource (site_id, language, body) VALUES ($1, $2, $3)
ON CONFLICT (site_id, language) DO UPDATE SET body = EXCLUDED.body
"""
DROP_RESOURCE: Final = "DELETE FROM site_resource WHERE site_id = $1 AND language = $2"
RESOURCES: Final = "SELECT language, body FROM site_resource WHERE site_id = $1 ORDER BY language"


class SiteRow(msgspec.Struct, frozen=True, kw_only=True):
    """A site as the admin page shows it: names, state, survey, and its resources in every language."""

    id: int
    name: str
    default_language: str
    resources: str
    """The thank-you resources in the site's main language."""
    survey_id: int | None
    """The survey its kiosks run; ``None``: none chosen yet, and its kiosks say so."""
    has_pin: bool
    archived: bool
    other_resources: dict[str, str]
    """The resources in the site's other languages, by language code."""

    def resources_in(self, language: str) -> str:
        """The resources in ``language`` (empty when none are written in it)."""
        if language == self.default_language:
            return self.resources
        return self.other_resources.get(language, "")


class _Resource(msgspec.Struct, frozen=True):
    language: str
    body: str


async def site_rows(conn: Connection) -> list[SiteRow]:
    """Every site, those in use first, by name."""
    return await fetch_all(conn, SITE_ROWS, SiteRow)


async def site_name(conn: Connection, site_id: int) -> str | None:
    """A site's name, or ``None`` when there is no such site."""
    name: str | None = await conn.fetchval(SITE_NAME, site_id)
    return name


async def rename_site(conn: Connection, site_id: int, name: str) -> str | None:
    """Rename a site in use, returning the new name (``None``: no such site, or it is archived).

    Raises:
        asyncpg.UniqueViolationError: another site has that name.
    """
    renamed: str | None = await conn.fetchval(RENAME_SITE, site_id, name.strip())
    return renamed


async def archive_site(conn: Connection, site_id: int) -> str | None:
    """Archive a site, returning its name (``None``: no such site, or archived already)."""
    name: str | None = await conn.fetchval(ARCHIVE_SITE, site_id)
    return name


async def set_survey(conn: Connection, site_id: int, survey_id: int | None, resources: str) -> str | None:
    """Choose the survey a site runs and its main-language resources; its name (``None``: no such site).

    Raises:
        asyncpg.ForeignKeyViolationError: there is no survey ``survey_id``.
    """
    name: str | None = await conn.fetchval(SET_SURVEY, site_id, survey_id, resources)
    return name


async def set_language(conn: Connection, site_id: int, language: str) -> str | None:
    """Set a site's main language, returning its name (``None``: no such site, or it is archived)."""
    name: str | None = await conn.fetchval(SET_LANGUAGE, site_id, language)
    return name


async def put_resource(conn: Connection, site_id: int, language: str, body: str) -> None:
    """Store a site's resources in one of its other languages; an empty text removes them."""
    if body:
        await conn.execute(PUT_RESOURCE, site_id, language, body)
    else:
        await conn.execute(DROP_RESOURCE, site_id, language)


async def resources(conn: Connection, site_id: int) -> dict[str, str]:
    """A site's resources in its other languages, by language code."""
    return {row.language: row.body for row in await fetch_all(conn, RESOURCES, _Resource, site_id)}


# At most one write a day per kiosk, and only the day (UTC, see migrations/0010), with the outbox count
# the tablet reported with that first contact of the day: never a time, never beside a stored response.
NOTE_CONTACT_WITH_OUTBOX: Final = """
UPDATE kiosk SET last_contact_on = (now() AT TIME ZONE 'UTC')::date, outbox_waiting = $2
WHERE id = $1 AND last_contact_on IS DISTINCT FROM (now() AT TIME ZONE 'UTC')::date
"""
OUTBOXES: Final = "SELECT id, outbox_waiting FROM kiosk WHERE outbox_waiting IS NOT NULL"


class _Outbox(msgspec.Struct, frozen=True):
    id: int
    outbox_waiting: int


async def note_contact(conn: Connection, kiosk_id: int, outbox_waiting: int | None) -> None:
    """Remember the day a kiosk read its survey, with its outbox count when it reported one."""
    await conn.execute(NOTE_CONTACT_WITH_OUTBOX, kiosk_id, outbox_waiting)


async def outboxes(conn: Connection) -> dict[int, int]:
    """The outbox count each kiosk reported at its last day's first contact, by kiosk id."""
    return {row.id: row.outbox_waiting for row in await fetch_all(conn, OUTBOXES, _Outbox)}
