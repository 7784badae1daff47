"""SQL for the indicator pack: how many answered each pick-any question, per finest cell."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from analysis.protected import AnswerCell
from survey.db import fetch_all

if TYPE_CHECKING:
    from survey.db import Connection

ANSWERED: Final = "answered"
"""The pseudo-option under which a pick-any question's answerers are counted."""
ANSWERED_CELLS: Final = """
SELECT question_key, 'answered' AS option, site, language, version, period, sum(n)::int AS n
FROM (
    SELECT a.question_key, s.name AS site, r.language, v.number AS version, r.period, count(*) AS n
    FROM answer a
    JOIN response r ON r.id = a.response_id
    JOIN survey_version v ON v.id = r.survey_version_id
    JOIN site s ON s.id = r.site_id
    WHERE v.survey_id = $1 AND a.question_key = ANY($2::text[])
      AND CASE WHEN jsonb_typeof(a.value) = 'array' THEN jsonb_array_length(a.value) > 0 ELSE false END
    GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    -- the periods retention deleted: their counts as they were kept (survey.retention)
    SELECT k.question_key, s.name, k.language, v.number, k.period, k.n
    FROM kept_answerer_cell k
    JOIN survey_version v ON v.id = k.survey_version_id
    JOIN site s ON s.id = k.site_id
    WHERE v.survey_id = $1 AND k.question_key = ANY($2::text[])
) AS cells
GROUP BY 1, 3, 4, 5, 6
"""


async def answered_cells(conn: Connection, survey_id: int, question_keys: list[str]) -> list[AnswerCell]:
    """How many responses picked at least one answer of these questions, per finest cell.

    "Prefer not to say" (stored as that value, not a list) and skipped questions are not counted. The
    periods whose responses retention deleted count as they were kept (``kept_answerer_cell``).
    """
    return await fetch_all(conn, ANSWERED_CELLS, AnswerCell, survey_id, question_keys)
