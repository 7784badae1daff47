"""Server-rendered SVG charts (no script, no external file): a mean with its interval per point or bar.

Every chart has a title and a description for screen readers, and the page shows the same figures in a
table beside it. Hidden (suppressed) points are simply not drawn.
"""

from __future__ import annotations

from html import escape
from typing import Final

import msgspec

WIDTH: Final = 640
HEIGHT: Final = 320
MARGIN: Final = {"left": 48, "right": 16, "top": 16, "bottom": 96}
INK: Final = "#1b1b1f"
ACCENT: Final = "#1d5c4d"
GRID: Final = "#c9c6bd"


class Point(msgspec.Struct, frozen=True):
    """One labelled estimate with its 95% interval."""

    label: str
    value: float
    low: float
    high: float


def _scale(value: float, low: float, high: float) -> float:
    inner = HEIGHT - MARGIN["top"] - MARGIN["bottom"]
    return MARGIN["top"] + inner * (1 - (value - low) / (high - low if high > low else 1))


def _frame(chart_id: str, title: str, description: str, low: float, high: float, body: list[str]) -> str:
    ticks = []
    for step in range(5):
        value = low + (high - low) * step / 4
        y = _scale(value, low, high)
        ticks.append(
            f'<line x1="{MARGIN["left"]}" x2="{WIDTH - MARGIN["right"]}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        ticks.append(
            f'<text x="{MARGIN["left"] - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{value:g}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="chart" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="system-ui, sans-serif">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>' + "".join(ticks) + "".join(body) + "</svg>"
    )


def _x_positions(count: int) -> list[float]:
    inner = WIDTH - MARGIN["left"] - MARGIN["right"]
    return [MARGIN["left"] + inner * (index + 0.5) / count for index in range(count)]


def _label(x: float, text: str) -> str:
    y = HEIGHT - MARGIN["bottom"] + 16
    return (
        f'<text x="{x:.1f}" y="{y}" text-anchor="end" font-size="11" fill="{INK}" '
        f'transform="rotate(-35 {x:.1f} {y})">{escape(text)}</text>'
    )


def describe(points: list[Point], unit: str) -> str:
    """A plain-language description of the points, for screen readers."""
    if not points:
        return "No group is large enough to show."
    parts = [f"{p.label}: {p.value:.1f} (95% interval {p.low:.1f} to {p.high:.1f})" for p in points]
    return f"{unit}. " + "; ".join(parts) + "."


def line_chart(chart_id: str, title: str, points: list[Point], low: float, high: float, unit: str) -> str:
    """Means over time joined by a line, each with its interval as a vertical bar."""
    xs = _x_positions(max(len(points), 1))
    body = []
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{_scale(p.value, low, high):.1f}" for x, p in zip(xs, points, strict=False))
        body.append(f'<polyline points="{path}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
    for x, point in zip(xs, points, strict=False):
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{_scale(point.low, low, high):.1f}" '
            f'y2="{_scale(point.high, low, high):.1f}" stroke="{INK}" stroke-width="1.5"/>'
        )
        body.append(f'<circle cx="{x:.1f}" cy="{_scale(point.value, low, high):.1f}" r="4" fill="{ACCENT}"/>')
        body.append(_label(x, point.label))
    return _frame(chart_id, title, describe(points, unit), low, high, body)


def bar_chart(chart_id: str, title: str, points: list[Point], low: float, high: float, unit: str) -> str:
    """One bar per group (e.g. site) with its interval."""
    xs = _x_positions(max(len(points), 1))
    width = min(60.0, (WIDTH - MARGIN["left"] - MARGIN["right"]) / max(len(points), 1) * 0.6)
    body = []
    for x, point in zip(xs, points, strict=False):
        top, base = _scale(point.value, low, high), _scale(low, low, high)
        body.append(
            f'<rect x="{x - width / 2:.1f}" y="{top:.1f}" width="{width:.1f}" height="{base - top:.1f}" '
            f'fill="{ACCENT}"/>'
        )
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{_scale(point.low, low, high):.1f}" '
            f'y2="{_scale(point.high, low, high):.1f}" stroke="{INK}" stroke-width="1.5"/>'
        )
        body.append(_label(x, point.label))
    return _frame(chart_id, title, describe(points, unit), low, high, body)
