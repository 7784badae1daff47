"""The aggregate tables every evaluator view and export shows, read from the survey's protected set.

``build`` gathers, for one survey and reporting period: the summary by the chosen grouping, the overall
summary, band shares, the first-versus-last period comparison, linked pairs, reliability per instrument,
and the answer distribution of each choice question.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from analysis import histogram_compare, item_compare, periods, protected, protected_store, stats, summary
from analysis.figure_stats import FULL_FROM
from analysis.period_rows import LinkedRow, ReliabilityRow
from questions.scoring_rules import PREFER_NOT_TO_SAY, ScoringRule

if TYPE_CHECKING:
    from analysis.protected import ProtectedSet
    from questions.schemas import SurveyDefinition
    from survey.db import Connection


class BandRow(msgspec.Struct, frozen=True):
    """Responses in one band of one measure; ``None`` figures are hidden."""

    measure: str
    band: str
    label: str
    count: int | None
    share: float | None
    ci_low: float | None
    ci_high: float | None
    hidden: str | None = None


class ComparisonRow(msgspec.Struct, frozen=True):
    """First against last period of the range, or why it is not shown."""

    measure: str
    before: str
    after: str
    result: histogram_compare.Comparison | None
    note: str


class ItemRow(msgspec.Struct, frozen=True):
    """How many chose one option of one question; ``None`` is hidden."""

    question: str
    option: str
    label: str
    count: int | None
    hidden: str | None = None
    question_text: str = ""


class TrendRow(msgspec.Struct, frozen=True):
    """A Theil-Sen line through the shown monthly (or weekly) means of the period, or why there is none.

    It is computed from the published means only, so it says nothing the by-period table does not.
    """

    measure: str
    points: int
    slope: float | None
    slope_ci_low: float | None
    slope_ci_high: float | None
    note: str


class Tables(msgspec.Struct, frozen=True):
    """Everything an evaluator sees for one survey and period range."""

    survey: int
    k: int
    period: str
    """The reporting period (``all``, a year, a quarter, a month or an ISO week)."""
    first: str | None
    """The first stored period within it that has responses."""
    last: str | None
    """The last stored period within it that has responses."""
    group_by: list[str]
    measures: list[ScoringRule]
    overall: summary.SummaryTable
    grouped: summary.SummaryTable
    by_period: summary.SummaryTable
    by_site: summary.SummaryTable
    bands: list[BandRow]
    """Band shares of each measure, then the histogram bars of each number question (``number:KEY``)."""
    comparisons: list[ComparisonRow]
    linked: list[LinkedRow]
    reliability: list[ReliabilityRow]
    items: list[ItemRow]
    offered: list[str] = []
    """Every reporting period with responses, for the period picker."""
    trends: list[TrendRow] = []
    numbers: list[ScoringRule] = []
    """Number questions, as the set keeps their answers (``number:KEY``)."""
    number_rows: list[summary.SummaryRow] = []
    """Each number question's answers over the period: n and mean, the median and quartiles by size."""
    item_comparisons: list[item_compare.ItemComparisonRow] = []
    """The single-choice questions in the two compared periods, with Benjamini-Hochberg q across them."""


def _bands(kept: ProtectedSet, period: str, rule: ScoringRule) -> list[BandRow]:
    total = kept.figure(rule.measure, "all", None, period)
    counts = {b.band: b for b in kept.band_figures(rule.measure) if b.period == period}
    rows = []
    for band in rule.bands:
        found = counts.get(band.key)
        if total is None or total.n is None or found is None or found.count is None:
            reason = found.hidden if found is not None else (total.hidden if total is not None else None)
            rows.append(BandRow(rule.measure, band.key, band.label, None, None, None, None, reason))
            continue
        low, high = stats.wilson(found.count, total.n)
        share = found.count / total.n if total.n else 0.0
        rows.append(BandRow(rule.measure, band.key, band.label, found.count, share, low, high))
    return rows


MIN_TREND_POINTS: Final = 3


def _trend(projected: summary.SummaryTable, stored: list[str], rule: ScoringRule) -> TrendRow:
    shown = [
        (stored.index(row.period), row.mean)
        for row in projected.rows
        if row.measure == rule.measure and row.mean is not None and row.period in stored
    ]
    if len(shown) < MIN_TREND_POINTS:
        note = f"Needs at least {MIN_TREND_POINTS} periods with a shown mean."
        return TrendRow(rule.measure, len(shown), None, None, None, note)
    line = histogram_compare.trend_of_points([float(x) for x, _ in shown], [y for _, y in shown])
    return TrendRow(rule.measure, len(shown), line.slope, line.ci_low, line.ci_high, "")


def _comparison(
    kept: ProtectedSet, compared: tuple[str | None, str | None], stored: list[str], rule: ScoringRule
) -> ComparisonRow:
    """Two reporting periods (by default the first and last month of the period), from their histograms.

    A comparison publishes more than n and the mean (ranks, a shift), so both periods need at least
    3k shown responses: the size from which a figure publishes every statistic.
    """
    before_period = compared[0] or (stored[0] if stored else None)
    after_period = compared[1] or (stored[-1] if stored else None)
    if before_period is None or after_period is None or before_period == after_period:
        return ComparisonRow(rule.measure, "", "", None, "Needs two different periods with responses.")
    if periods.sort_key(before_period) > periods.sort_key(after_period):
        note = "The first period is later than the second: choose them the other way round."
        return ComparisonRow(rule.measure, before_period, after_period, None, note)
    before = kept.figure(rule.measure, "all", None, before_period)
    after = kept.figure(rule.measure, "all", None, after_period)
    least = FULL_FROM * kept.k
    if (
        before is None
        or after is None
        or before.histogram is None
        or after.histogram is None
        or (before.n or 0) < least
        or (after.n or 0) < least
    ):
        note = f"Each period needs at least {least} responses to be compared."
        return ComparisonRow(rule.measure, before_period, after_period, None, note)
    result = histogram_compare.compare(
        before.histogram,
        after.histogram,
        meaningful_change=rule.meaningful_change,
        higher_is_better=rule.higher_is_better,
    )
    return ComparisonRow(rule.measure, before_period, after_period, result, "")


def _item_comparisons(
    kept: ProtectedSet,
    compared: tuple[str | None, str | None],
    stored: list[str],
    definition: SurveyDefinition,
) -> list[item_compare.ItemComparisonRow]:
    """The same two periods as the measures' comparison (nothing when they are not two, in order)."""
    before = compared[0] or (stored[0] if stored else None)
    after = compared[1] or (stored[-1] if stored else None)
    if before is None or after is None or periods.sort_key(before) >= periods.sort_key(after):
        return []

    def shown(period: str) -> list[item_compare.ItemCount]:
        return [
            item_compare.ItemCount(f.question, f.option, f.count) for f in kept.items if f.period == period
        ]

    return item_compare.compare(definition, (before, after), shown(before), shown(after))


def _items(kept: ProtectedSet, period: str, definition: SurveyDefinition) -> list[ItemRow]:
    """Each choice question's answer counts in the reporting period, from the protected set.

    "Prefer not to say" is counted as its own answer; a hidden count says why; a skipped question is
    simply not counted (its count is what the question's responses lack, never shown per option).
    """
    language = definition.languages[0]
    result = []
    for question in definition.questions:
        if question.type not in protected_store.CHOICE_TYPES:
            continue
        shown = kept.item_figures(question.key, period)
        options = [(str(o.code), o.label.get(language, str(o.code))) for o in question.options]
        options.append((PREFER_NOT_TO_SAY, "Prefer not to say"))
        for code, label in options:
            figure = shown.get(code)
            text = question.text.get(language, question.key)
            if figure is None:
                result.append(ItemRow(question.key, code, label, 0, None, text))
            else:
                result.append(ItemRow(question.key, code, label, figure.count, figure.hidden, text))
    return result


async def build(
    conn: Connection,
    survey_id: int,
    *,
    group_by: list[str],
    period: str,
    k: int,
    compared: tuple[str | None, str | None] = (None, None),
) -> Tables:
    """Every aggregate table for one survey and reporting period, read from its protected set.

    Raises:
        LookupError: the survey has no published version.
    """
    kept, definition = await protected_store.load(conn, survey_id, k)
    measures = definition.measures
    numbers = [protected.number_rule(q) for q in definition.questions if q.type == "number"]
    stored = summary.children(kept, period)
    first, last = (stored[0], stored[-1]) if stored else (None, None)
    projected = {
        name: summary.project(kept, measures, period, dimensions)
        for name, dimensions in (
            ("overall", []),
            ("grouped", group_by),
            ("by_period", ["period"]),
            ("by_site", ["site"]),
        )
    }
    bands: list[BandRow] = []
    comparisons, linked, reliability = [], [], []
    shown_overall = {row.measure for row in projected["overall"].rows if not row.suppressed}
    for rule in measures:
        bands += _bands(kept, period, rule)
        comparisons.append(_comparison(kept, compared, stored, rule))
        linked.append(kept.linked_row(rule.measure, period))
        if rule.measure not in shown_overall:
            # A hidden total must not come back through reliability.
            note = "The measure's total is hidden."
            reliability.append(ReliabilityRow(rule.measure, None, None, None, note, period))
            continue
        reliability.append(kept.reliability_row(rule.measure, period))
    for rule in numbers:
        bands += _bands(kept, period, rule)  # a number question's histogram: its bars are its bands
    items = _items(kept, period, definition)
    return Tables(
        survey_id,
        k,
        period,
        first,
        last,
        group_by,
        measures,
        projected["overall"],
        projected["grouped"],
        projected["by_period"],
        projected["by_site"],
        bands,
        comparisons,
        linked,
        reliability,
        items,
        periods.offered(kept.periods),
        [_trend(projected["by_period"], stored, rule) for rule in measures],
        numbers,
        summary.project(kept, numbers, period, []).rows,
        _item_comparisons(kept, compared, stored, definition),
    )
