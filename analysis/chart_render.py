"""Drawing a chart (``analysis.charts.Chart``) as SVG or PNG with matplotlib, on the server, no browser.

Only the object-oriented API is used (``matplotlib.figure.Figure``, no pyplot and no global figure), and
every render holds one lock: matplotlib is not thread-safe, and the routes render in worker threads.

What a chart a funder report can carry has, and how:

- a title (the measure and the view), a subtitle (the survey, the period in words, k), both axes
  labelled, the value axis with the measure's range and direction;
- n under each point or bar, on the axis label, and "not shown" where the protected set hides it;
- the instrument's cut-offs as labelled lines (WHO-5 28 and 50, K6 5 and 13), each in its own line style;
- the 95% interval as a shaded band with error bars and caps, so it stays visible printed in grey;
- hidden points as hatched gaps with the reason written in them, never drawn as zero;
- the Okabe-Ito palette (safe for the common colour-vision deficiencies), a marker on every point, and
  line styles and hatching that tell the elements apart in greyscale.

Output is deterministic: the same chart gives the same bytes (a fixed ``svg.hashsalt``, no date or
software version in the file). The SVG is made safe to serve and to open anywhere: no script, no
DOCTYPE or metadata with external addresses, every reference internal (``#id``), and every ``style``
attribute turned into presentation attributes, so it renders under a Content-Security-Policy that forbids
inline styles. Text stays text (``svg.fonttype`` ``none``), so it can be searched, read and translated.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
import threading
from html import escape
from typing import TYPE_CHECKING, Any, Final

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from analysis import charts

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
BLUE: Final = "#0072B2"
SKY: Final = "#56B4E9"
VERMILLION: Final = "#D55E00"
PURPLE: Final = "#CC79A7"
ORANGE: Final = "#E69F00"
INK: Final = "#1b1b1f"
GREY: Final = "#6b6b6b"
CUTOFF_STYLES: Final = ((VERMILLION, (0, (6, 3))), (PURPLE, (0, (1.5, 2))), (ORANGE, (0, (6, 2, 1.5, 2))))
WIDTH_IN: Final = 8.0
HEIGHT_IN: Final = 4.8
PNG_DPI: Final = 200
"""1600 x 960 pixels: sharp in a printed report."""
SALT: Final = "harm-reduction-survey-charts"
STYLE: Final[dict[Any, Any]] = {
    "svg.hashsalt": SALT,
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "hatch.linewidth": 0.8,
}
_LOCK: Final = threading.Lock()

_STYLE_ATTRIBUTE: Final = re.compile(r' style="([^"]*)"')
_METADATA: Final = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_DOCTYPE: Final = re.compile(r"<!DOCTYPE[^>]*>\s*", re.S)
_CSS: Final = re.compile(r'\s*<style type="text/css">\*\{([^}]*)\}</style>')
_SVG_OPEN: Final = re.compile(r"<svg ([^>]*)>")


def render(chart: charts.Chart, fmt: str) -> bytes:
    """The chart as ``svg`` or ``png`` bytes (same chart, same bytes).

    Raises:
        ValueError: another format.
    """
    if fmt not in charts.FORMATS:
        raise ValueError(fmt)
    with _LOCK, mpl.rc_context(STYLE):
        figure = _draw(chart)
        buffer = io.BytesIO()
        if fmt == "svg":
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
            return safe_svg(buffer.getvalue().decode(), chart).encode()
        figure.savefig(
            buffer,
            format="png",
            dpi=PNG_DPI,
            metadata={"Title": chart.title, "Description": charts.describe(chart), "Software": None},
        )
        return buffer.getvalue()


def blank(fmt: str) -> bytes:
    """An empty figure of the chart's size, rendered the same way: the benchmark's baseline."""
    with _LOCK, mpl.rc_context(STYLE):
        figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), layout="constrained")
        figure.add_subplot()
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, dpi=PNG_DPI, metadata={"Date": None} if fmt == "svg" else None)
        return buffer.getvalue()


def _draw(chart: charts.Chart) -> Figure:
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), layout="constrained")
    axes = figure.add_subplot()
    figure.suptitle(chart.title, x=0.01, ha="left", fontsize=13, fontweight="bold", color=INK)
    axes.set_title(chart.subtitle, loc="left", fontsize=8.5, color=INK)
    axes.set_ylabel(chart.y_label, fontsize=8.5)
    axes.set_xlabel(chart.x_label, fontsize=8.5)
    span = chart.high - chart.low or 1.0
    axes.set_ylim(chart.low - span * 0.02, chart.high + span * 0.02)
    count = len(chart.points)
    axes.set_xlim(-0.6, max(count, 1) - 0.4)
    axes.grid(axis="y", color="#d9d6cf", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    handles: list[Any] = []
    if not count:
        axes.text(
            0.5, 0.5, "No responses in this period.", transform=axes.transAxes, ha="center", va="center"
        )
        axes.set_xticks([])
    else:
        width = 14 if count <= 6 else 9
        axes.set_xticks(range(count), [charts.axis_label(p, width) for p in chart.points], fontsize=7.5)
        handles += _bars(axes, chart) if chart.kind == "bar" else _line(axes, chart)
        if any(not point.shown for point in chart.points):
            handles.append(_gaps(axes, chart))
    _cutoffs(axes, chart)
    figure.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 4), fontsize=7.5,
                  frameon=False)  # fmt: skip
    return figure


def _shown(chart: charts.Chart) -> list[tuple[int, charts.Point]]:
    return [
        (x, p) for x, p in enumerate(chart.points) if p.shown and p.low is not None and p.high is not None
    ]


def _error_bars(axes: Axes, shown: list[tuple[int, charts.Point]], colour: str) -> Any:
    xs = [x for x, _ in shown]
    means = [p.mean or 0.0 for _, p in shown]
    below = [(p.mean or 0.0) - (p.low or 0.0) for _, p in shown]
    above = [(p.high or 0.0) - (p.mean or 0.0) for _, p in shown]
    return axes.errorbar(xs, means, yerr=[below, above], fmt="none", ecolor=colour, elinewidth=1.4, capsize=4,
                         capthick=1.4, zorder=3)  # fmt: skip


def _line(axes: Axes, chart: charts.Chart) -> list[Any]:
    """Means joined where neighbours are both shown (a hidden point breaks the line and the band)."""
    xs = list(range(len(chart.points)))
    means = [p.mean if p.shown and p.mean is not None else math.nan for p in chart.points]
    lows = [p.low if p.shown and p.low is not None else math.nan for p in chart.points]
    highs = [p.high if p.shown and p.high is not None else math.nan for p in chart.points]
    band = axes.fill_between(xs, lows, highs, color=SKY, alpha=0.45, linewidth=0, zorder=1,
                             label="95% interval")  # fmt: skip
    _error_bars(axes, _shown(chart), BLUE)
    (line,) = axes.plot(xs, means, color=BLUE, linewidth=2, marker="o", markersize=6, markerfacecolor="white",
                        markeredgewidth=2, zorder=4, label="Mean")  # fmt: skip
    return [line, band]


def _bars(axes: Axes, chart: charts.Chart) -> list[Any]:
    shown = _shown(chart)
    bars = axes.bar([x for x, _ in shown], [p.mean or 0.0 for _, p in shown], width=0.6, bottom=0,
                    color=SKY, edgecolor=BLUE, linewidth=1.2, zorder=2, label="Mean")  # fmt: skip
    if chart.low:
        for bar in bars:
            bar.set_y(chart.low)
            bar.set_height(bar.get_height() - chart.low)
    errors = _error_bars(axes, shown, INK)
    errors.set_label("95% interval")
    axes.plot([x for x, _ in shown], [p.mean or 0.0 for _, p in shown], linestyle="none", marker="D",
              markersize=4.5, color=INK, zorder=4)  # fmt: skip
    return [bars, errors]


def _gaps(axes: Axes, chart: charts.Chart) -> Patch:
    """A hatched, empty slot with the reason written in it, where the protected set hides a figure."""
    upper = chart.low + (chart.high - chart.low) * 0.72
    for x, point in enumerate(chart.points):
        if point.shown:
            continue
        axes.axvspan(x - 0.35, x + 0.35, facecolor="none", edgecolor=GREY, hatch="///", linewidth=0, zorder=0)
        reason = "\n".join(textwrap.wrap(f"not shown: {point.hidden}", 18))
        axes.text(x, upper, reason, rotation=90, ha="center", va="center", fontsize=7,
                  color=INK, zorder=5, bbox={"facecolor": "white", "edgecolor": GREY, "linewidth": 0.6,
                                             "boxstyle": "round,pad=0.3"})  # fmt: skip
    return Patch(facecolor="none", edgecolor=GREY, hatch="///", label="Not shown (reason in the gap)")


def _cutoffs(axes: Axes, chart: charts.Chart) -> None:
    """Each cut-off as a line across the chart in its own colour and dash pattern, labelled at the right."""
    edge = blended_transform_factory(axes.transAxes, axes.transData)
    for index, cutoff in enumerate(chart.cutoffs):
        colour, dashes = CUTOFF_STYLES[index % len(CUTOFF_STYLES)]
        axes.axhline(cutoff.value, color=colour, linestyle=dashes, linewidth=1.6, zorder=2.5)
        axes.text(0.995, cutoff.value, cutoff.label, transform=edge, ha="right", va="bottom", fontsize=7.5,
                  color=INK, zorder=6, bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85,
                                             "pad": 1.0})  # fmt: skip


def safe_svg(svg: str, chart: charts.Chart) -> str:
    """Matplotlib's SVG made self-contained and CSP-proof, with the chart's title and description.

    Drops the DOCTYPE (an external DTD address) and the RDF metadata (addresses again), turns each
    ``style="a: b; c: d"`` into ``a="b" c="d"`` and the one ``<style>`` rule into attributes of the root
    (they are inherited), and adds ``role="img"``, ``<title>`` and ``<desc>``.
    """
    svg = _DOCTYPE.sub("", svg)
    svg = _METADATA.sub("", svg)
    root_css = ""
    css = _CSS.search(svg)
    if css:
        root_css = _attributes(css[1])
        svg = _CSS.sub("", svg)
    svg = _STYLE_ATTRIBUTE.sub(lambda match: " " + _attributes(match[1]), svg)
    title_id = f"{chart.key}-title"
    labels = (
        f'\n <title id="{title_id}">{escape(chart.title)}</title>'
        f'\n <desc id="{chart.key}-desc">{escape(charts.describe(chart))}</desc>'
    )

    def head(match: re.Match[str]) -> str:
        return f'<svg {match[1]} {root_css} role="img" aria-labelledby="{title_id} {chart.key}-desc">{labels}'

    return _SVG_OPEN.sub(head, svg, count=1)


def _attributes(declarations: str) -> str:
    pairs = []
    for declaration in declarations.split(";"):
        name, _, value = declaration.partition(":")
        if name.strip() and value.strip():
            pairs.append(f'{name.strip()}="{escape(value.strip().replace(chr(34), chr(39)), quote=True)}"')
    return " ".join(pairs)
