"""The evaluator's summary table: a projection of the survey's protected set, never a fresh aggregate."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from analysis import periods, protected_store

if TYPE_CHECKING:
    from analysis.protected import Figure, ProtectedSet
    from questions.scoring_rules import ScoringRule
    from survey.db import Connection

DIMENSIONS: Final = ("site", "period", "language", "version", "answered_with")
MAX_DIMENSIONS: Final = 2
"""Groupings of at most two dimensions, and two only with ``period``: the protected set publishes each
group (site, language, version, or how the survey was answered) along the period hierarchy, never two
groups crossed."""


class SummaryRow(msgspec.Struct, frozen=True, kw_only=True):
    """One measure in one group; a hidden row carries no figures at all (not even n), only why."""

    measure: str
    site: str | None = None
    period: str | None = None
    language: str | None = None
    version: int | None = None
    answered_with: str | None = None
    """How the survey was answered (``own``, ``read_aloud``, ``helped``; empty: not said), when grouped so."""
    suppressed: bool
    hidden: str | None = None
    """Why a suppressed row is hidden: "fewer than k" or "hidden to protect a smaller group"."""
    n: int | None = None
    mean: float | None = None
    sd: float | None = None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    ci_method: str | None = None


class SummaryTable(msgspec.Struct, frozen=True):
    """The summary, with the k it was protected at, the reporting period and the grouping asked for."""

    survey: int
    k: int
    group_by: list[str]
    rows: list[SummaryRow]
    period: str = periods.ALL
    """The reporting period: ``all``, a year ``2026``, a quarter ``2026-Q1``, a month or an ISO week."""


def children(kept: ProtectedSet, period: str) -> list[str]:
    """The stored periods (months or weeks) within a reporting period that have scores, in order."""
    return [stored for stored in kept.periods if periods.contains(period, stored)]


def row(rule: ScoringRule, figure: Figure) -> SummaryRow:
    """A figure as a summary row: its statistics by its size, or its label when hidden."""
    group = figure.group if figure.dimension != "all" else None
    labelled = SummaryRow(
        measure=rule.measure,
        site=group if figure.dimension == "site" else None,
        period=figure.period,
        language=group if figure.dimension == "language" else None,
        version=int(group) if figure.dimension == "version" and group is not None else None,
        answered_with=group if figure.dimension == "answered_with" else None,
        suppressed=True,
        hidden=figure.hidden,
    )
    if figure.stats is None or figure.hidden is not None:
        return labelled
    return msgspec.structs.replace(labelled, suppressed=False, **msgspec.structs.asdict(figure.stats))


def project(
    kept: ProtectedSet, measures: list[ScoringRule], period: str, group_by: list[str]
) -> SummaryTable:
    """The rows of every measure for one reporting period and grouping, read from the protected set."""
    dimension = next((d for d in group_by if d != "period"), "all")
    wanted = children(kept, period) if "period" in group_by else [period]
    rows = []
    for rule in measures:
        figures = [
            f for f in kept.measure_figures(rule.measure) if f.dimension == dimension and f.period in wanted
        ]
        order = {p: i for i, p in enumerate(wanted)}
        figures.sort(key=lambda f: (str(f.group), order[f.period]))
        rows += [row(rule, figure) for figure in figures]
    return SummaryTable(kept.survey, kept.k, group_by, rows, period)


async def summary(conn: Connection, survey_id: int, period: str, group_by: list[str], k: int) -> SummaryTable:
    """Summarise every measure of a survey for one reporting period by the chosen grouping.

    Raises:
        LookupError: the survey has no published version.
    """
    kept, definition = await protected_store.load(conn, survey_id, k)
    return project(kept, definition.measures, period, group_by)
