"""SQL for the funder report's board section: how each version was approved, and released report-backs.

Neither query reads a response: the board's decisions are the versions it published (each records what
allowed it, ``survey_version.approval``) and the report-backs it released to the community (migration
0015, ``report_back_release``). The report-back tables come with the board's report-back work; until they
exist (``to_regclass`` is null) the report says the board has released none.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Final

import msgspec

from survey.db import fetch_all

if TYPE_CHECKING:
    from survey.db import Connection

VERSIONS: Final = """
SELECT v.number, v.approval ->> 'basis' AS basis, (v.approval ->> 'proposal_id')::bigint AS proposal_id,
       v.published_at::date AS published_on
FROM survey_version v
WHERE v.survey_id = $1
ORDER BY v.number
"""
REPORT_BACKS_EXIST: Final = "SELECT to_regclass('report_back_release') IS NOT NULL"
RELEASED: Final = """
SELECT r.period, rel.released_on, rel.proposal_id, rel.content
FROM report_back_release rel
JOIN report_back r ON r.id = rel.report_back_id
WHERE r.survey_id = $1
ORDER BY rel.id DESC
"""


class VersionDecision(msgspec.Struct, frozen=True):
    """One published version and what allowed it: the board's proposal, or the demo seed."""

    number: int
    basis: str
    proposal_id: int | None
    published_on: date


class ReleasedReportBack(msgspec.Struct, frozen=True):
    """A report-back the board released: its reporting period, day, deciding proposal and content."""

    period: str
    released_on: date
    proposal_id: int
    content: Any


async def versions(conn: Connection, survey_id: int) -> list[VersionDecision]:
    """Every published version of the survey, oldest first, with its approval."""
    return await fetch_all(conn, VERSIONS, VersionDecision, survey_id)


async def released(conn: Connection, survey_id: int) -> list[ReleasedReportBack]:
    """The survey's released report-backs, newest first (none before the report-back tables exist)."""
    if not await conn.fetchval(REPORT_BACKS_EXIST):
        return []
    return await fetch_all(conn, RELEASED, ReleasedReportBack, survey_id)
