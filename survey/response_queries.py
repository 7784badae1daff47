"""SQL for released responses: the response row (with its linkage hashes), its answers and measure scores."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final
from uuid import UUID

if TYPE_CHECKING:
    from collections.abc import Iterable

    from survey.db import Connection

CONTENT_HASH: Final = "SELECT content_hash FROM response WHERE id = $1"
RESPONSE_COLUMNS: Final = (
    "id",
    "survey_version_id",
    "site_id",
    "language",
    "period",
    "linkage",
    "content_hash",
)
RELEASED_COLUMNS: Final = (*RESPONSE_COLUMNS, "answered_with")
"""What the daily release writes: a response row and how it was answered."""
ANSWER_COLUMNS: Final = ("response_id", "question_key", "value")
SCORE_COLUMNS: Final = ("response_id", "measure", "value", "band", "missing_items", "scoring_version")

ResponseRecord = tuple[UUID, int, int, str, str, list[str] | None, str]
"""A response row in :data:`RESPONSE_COLUMNS` order."""
ReleasedRecord = tuple[UUID, int, int, str, str, list[str] | None, str, str | None]
"""A released response row in :data:`RELEASED_COLUMNS` order (how it was answered last, or ``None``)."""
AnswerRecord = tuple[UUID, str, object]
"""An answer row in :data:`ANSWER_COLUMNS` order."""
ScoreRecord = tuple[UUID, str, float, str | None, int, str]
"""A measure score row in :data:`SCORE_COLUMNS` order: the value, its band, items missing, rule version."""


async def content_hash(conn: Connection, response_id: UUID) -> str | None:
    """The content hash stored with a response, or ``None`` when there is no such response."""
    stored: str | None = await conn.fetchval(CONTENT_HASH, response_id)
    return stored


async def copy_responses(
    conn: Connection,
    responses: Iterable[ResponseRecord],
    answers: Iterable[AnswerRecord],
    scores: Iterable[ScoreRecord],
) -> None:
    """Bulk-load responses with their answers and scores by COPY (call it inside a transaction)."""
    await _copy(conn, responses, RESPONSE_COLUMNS, answers, scores)


async def copy_released(
    conn: Connection,
    responses: Iterable[ReleasedRecord],
    answers: Iterable[AnswerRecord],
    scores: Iterable[ScoreRecord],
) -> None:
    """Bulk-load a released batch, with how each response was answered (call it inside a transaction)."""
    await _copy(conn, responses, RELEASED_COLUMNS, answers, scores)


async def _copy(
    conn: Connection,
    responses: Iterable[tuple[object, ...]],
    response_columns: tuple[str, ...],
    answers: Iterable[AnswerRecord],
    scores: Iterable[ScoreRecord],
) -> None:
    await conn.copy_records_to_table("response", records=responses, columns=response_columns)
    await conn.copy_records_to_table("answer", records=answers, columns=ANSWER_COLUMNS)
    await conn.copy_records_to_table("measure_score", records=scores, columns=SCORE_COLUMNS)
