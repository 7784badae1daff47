"""The aggregate tables every evaluator view and export shows, read from the survey's protected set.

``build`` gathers, for one survey and reporting period: the summary by the chosen grouping, the overall
summary, band shares, the first-versus-last period comparison, linked pairs, reliability per instrument,
and the answer distribution of each choice question.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from analysis import histogram_compare, linkage, periods, protected_store, queries, stats, summary
from analysis.figure_stats import FULL_FROM
from questions.scoring_rules import PREFER_NOT_TO_SAY, ScoringRule

if TYPE_CHECKING:
    from analysis.protected import ProtectedSet
    from questions.schemas import SurveyDefinition
    from survey.db import Connection

RELIABILITY_SAMPLE: Final = 20000
"""Cronbach's alpha uses every complete response up to this many (above it, a random sample by id)."""


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


class LinkedRow(msgspec.Struct, frozen=True):
    """Linked pre/post pairs between the first and last period, or why they are not shown."""

    measure: str
    before: str
    after: str
    pairs: int | None
    shift: float | None
    shift_ci_low: float | None
    shift_ci_high: float | None
    p: float | None
    share_improved: float | None
    share_improved_ci_low: float | None
    share_improved_ci_high: float | None
    note: str


class ReliabilityRow(msgspec.Struct, frozen=True):
    """Cronbach's alpha of one measure's items with its Feldt interval, or why it is not shown.

    No count is shown: complete responses equal the measure's scores, whose count over a range could be
    subtracted from another range's.
    """

    measure: str
    alpha: float | None
    ci_low: float | None
    ci_high: float | None
    note: str


class ItemRow(msgspec.Struct, frozen=True):
    """How many chose one option of one question; ``None`` is hidden."""

    question: str
    option: str
    label: str
    count: int | None
    hidden: str | None = None


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
    comparisons: list[ComparisonRow]
    linked: list[LinkedRow]
    reliability: list[ReliabilityRow]
    items: list[ItemRow]
    offered: list[str] = []
    """Every reporting period with responses, for the period picker."""


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


def _comparison(kept: ProtectedSet, stored: list[str], rule: ScoringRule) -> ComparisonRow:
    """The first against the last stored period of the reporting period, from their histograms.

    A comparison publishes more than n and the mean (ranks, a shift), so both periods need at least
    3k shown responses: the size from which a figure publishes every statistic.
    """
    if len(stored) < 2:
        return ComparisonRow(rule.measure, "", "", None, "Needs at least two periods with responses.")
    before_period, after_period = stored[0], stored[-1]
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


def _no_pairs(rule: ScoringRule, first: str, last: str, note: str) -> LinkedRow:
    return LinkedRow(rule.measure, first, last, None, None, None, None, None, None, None, None, note)


async def _linked(
    conn: Connection, survey_id: int, stored: list[str], rule: ScoringRule, k: int
) -> LinkedRow:
    if len(stored) < 2:
        return _no_pairs(rule, "", "", "Needs at least two periods with responses.")
    first, last = stored[0], stored[-1]
    sides = []
    for period in (first, last):
        rows = await queries.linked_scores(conn, survey_id, period, rule.measure)
        sides.append([(tuple(row.linkage), row.value) for row in rows])
    matched = linkage.match(sides[0], sides[1])
    pairs = len(matched.before)
    if pairs < k:
        return _no_pairs(rule, first, last, f"Fewer than {k} linked pairs.")
    result = stats.paired(
        matched.before,
        matched.after,
        meaningful_change=rule.meaningful_change,
        higher_is_better=rule.higher_is_better,
    )
    # The share improved is a count in disguise (share x pairs): shown only when it and the rest are >= k.
    share_shown = result.improved >= k and pairs - result.improved >= k
    return LinkedRow(
        rule.measure,
        first,
        last,
        pairs,
        result.shift,
        result.shift_ci_low,
        result.shift_ci_high,
        result.p,
        result.share_improved if share_shown else None,
        result.share_improved_ci_low if share_shown else None,
        result.share_improved_ci_high if share_shown else None,
        "",
    )


async def _reliability(
    conn: Connection, survey_id: int, first: str, last: str, rule: ScoringRule, k: int
) -> ReliabilityRow:
    rows = await queries.item_answers(conn, survey_id, first, last, rule.items, RELIABILITY_SAMPLE)
    by_response: dict[object, dict[str, object]] = {}
    for row in rows:
        by_response.setdefault(row.response_id, {})[row.question_key] = row.value
    complete = [
        [answers[item] for item in rule.items]
        for answers in by_response.values()
        if all(isinstance(answers.get(item), int) for item in rule.items)
    ]
    if len(complete) < max(k, 3):
        return ReliabilityRow(rule.measure, None, None, None, f"Fewer than {max(k, 3)} complete responses.")
    result = stats.cronbach_alpha(complete)  # type: ignore[arg-type]
    return ReliabilityRow(rule.measure, result.alpha, result.ci_low, result.ci_high, "")


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
            if figure is None:
                result.append(ItemRow(question.key, code, label, 0))
            else:
                result.append(ItemRow(question.key, code, label, figure.count, figure.hidden))
    return result


async def build(conn: Connection, survey_id: int, *, group_by: list[str], period: str, k: int) -> Tables:
    """Every aggregate table for one survey and reporting period, read from its protected set.

    Raises:
        LookupError: the survey has no published version.
    """
    definition = await queries.latest_definition(conn, survey_id)
    if definition is None:
        raise LookupError(f"survey {survey_id} has no published version")
    kept = await protected_store.current(conn, survey_id, k)
    measures = definition.measures
    stored = summary.children(kept, period)
    first, last = (stored[0], stored[-1]) if stored else (None, None)
    bounds = (first or period, last or period)
    projected = {
        name: summary.project(kept, measures, period, dimensions)
        for name, dimensions in (
            ("overall", []),
            ("grouped", group_by),
            ("by_period", ["period"]),
            ("by_site", ["site"]),
        )
    }
    bands, comparisons, linked, reliability = [], [], [], []
    shown_overall = {row.measure for row in projected["overall"].rows if not row.suppressed}
    for rule in measures:
        bands += _bands(kept, period, rule)
        comparisons.append(_comparison(kept, stored, rule))
        linked.append(await _linked(conn, survey_id, stored, rule, k))
        if rule.measure not in shown_overall:
            # A hidden total must not come back through reliability.
            reliability.append(
                ReliabilityRow(rule.measure, None, None, None, "The measure's total is hidden.")
            )
            continue
        reliability.append(await _reliability(conn, survey_id, *bounds, rule, k))
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
    )
