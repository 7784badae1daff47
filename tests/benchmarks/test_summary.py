"""Benchmark: the dashboard and the API summary at 6,000, 100,000 and 1,000,000 synthetic responses.

At each size, in the same run: the raw SQL scan a view would need without the protected set (moments
and quartiles of every measure by site and month, over every score), the time to decide and audit the
protected set once (what a release or ``survey analysis audit`` pays), and then the latency of each
filter change an evaluator makes (every reporting period x grouping, by the API and by the dashboard's
htmx request), as median and p95, and the API's median against the raw scan. Asserts nothing about time.
``BENCH_SIZES`` changes the sizes (default ``6000,100000,1000000``).
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Final

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from analysis import periods, protected_store
from survey import db, demo, synthetic
from survey.app import create_app
from survey.settings import Settings
from tests.support import make_account, raw_token, sign_in

SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "6000,100000,1000000").split(",")]
RAW_RUNS: Final = 3
RAW_SCAN: Final = """
SELECT m.measure, s.name AS site, r.period, count(*) AS n, avg(m.value) AS mean,
       stddev_samp(m.value) AS sd,
       percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY m.value) AS quartiles
FROM measure_score m
JOIN response r ON r.id = m.response_id
JOIN survey_version v ON v.id = r.survey_version_id
JOIN site s ON s.id = r.site_id
WHERE v.survey_id = $1
GROUP BY 1, 2, 3
"""
"""The bare baseline: one scan of every score, what each view cost before the protected set."""


def p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def filter_changes(client: AsyncTestClient[Litestar], paths: list[str], **headers: str) -> list[float]:
    await client.get(paths[0], headers=headers)  # untimed: templates compile, the kept set is read once
    timings = []
    for path in paths:
        started = time.perf_counter()
        response = await client.get(path, headers=headers)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
    return timings


@pytest.mark.slow
async def test_dashboard_and_api_at_three_sizes(database_url: str, settings: Settings) -> None:
    conn = await db.connect(database_url)
    await demo.seed(conn)
    survey_id = await conn.fetchval("SELECT id FROM survey")
    account = await make_account(database_url, "bench-evaluator", ["evaluator"])
    token = await raw_token(database_url, account.id)
    made = 0
    print()
    for size in SIZES:
        await synthetic.generate(conn, size - made, seed=size)
        made = size
        await conn.execute("ANALYZE")
        raw = []
        for _ in range(RAW_RUNS):
            started = time.perf_counter()
            await conn.fetch(RAW_SCAN, survey_id)
            raw.append(time.perf_counter() - started)
        started = time.perf_counter()
        kept = await protected_store.current(conn, survey_id, settings.min_cell)
        decided = time.perf_counter() - started
        chosen = periods.offered(kept.periods)[:12]
        queries = [
            f"survey={survey_id}&period={p}&group_by={g}" for p in chosen for g in ("", "site", "period")
        ]
        async with AsyncTestClient(app=create_app(settings)) as client:
            api = await filter_changes(
                client, [f"/api/evaluate/summary?{q}" for q in queries], authorization=f"Bearer {token}"
            )
            await sign_in(client, "bench-evaluator")
            page = await filter_changes(client, [f"/evaluate?{q}" for q in queries], **{"HX-Request": "true"})
        best_raw = min(raw)
        print(
            f"{size:>9,} responses: raw scan {best_raw * 1000:7.0f} ms;"
            f" protected set decided in {decided:.1f} s"
        )
        for name, timings in (("API summary", api), ("dashboard (htmx)", page)):
            print(
                f"           {name:<17} median {statistics.median(timings) * 1000:6.0f} ms,"
                f" p95 {p95(timings) * 1000:6.0f} ms over {len(timings)} filter changes (target p95 < 300 ms)"
            )
        print(
            f"           API median / raw scan: {statistics.median(api) / best_raw:.3f} (target at most 0.2)"
        )
    await conn.close()
