"""Benchmark: drawing each dashboard chart as SVG and PNG at the demo's size (``make run``: 6,000 responses).

In the same run: a bare baseline (matplotlib drawing an empty figure of the same size, in the same way),
each chart's render time (median of ``RUNS``) and its ratio to the baseline, and the whole download
(``GET /evaluate/charts/...``: the protected set read, the tables and the chart built, rendered). Prints
a table; asserts only that every render gives the same bytes each time.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Final

import pytest
from litestar.testing import AsyncTestClient

from analysis import chart_render, charts, tables
from survey import db
from survey.app import create_app
from survey.settings import Settings
from tests.support import make_account, sign_in

RUNS: Final = 7
pytestmark = [pytest.mark.slow, pytest.mark.demo_data(responses=6000, seed=6000, today=date(2026, 11, 21))]


def _median(render: Callable[[], bytes]) -> tuple[float, bytes]:
    render()  # untimed: fonts and caches warm
    timings, outputs = [], set()
    for _ in range(RUNS):
        started = time.perf_counter()
        outputs.add(render())
        timings.append(time.perf_counter() - started)
    assert len(outputs) == 1, "the same chart gives the same bytes"
    return statistics.median(timings), outputs.pop()


async def test_chart_render_times_against_an_empty_figure(database_url: str, settings: Settings) -> None:
    conn = await db.connect(database_url)
    try:
        survey_id = await conn.fetchval("SELECT id FROM survey")
        built = await tables.build(conn, survey_id, group_by=["site"], period="all", k=settings.min_cell)
    finally:
        await conn.close()
    drawn = charts.all_charts(built, "Demo survey", settings.period)
    rows = []
    for fmt in charts.FORMATS:
        baseline, _ = _median(lambda fmt=fmt: chart_render.blank(fmt))  # type: ignore[misc]
        rows.append(("empty figure (baseline)", fmt, baseline, 0, 1.0))
        for views in drawn.values():
            for chart in views.values():
                took, content = _median(lambda chart=chart, fmt=fmt: chart_render.render(chart, fmt))  # type: ignore[misc]
                rows.append((chart.key, fmt, took, len(content), took / baseline))

    await make_account(database_url, "bench-charts", ["evaluator"])
    downloads = []
    async with AsyncTestClient(app=create_app(settings)) as client:
        await sign_in(client, "bench-charts")
        for fmt in charts.FORMATS:
            path = f"/evaluate/charts/who5-by-period.{fmt}"
            await client.get(path)
            timings = []
            for _ in range(RUNS):
                started = time.perf_counter()
                response = await client.get(path)
                timings.append(time.perf_counter() - started)
                assert response.status_code == 200
            downloads.append((path, statistics.median(timings)))

    print(f"\nCharts at the demo size (6,000 responses), median of {RUNS} renders each:")
    print(f"{'chart':<26} {'format':<6} {'ms':>8} {'bytes':>9} {'x empty':>8}")
    for key, fmt, took, size, ratio in rows:
        print(f"{key:<26} {fmt:<6} {took * 1000:>8.1f} {size:>9} {ratio:>8.2f}")
    for path, took in downloads:
        print(f"download {path}: median {took * 1000:.1f} ms")
