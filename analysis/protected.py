"""The protected table set of a survey: every figure any view, export or API answer may show, decided once.

For each measure, the finest cells are site x language x version x stored period (never published
themselves). The set publishes their sums along the reporting hierarchy (``analysis.periods``: week ->
month -> quarter -> year -> all) for all sites together and for each site, each language and each survey
version: a count and a sum of scores (so a mean) per figure. ``protect`` decides once, over all of these
together, what is hidden, and the integer-programming audit checks it; every view is then a projection of
the result, so no view decides suppression for itself. Band counts are a second set per measure (bands of
the all-sites figures), protected with the first set's decisions fixed.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Final

import msgspec

from analysis import periods
from analysis.disclosure_audit import PROTECTS, Aggregate, AuditReport, Scores, TableSet
from analysis.disclosure_protect import Decisions, protect
from analysis.figure_stats import FigureStats, describe
from analysis.histogram_stats import Histogram, histogram
from analysis.period_rows import LinkedRow, ReliabilityRow
from questions.scoring_rules import Band, ScoringRule

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from questions.schemas import Question

LOG = logging.getLogger(__name__)
DIMENSIONS: Final = ("all", "site", "language", "version")
LAYOUT: Final = 4
"""Bumped whenever what a kept set holds changes."""
"""What a figure is split by: nothing (all sites), or one of these; with the period, always."""


class CellHistogram(msgspec.Struct, frozen=True):
    """How many scores of one value one measure has in one finest cell (one GROUP BY row)."""

    measure: str
    site: str
    language: str
    version: int
    period: str
    value: float
    n: int
    answered_with: str = ""
    """How the responses were answered (``own``, ``read_aloud``, ``helped``; empty: not said)."""


class AnswerCell(msgspec.Struct, frozen=True):
    """How many chose one option of one choice question in one finest cell (one GROUP BY row)."""

    question_key: str
    option: str
    site: str
    language: str
    version: int
    period: str
    n: int


class ItemFigure(msgspec.Struct, frozen=True, kw_only=True):
    """How many chose one option of one question in one reporting period (all sites), or why hidden."""

    question: str
    option: str
    period: str
    count: int | None
    hidden: str | None = None


class Figure(msgspec.Struct, frozen=True, kw_only=True):
    """One published figure: a measure's scores in one group and reporting period, or why it is hidden."""

    dimension: str
    group: str | None
    period: str
    n: int | None
    hidden: str | None = None
    """``None`` when shown; "fewer than k" or "hidden to protect a smaller group"."""
    histogram: Histogram | None = None
    """The scores, kept server-side to compute what the figure shows (never published as such)."""
    stats: FigureStats | None = None
    """What the shown figure publishes (by its size), computed once when the set is built."""


class BandFigure(msgspec.Struct, frozen=True, kw_only=True):
    """How many of an all-sites figure's scores fall in one band, or why it is hidden."""

    period: str
    band: str
    count: int | None
    hidden: str | None = None


class AuditSummary(msgspec.Struct, frozen=True):
    """What the audit of one measure's set checked, for ``survey analysis audit``."""

    figures: int
    cells: int
    published_counts: int
    published_sums: int
    checked: int
    solves: int
    seconds: float
    passed: bool


class MeasureSet(msgspec.Struct, frozen=True):
    """A measure's protected figures and band counts, with their audits."""

    measure: str
    figures: list[Figure]
    bands: list[BandFigure]
    audit: AuditSummary
    band_audit: AuditSummary | None
    modes: list[Figure] = []
    """The all-sites figures split by how the survey was answered (``ANSWERED_WITH``)."""
    mode_audit: AuditSummary | None = None


class ProtectedSet(msgspec.Struct, frozen=True):
    """Every figure of a survey at one k, for one state of the responses (``revision``)."""

    survey: int
    k: int
    revision: int
    periods: list[str]
    """The stored periods (months or ISO weeks) that have scores, in order."""
    measures: list[MeasureSet]
    items: list[ItemFigure] = []
    """Answer counts of the choice questions, protected per question."""
    linked: list[LinkedRow] = []
    reliability: list[ReliabilityRow] = []
    layout: int = 0
    """The shape of a kept set (``LAYOUT``): a set kept by older code is built again, never misread."""

    def linked_row(self, measure: str, period: str) -> LinkedRow:
        """Linked pre/post pairs of a measure in a reporting period (or why there are none)."""
        found = next((r for r in self.linked if r.measure == measure and r.period == period), None)
        none = (None,) * 8
        return found or LinkedRow(measure, "", "", *none, "No linked pairs in this period.", period)

    def reliability_row(self, measure: str, period: str) -> ReliabilityRow:
        """Cronbach's alpha of a measure in a reporting period (or why there is none)."""
        found = next((r for r in self.reliability if r.measure == measure and r.period == period), None)
        return found or ReliabilityRow(measure, None, None, None, "No complete responses.", period)

    def item_figures(self, question: str, period: str) -> dict[str, ItemFigure]:
        """The answer counts of one question in one reporting period, by option code."""
        return {f.option: f for f in self.items if f.question == question and f.period == period}

    def figure(self, measure: str, dimension: str, group: str | None, period: str) -> Figure | None:
        """The figure of a measure in one group and period, if any response could be in it."""
        for candidate in self.measure_figures(measure):
            if (candidate.dimension, candidate.group, candidate.period) == (dimension, group, period):
                return candidate
        return None

    def measure_figures(self, measure: str) -> list[Figure]:
        """Every figure of one measure (empty when it has no scores)."""
        return next(([*m.figures, *m.modes] for m in self.measures if m.measure == measure), [])

    def band_figures(self, measure: str) -> list[BandFigure]:
        """Every band count of one measure."""
        return next((m.bands for m in self.measures if m.measure == measure), [])


def _name(dimension: str, group: str | None, period: str) -> str:
    return f"{dimension}={group}|{period}" if dimension != "all" else f"all|{period}"


def _groups(cell: tuple[str, str, int, str]) -> dict[str, str | None]:
    site, language, version, _ = cell
    return {"all": None, "site": site, "language": language, "version": str(version)}


def _step(rule: ScoringRule, values: Iterable[float]) -> float | None:
    """The grid scores lie on (a sum's scale), or ``None`` when prorated scores fall between it."""
    step = rule.scale if rule.method == "sum" else None
    if step is None or step <= 0:
        return None
    on_grid = all(
        math.isclose((v - rule.offset) / step, round((v - rule.offset) / step), abs_tol=1e-9) for v in values
    )
    return step if on_grid and rule.offset == 0 else None


def _summary(report: AuditReport, figures: int, cells: int) -> AuditSummary:
    return AuditSummary(
        figures,
        cells,
        report.published_counts,
        report.published_sums,
        report.checked,
        report.solves,
        round(report.seconds, 3),
        report.passed,
    )


class _Cells(msgspec.Struct):
    keys: list[tuple[str, str, int, str]]
    histograms: list[dict[float, int]]


def _collect(rows: Iterable[CellHistogram]) -> _Cells:
    """The finest cells in one order whatever the rows' (stored and kept cells come from two queries).

    So the same cells always make the same table shape, and a set rebuilt after retention moved some
    cells into the kept tables reads the decisions made before (``analysis.disclosure_protect``).
    """
    histograms: dict[tuple[str, str, int, str], dict[float, int]] = {}
    for row in rows:
        bucket = histograms.setdefault((row.site, row.language, row.version, row.period), {})
        bucket[row.value] = bucket.get(row.value, 0) + row.n
    keys = sorted(histograms)
    return _Cells(keys, [histograms[key] for key in keys])


def _aggregates(cells: _Cells) -> tuple[list[tuple[str, str | None, str]], list[tuple[int, ...]]]:
    """Every figure's (dimension, group, period) and member cells; figures with the same cells merge."""
    members: dict[tuple[str, str | None, str], list[int]] = {}
    for i, key in enumerate(cells.keys):
        for period in periods.ancestors(key[3]).values():
            for dimension, group in _groups(key).items():
                members.setdefault((dimension, group, period), []).append(i)
    labels = sorted(members, key=lambda f: (DIMENSIONS.index(f[0]), str(f[1]), periods.sort_key(f[2])))
    return labels, [tuple(members[label]) for label in labels]


STRICT_LABELS: Final = True
"""The labels are honest, so an attacker reads "hidden to protect a smaller group" as "0 or at least k"
(a zero is never hidden to protect another): the audit assumes exactly that."""
LEVEL_IMPORTANCE: Final = {"all": 8.0, "year": 4.0, "quarter": 2.0, "month": 1.0, "week": 0.5}
"""How much more a figure of a longer reporting period costs to hide: the whole survey and the year are
what a funder report and a small program read first; a month can go before them."""
TOTAL_IMPORTANCE: Final = 2.0
"""All sites together cost twice as much to hide as one site, language or version."""


NOT_BROKEN_DOWN: Final = "too few responses to break down this way"
SMALL_SHARE_LIMIT: Final = 0.2
"""A split (site by month, language by quarter...) is published only when its figures below k hold at
most this share of its responses. Where they hold more, the split would mostly say "fewer than k" and
force hiding larger figures around each; its coarser levels say what can be said."""


def _split(label: tuple[str, str | None, str]) -> tuple[str, str]:
    return (label[0], periods.level_of(label[2]) or "all")


def broken_down(
    labels: Sequence[tuple[str, str | None, str]], sizes: Sequence[int], k: int
) -> set[tuple[str, str]]:
    """The splits (dimension, level) to publish: those whose small figures hold few of its responses.

    All sites over the whole survey is always published (hidden only if it is itself below k).
    """
    in_small: dict[tuple[str, str], list[int]] = {}
    for label, n in zip(labels, sizes, strict=True):
        tally = in_small.setdefault(_split(label), [0, 0])
        tally[0] += n if n < k else 0
        tally[1] += n
    chosen = {split for split, (small, total) in in_small.items() if small <= SMALL_SHARE_LIMIT * total}
    return chosen | {("all", "all")}


def _importance(label: tuple[str, str | None, str]) -> float:
    dimension, _, period = label
    level = periods.level_of(period) or "all"
    return LEVEL_IMPORTANCE[level] * (TOTAL_IMPORTANCE if dimension == "all" else 1.0)


def _decide(
    table: TableSet,
    k: int,
    fixed_shown: frozenset[str] = frozenset(),
    importance: dict[str, float] | None = None,
    *,
    exchange: bool = False,
    decisions: Decisions | None = None,
) -> tuple[dict[str, str], AuditReport]:
    try:
        protection = protect(
            table,
            k,
            strict_labels=STRICT_LABELS,
            keep_shown=fixed_shown,
            importance=importance,
            exchange=exchange,
            decisions=decisions,
        )
    except RuntimeError as failed:  # no choice of complementary figures passed: hide every figure
        LOG.warning("protection failed (%s): every figure of this set is hidden", failed)
        names = [name for name, _ in table.figures()][len(table.names) :]
        hidden = {name: PROTECTS for name in names if name not in fixed_shown}
        report = AuditReport(0, 0, 0, 0, (), 0.0)
        return hidden, report
    return protection.hidden, protection.report


def build_measure(
    rule: ScoringRule, rows: list[CellHistogram], k: int, decisions: Decisions | None = None
) -> MeasureSet:
    """Protect one measure's figures and band counts from its cell histograms (see ``build``)."""
    cells = _collect(rows)
    labels, groups = _aggregates(cells)
    counts = tuple(sum(h.values()) for h in cells.histograms)
    published = broken_down(labels, [sum(counts[i] for i in members) for members in groups], k)
    # Figures with exactly the same cells are one figure (one language: "all" = that language).
    canonical: dict[tuple[int, ...], str] = {}
    for label, members in zip(labels, groups, strict=True):
        if _split(label) in published:
            canonical.setdefault(members, _name(*label))
    sums = tuple(float(sum(v * c for v, c in h.items())) for h in cells.histograms)
    step = _step(rule, (v for h in cells.histograms for v in h))
    table = TableSet(
        names=tuple(f"cell{i}" for i in range(len(cells.keys))),
        counts=counts,
        aggregates=tuple(Aggregate(name, members) for members, name in canonical.items()),
        scores=Scores(sums, rule.score_min, rule.score_max, step),
        cells_published=False,
    )
    importance: dict[str, float] = {}
    for label, members in zip(labels, groups, strict=True):
        if members in canonical:
            name = canonical[members]
            importance[name] = max(importance.get(name, 0.0), _importance(label))
    hidden, report = _decide(table, k, importance=importance, exchange=True, decisions=decisions)
    figures = []
    for (dimension, group, period), members in zip(labels, groups, strict=True):
        reason = hidden.get(canonical[members]) if members in canonical else NOT_BROKEN_DOWN
        merged: dict[float, int] = {}
        for i in members:
            for value, n in cells.histograms[i].items():
                merged[value] = merged.get(value, 0) + n
        shown = reason is None and bool(merged)
        scores = histogram(list(merged), list(merged.values())) if shown else None
        figures.append(
            Figure(
                dimension=dimension,
                group=group,
                period=period,
                n=sum(merged.values()) if reason is None else None,
                hidden=reason,
                histogram=scores,
                stats=describe(scores, k, rule.score_min, rule.score_max) if scores is not None else None,
            )
        )
    bands, band_audit = _bands(rule, cells, labels, groups, hidden, canonical, k, decisions)
    shown_sets = {members for members, name in canonical.items() if name not in hidden}
    modes, mode_audit = _modes(rule, rows, labels, groups, shown_sets, k, decisions)
    return MeasureSet(
        rule.measure,
        figures,
        bands,
        _summary(report, len(canonical), len(cells.keys)),
        band_audit,
        modes,
        mode_audit,
    )


def _bands(
    rule: ScoringRule,
    cells: _Cells,
    labels: list[tuple[str, str | None, str]],
    groups: list[tuple[int, ...]],
    hidden: dict[str, str],
    canonical: dict[tuple[int, ...], str],
    k: int,
    decisions: Decisions | None,
) -> tuple[list[BandFigure], AuditSummary | None]:
    """Band counts of the shown all-sites figures: finest cells x band, with the totals' decisions fixed."""
    if not rule.bands or not cells.keys:
        return [], None
    # Every figure the measure's set shows is known to the attacker: a fixed total here.
    shown_sets = {members for members, name in canonical.items() if name not in hidden}
    totals = [
        (label, members)
        for label, members in zip(labels, groups, strict=True)
        if label[0] == "all" and members in shown_sets
    ]
    band_count = len(rule.bands)

    def in_band(h: dict[float, int], band: int) -> int:
        low, high = rule.bands[band].low, rule.bands[band].high
        return sum(n for value, n in h.items() if low - 1e-9 <= value <= high + 1e-9)

    counts = tuple(in_band(h, b) for h in cells.histograms for b in range(band_count))
    band_labels = [(band.key, None, label[2]) for label, _ in totals for band in rule.bands]
    band_sizes = [
        sum(counts[i * band_count + b] for i in members) for _, members in totals for b in range(band_count)
    ]
    levels = {level for dimension, level in broken_down(band_labels, band_sizes, k) if dimension != "all"}
    totals = [(label, members) for label, members in totals if _split(label)[1] in levels]
    aggregates = [
        Aggregate(f"total|{i}", tuple(c * band_count + b for c in members for b in range(band_count)))
        for i, members in enumerate(sorted(shown_sets))
    ]
    for label, members in totals:
        aggregates += [
            Aggregate(f"{rule.bands[b].key}|{label[2]}", tuple(i * band_count + b for i in members))
            for b in range(band_count)
        ]
    table = TableSet(
        names=tuple(f"cell{i}" for i in range(len(counts))),
        counts=counts,
        aggregates=tuple(aggregates),
        cells_published=False,
    )
    fixed = frozenset(f"total|{i}" for i in range(len(shown_sets)))
    decided, report = _decide(table, k, fixed, decisions=decisions)
    value = {a.name: sum(counts[i] for i in a.cells) for a in aggregates}
    found = []
    for label, _ in totals:
        for band in rule.bands:
            name = f"{band.key}|{label[2]}"
            reason = decided.get(name)
            found.append(
                BandFigure(
                    period=label[2], band=band.key, count=None if reason else value[name], hidden=reason
                )
            )
    return found, _summary(report, len(aggregates), len(counts))


ANSWERED_WITH: Final = "answered_with"
MODES: Final = ("own", "read_aloud", "helped", "")
"""How a survey was answered, as the kiosk stores it; empty: the participant did not say."""
MODE_LEVELS: Final = frozenset({"all", "year", "quarter"})
"""The split is a comparison of ways of answering over a long enough time, never month by month: a
month of "helped" is a handful of people, and each level more is many more integer programs."""


def _modes(
    rule: ScoringRule,
    rows: list[CellHistogram],
    labels: list[tuple[str, str | None, str]],
    groups: list[tuple[int, ...]],
    shown_sets: set[tuple[int, ...]],
    k: int,
    decisions: Decisions | None,
) -> tuple[list[Figure], AuditSummary | None]:
    """The all-sites figures split by how the survey was answered: stored period x mode, counts and sums.

    Like the band counts, a second set: the all-sites figures the first set shows are fixed totals here
    (with their sums), and the split is published only for those. Its parts are stored period x mode,
    summed over sites, languages and versions: a figure of the first set split by site (or language or
    version) is a sum over modes, a figure here a sum over sites, so together they say nothing about one
    site's "helped" that the all-sites totals do not (the only vectors both can make are the totals'),
    and the audit of this small table is enough. The split's figures are protected and audited like the
    first set's, unpublished small parts included.
    """
    split: dict[tuple[str, str], dict[float, int]] = {}
    for row in rows:
        bucket = split.setdefault((row.period, row.answered_with), {})
        bucket[row.value] = bucket.get(row.value, 0) + row.n
    modes = [mode for mode in MODES if any(m == mode for _, m in split)]
    if not modes or modes == [""]:
        return [], None  # nobody said: there is nothing to split
    parts = sorted(split, key=lambda part: (periods.sort_key(part[0]), MODES.index(part[1])))
    counts = tuple(sum(split[part].values()) for part in parts)
    sums = tuple(float(sum(v * n for v, n in split[part].items())) for part in parts)
    totals = [
        label[2]
        for label, members in zip(labels, groups, strict=True)
        if label[0] == "all" and members in shown_sets
    ]
    split_at = [period for period in totals if (periods.level_of(period) or "all") in MODE_LEVELS]

    def within(period: str, mode: str | None = None) -> tuple[int, ...]:
        return tuple(
            j
            for j, (stored, m) in enumerate(parts)
            if periods.contains(period, stored) and (mode is None or m == mode)
        )

    aggregates = [Aggregate(f"total|{period}", within(period)) for period in totals]
    wanted = [((ANSWERED_WITH, mode, period), within(period, mode)) for period in split_at for mode in modes]
    wanted = [(label, members) for label, members in wanted if members]
    levels = broken_down([label for label, _ in wanted], [sum(counts[j] for j in m) for _, m in wanted], k)
    wanted = [(label, members) for label, members in wanted if _split(label) in levels]
    aggregates += [Aggregate(_name(*label), members) for label, members in wanted]
    step = _step(rule, (v for h in split.values() for v in h))
    table = TableSet(
        names=tuple(f"part{j}" for j in range(len(parts))),
        counts=counts,
        aggregates=tuple(aggregates),
        scores=Scores(sums, rule.score_min, rule.score_max, step),
        cells_published=False,
    )
    fixed = frozenset(f"total|{period}" for period in totals)
    importance = {_name(*label): _importance(label) for label, _ in wanted}
    decided, report = _decide(table, k, fixed, importance=importance, exchange=True, decisions=decisions)
    found = []
    for label, members in wanted:
        reason = decided.get(_name(*label))
        merged: dict[float, int] = {}
        for j in members:
            for value, n in split[parts[j]].items():
                merged[value] = merged.get(value, 0) + n
        scores = histogram(list(merged), list(merged.values())) if reason is None else None
        found.append(
            Figure(
                dimension=ANSWERED_WITH,
                group=label[1],
                period=label[2],
                n=sum(merged.values()) if reason is None else None,
                hidden=reason,
                histogram=scores,
                stats=describe(scores, k, rule.score_min, rule.score_max) if scores is not None else None,
            )
        )
    return found, _summary(report, len(aggregates), len(parts))


NUMBER_PREFIX: Final = "number:"


NUMBER_BINS: Final = 8
"""At most this many bars in a number question's histogram."""
NICE_WIDTHS: Final = (1, 2, 5)


def number_bands(low: float, high: float, *, integer: bool) -> list[Band]:
    """The histogram bars of a number question's range: equal, round widths, at most ``NUMBER_BINS``.

    Fixed by the question's range, never by the answers (bars placed by the data would tell where the
    answers are). A whole-number question's bars hold whole numbers (``0 to 4``); otherwise each bar's
    high end meets the next bar's low end.
    """
    span = high - low + (1 if integer else 0)
    scale = 1.0
    while span / (NICE_WIDTHS[-1] * scale) > NUMBER_BINS:
        scale *= 10
    width = next(w * scale for w in NICE_WIDTHS if span / (w * scale) <= NUMBER_BINS)
    edges = []
    start = low
    while start <= high if integer else start < high:
        edges.append(start)
        start += width
    if len(edges) > 1 and high - edges[-1] + (1 if integer else 0) < width:
        edges.pop()  # a short last bar joins the one before it (its words say so: "25 to 30")
    bands = []
    for i, start in enumerate(edges):
        last = i == len(edges) - 1
        if integer:
            end = high if last else start + width - 1
            words = f"{start:g}" if end == start else f"{start:g} to {end:g}"
        else:
            # Each bar but the last ends just below the next one's start: an answer is in exactly one.
            end = high if last else edges[i + 1] - 1e-6
            words = f"{start:g} to {high:g}" if last else f"{start:g} to under {edges[i + 1]:g}"
        bands.append(Band(key=words.replace(" ", "_"), label=words, low=start, high=end))
    return bands


def number_rule(question: Question) -> ScoringRule:
    """A number question's answers as a measure of the set (``number:KEY``), within its accepted range.

    Its figures go through the same protection as a score's; a question without a range is bounded by
    0 and 10,000 (the audit's attacker then knows at least that much) and has no histogram. The
    histogram's bars (``number_bands``) are its bands, protected like a score's.
    """
    low = question.minimum if question.minimum is not None else 0.0
    high = question.maximum if question.maximum is not None else max(low + 1.0, 10_000.0)
    bounded = question.maximum is not None
    return ScoringRule(
        measure=f"{NUMBER_PREFIX}{question.key}",
        version="answers",
        name=question.text.get(next(iter(question.text), ""), question.key),
        items=[question.key],
        item_min=int(low),
        item_max=max(int(low) + 1, int(high)),
        method="sum",
        score_min=low,
        score_max=high,
        higher_is_better=True,
        bands=number_bands(low, high, integer=question.integer) if bounded else [],
        source="The question's own answers.",
    )


def build_items(rows: list[AnswerCell], k: int, decisions: Decisions | None = None) -> list[ItemFigure]:
    """Protect the answer counts of each choice question along the period hierarchy (all sites).

    The finest cells (option x site x language x version x stored period) are never published; each
    option's count is published for every reporting period whose split (month, quarter...) is not mostly
    small, and ``protect`` hides the fewest further counts (in the same question) so that no small one
    can be worked out. A multiple-choice question's options overlap, so no total is published.
    """
    by_question: dict[str, list[AnswerCell]] = {}
    for row in rows:
        by_question.setdefault(row.question_key, []).append(row)
    found: list[ItemFigure] = []
    for question in sorted(by_question):
        keys: dict[tuple[str, str, str, int, str], int] = {}
        for row in by_question[question]:
            key = (row.option, row.site, row.language, row.version, row.period)
            keys[key] = keys.get(key, 0) + row.n
        cells = sorted(keys)  # one order whatever the rows' (see ``_collect``)
        members: dict[tuple[str, str | None, str], list[int]] = {}
        for i, (option, _, _, _, period) in enumerate(cells):
            for reporting in periods.ancestors(period).values():
                members.setdefault((option, None, reporting), []).append(i)
        labels = sorted(members, key=lambda f: (f[0], periods.sort_key(f[2])))
        counts = [keys[cell] for cell in cells]
        sizes = [sum(counts[i] for i in members[label]) for label in labels]
        # Whether a level is broken down is decided over all the question's options together.
        by_level = [("answers", None, label[2]) for label in labels]
        levels = {level for _, level in broken_down(by_level, sizes, k)} | {"all"}
        published = [label for label in labels if _split(label)[1] in levels]
        canonical: dict[tuple[int, ...], str] = {}
        for label in published:
            canonical.setdefault(tuple(members[label]), f"{label[0]}|{label[2]}")
        table = TableSet(
            names=tuple(f"cell{i}" for i in range(len(cells))),
            counts=tuple(counts),
            aggregates=tuple(Aggregate(name, group) for group, name in canonical.items()),
            cells_published=False,
        )
        importance = {
            name: LEVEL_IMPORTANCE[periods.level_of(name.rsplit("|", 1)[1]) or "all"]
            for name in canonical.values()
        }
        hidden, _ = _decide(table, k, importance=importance, exchange=True, decisions=decisions)
        for label, n in zip(labels, sizes, strict=True):
            group = tuple(members[label])
            reason = hidden.get(canonical[group]) if label in published else NOT_BROKEN_DOWN
            found.append(
                ItemFigure(
                    question=question,
                    option=label[0],
                    period=label[2],
                    count=None if reason else n,
                    hidden=reason,
                )
            )
    return found


def build(
    survey_id: int,
    k: int,
    revision: int,
    measures: list[ScoringRule],
    rows: list[CellHistogram],
    answers: list[AnswerCell] | None = None,
    decisions: Decisions | None = None,
) -> ProtectedSet:
    """The protected set of a survey from its cell histograms and answer counts (one GROUP BY each).

    ``decisions`` holds the ones already made by shape (``analysis.protected_store`` reads them from
    the database); a shape found there is not searched again, and new ones are added to it.
    """
    by_measure: dict[str, list[CellHistogram]] = {}
    for row in rows:
        by_measure.setdefault(row.measure, []).append(row)
    stored = sorted({row.period for row in rows}, key=periods.sort_key)
    built = [build_measure(rule, by_measure.get(rule.measure, []), k, decisions) for rule in measures]
    items = build_items(answers or [], k, decisions)
    return ProtectedSet(survey_id, k, revision, stored, built, items, layout=LAYOUT)
