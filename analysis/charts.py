"""The dashboard's and the funder report's charts as data: what each chart shows, before any drawing.

A chart is built from the aggregate tables (so from the survey's protected set) and nothing else: each
point is a figure the tables show, with its n and 95% interval, or a figure they hide, which stays a
point with its reason and no value. ``analysis.chart_render`` draws a chart as SVG or PNG; the pages show
the same chart's description (``describe``) and its figures in a table. This module imports neither the
database, Litestar nor matplotlib.
"""

from __future__ import annotations

import itertools
import textwrap
from typing import TYPE_CHECKING, Final, Literal

import msgspec

from analysis import periods

if TYPE_CHECKING:
    from analysis.summary import SummaryRow
    from analysis.tables import Tables
    from questions.scoring_rules import ScoringRule

View = Literal["by-period", "by-site"]
VIEWS: Final[tuple[View, ...]] = ("by-period", "by-site")
FORMATS: Final = ("svg", "png")
FEWER_THAN_K: Final = "fewer than k"
SHORT_MONTHS: Final = tuple(name[:3] for name in periods.MONTH_NAMES)


class Point(msgspec.Struct, frozen=True, kw_only=True):
    """One group's mean with its 95% interval, or, when the protected set hides it, why (no figures)."""

    label: str
    """Short, for the axis (``Jan 2026``, a site's name)."""
    words: str
    """In full, for the description (``January 2026``)."""
    n: int | None = None
    mean: float | None = None
    low: float | None = None
    high: float | None = None
    hidden: str | None = None
    """Why it is not drawn, in words ("fewer than 11", "hidden to protect a smaller group", ...)."""

    @property
    def shown(self) -> bool:
        """Whether the point has a value to draw."""
        return self.hidden is None and self.mean is not None


class Cutoff(msgspec.Struct, frozen=True):
    """A line across the chart at one of the instrument's band limits, with what it means."""

    value: float
    label: str


class Chart(msgspec.Struct, frozen=True, kw_only=True):
    """Everything one chart shows: enough to draw it, describe it and put it in a table."""

    key: str
    """``{measure}-{view}``, e.g. ``who5-by-period``; names the download."""
    kind: Literal["line", "bar"]
    measure: str
    title: str
    subtitle: str
    x_label: str
    y_label: str
    low: float
    high: float
    higher_is_better: bool
    points: list[Point]
    cutoffs: list[Cutoff] = []


def reason_words(reason: str | None, k: int) -> str:
    """A hidden figure's reason as the pages say it ("fewer than 11")."""
    if reason is None:
        return "not shown"
    return f"fewer than {k}" if reason == FEWER_THAN_K else reason


def cutoffs(rule: ScoringRule) -> list[Cutoff]:
    """The instrument's cut-offs from its bands: WHO-5 28 and 50 (each band's top), K6 5 and 13 (bottom).

    A measure where higher is better marks the top of each band but the best ("28 or less: likely
    depression"); one where higher is worse marks the bottom of each band but the lowest ("13 or more").
    """
    bands = sorted(rule.bands, key=lambda band: band.low)
    lines = []
    for lower, upper in itertools.pairwise(bands):
        name = _band_name(lower.label if rule.higher_is_better else upper.label)
        if rule.higher_is_better:
            lines.append(Cutoff(lower.high, f"{lower.high:g} or less: {name}"))
        else:
            lines.append(Cutoff(upper.low, f"{upper.low:g} or more: {name}"))
    return lines


def _band_name(label: str) -> str:
    """A band's label without its range in brackets: "Likely depression (28 or less)" -> "likely ..."."""
    name = label.split(" (")[0].strip()
    return name[:1].lower() + name[1:]


def y_label(rule: ScoringRule) -> str:
    """The value axis: the measure, its range and its direction (the unit of a score is its range)."""
    direction = "higher is better" if rule.higher_is_better else "higher is worse"
    return f"Mean score, {rule.score_min:g} to {rule.score_max:g}\n({direction})"


def period_label(label: str) -> str:
    """A stored period, short: ``Jan 2026`` for a month, ``W47 2026`` for an ISO week."""
    level = periods.level_of(label)
    if level == "month":
        return f"{SHORT_MONTHS[int(label[5:]) - 1]} {label[:4]}"
    if level == "week":
        return f"W{int(label[6:])} {label[:4]}"
    return label


def _point(row: SummaryRow, label: str, words: str, k: int) -> Point:
    if row.suppressed or row.mean is None:
        return Point(label=label, words=words, hidden=reason_words(row.hidden, k))
    return Point(label=label, words=words, n=row.n, mean=row.mean, low=row.ci_low, high=row.ci_high)


def build(tables: Tables, rule: ScoringRule, view: View, survey_name: str, granularity: str) -> Chart:
    """One measure's chart by period (a line) or by site (bars), from the tables' shown and hidden rows."""
    words = periods.words(tables.period)
    subtitle = f"{survey_name}, {words}. Each point: the mean with its 95% interval; k = {tables.k}."
    unit = "week" if granularity == "week" else "month"
    kind: Literal["line", "bar"]
    if view == "by-period":
        rows = [row for row in tables.by_period.rows if row.measure == rule.measure]
        kind, by, x_label = "line", unit, f"{unit.capitalize()} (n: responses with a score)"
        points = [
            _point(row, period_label(row.period or ""), periods.words(row.period or ""), tables.k)
            for row in rows
        ]
    else:
        rows = [row for row in tables.by_site.rows if row.measure == rule.measure]
        kind, by, x_label = "bar", "site", "Site (n: responses with a score)"
        points = [_point(row, row.site or "", row.site or "", tables.k) for row in rows]
    return Chart(
        key=f"{rule.measure}-{view}",
        kind=kind,
        measure=rule.measure,
        title=f"{rule.name}: mean by {by}",
        subtitle=subtitle,
        x_label=x_label,
        y_label=y_label(rule),
        low=rule.score_min,
        high=rule.score_max,
        higher_is_better=rule.higher_is_better,
        points=points,
        cutoffs=cutoffs(rule),
    )


def all_charts(tables: Tables, survey_name: str, granularity: str) -> dict[str, dict[View, Chart]]:
    """Every measure's two charts, by measure and view."""
    return {
        rule.measure: {view: build(tables, rule, view, survey_name, granularity) for view in VIEWS}
        for rule in tables.measures
    }


def describe(chart: Chart) -> str:
    """The chart in words, for screen readers and the image's alternative text: every point, in order."""
    if not chart.points:
        return f"{chart.title}. No responses in this period."
    parts = []
    for point in chart.points:
        if point.shown and point.low is not None and point.high is not None:
            parts.append(
                f"{point.words}: {point.mean:.1f} (95% interval {point.low:.1f} to {point.high:.1f}, "
                f"n = {point.n})"
            )
        else:
            parts.append(f"{point.words}: not shown ({point.hidden})")
    lines = "; ".join(f"{line.label} at {line.value:g}" for line in chart.cutoffs)
    marked = f" Lines mark {lines}." if lines else ""
    scale = chart.y_label.replace("\n", " ")
    return f"{chart.title}; {scale[0].lower()}{scale[1:]}. " + "; ".join(parts) + "." + marked


def axis_label(point: Point, width: int = 14) -> str:
    """A point's label under the axis, wrapped, with its n (or "not shown") on the last line."""
    name = "\n".join(textwrap.wrap(point.label, width)) or "-"
    return f"{name}\nn = {point.n}" if point.shown else f"{name}\nnot shown"


def filename(survey_name: str, chart: Chart, period: str, fmt: str) -> str:
    """The download's file name: survey, measure, view and period, in ASCII (``demo-survey-who5-...``)."""
    return f"{slug(survey_name) or 'survey'}-{chart.key}-{slug(period)}.{fmt}"


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits joined by single hyphens."""
    kept = "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in kept.split("-") if part)
