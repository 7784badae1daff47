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
from analysis.disclosure_protect import protect
from analysis.histogram_stats import Histogram, histogram

if TYPE_CHECKING:
    from collections.abc import Iterable

    from questions.scoring_rules import ScoringRule

LOG = logging.getLogger(__name__)
DIMENSIONS: Final = ("all", "site", "language", "version")
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


class ProtectedSet(msgspec.Struct, frozen=True):
    """Every figure of a survey at one k, for one state of the responses (``revision``)."""

    survey: int
    k: int
    revision: int
    periods: list[str]
    """The stored periods (months or ISO weeks) that have scores, in order."""
    measures: list[MeasureSet]

    def figure(self, measure: str, dimension: str, group: str | None, period: str) -> Figure | None:
        """The figure of a measure in one group and period, if any response could be in it."""
        for candidate in self.measure_figures(measure):
            if (candidate.dimension, candidate.group, candidate.period) == (dimension, group, period):
                return candidate
        return None

    def measure_figures(self, measure: str) -> list[Figure]:
        """Every figure of one measure (empty when it has no scores)."""
        return next((m.figures for m in self.measures if m.measure == measure), [])

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
    index: dict[tuple[str, str, int, str], int] = {}
    found = _Cells([], [])
    for row in rows:
        key = (row.site, row.language, row.version, row.period)
        if key not in index:
            index[key] = len(found.keys)
            found.keys.append(key)
            found.histograms.append({})
        bucket = found.histograms[index[key]]
        bucket[row.value] = bucket.get(row.value, 0) + row.n
    return found


def _aggregates(cells: _Cells) -> tuple[list[tuple[str, str | None, str]], list[tuple[int, ...]]]:
    """Every figure's (dimension, group, period) and member cells; figures with the same cells merge."""
    members: dict[tuple[str, str | None, str], list[int]] = {}
    for i, key in enumerate(cells.keys):
        for period in periods.ancestors(key[3]).values():
            for dimension, group in _groups(key).items():
                members.setdefault((dimension, group, period), []).append(i)
    labels = sorted(members, key=lambda f: (DIMENSIONS.index(f[0]), str(f[1]), periods.sort_key(f[2])))
    return labels, [tuple(members[label]) for label in labels]


def _decide(
    table: TableSet, k: int, fixed_shown: frozenset[str] = frozenset()
) -> tuple[dict[str, str], AuditReport]:
    try:
        protection = protect(table, k, keep_shown=fixed_shown)
    except RuntimeError as failed:  # no choice of complementary figures passed: hide every figure
        LOG.warning("protection failed (%s): every figure of this set is hidden", failed)
        names = [name for name, _ in table.figures()][len(table.names) :]
        hidden = {name: PROTECTS for name in names if name not in fixed_shown}
        report = AuditReport(0, 0, 0, 0, (), 0.0)
        return hidden, report
    return protection.hidden, protection.report


def build_measure(rule: ScoringRule, rows: list[CellHistogram], k: int) -> MeasureSet:
    """Protect one measure's figures and band counts from its cell histograms."""
    cells = _collect(rows)
    labels, groups = _aggregates(cells)
    # Figures with exactly the same cells are one figure (one language: "all" = that language).
    canonical: dict[tuple[int, ...], str] = {}
    for label, members in zip(labels, groups, strict=True):
        canonical.setdefault(members, _name(*label))
    counts = tuple(sum(h.values()) for h in cells.histograms)
    sums = tuple(float(sum(v * c for v, c in h.items())) for h in cells.histograms)
    step = _step(rule, (v for h in cells.histograms for v in h))
    table = TableSet(
        names=tuple(f"cell{i}" for i in range(len(cells.keys))),
        counts=counts,
        aggregates=tuple(Aggregate(name, members) for members, name in canonical.items()),
        scores=Scores(sums, rule.score_min, rule.score_max, step),
        cells_published=False,
    )
    hidden, report = _decide(table, k)
    figures = []
    for (dimension, group, period), members in zip(labels, groups, strict=True):
        reason = hidden.get(canonical[members])
        merged: dict[float, int] = {}
        for i in members:
            for value, n in cells.histograms[i].items():
                merged[value] = merged.get(value, 0) + n
        shown = reason is None
        figures.append(
            Figure(
                dimension=dimension,
                group=group,
                period=period,
                n=sum(merged.values()) if shown else None,
                hidden=reason,
                histogram=histogram(list(merged), list(merged.values())) if shown else None,
            )
        )
    bands, band_audit = _bands(rule, cells, labels, groups, hidden, canonical, k)
    return MeasureSet(
        rule.measure, figures, bands, _summary(report, len(canonical), len(cells.keys)), band_audit
    )


def _bands(
    rule: ScoringRule,
    cells: _Cells,
    labels: list[tuple[str, str | None, str]],
    groups: list[tuple[int, ...]],
    hidden: dict[str, str],
    canonical: dict[tuple[int, ...], str],
    k: int,
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
    decided, report = _decide(table, k, fixed)
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


def build(
    survey_id: int, k: int, revision: int, measures: list[ScoringRule], rows: list[CellHistogram]
) -> ProtectedSet:
    """The protected set of a survey from its cell histograms (one GROUP BY of the stored scores)."""
    by_measure: dict[str, list[CellHistogram]] = {}
    for row in rows:
        by_measure.setdefault(row.measure, []).append(row)
    stored = sorted({row.period for row in rows}, key=periods.sort_key)
    built = [build_measure(rule, by_measure.get(rule.measure, []), k) for rule in measures]
    return ProtectedSet(survey_id, k, revision, stored, built)
