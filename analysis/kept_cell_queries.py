"""SQL for the finest-cell aggregates kept for periods whose responses retention deleted.

The protected set reads the stored responses' cells (``analysis.queries``) plus these, in the very shapes
of ``CELL_HISTOGRAMS``, ``NUMBER_CELLS`` and ``ANSWER_CELLS``, so its figures after a deletion are the
figures before it (``survey.retention`` writes them in the transaction that deletes the responses).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from analysis.protected import AnswerCell, CellHistogram
from analysis.queries import ItemMoment
from survey.db import fetch_all

if TYPE_CHECKING:
    from survey.db import Connection

KEPT_HISTOGRAMS: Final = """
SELECT k.name AS measure, s.name AS site, k.language, v.number AS version, k.period, k.value, k.n,
       k.answered_with
FROM kept_score_cell k
JOIN survey_version v ON v.id = k.survey_version_id
JOIN site s ON s.id = k.site_id
WHERE v.survey_id = $1 AND k.source = 'score'
"""
KEPT_NUMBERS: Final = """
SELECT 'number:' || k.name AS measure, s.name AS site, k.language, v.number AS version, k.period, k.value,
       k.n, k.answered_with
FROM kept_score_cell k
JOIN survey_version v ON v.id = k.survey_version_id
JOIN site s ON s.id = k.site_id
WHERE v.survey_id = $1 AND k.source = 'number' AND k.name = ANY($2::text[])
"""
KEPT_ANSWERS: Final = """
SELECT k.question_key, k.option, s.name AS site, k.language, v.number AS version, k.period, k.n
FROM kept_answer_cell k
JOIN survey_version v ON v.id = k.survey_version_id
JOIN site s ON s.id = k.site_id
WHERE v.survey_id = $1 AND k.question_key = ANY($2::text[])
"""

KEPT_MOMENTS: Final = """
SELECT period, first_item, second_item, n, first_sum, cross_sum FROM kept_item_moment
WHERE survey_id = $1 AND items = $2::text[]
"""
DELETED_RESPONSES_ARRAY: Final = """
SELECT array_agg(period) FROM retention_deleted WHERE survey_id = $1 AND what = 'responses'
"""


async def histograms(conn: Connection, survey_id: int) -> list[CellHistogram]:
    """The kept score histograms of the survey's deleted periods, per finest cell."""
    return await fetch_all(conn, KEPT_HISTOGRAMS, CellHistogram, survey_id)


async def number_cells(conn: Connection, survey_id: int, question_keys: list[str]) -> list[CellHistogram]:
    """The kept number answers of these questions as histograms, as measure ``number:KEY``."""
    return await fetch_all(conn, KEPT_NUMBERS, CellHistogram, survey_id, question_keys)


async def answer_cells(conn: Connection, survey_id: int, question_keys: list[str]) -> list[AnswerCell]:
    """The kept option counts of these questions per finest cell."""
    return await fetch_all(conn, KEPT_ANSWERS, AnswerCell, survey_id, question_keys)


async def item_moments(conn: Connection, survey_id: int, items: list[str]) -> list[ItemMoment]:
    """The kept item sums and cross products of a measure (these items, in order) per deleted period."""
    return await fetch_all(conn, KEPT_MOMENTS, ItemMoment, survey_id, items)


async def deleted_periods(conn: Connection, survey_id: int) -> frozenset[str]:
    """The stored periods whose responses retention deleted (their linked pairs cannot be matched again)."""
    return frozenset(await conn.fetchval(DELETED_RESPONSES_ARRAY, survey_id) or [])
