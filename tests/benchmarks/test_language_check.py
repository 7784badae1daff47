"""Benchmark: the board's language check as typing asks for it, against the app's lightest database route.

One board member typing sends one ``GET /board/language-check`` at a time (htmx waits 600 ms after the last
key). This measures those requests one after another on a live server, each text different (so no cache
helps), next to ``GET /healthz`` (one database round trip, no session) on the same server in the same run,
and prints the latencies and their ratio. Prints numbers; asserts nothing about time. Run with ``make bench``.
"""

from __future__ import annotations

import statistics
import time

import httpx

from tests.support import PASSWORD, LiveServer, make_account

ROUNDS = 300
TEXT = "Over the last two weeks, has any addict you know been clean and felt calm and relaxed? Answer "


def timed(client: httpx.Client, path: str, params: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    response = client.get(path, params=params)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text
    return elapsed * 1000


async def test_language_check_latency_against_the_health_check(
    live_server: LiveServer, database_url: str
) -> None:
    await make_account(database_url, "typist", ["board"])
    with httpx.Client(base_url=live_server.base_url) as client:
        client.get("/signin")
        signin = {"name": "typist", "password": PASSWORD, "_csrf_token": client.cookies["survey_csrf"]}
        assert client.post("/signin", data=signin).status_code in {200, 303}
        for _ in range(20):  # warm up both routes
            timed(client, "/healthz")
            timed(client, "/board/language-check", {"language": "en", "field": "text", "text": TEXT})
        checks, health = [], []
        for round_number in range(ROUNDS):
            language = "en" if round_number % 2 else "es"
            params = {"language": language, "field": "text", "text": f"{TEXT}{round_number}"}
            checks.append(timed(client, "/board/language-check", params))
            health.append(timed(client, "/healthz"))
    check_ms, health_ms = statistics.median(checks), statistics.median(health)
    p95 = statistics.quantiles(checks, n=20)[-1]
    print(
        f"\nlanguage check: median {check_ms:.2f} ms, p95 {p95:.2f} ms over {ROUNDS} distinct texts;"
        f" /healthz median {health_ms:.2f} ms; ratio {check_ms / health_ms:.2f}"
    )
