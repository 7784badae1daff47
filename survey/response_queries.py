"""SQL for stored responses: the response row (with its linkage hashes), its answers and measure scores."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final
from uuid import UUID

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from survey.db import Connection
    from survey.schemas import AnswerValue

INSERT_RESPONSE: Final = """
INSERT INTO response (id, survey_version_id, site_id, language, period, linkage, content_hash)
VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id
"""
CONTENT_HASH: Final = "SELECT content_hash FROM response WHERE id = $1"
INSERT_ANSWER: Final = "INSERT INTO answer (response_id, question_key, value) VALUES ($1, $2, $3)"
INSERT_SCORE: Final = """
INSERT INTO measure_score (response_id, measure, value, band, missing_items, scoring_version)
VALUES ($1, $2, $3, $4, $5, $6)
"""
RESPONSE_COLUMNS: Final = (
    "id",
    "survey_version_id",
    "site_id",
    "language",
    "period",
    "linkage",
    "content_hash",
)
ANSWER_COLUMNS: Final = ("response_id", "question_key", "value")
SCORE_COLUMNS: Final = ("response_id", "measure", "value", "band", "missing_items", "scoring_version")

ResponseRecord = tuple[UUID, int, int, str, str, list[str] | None, str]
"""A response row in :data:`RESPONSE_COLUMNS` order."""
AnswerRecord = tuple[UUID, str, object]
"""An answer row in :data:`ANSWER_COLUMNS` order."""
ScoreRecord = tuple[UUID, str, float, str | None, int, str]
"""A measure score row in :data:`SCORE_COLUMNS` order: the value, its band, items missing, rule version."""


async def insert_response(
    conn: Connection,
    response_id: UUID,
    *,
    survey_version_id: int,
    site_id: int,
    language: str,
    period: str,
    linkage: list[str] | None,
    content_hash: str,
) -> bool:
    """Store a response row unless one has its id already; whether it was stored now."""
    inserted = await conn.fetchval(
        INSERT_RESPONSE, response_id, survey_version_id, site_id, language, period, linkage, content_hash
    )
    return inserted is not None


async def content_hash(conn: Connection, response_id: UUID) -> str | None:
    """The content hash stored with a response, or ``None`` when there is no such response."""
    stored: str | None = await conn.fetchval(CONTENT_HASH, response_id)
    return stored


async def insert_answers(conn: Connection, response_id: UUID, answers: Mapping[str, AnswerValue]) -> None:
    """Store a response's answers, one row each."""
    await conn.executemany(INSERT_ANSWER, [(response_id, key, value) for key, value in answers.items()])


async def insert_scores(conn: Connection, records: Iterable[ScoreRecord]) -> None:
    """Store measure scores, one row each."""
    await conn.executemany(INSERT_SCORE, list(records))


async def copy_responses(
    conn: Connection,
    responses: Iterable[ResponseRecord],
    answers: Iterable[AnswerRecord],
    scores: Iterable[ScoreRecord],
) -> None:
    """Bulk-load responses with their answers and scores by COPY (call it inside a transaction)."""
    await conn.copy_records_to_table("response", records=responses, columns=RESPONSE_COLUMNS)
    await conn.copy_records_to_table("answer", records=answers, columns=ANSWER_COLUMNS)
    await conn.copy_records_to_table("measure_score", records=scores, columns=SCORE_COLUMNS)
