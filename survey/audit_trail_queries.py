"""SQL for reading the audit trail as an admin filters it: by who, what and which days, a page at a time."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final

import msgspec

from survey.db import fetch_all

if TYPE_CHECKING:
    from survey.db import Connection

# $1 who: '' anyone, ':cli' the command line, ':kiosk' a kiosk, else an account's name key;
# $2 what: '' any action; $3/$4 the first and last day (UTC, NULL: open); $5 the actions a kiosk takes
# (the rest of those without an account come from the command line or the server's own jobs).
FILTER: Final = """
FROM audit_event e LEFT JOIN account a ON a.id = e.account_id
WHERE CASE $1::text
        WHEN '' THEN true
        WHEN ':cli' THEN e.account_id IS NULL AND NOT e.action = ANY ($5::text[])
        WHEN ':kiosk' THEN e.account_id IS NULL AND e.action = ANY ($5::text[])
        ELSE a.name_key = $1::text
      END
  AND ($2::text = '' OR e.action = $2::text)
  AND ($3::date IS NULL OR e.occurred_at >= ($3::date)::timestamp AT TIME ZONE 'UTC')
  AND ($4::date IS NULL OR e.occurred_at < ($4::date + 1)::timestamp AT TIME ZONE 'UTC')
"""
EVENTS: Final = (
    """
SELECT e.id, e.occurred_at, e.account_id IS NOT NULL AS by_account, coalesce(a.name, '') AS actor,
       e.action, e.subject, e.detail
"""
    + FILTER
    + """
ORDER BY e.occurred_at DESC, e.id DESC LIMIT $6 OFFSET $7
"""
)
COUNT: Final = "SELECT count(*)" + FILTER
ACTIONS: Final = "SELECT DISTINCT action FROM audit_event ORDER BY action"
ACTORS: Final = """
SELECT DISTINCT a.name FROM audit_event e JOIN account a ON a.id = e.account_id ORDER BY a.name
"""
SURVEY_NAMES: Final = "SELECT id::text AS id, name FROM survey"


class TrailEvent(msgspec.Struct, frozen=True, kw_only=True):
    """One audit event with everything needed to say what happened."""

    id: int
    occurred_at: datetime
    by_account: bool
    actor: str
    action: str
    subject: str
    detail: dict[str, Any]


class TrailFilter(msgspec.Struct, frozen=True, kw_only=True):
    """Which events to read: who (see ``FILTER``), which action, which days (UTC, inclusive)."""

    who: str = ""
    action: str = ""
    first_day: date | None = None
    last_day: date | None = None


class _Name(msgspec.Struct, frozen=True):
    name: str


class _Action(msgspec.Struct, frozen=True):
    action: str


class _Survey(msgspec.Struct, frozen=True):
    id: str
    name: str


def _args(chosen: TrailFilter, kiosk_actions: list[str]) -> tuple[object, ...]:
    return (chosen.who, chosen.action, chosen.first_day, chosen.last_day, kiosk_actions)


async def events(
    conn: Connection, chosen: TrailFilter, kiosk_actions: list[str], *, limit: int, offset: int
) -> list[TrailEvent]:
    """The events ``chosen`` picks, newest first, ``limit`` of them after the first ``offset``."""
    return await fetch_all(conn, EVENTS, TrailEvent, *_args(chosen, kiosk_actions), limit, offset)


async def count(conn: Connection, chosen: TrailFilter, kiosk_actions: list[str]) -> int:
    """How many events ``chosen`` picks."""
    found: int = await conn.fetchval(COUNT, *_args(chosen, kiosk_actions))
    return found


async def actions(conn: Connection) -> list[str]:
    """Every action the trail holds, for the filter's list."""
    return [row.action for row in await fetch_all(conn, ACTIONS, _Action)]


async def actors(conn: Connection) -> list[str]:
    """Every account that appears in the trail, for the filter's list."""
    return [row.name for row in await fetch_all(conn, ACTORS, _Name)]


async def survey_names(conn: Connection) -> dict[str, str]:
    """Survey names by id (as text, the way events name a survey in their subject)."""
    return {row.id: row.name for row in await fetch_all(conn, SURVEY_NAMES, _Survey)}
