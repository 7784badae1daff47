"""Where views get the protected set: the one kept for the current responses, or a new one built and kept."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from analysis import kept_cell_queries, period_results, protected, queries
from analysis.disclosure_protect import Decisions
from questions import queries as question_queries

CHOICE_TYPES: Final = frozenset({"single_choice", "multi_choice"})
"""The questions whose answers are counted per option (their distributions are shown)."""

if TYPE_CHECKING:
    from analysis.protected import ProtectedSet
    from questions.schemas import SurveyDefinition
    from survey.db import Connection


async def current(conn: Connection, survey_id: int, k: int, *, rebuild: bool = False) -> ProtectedSet:
    """The survey's protected set at ``k`` for the responses as they are now (see ``load``).

    Raises:
        LookupError: the survey has no published version.
    """
    kept, _ = await load(conn, survey_id, k, rebuild=rebuild)
    return kept


async def load(
    conn: Connection, survey_id: int, k: int, *, rebuild: bool = False
) -> tuple[ProtectedSet, SurveyDefinition]:
    """The survey's protected set at ``k`` and the newest definition it was built for.

    Built at most once per state (a release, a rescore, a new version): concurrent requests wait on one
    advisory lock while the first builds, then read what it kept. ``rebuild`` builds and audits it again
    whatever is kept, deciding every table again without the decisions kept (``survey analysis audit``).

    Raises:
        LookupError: the survey has no published version.
    """
    latest = await queries.latest_version(conn, survey_id)
    if latest is None:
        raise LookupError(f"survey {survey_id} has no published version")
    version_id, definition = latest.id, latest.definition
    async with conn.transaction():
        revision = await queries.revision(conn)
        kept = None if rebuild else await queries.kept_set(conn, survey_id, k, revision, version_id)
        if kept is not None:
            return kept, definition
        await queries.lock_set(conn, survey_id)
        kept = None if rebuild else await queries.kept_set(conn, survey_id, k, revision, version_id)
        if kept is not None:
            return kept, definition
        rows = await queries.cell_histograms(conn, survey_id)
        choices = [q.key for q in definition.questions if q.type in CHOICE_TYPES]
        answers = await queries.answer_cells(conn, survey_id, choices)
        numbers = [protected.number_rule(q) for q in definition.questions if q.type == "number"]
        rows += await queries.number_cells(conn, survey_id, [rule.items[0] for rule in numbers])
        # Retention (survey.retention) deletes old periods' responses after keeping their finest cells:
        # the stored cells plus the kept ones are the cells as they were, so the figures do not change.
        rows += await kept_cell_queries.histograms(conn, survey_id)
        rows += await kept_cell_queries.number_cells(conn, survey_id, [rule.items[0] for rule in numbers])
        answers += await kept_cell_queries.answer_cells(conn, survey_id, choices)
        # A shape already decided (here or by another worker, before a restart) is not searched again;
        # ``rebuild`` searches every one again and keeps what it found.
        decisions = Decisions() if rebuild else Decisions(await queries.decisions(conn))
        measures = [*definition.measures, *numbers]
        built = protected.build(survey_id, k, revision, measures, rows, answers, decisions)
        linked, reliability = await period_results.compute(
            conn, survey_id, definition.measures, built.periods, k
        )
        built = msgspec.structs.replace(built, linked=linked, reliability=reliability)
        await queries.keep_set(conn, built, version_id)
        await queries.keep_decisions(conn, decisions.made)
        return built, definition


async def warm(conn: Connection, k: int) -> int:
    """Build the protected set of every published survey now (after a release, a rescore, new data).

    Returns:
        How many surveys' sets were built or found current.
    """
    published = [survey.id for survey in await question_queries.surveys(conn) if survey.latest_version]
    for survey_id in published:
        await current(conn, survey_id, k)
    return len(published)
