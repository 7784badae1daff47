"""Recompute every stored score with the current scoring rules (after a rule changes), in batches."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from analysis import queries
from analysis.scoring import score
from questions import queries as question_queries
from questions.bank import shipped_instruments

if TYPE_CHECKING:
    from collections.abc import Callable

    from questions.scoring_rules import ScoringRule
    from survey.db import Connection

BATCH: Final = 5000
COUNT_RESPONSES: Final = queries.COUNT_RESPONSES
"""Kept while survey/cli.py counts responses with it; ``queries.response_count`` is the typed way."""
FIRST_ID: Final = "00000000-0000-0000-0000-000000000000"


async def current_rules(conn: Connection) -> dict[str, ScoringRule]:
    """The rule in force for each measure: loaded instruments over shipped ones."""
    instruments = list(shipped_instruments().values())
    instruments += await question_queries.instruments(conn)
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
    while rows := await queries.response_batch(conn, last, BATCH):
        new_scores: list[queries.ScoreRecord] = []
        for row in rows:
            for rule in (rules.get(r.measure, r) for r in row.measures or []):
                if (result := score(rule, row.answers)) is not None:
                    new_scores.append(
                        (row.id, result.measure, result.value, result.band, result.missing, result.version)
                    )
        async with conn.transaction():
            await queries.delete_scores(conn, [row.id for row in rows])
            await queries.copy_scores(conn, new_scores)
        last, done = str(rows[-1].id), done + len(rows)
        if progress:
            progress(len(rows))
    return done
