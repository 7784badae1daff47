"""SQL of retention: each survey's policy, keeping the finest cells of periods due, and deleting them.

A free-text answer is an answer to a question whose type is ``text`` in its response's own version. The
kept cells are written in the shapes the protected set reads (``analysis.kept_cell_queries``); a period
deleted twice (a late response released after the first run) adds to what was kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from survey.db import fetch_all, fetch_one

if TYPE_CHECKING:
    from datetime import date

    from survey.db import Connection

POLICIES: Final = """
SELECT survey_id, free_text_months, response_years FROM retention_policy ORDER BY survey_id
"""
POLICY: Final = """
SELECT survey_id, free_text_months, response_years FROM retention_policy WHERE survey_id = $1
"""
SET_POLICY: Final = """
INSERT INTO retention_policy (survey_id, free_text_months, response_years) VALUES ($1, $2, $3)
ON CONFLICT (survey_id) DO UPDATE
SET free_text_months = excluded.free_text_months, response_years = excluded.response_years
"""
RESPONSE_PERIODS: Final = """
SELECT DISTINCT r.period FROM response r JOIN survey_version v ON v.id = r.survey_version_id
WHERE v.survey_id = $1
"""
FREE_TEXT_PERIODS: Final = """
WITH text_keys AS (
    SELECT v.id AS version_id, q ->> 'key' AS key
    FROM survey_version v CROSS JOIN LATERAL jsonb_array_elements(v.definition -> 'questions') AS q
    WHERE v.survey_id = $1 AND q ->> 'type' = 'text'
)
SELECT DISTINCT r.period FROM answer a
JOIN response r ON r.id = a.response_id
JOIN text_keys t ON t.version_id = r.survey_version_id AND t.key = a.question_key
"""
HELD_PERIODS: Final = """
SELECT DISTINCT i.held ->> 'period' AS period FROM response_inbox i
JOIN survey_version v ON v.id = (i.held ->> 'survey_version_id')::bigint
WHERE v.survey_id = $1
"""
KEEP_SCORE_CELLS: Final = """
INSERT INTO kept_score_cell (
    survey_version_id, site_id, language, period, source, name, value, n, answered_with
)
SELECT r.survey_version_id, r.site_id, r.language, r.period, 'score', m.measure, m.value, count(*),
       coalesce(r.answered_with, '')
FROM measure_score m
JOIN response r ON r.id = m.response_id JOIN survey_version v ON v.id = r.survey_version_id
WHERE v.survey_id = $1 AND r.period = ANY($2::text[])
GROUP BY 1, 2, 3, 4, 6, 7, 9
ON CONFLICT (survey_version_id, site_id, language, period, source, name, value, answered_with)
DO UPDATE SET n = kept_score_cell.n + excluded.n
"""
KEEP_NUMBER_CELLS: Final = """
INSERT INTO kept_score_cell (
    survey_version_id, site_id, language, period, source, name, value, n, answered_with
)
SELECT r.survey_version_id, r.site_id, r.language, r.period, 'number', a.question_key,
       (a.value #>> '{}')::float8, count(*), coalesce(r.answered_with, '')
FROM answer a
JOIN response r ON r.id = a.response_id JOIN survey_version v ON v.id = r.survey_version_id
WHERE v.survey_id = $1 AND r.period = ANY($2::text[]) AND jsonb_typeof(a.value) = 'number'
GROUP BY 1, 2, 3, 4, 6, 7, 9
ON CONFLICT (survey_version_id, site_id, language, period, source, name, value, answered_with)
DO UPDATE SET n = kept_score_cell.n + excluded.n
"""
KEEP_ANSWER_CELLS: Final = """
WITH text_keys AS (
    SELECT v.id AS version_id, q ->> 'key' AS key
    FROM survey_version v CROSS JOIN LATERAL jsonb_array_elements(v.definition -> 'questions') AS q
    WHERE v.survey_id = $1 AND q ->> 'type' = 'text'
)
INSERT INTO kept_answer_cell (survey_version_id, site_id, language, period, question_key, option, n)
SELECT r.survey_version_id, r.site_id, r.language, r.period, a.question_key, option.code #>> '{}', count(*)
FROM answer a
JOIN response r ON r.id = a.response_id JOIN survey_version v ON v.id = r.survey_version_id
CROSS JOIN LATERAL jsonb_array_elements(
    CASE WHEN jsonb_typeof(a.value) = 'array' THEN a.value ELSE jsonb_build_array(a.value) END
) AS option (code)
WHERE v.survey_id = $1 AND r.period = ANY($2::text[]) AND option.code #>> '{}' IS NOT NULL
  AND NOT EXISTS (
      SELECT 1 FROM text_keys t WHERE t.version_id = r.survey_version_id AND t.key = a.question_key
  )
GROUP BY 1, 2, 3, 4, 5, 6
ON CONFLICT (survey_version_id, site_id, language, period, question_key, option)
DO UPDATE SET n = kept_answer_cell.n + excluded.n
"""
# indicator_queries.ANSWERED_CELLS for these periods: who picked at least one answer of a list question.
KEEP_ANSWERER_CELLS: Final = """
INSERT INTO kept_answerer_cell (survey_version_id, site_id, language, period, question_key, n)
SELECT r.survey_version_id, r.site_id, r.language, r.period, a.question_key, count(*)
FROM answer a
JOIN response r ON r.id = a.response_id JOIN survey_version v ON v.id = r.survey_version_id
WHERE v.survey_id = $1 AND r.period = ANY($2::text[])
  AND CASE WHEN jsonb_typeof(a.value) = 'array' THEN jsonb_array_length(a.value) > 0 ELSE false END
GROUP BY 1, 2, 3, 4, 5
ON CONFLICT (survey_version_id, site_id, language, period, question_key)
DO UPDATE SET n = kept_answerer_cell.n + excluded.n
"""
MEASURE_ITEMS: Final = """
SELECT DISTINCT ARRAY(SELECT jsonb_array_elements_text(m -> 'items')) AS items
FROM survey_version v CROSS JOIN LATERAL jsonb_array_elements(v.definition -> 'measures') AS m
WHERE v.survey_id = $1
"""
# analysis.queries.ITEM_MOMENTS for these periods only, kept under the measure's item list.
KEEP_ITEM_MOMENTS: Final = """
WITH values AS (
    SELECT r.period, a.response_id, a.question_key, (a.value #>> '{}')::float8 AS x
    FROM answer a
    JOIN response r ON r.id = a.response_id JOIN survey_version v ON v.id = r.survey_version_id
    WHERE v.survey_id = $1 AND a.question_key = ANY($2::text[]) AND jsonb_typeof(a.value) = 'number'
      AND r.period = ANY($3::text[])
),
complete AS (
    SELECT response_id FROM values GROUP BY response_id HAVING count(*) = cardinality($2::text[])
)
INSERT INTO kept_item_moment (survey_id, period, items, first_item, second_item, n, first_sum, cross_sum)
SELECT $1, one.period, $2::text[], one.question_key, other.question_key,
       count(*)::int, sum(one.x), sum(one.x * other.x)
FROM values one
JOIN complete USING (response_id)
JOIN values other ON other.response_id = one.response_id
GROUP BY 2, 4, 5
ON CONFLICT (survey_id, period, items, first_item, second_item) DO UPDATE
SET n = kept_item_moment.n + excluded.n, first_sum = kept_item_moment.first_sum + excluded.first_sum,
    cross_sum = kept_item_moment.cross_sum + excluded.cross_sum
"""
DELETE_SCORES: Final = """
DELETE FROM measure_score m USING response r, survey_version v
WHERE r.id = m.response_id AND v.id = r.survey_version_id AND v.survey_id = $1 AND r.period = ANY($2::text[])
"""
DELETE_ANSWERS: Final = """
DELETE FROM answer a USING response r, survey_version v
WHERE r.id = a.response_id AND v.id = r.survey_version_id AND v.survey_id = $1 AND r.period = ANY($2::text[])
"""
DELETE_RESPONSES: Final = """
WITH gone AS (
    DELETE FROM response r USING survey_version v
    WHERE v.id = r.survey_version_id AND v.survey_id = $1 AND r.period = ANY($2::text[])
    RETURNING 1
)
SELECT count(*) FROM gone
"""
DELETE_FREE_TEXT: Final = """
WITH text_keys AS (
    SELECT v.id AS version_id, q ->> 'key' AS key
    FROM survey_version v CROSS JOIN LATERAL jsonb_array_elements(v.definition -> 'questions') AS q
    WHERE v.survey_id = $1 AND q ->> 'type' = 'text'
),
gone AS (
    DELETE FROM answer a USING response r, text_keys t
    WHERE r.id = a.response_id AND t.version_id = r.survey_version_id AND t.key = a.question_key
      AND r.period = ANY($2::text[])
    RETURNING a.response_id
),
-- A response's content hash covers its words: kept, it would confirm any guess at what was deleted.
forgotten AS (
    UPDATE response SET content_hash = $3 WHERE id IN (SELECT response_id FROM gone)
)
SELECT count(*) FROM gone
"""
FORGOTTEN_HASH: Final = "free text deleted"
"""The content hash of a response whose words went: no SHA-256, so a resend of its id is a conflict."""
RECORD_DELETED: Final = """
INSERT INTO retention_deleted (survey_id, period, what) SELECT $1, unnest($2::text[]), $3
ON CONFLICT DO NOTHING
"""
ANY_POLICY: Final = """
SELECT EXISTS (
    SELECT 1 FROM retention_policy WHERE free_text_months IS NOT NULL OR response_years IS NOT NULL
)
"""
RAN_TODAY: Final = """
SELECT EXISTS (
    SELECT 1 FROM audit_event
    WHERE action = 'retention_run' AND detail ->> 'run' = 'daily' AND detail ->> 'day' = $1::date::text
)
"""
DELETED: Final = "SELECT period, what FROM retention_deleted WHERE survey_id = $1 ORDER BY period, what"
# Rewrites the files, so deleted rows (their text above all) leave no dead copies on disk; the live rows
# keep their order (already a shuffle of each daily batch), so the rewrite says nothing about arrival.
# A rewrite keeps every deleted row that a transaction open since before the deletion may still see (an
# export's snapshot, autovacuum's ANALYZE), so the run waits until none is left. Other roles' sessions
# show their snapshot only to a superuser or a member of pg_read_all_stats (docs/admin.md).
DELETING_XID: Final = "SELECT xid(pg_current_xact_id())"
# A rewrite keeps every row whose deleting transaction a snapshot may not yet see as committed: snapshots
# of this database whose xmin is at or before it, and the rewrite's own snapshot, whose xmin is the oldest
# transaction running anywhere in the cluster (another database's long write counts too). age() compares
# transaction ids across wraparound; NULL (no id, no snapshot) counts as nothing.
STILL_SEEING: Final = """
SELECT count(*) FROM pg_stat_activity
WHERE pid <> pg_backend_pid()
  AND (age(backend_xid) >= age($1::xid)
       OR (datname = current_database() AND age(backend_xmin) >= age($1::xid)))
"""
# ANALYZE too: the statistics sampled before (pg_stats' common values) would keep the deleted words.
COMPACT: Final = {
    "answer": "VACUUM (FULL, ANALYZE) answer",
    "response": "VACUUM (FULL, ANALYZE) response",
    "measure_score": "VACUUM (FULL, ANALYZE) measure_score",
}


class Policy(msgspec.Struct, frozen=True):
    """A survey's retention policy; ``None`` keeps for good."""

    survey_id: int
    free_text_months: int | None = None
    response_years: int | None = None


class DeletedPeriod(msgspec.Struct, frozen=True):
    """A stored period whose free text (``free_text``) or responses (``responses``) were deleted."""

    period: str
    what: str


class MeasureItems(msgspec.Struct, frozen=True):
    """The items of a measure, in order, in one of the survey's versions."""

    items: list[str]


class Period(msgspec.Struct, frozen=True):
    """One stored period."""

    period: str


async def policies(conn: Connection) -> list[Policy]:
    """Every survey's policy that was ever set."""
    return await fetch_all(conn, POLICIES, Policy)


async def policy(conn: Connection, survey_id: int) -> Policy:
    """A survey's policy (keep everything when none was set)."""
    return await fetch_one(conn, POLICY, Policy, survey_id) or Policy(survey_id)


async def set_policy(conn: Connection, chosen: Policy) -> None:
    """Store a survey's policy."""
    await conn.execute(SET_POLICY, chosen.survey_id, chosen.free_text_months, chosen.response_years)


async def any_policy(conn: Connection) -> bool:
    """Whether any survey's policy deletes anything (the daily job does nothing, silently, until then)."""
    found: bool = await conn.fetchval(ANY_POLICY)
    return found


async def ran_today(conn: Connection, today: date) -> bool:
    """Whether the daily job already ran on ``today`` (UTC), by any worker or instance."""
    found: bool = await conn.fetchval(RAN_TODAY, today)
    return found


async def _periods(conn: Connection, sql: str, survey_id: int) -> set[str]:
    return {row.period for row in await fetch_all(conn, sql, Period, survey_id)}


async def response_periods(conn: Connection, survey_id: int) -> set[str]:
    """The stored periods that hold released responses of the survey."""
    return await _periods(conn, RESPONSE_PERIODS, survey_id)


async def free_text_periods(conn: Connection, survey_id: int) -> set[str]:
    """The stored periods that hold free-text answers of the survey."""
    return await _periods(conn, FREE_TEXT_PERIODS, survey_id)


async def held_periods(conn: Connection, survey_id: int) -> set[str]:
    """The periods of the survey's responses still waiting in the inbox for their release."""
    return await _periods(conn, HELD_PERIODS, survey_id)


async def delete_free_text(conn: Connection, survey_id: int, periods: list[str]) -> int:
    """Delete the free-text answers of these periods; how many were deleted."""
    count: int = await conn.fetchval(DELETE_FREE_TEXT, survey_id, periods, FORGOTTEN_HASH)
    await conn.execute(RECORD_DELETED, survey_id, periods, "free_text")
    return count


async def delete_responses(conn: Connection, survey_id: int, periods: list[str]) -> int:
    """Keep these periods' finest cells, then delete their responses, answers and scores; how many."""
    for keep in (KEEP_SCORE_CELLS, KEEP_NUMBER_CELLS, KEEP_ANSWER_CELLS, KEEP_ANSWERER_CELLS):
        await conn.execute(keep, survey_id, periods)
    for measure in await fetch_all(conn, MEASURE_ITEMS, MeasureItems, survey_id):
        if len(measure.items) >= 2:  # reliability needs two items at least
            await conn.execute(KEEP_ITEM_MOMENTS, survey_id, measure.items, periods)
    await conn.execute(DELETE_SCORES, survey_id, periods)
    await conn.execute(DELETE_ANSWERS, survey_id, periods)
    count: int = await conn.fetchval(DELETE_RESPONSES, survey_id, periods)
    await conn.execute(RECORD_DELETED, survey_id, periods, "responses")
    return count


async def deleted_periods(conn: Connection, survey_id: int) -> list[DeletedPeriod]:
    """The survey's periods whose free text or responses were deleted."""
    return await fetch_all(conn, DELETED, DeletedPeriod, survey_id)


async def deleting_xid(conn: Connection) -> int:
    """The id of this (deleting) transaction, assigned now if it has none yet."""
    xid: int = await conn.fetchval(DELETING_XID)
    return xid


async def still_seeing(conn: Connection, deleted_by: int) -> int:
    """How many other sessions may still see rows that transaction ``deleted_by`` deleted as live."""
    count: int = await conn.fetchval(STILL_SEEING, deleted_by)
    return count


async def compact(conn: Connection, tables: list[str]) -> None:
    """Rewrite these tables' files and sample their statistics anew (outside a transaction)."""
    for table in tables:
        await conn.execute(COMPACT[table])
