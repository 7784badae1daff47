"""Benchmark: kiosk intake against a bare insert endpoint, and the kiosk's first-load size.

Completed responses per second through ``POST /api/kiosk/responses`` against a bare Litestar+asyncpg
endpoint inserting one row, same load generator, same database, same run; then the bytes a tablet
downloads on its first visit. Prints numbers; asserts nothing about time. Run with ``make bench``.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from tests.support import LiveServer, demo_kiosk, free_port, start_live_server, survey_env
from tests.survey.test_intake import SPANISH_ANSWERS

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "32"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "3000"))
FIRST_LOAD_BUDGET = 150 * 1024

ANSWERS = SPANISH_ANSWERS


async def load(
    url: str, headers: dict[str, str], make_body: Callable[[], dict[str, Any]]
) -> tuple[float, int]:
    """Send REQUESTS posts from CLIENTS concurrent clients; return requests per second and failures."""
    remaining = REQUESTS
    failures = 0
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal remaining, failures
            while remaining > 0:
                remaining -= 1
                response = await client.post(url, json=make_body())
                if response.status_code not in {200, 201}:
                    failures += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CLIENTS)))
        elapsed = time.perf_counter() - started
    return REQUESTS / elapsed, failures


def start_bare(database_url: str, tmp_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**survey_env(tmp_path, database_url), "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "tests.benchmarks.bare_app:app",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.post(f"{base}/insert", json={"warm": True}, timeout=1)
            return process, base
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the bare app did not start")


@pytest.mark.slow
async def test_submission_throughput_against_a_bare_insert(database_url: str, tmp_path: Path) -> None:
    token = await demo_kiosk(database_url)
    headers = {"authorization": f"Bearer {token}"}
    # The per-kiosk rate limit protects real tablets; one benchmark "tablet" sends thousands a minute.
    live_server = start_live_server(database_url, tmp_path, extra_env={"SURVEY_KIOSK_RATE": "1000000"})
    version = httpx.get(f"{live_server.base_url}/api/kiosk/survey", headers=headers).json()["survey_version"]

    def kiosk_body() -> dict[str, Any]:
        return {"id": str(uuid.uuid4()), "survey_version": version, "language": "en", "answers": ANSWERS}

    bare, bare_url = start_bare(database_url, tmp_path)
    try:
        bare_rate, bare_failures = await load(f"{bare_url}/insert", {}, lambda: {"answers": ANSWERS})
        kiosk_rate, kiosk_failures = await load(
            f"{live_server.base_url}/api/kiosk/responses", headers, kiosk_body
        )
    finally:
        bare.terminate()
        bare.wait()
        live_server.stop()
    print(f"\nsubmission benchmark: {REQUESTS} requests, {CLIENTS} concurrent clients, one worker each")
    print(f"  bare Litestar+asyncpg insert: {bare_rate:8.1f} requests/s ({bare_failures} failed)")
    print(
        f"  kiosk intake (validate, score, 3 tables): {kiosk_rate:8.1f} responses/s ({kiosk_failures} failed)"
    )
    print(f"  ratio kiosk/bare: {kiosk_rate / bare_rate:.2f} (target at least 0.5)")
    assert kiosk_failures == 0, "every response must be stored; a rate limit would distort the measurement"


@pytest.mark.slow
async def test_kiosk_first_load_transfer_size(live_server: LiveServer, database_url: str) -> None:
    token = await demo_kiosk(database_url)
    total = 0
    print("\nkiosk first load (gzip as sent on the wire):")
    async with httpx.AsyncClient(
        base_url=live_server.base_url, headers={"accept-encoding": "gzip"}, cookies={"survey_kiosk": token}
    ) as client:
        # Every script, style sheet and icon the page names, so a new module is never left out.
        page = BeautifulSoup((await client.get("/kiosk")).text, "html.parser")
        named = [tag["src"] for tag in page.select("script[src]")]
        named += [tag["href"] for tag in page.select("link[href]")]
        paths = ["/kiosk", *(str(path) for path in named), "/kiosk-sw.js", "/api/kiosk/survey"]
        for path in paths:
            response = await client.get(path)
            assert response.status_code == 200, path
            size = response.num_bytes_downloaded
            total += size
            print(f"  {path:<24} {size:>8,} bytes ({response.headers.get('content-encoding', 'identity')})")
    print(f"  total {total:,} bytes = {total / 1024:.1f} KiB (budget {FIRST_LOAD_BUDGET // 1024} KiB)")
    assert total > 0
