"""The evaluator's summary table: every measure in every group, small groups hidden, honest intervals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from analysis import queries, stats
from analysis.suppression import check_k, suppress_table

if TYPE_CHECKING:
    from survey.db import Connection

DIMENSIONS: Final = ("site", "period", "language", "version")
MAX_DIMENSIONS: Final = 2
"""Groupings of at most two dimensions, and two only with ``period``: complementary suppression is checked
across both, and a grouping without ``period`` is checked against its periods too (see ``_range_hidden``)."""


class SummaryRow(msgspec.Struct, frozen=True, kw_only=True):
    """One measure in one group; a suppressed row carries no figures at all (not even n)."""

    measure: str
    site: str | None = None
    period: str | None = None
    language: str | None = None
    version: int | None = None
    suppressed: bool
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
    """The summary, with the k it was suppressed at and the grouping asked for."""

    survey: int
    k: int
    group_by: list[str]
    rows: list[SummaryRow]


def _hidden(rows: list[queries.GroupRow], group_by: list[str], k: int) -> set[int]:
    """Indexes of rows to hide: groups below k and, per measure, what subtraction could recover."""
    hidden: set[int] = set()
    for measure in sorted({row.measure for row in rows}):
        mine = [(index, row) for index, row in enumerate(rows) if row.measure == measure]
        keys = [tuple(getattr(row, dimension) for dimension in group_by) for _, row in mine]
        if not group_by:
            hidden |= {index for index, row in mine if 1 <= row.n < k}
            continue
        first = sorted({key[0] for key in keys}, key=str)
        second = sorted({key[1] for key in keys}, key=str) if len(group_by) == 2 else [None]
        counts = {key: row.n for key, (_, row) in zip(keys, mine, strict=True)}
        table = [[counts.get((a, b) if len(group_by) == 2 else (a,), 0) for b in second] for a in first]
        suppressed = suppress_table(table, k)
        for key, (index, _) in zip(keys, mine, strict=True):
            r, c = first.index(key[0]), second.index(key[1]) if len(group_by) == 2 else 0
            if suppressed.cells[r][c] is None:
                hidden.add(index)
    return hidden


def hidden_in_some_period(table: list[list[int]], k: int) -> list[bool]:
    """For each row of a (group x period) table of counts: is any of its periods hidden?

    A figure over a range of periods is the sum of its periods, so two ranges that differ by one period
    give that period's figure by subtraction. Showing a range figure only when every period in it is shown
    (after suppression) means such a difference is always a figure that could be shown anyway.
    """
    suppressed = suppress_table(table, k)
    return [any(cell is None for cell in row) for row in suppressed.cells]


async def _range_hidden(
    conn: Connection, grouping: queries.Grouping, group_by: list[str], rows: list[queries.GroupRow], k: int
) -> set[int]:
    per_period = await queries.grouped_scores(conn, msgspec.structs.replace(grouping, period=True))
    hidden: set[int] = set()
    for measure in sorted({row.measure for row in rows}):
        mine = [row for row in per_period if row.measure == measure]
        groups = sorted({tuple(getattr(row, d) for d in group_by) for row in mine}, key=str)
        periods = sorted({row.period for row in mine}, key=str)
        counts = {(tuple(getattr(row, d) for d in group_by), row.period): row.n for row in mine}
        table = [[counts.get((group, period), 0) for period in periods] for group in groups]
        flagged = {group for group, bad in zip(groups, hidden_in_some_period(table, k), strict=True) if bad}
        hidden |= {
            index
            for index, row in enumerate(rows)
            if row.measure == measure and tuple(getattr(row, d) for d in group_by) in flagged
        }
    return hidden


async def summary(conn: Connection, grouping: queries.Grouping, group_by: list[str], k: int) -> SummaryTable:
    """Summarise every measure of a survey by the chosen grouping, hiding what could point at a person.

    Groups of up to 5,000 get a bootstrap BCa interval from their values; larger ones a t-interval from
    the database's moments (see ``analysis.stats``).
    """
    check_k(k)
    rows = await queries.grouped_scores(conn, grouping)
    hidden = _hidden(rows, group_by, k)
    if "period" not in group_by:
        hidden |= await _range_hidden(conn, grouping, group_by, rows, k)
    result = []
    for index, row in enumerate(rows):
        labelled = SummaryRow(
            measure=row.measure,
            site=row.site,
            period=row.period,
            language=row.language,
            version=row.version,
            suppressed=True,
        )
        if index in hidden:
            result.append(labelled)
            continue
        if row.n <= stats.BOOTSTRAP_LIMIT:
            described = stats.summarise(await queries.group_values(conn, grouping, row))
        else:
            described = stats.summary_from_moments(row.n, row.mean, row.sd or 0.0, row.median, row.q1, row.q3)
        result.append(
            msgspec.structs.replace(labelled, suppressed=False, **msgspec.structs.asdict(described))
        )
    return SummaryTable(grouping.survey_id, k, group_by, result)
