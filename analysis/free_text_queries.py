"""SQL for the free-text page: responses per site and period, and one question's written answers.

Neither query returns a response id, nor any other answer of the response: an answer leaves the
database as its site, its stored period and its text. Neither has an ORDER BY: the order shown is a
shuffle (``analysis.free_text.shuffled``), never the order answers were stored in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from survey.db import fetch_all

if TYPE_CHECKING:
    from survey.db import Connection

RESPONSE_CELLS: Final = """
SELECT s.name AS site, r.period, count(*)::int AS n
FROM response r
JOIN survey_version v ON v.id = r.survey_version_id
JOIN site s ON s.id = r.site_id
WHERE v.survey_id = $1
GROUP BY 1, 2
"""
TEXT_ANSWERS: Final = """
SELECT s.name AS site, r.period, a.value #>> '{}' AS text
FROM answer a
JOIN response r ON r.id = a.response_id
JOIN survey_version v ON v.id = r.survey_version_id
JOIN site s ON s.id = r.site_id
WHERE v.survey_id = $1 AND a.question_key = $2 AND r.period = ANY($3::text[])
  AND jsonb_typeof(a.value) = 'string' AND a.value <> '"prefer_not_to_say"'::jsonb
  AND btrim(a.value #>> '{}') <> ''
"""


class ResponseCell(msgspec.Struct, frozen=True):
    """How many responses a site has in one stored period (a month or an ISO week)."""

    site: str
    period: str
    n: int


class TextAnswer(msgspec.Struct, frozen=True):
    """One written answer with only its site and stored period: nothing that links it to its response."""

    site: str
    period: str
    text: str


async def response_cells(conn: Connection, survey_id: int) -> list[ResponseCell]:
    """Responses to the survey (every version) per site and stored period."""
    return await fetch_all(conn, RESPONSE_CELLS, ResponseCell, survey_id)


async def text_answers(
    conn: Connection, survey_id: int, question_key: str, stored_periods: list[str]
) -> list[TextAnswer]:
    """The written answers to one question in these periods ("prefer not to say" and blanks left out)."""
    return await fetch_all(conn, TEXT_ANSWERS, TextAnswer, survey_id, question_key, stored_periods)
