"""SQL for the evaluator's aggregates (grouped moments and quartiles, counts by period) and for rescoring.

Grouping is chosen by boolean parameters (``CASE WHEN $n THEN ... END``), so one plain statement serves
every grouping without building SQL from strings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeAlias
from uuid import UUID

import msgspec

from analysis.protected import CellHistogram, ProtectedSet
from questions.schemas import SurveyDefinition
from questions.scoring_rules import ScoringRule
from survey.db import fetch_all, fetch_one

if TYPE_CHECKING:
    from survey.db import Connection

GROUPED_SCORES: Final = """
SELECT m.measure,
       CASE WHEN $2 THEN s.name END AS site,
       CASE WHEN $3 THEN r.period END AS period,
       CASE WHEN $4 THEN r.language END AS language,
       CASE WHEN $5 THEN v.number END AS version,
       count(*) AS n,
       avg(m.value) AS mean,
       stddev_samp(m.value) AS sd,
       percentile_cont(0.25) WITHIN GROUP (ORDER BY m.value) AS q1,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY m.value) AS median,
       percentile_cont(0.75) WITHIN GROUP (ORDER BY m.value) AS q3
FROM measure_score m
JOIN response r ON r.id = m.response_id
JOIN survey_version v ON v.id = r.survey_version_id
JOIN site s ON s.id = r.site_id
WHERE v.survey_id = $1 AND r.period >= $6 AND r.period <= $7
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5
"""

GROUP_VALUES: Final = """
SELECT m.value
FROM measure_score m
JOIN response r ON r.id = m.response_id
JOIN survey_version v ON v.id = r.survey_version_id
JOIN site s ON s.id = r.site_id
WHERE v.survey_id = $1 AND r.period >= $6 AND r.period <= $7 AND m.measure = $8
  AND (NOT $2 OR s.name = $9) AND (NOT $3 OR r.period = $10) AND (NOT $4 OR r.language = $11)
  AND (NOT $5 OR v.number = $12)
"""
LATEST_DEFINITION: Final = """
SELECT definition FROM survey_version WHERE survey_id = $1 ORDER BY number DESC LIMIT 1
"""
BAND_COUNTS_BY_PERIOD: Final = """
SELECT m.band, r.period, count(*) AS n FROM measure_score m
JOIN response r ON r.id = m.response_id JOIN survey_version v ON v.id = r.survey_version_id
WHERE v.survey_id = $1 AND r.period >= $2 AND r.period <= $3 AND m.measure = $4 AND m.band IS NOT NULL
GROUP BY 1, 2
"""
ANSWER_COUNTS_BY_PERIOD: Final = """
SELECT a.question_key, a.value, r.period, count(*) AS n FROM answer a
JOIN response r ON r.id = a.response_id JOIN survey_version v ON v.id = r.survey_version_id
WHERE v.survey_id = $1 AND r.period >= $2 AND r.period <= $3 AND a.question_key = ANY($4::text[])
GROUP BY 1, 2, 3
"""
PERIOD_SCORES: Final = """
SELECT m.value FROM measure_score m
JOIN response r ON r.id = m.response_id JOIN survey_version v ON v.id = r.survey_version_id
WHERE v.survey_id = $1 AND r.period = $2 AND m.measure = $3
"""
LINKED_SCORES: Final = """
SELECT r.linkage, m.value FROM measure_score m
JOIN response r ON r.id = m.response_id JOIN survey_version v ON v.id = r.survey_version_id
WHERE v.survey_id = $1 AND r.period = $2 AND m.measure = $3 AND r.linkage IS NOT NULL
ORDER BY r.id
"""
PERIODS: Final = """
SELECT DISTINCT r.period FROM response r JOIN survey_version v ON v.id = r.survey_version_id
WHERE v.survey_id = $1 AND r.period >= $2 AND r.period <= $3 ORDER BY 1
"""
ITEM_ROWS: Final = """
WITH complete AS (
    SELECT a.response_id FROM answer a
    JOIN response r ON r.id = a.response_id JOIN survey_version v ON v.id = r.survey_version_id
    WHERE v.survey_id = $1 AND r.period >= $2 AND r.period <= $3 AND a.question_key = ANY($4::text[])
      AND jsonb_typeof(a.value) = 'number'
    GROUP BY a.response_id HAVING count(DISTINCT a.question_key) = cardinality($4::text[])
    ORDER BY a.response_id LIMIT $5
)
SELECT a.response_id, a.question_key, a.value FROM answer a JOIN complete c USING (response_id)
WHERE a.question_key = ANY($4::text[])
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


class GroupRow(msgspec.Struct, frozen=True):
    """One measure in one group, as the database aggregates it."""

    measure: str
    site: str | None
    period: str | None
    language: str | None
    version: int | None
    n: int
    mean: float
    sd: float | None
    q1: float
    median: float
    q3: float


class Grouping(msgspec.Struct, frozen=True):
    """Which dimensions to group by, the survey, and the period range (``YYYY-MM`` or ``YYYY-Www``)."""

    survey_id: int
    site: bool
    period: bool
    language: bool
    version: bool
    first: str
    last: str

    def parameters(self) -> tuple[object, ...]:
        """The statement's first seven parameters."""
        return (self.survey_id, self.site, self.period, self.language, self.version, self.first, self.last)


class BandCount(msgspec.Struct, frozen=True):
    """Scores of one measure in one band in one period."""

    band: str
    period: str
    n: int


class AnswerCount(msgspec.Struct, frozen=True):
    """Answers of one value (a code, or a list of codes) to one question in one period."""

    question_key: str
    value: object
    period: str
    n: int


class LinkedScore(msgspec.Struct, frozen=True):
    """A score of a response that carries a linkage code (one keyed hash per part)."""

    linkage: list[str]
    value: float


class ItemAnswer(msgspec.Struct, frozen=True):
    """One answer of one response, for a measure's reliability."""

    response_id: UUID
    question_key: str
    value: object


class ResponseAnswers(msgspec.Struct, frozen=True):
    """A response's answers by question key, with the scoring rules frozen in its version."""

    id: UUID
    measures: list[ScoringRule] | None
    answers: dict[str, object]


class _Score(msgspec.Struct, frozen=True):
    value: float


class _Period(msgspec.Struct, frozen=True):
    period: str


class _Definition(msgspec.Struct, frozen=True):
    definition: SurveyDefinition


async def grouped_scores(conn: Connection, grouping: Grouping) -> list[GroupRow]:
    """Moments and quartiles of every measure in every group."""
    return await fetch_all(conn, GROUPED_SCORES, GroupRow, *grouping.parameters())


async def group_values(conn: Connection, grouping: Grouping, row: GroupRow) -> list[float]:
    """Every score of one measure in one group (for the bootstrap of small groups)."""
    rows = await fetch_all(
        conn,
        GROUP_VALUES,
        _Score,
        *grouping.parameters(),
        row.measure,
        row.site,
        row.period,
        row.language,
        row.version,
    )
    return [score.value for score in rows]


async def latest_definition(conn: Connection, survey_id: int) -> SurveyDefinition | None:
    """What the survey's newest published version asks (``None``: nothing published yet)."""
    found = await fetch_one(conn, LATEST_DEFINITION, _Definition, survey_id)
    return None if found is None else found.definition


async def periods(conn: Connection, survey_id: int, first: str, last: str) -> list[str]:
    """The periods of the range that have responses, in order."""
    return [row.period for row in await fetch_all(conn, PERIODS, _Period, survey_id, first, last)]


async def band_counts_by_period(
    conn: Connection, survey_id: int, first: str, last: str, measure: str
) -> list[BandCount]:
    """How many scores of a measure fall in each band, per period of the range."""
    return await fetch_all(conn, BAND_COUNTS_BY_PERIOD, BandCount, survey_id, first, last, measure)


async def answer_counts_by_period(
    conn: Connection, survey_id: int, first: str, last: str, question_keys: list[str]
) -> list[AnswerCount]:
    """How many gave each answer to each of the questions, per period of the range."""
    return await fetch_all(conn, ANSWER_COUNTS_BY_PERIOD, AnswerCount, survey_id, first, last, question_keys)


async def period_scores(conn: Connection, survey_id: int, period: str, measure: str) -> list[float]:
    """Every score of a measure in one period."""
    rows = await fetch_all(conn, PERIOD_SCORES, _Score, survey_id, period, measure)
    return [score.value for score in rows]


async def linked_scores(conn: Connection, survey_id: int, period: str, measure: str) -> list[LinkedScore]:
    """The scores of a measure in one period whose responses carry a linkage code, by response id."""
    return await fetch_all(conn, LINKED_SCORES, LinkedScore, survey_id, period, measure)


async def item_answers(
    conn: Connection, survey_id: int, first: str, last: str, items: list[str], sample: int
) -> list[ItemAnswer]:
    """The items of up to ``sample`` responses of the range that answered every item with a number.

    Response ids are random (UUID 4), so the first ``sample`` by id are a random sample, the same one
    on every load.
    """
    return await fetch_all(conn, ITEM_ROWS, ItemAnswer, survey_id, first, last, items, sample)


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


EARLIEST_PERIOD: Final = "0000"
"""Sorts before every period as text (``YYYY-MM`` or ``YYYY-Www``): the bound of a range open at its start."""
LATEST_PERIOD: Final = "9999"
"""Sorts after every period as text: the bound of a range open at its end."""


def period_bounds(first: str | None, last: str | None) -> tuple[str, str]:
    """The bounds the statements compare ``r.period`` with, for a range whose ends may be open (``None``)."""
    return (first or EARLIEST_PERIOD, last or LATEST_PERIOD)


CELL_HISTOGRAMS: Final = """
SELECT m.measure, s.name AS site, r.language, v.number AS version, r.period, m.value, count(*)::int AS n
FROM measure_score m
JOIN response r ON r.id = m.response_id
JOIN survey_version v ON v.id = r.survey_version_id
JOIN site s ON s.id = r.site_id
WHERE v.survey_id = $1
GROUP BY 1, 2, 3, 4, 5, 6
"""
REVISION: Final = "SELECT revision FROM analysis_revision"
LATEST_VERSION_ID: Final = "SELECT max(id) FROM survey_version WHERE survey_id = $1"
KEPT_SET: Final = """
SELECT body::text FROM protected_set WHERE survey_id = $1 AND k = $2 AND revision = $3 AND version_id = $4
"""
KEEP_SET: Final = """
INSERT INTO protected_set (survey_id, k, revision, version_id, body) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (survey_id, k) DO UPDATE
SET revision = excluded.revision, version_id = excluded.version_id, body = excluded.body
"""
LOCK_SET: Final = "SELECT pg_advisory_xact_lock(hashtextextended('protected_set', $1))"


async def cell_histograms(conn: Connection, survey_id: int) -> list[CellHistogram]:
    """How many scores of each value each measure has in each site x language x version x period."""
    return await fetch_all(conn, CELL_HISTOGRAMS, CellHistogram, survey_id)


async def revision(conn: Connection) -> int:
    """The state of the responses: bumped by every statement that changes response or measure_score."""
    found: int = await conn.fetchval(REVISION)
    return found


async def latest_version_id(conn: Connection, survey_id: int) -> int | None:
    """The id of the survey's newest version, or ``None`` when it has none."""
    found: int | None = await conn.fetchval(LATEST_VERSION_ID, survey_id)
    return found


async def kept_set(
    conn: Connection, survey_id: int, k: int, revision: int, version_id: int
) -> ProtectedSet | None:
    """The kept protected set for this state, or ``None`` when it must be built again."""
    found: str | None = await conn.fetchval(KEPT_SET, survey_id, k, revision, version_id)
    return None if found is None else msgspec.json.decode(found, type=ProtectedSet)


async def keep_set(conn: Connection, kept: ProtectedSet, version_id: int) -> None:
    """Keep a protected set as the current one for its survey at its k."""
    await conn.execute(KEEP_SET, kept.survey, kept.k, kept.revision, version_id, kept)


async def lock_set(conn: Connection, survey_id: int) -> None:
    """Serialise builds of one survey's set until the transaction ends (one builds, the others read)."""
    await conn.execute(LOCK_SET, survey_id)
