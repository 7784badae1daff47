"""SQL for the evaluator's aggregates and for rescoring.

The protected set (``analysis.protected``) is built from two GROUP BYs (score histograms and answer
counts per finest cell) and kept in ``protected_set``; linked pairs and reliability read their rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeAlias
from uuid import UUID

import msgspec

from analysis.disclosure_protect import Decision
from analysis.protected import LAYOUT, AnswerCell, CellHistogram, ProtectedSet
from questions.schemas import SurveyDefinition
from questions.scoring_rules import ScoringRule
from survey.db import fetch_all, fetch_one

if TYPE_CHECKING:
    from survey.db import Connection


LATEST_VERSION: Final = """
SELECT id, definition FROM survey_version WHERE survey_id = $1 ORDER BY number DESC LIMIT 1
"""
LINKED_SCORES: Final = """
SELECT r.period, r.linkage, m.value FROM measure_score m
JOIN response r ON r.id = m.response_id JOIN survey_version v ON v.id = r.survey_version_id
WHERE v.survey_id = $1 AND m.measure = $2 AND r.linkage IS NOT NULL
ORDER BY r.id
"""
ITEM_MOMENTS: Final = """
WITH values AS (
    SELECT r.period, a.response_id, a.question_key, (a.value #>> '{}')::float8 AS x
    FROM answer a
    JOIN response r ON r.id = a.response_id JOIN survey_version v ON v.id = r.survey_version_id
    WHERE v.survey_id = $1 AND a.question_key = ANY($2::text[]) AND jsonb_typeof(a.value) = 'number'
),
complete AS (
    SELECT response_id FROM values GROUP BY response_id HAVING count(*) = cardinality($2::text[])
)
SELECT one.period, one.question_key AS first_item, other.question_key AS second_item,
       count(*)::int AS n, sum(one.x) AS first_sum, sum(one.x * other.x) AS cross_sum
FROM values one
JOIN complete USING (response_id)
JOIN values other ON other.response_id = one.response_id
GROUP BY 1, 2, 3
"""
COUNT_RESPONSES: Final = "SELECT count(*) FROM response"
RESPONSE_BATCH: Final = """
SELECT r.id, v.definition -> 'measures' AS measures,
       coalesce(jsonb_object_agg(a.question_key, a.value) FILTER (WHERE a.question_key IS NOT NULL),
                '{}') AS answers
FROM response r JOIN survey_version v ON v.id = r.survey_version_id
LEFT JOIN answer a ON a.response_id = r.id
WHERE r.id > $1
GROUP BY r.id, v.definition
ORDER BY r.id LIMIT $2
"""
DELETE_SCORES: Final = "DELETE FROM measure_score WHERE response_id = ANY($1::uuid[])"
SCORE_COLUMNS: Final = ["response_id", "measure", "value", "band", "missing_items", "scoring_version"]
ScoreRecord: TypeAlias = tuple[UUID, str, float, str | None, int, str]
"""One stored score, in the order of ``SCORE_COLUMNS``."""


class LinkedScore(msgspec.Struct, frozen=True):
    """A score of a response that carries a linkage code (one keyed hash per part), with its period."""

    period: str
    linkage: list[str]
    value: float


class ItemMoment(msgspec.Struct, frozen=True):
    """Sums for two items (or one twice) in one period, over the responses answering every item.

    ``n`` responses, the first item's sum, and the sum of the two items' product.
    """

    period: str
    first_item: str
    second_item: str
    n: int
    first_sum: float
    cross_sum: float


class ResponseAnswers(msgspec.Struct, frozen=True):
    """A response's answers by question key, with the scoring rules frozen in its version."""

    id: UUID
    measures: list[ScoringRule] | None
    answers: dict[str, object]


class LatestVersion(msgspec.Struct, frozen=True):
    """A survey's newest published version: its id and what it asks."""

    id: int
    definition: SurveyDefinition


async def latest_definition(conn: Connection, survey_id: int) -> SurveyDefinition | None:
    """What the survey's newest published version asks (``None``: nothing published yet)."""
    found = await latest_version(conn, survey_id)
    return None if found is None else found.definition


async def latest_version(conn: Connection, survey_id: int) -> LatestVersion | None:
    """The survey's newest published version (``None``: nothing published yet)."""
    return await fetch_one(conn, LATEST_VERSION, LatestVersion, survey_id)


async def linked_scores(conn: Connection, survey_id: int, measure: str) -> list[LinkedScore]:
    """Every score of a measure whose response carries a linkage code, with its period, by response id."""
    return await fetch_all(conn, LINKED_SCORES, LinkedScore, survey_id, measure)


async def item_moments(conn: Connection, survey_id: int, items: list[str]) -> list[ItemMoment]:
    """Per period, the sums and cross products of a measure's items over its complete responses."""
    return await fetch_all(conn, ITEM_MOMENTS, ItemMoment, survey_id, items)


async def response_count(conn: Connection) -> int:
    """How many responses are stored."""
    count: int = await conn.fetchval(COUNT_RESPONSES)
    return count


async def response_batch(conn: Connection, after: str, limit: int) -> list[ResponseAnswers]:
    """Up to ``limit`` responses with ids after ``after``, by id, each with its answers and frozen rules."""
    return await fetch_all(conn, RESPONSE_BATCH, ResponseAnswers, after, limit)


async def delete_scores(conn: Connection, response_ids: list[UUID]) -> None:
    """Remove every stored score of these responses."""
    await conn.execute(DELETE_SCORES, response_ids)


async def copy_scores(conn: Connection, records: list[ScoreRecord]) -> None:
    """Store scores in bulk (COPY)."""
    await conn.copy_records_to_table("measure_score", records=records, columns=SCORE_COLUMNS)


CELL_HISTOGRAMS: Final = """
SELECT m.measure, s.name AS site, r.language, v.number AS version, r.period, m.value, count(*)::int AS n,
       coalesce(r.answered_with, '') AS answered_with
FROM measure_score m
JOIN response r ON r.id = m.response_id
JOIN survey_version v ON v.id = r.survey_version_id
JOIN site s ON s.id = r.site_id
WHERE v.survey_id = $1
GROUP BY 1, 2, 3, 4, 5, 6, 8
"""
ANSWER_CELLS: Final = """
SELECT a.question_key, option.code #>> '{}' AS option, s.name AS site, r.language,
       v.number AS version, r.period, count(*)::int AS n
FROM answer a
JOIN response r ON r.id = a.response_id
JOIN survey_version v ON v.id = r.survey_version_id
JOIN site s ON s.id = r.site_id
CROSS JOIN LATERAL jsonb_array_elements(
    CASE WHEN jsonb_typeof(a.value) = 'array' THEN a.value ELSE jsonb_build_array(a.value) END
) AS option (code)
WHERE v.survey_id = $1 AND a.question_key = ANY($2::text[])
GROUP BY 1, 2, 3, 4, 5, 6
"""
NUMBER_CELLS: Final = """
SELECT 'number:' || a.question_key AS measure, s.name AS site, r.language, v.number AS version, r.period,
       (a.value #>> '{}')::float8 AS value, count(*)::int AS n, coalesce(r.answered_with, '') AS answered_with
FROM answer a
JOIN response r ON r.id = a.response_id
JOIN survey_version v ON v.id = r.survey_version_id
JOIN site s ON s.id = r.site_id
WHERE v.survey_id = $1 AND a.question_key = ANY($2::text[]) AND jsonb_typeof(a.value) = 'number'
GROUP BY 1, 2, 3, 4, 5, 6, 8
"""
REVISION: Final = "SELECT revision FROM analysis_revision"
KEPT_SET: Final = """
SELECT body::text FROM protected_set WHERE survey_id = $1 AND k = $2 AND revision = $3 AND version_id = $4
"""
KEEP_SET: Final = """
INSERT INTO protected_set (survey_id, k, revision, version_id, body) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (survey_id, k) DO UPDATE
SET revision = excluded.revision, version_id = excluded.version_id, body = excluded.body
"""
LOCK_SET: Final = "SELECT pg_advisory_xact_lock(hashtextextended('protected_set', $1))"
DECISIONS: Final = "SELECT shape, decision::text AS decision FROM protection_decision"
KEEP_DECISION: Final = """
INSERT INTO protection_decision (shape, decision) VALUES ($1, $2)
ON CONFLICT (shape) DO UPDATE SET decision = excluded.decision
"""
FORGET_OLD_DECISIONS: Final = """
DELETE FROM protection_decision WHERE id <= (SELECT max(id) FROM protection_decision) - $1
"""
DECISIONS_KEPT: Final = 2000
"""How many decisions the database keeps (the newest; about 1 KB each, a build makes 10-40)."""


class StoredDecision(msgspec.Struct, frozen=True):
    """A row of ``protection_decision``."""

    shape: bytes
    decision: str


async def cell_histograms(conn: Connection, survey_id: int) -> list[CellHistogram]:
    """How many scores of each value each measure has in each site x language x version x period."""
    return await fetch_all(conn, CELL_HISTOGRAMS, CellHistogram, survey_id)


async def answer_cells(conn: Connection, survey_id: int, question_keys: list[str]) -> list[AnswerCell]:
    """How many chose each option of these questions in each site x language x version x period."""
    return await fetch_all(conn, ANSWER_CELLS, AnswerCell, survey_id, question_keys)


async def number_cells(conn: Connection, survey_id: int, question_keys: list[str]) -> list[CellHistogram]:
    """Number answers as histograms per finest cell, as measure ``number:KEY``."""
    return await fetch_all(conn, NUMBER_CELLS, CellHistogram, survey_id, question_keys)


async def revision(conn: Connection) -> int:
    """The state of the responses: bumped by every statement that changes response or measure_score."""
    found: int = await conn.fetchval(REVISION)
    return found


async def kept_set(
    conn: Connection, survey_id: int, k: int, revision: int, version_id: int
) -> ProtectedSet | None:
    """The kept protected set for this state, or ``None`` when it must be built again."""
    found: str | None = await conn.fetchval(KEPT_SET, survey_id, k, revision, version_id)
    if found is None:
        return None
    kept = msgspec.json.decode(found, type=ProtectedSet)
    return kept if kept.layout == LAYOUT else None


async def keep_set(conn: Connection, kept: ProtectedSet, version_id: int) -> None:
    """Keep a protected set as the current one for its survey at its k."""
    await conn.execute(KEEP_SET, kept.survey, kept.k, kept.revision, version_id, kept)


async def decisions(conn: Connection) -> dict[bytes, Decision]:
    """Every decision kept, by shape (``analysis.disclosure_protect.Decisions``)."""
    rows = await fetch_all(conn, DECISIONS, StoredDecision)
    return {row.shape: msgspec.json.decode(row.decision, type=Decision) for row in rows}


async def keep_decisions(conn: Connection, made: dict[bytes, Decision]) -> None:
    """Keep the decisions a build made, and forget all but the newest ``DECISIONS_KEPT``."""
    if made:
        await conn.executemany(KEEP_DECISION, list(made.items()))
        await conn.execute(FORGET_OLD_DECISIONS, DECISIONS_KEPT)


async def lock_set(conn: Connection, survey_id: int) -> None:
    """Serialise builds of one survey's set until the transaction ends (one builds, the others read)."""
    await conn.execute(LOCK_SET, survey_id)
