"""Recompute every stored score with the current scoring rules (after a rule changes), in batches."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from analysis.scoring import score
from questions.bank import Instrument, shipped_instruments
from questions.queries import INSTRUMENTS
from questions.scoring_rules import ScoringRule

if TYPE_CHECKING:
    from collections.abc import Callable

    from survey.db import Connection

BATCH: Final = 5000
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
FIRST_ID: Final = "00000000-0000-0000-0000-000000000000"


async def current_rules(conn: Connection) -> dict[str, ScoringRule]:
    """The rule in force for each measure: loaded instruments over shipped ones."""
    instruments = list(shipped_instruments().values())
    instruments += [msgspec.convert(row["definition"], Instrument) for row in await conn.fetch(INSTRUMENTS)]
    return {rule.measure: rule for instrument in instruments for rule in instrument.measures}


async def rescore(conn: Connection, progress: Callable[[int], None] | None = None) -> int:
    """Replace every response's scores with those of the current rules.

    Each response's version says which measures it has; a measure no current rule covers keeps the rule
    frozen in its version.

    Returns:
        How many responses were rescored.
    """
    rules = await current_rules(conn)
    last, done = FIRST_ID, 0
    while rows := await conn.fetch(RESPONSE_BATCH, last, BATCH):
        new_scores = []
        for row in rows:
            frozen = msgspec.convert(row["measures"] or [], list[ScoringRule])
            for rule in (rules.get(r.measure, r) for r in frozen):
                if (result := score(rule, row["answers"])) is not None:
                    new_scores.append(
                        (row["id"], result.measure, result.value, result.band, result.missing, result.version)
                    )
        async with conn.transaction():
            await conn.execute(DELETE_SCORES, [row["id"] for row in rows])
            await conn.copy_records_to_table("measure_score", records=new_scores, columns=SCORE_COLUMNS)
        last, done = str(rows[-1]["id"]), done + len(rows)
        if progress:
            progress(len(rows))
    return done
