"""The aggregate tables every evaluator view and export shows, all passed through suppression first.

``build`` gathers, for one survey and period range: the summary by the chosen grouping, the overall
summary, band shares, the first-versus-last period comparison, reliability per instrument, and the
answer distribution of each choice question.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from analysis import linkage, queries, stats, summary
from analysis.summary import hidden_in_some_period
from analysis.suppression import suppress_table
from questions.scoring_rules import PREFER_NOT_TO_SAY, ScoringRule

if TYPE_CHECKING:
    from questions.schemas import SurveyDefinition
    from survey.db import Connection

RELIABILITY_SAMPLE: Final = 5000
"""Cronbach's alpha uses up to this many complete responses (by random response id: a random sample)."""


class BandRow(msgspec.Struct, frozen=True):
    """Responses in one band of one measure; ``None`` figures are hidden."""

    measure: str
    band: str
    label: str
    count: int | None
    share: float | None
    ci_low: float | None
    ci_high: float | None


class ComparisonRow(msgspec.Struct, frozen=True):
    """First against last period of the range, or why it is not shown."""

    measure: str
    before: str
    after: str
    result: stats.Comparison | None
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


class Tables(msgspec.Struct, frozen=True):
    """Everything an evaluator sees for one survey and period range."""

    survey: int
    k: int
    first: str | None
    """The first period of the range, ``None`` when it is open at its start."""
    last: str | None
    """The last period of the range, ``None`` when it is open at its end."""
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


def _grouping(survey_id: int, dimensions: list[str], first: str, last: str) -> queries.Grouping:
    return queries.Grouping(
        survey_id,
        "site" in dimensions,
        "period" in dimensions,
        "language" in dimensions,
        "version" in dimensions,
        first,
        last,
    )


def _hidden_somewhere(counts: dict[tuple[str, str], int], keys: list[str], k: int) -> set[int]:
    """Positions in ``keys`` whose count is hidden in at least one period of the range (see summary)."""
    periods = sorted({period for _, period in counts})
    if not periods:
        return set()
    table = [[counts.get((key, period), 0) for period in periods] for key in keys]
    return {i for i, bad in enumerate(hidden_in_some_period(table, k)) if bad}


async def _bands(
    conn: Connection, survey_id: int, first: str, last: str, rule: ScoringRule, k: int
) -> list[BandRow]:
    per_period = {
        (row.band, row.period): row.n
        for row in await queries.band_counts_by_period(conn, survey_id, first, last, rule.measure)
    }
    counts: dict[str, int] = {}
    for (band_key, _), n in per_period.items():  # the range's counts are the sums of its periods'
        counts[band_key] = counts.get(band_key, 0) + n
    keys = [band.key for band in rule.bands]
    also = {(0, i) for i in _hidden_somewhere(per_period, keys, k)}
    shown = suppress_table([[counts.get(key, 0) for key in keys]], k, also) if rule.bands else None
    total = sum(counts.values())
    rows = []
    for index, band in enumerate(rule.bands):
        count = shown.cells[0][index] if shown else None
        if count is None or shown is None or shown.total is None:
            rows.append(BandRow(rule.measure, band.key, band.label, None, None, None, None))
            continue
        low, high = stats.wilson(count, total)
        rows.append(
            BandRow(rule.measure, band.key, band.label, count, count / total if total else 0.0, low, high)
        )
    return rows


async def _comparison(
    conn: Connection, survey_id: int, periods: list[str], rule: ScoringRule, k: int
) -> ComparisonRow:
    if len(periods) < 2:
        return ComparisonRow(rule.measure, "", "", None, "Needs at least two periods in the range.")
    before_period, after_period = periods[0], periods[-1]
    before = await queries.period_scores(conn, survey_id, before_period, rule.measure)
    after = await queries.period_scores(conn, survey_id, after_period, rule.measure)
    if len(before) < k or len(after) < k:
        return ComparisonRow(rule.measure, before_period, after_period, None, f"A period has fewer than {k}.")
    result = stats.compare(
        before, after, meaningful_change=rule.meaningful_change, higher_is_better=rule.higher_is_better
    )
    return ComparisonRow(rule.measure, before_period, after_period, result, "")


def _no_pairs(rule: ScoringRule, first: str, last: str, note: str) -> LinkedRow:
    return LinkedRow(rule.measure, first, last, None, None, None, None, None, None, None, None, note)


async def _linked(
    conn: Connection, survey_id: int, periods: list[str], rule: ScoringRule, k: int
) -> LinkedRow:
    if len(periods) < 2:
        return _no_pairs(rule, "", "", "Needs at least two periods in the range.")
    first, last = periods[0], periods[-1]
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


async def _items(
    conn: Connection, survey_id: int, first: str, last: str, definition: SurveyDefinition, k: int
) -> list[ItemRow]:
    questions = [q for q in definition.questions if q.type in {"single_choice", "multi_choice"}]
    counts: dict[tuple[str, str], int] = {}
    by_period: dict[str, dict[tuple[str, str], int]] = {}
    keys = [q.key for q in questions]
    for row in await queries.answer_counts_by_period(conn, survey_id, first, last, keys):
        values = row.value if isinstance(row.value, list) else [row.value]
        for value in values:
            option = (row.question_key, str(value))
            counts[option] = counts.get(option, 0) + row.n
            cells = by_period.setdefault(row.question_key, {})
            cells[(str(value), row.period)] = cells.get((str(value), row.period), 0) + row.n
    result = []
    for question in questions:
        language = definition.languages[0]
        options = [(str(o.code), o.label.get(language, str(o.code))) for o in question.options]
        options.append((PREFER_NOT_TO_SAY, "Prefer not to say"))
        codes = [code for code, _ in options]
        also = {(0, i) for i in _hidden_somewhere(by_period.get(question.key, {}), codes, k)}
        line = suppress_table([[counts.get((question.key, code), 0) for code in codes]], k, also)
        result += [
            ItemRow(question.key, code, label, line.cells[0][i]) for i, (code, label) in enumerate(options)
        ]
    return result


async def build(
    conn: Connection, survey_id: int, *, group_by: list[str], first: str | None, last: str | None, k: int
) -> Tables:
    """Every aggregate table for one survey and period range (``None`` ends are open), suppressed."""
    range_first, range_last = first, last
    first, last = queries.period_bounds(first, last)
    definition = await queries.latest_definition(conn, survey_id)
    if definition is None:
        raise LookupError(f"survey {survey_id} has no published version")
    measures = definition.measures
    periods = await queries.periods(conn, survey_id, first, last)
    tables: dict[str, summary.SummaryTable] = {}
    computed: dict[tuple[str, ...], summary.SummaryTable] = {}
    for name, dimensions in (
        ("overall", []),
        ("grouped", group_by),
        ("by_period", ["period"]),
        ("by_site", ["site"]),
    ):
        # The chosen grouping is often site or period, which the page shows anyway: compute each once.
        if tuple(dimensions) not in computed:
            computed[tuple(dimensions)] = await summary.summary(
                conn, _grouping(survey_id, dimensions, first, last), dimensions, k
            )
        tables[name] = computed[tuple(dimensions)]
    bands, comparisons, linked, reliability = [], [], [], []
    shown_overall = {row.measure for row in tables["overall"].rows if not row.suppressed}
    for rule in measures:
        if rule.measure not in shown_overall:
            # A hidden total must not come back through shares, intervals or reliability.
            bands += [BandRow(rule.measure, b.key, b.label, None, None, None, None) for b in rule.bands]
            reliability.append(
                ReliabilityRow(rule.measure, None, None, None, "The measure's total is hidden.")
            )
            comparisons.append(await _comparison(conn, survey_id, periods, rule, k))
            linked.append(await _linked(conn, survey_id, periods, rule, k))
            continue
        bands += await _bands(conn, survey_id, first, last, rule, k)
        comparisons.append(await _comparison(conn, survey_id, periods, rule, k))
        linked.append(await _linked(conn, survey_id, periods, rule, k))
        reliability.append(await _reliability(conn, survey_id, first, last, rule, k))
    items = await _items(conn, survey_id, first, last, definition, k)
    return Tables(
        survey_id,
        k,
        range_first,
        range_last,
        group_by,
        measures,
        tables["overall"],
        tables["grouped"],
        tables["by_period"],
        tables["by_site"],
        bands,
        comparisons,
        linked,
        reliability,
        items,
    )
