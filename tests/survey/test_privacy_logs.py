"""A spoofed X-Forwarded-For, an odd user agent and the client's address never reach the log or database."""

from __future__ import annotations

import subprocess
import uuid

import httpx
import pytest

from survey import logs
from survey.backup import tool
from tests.support import LiveServer, demo_kiosk, make_account

CLIENT_ADDRESS = "127.0.0.77"
SPOOFED = "203.0.113.199"
USER_AGENT = "PrivacyProbe/7.3 (zz-unusual-agent)"


@pytest.mark.slow
async def test_no_address_or_user_agent_in_log_or_database(
    live_server: LiveServer, database_url: str
) -> None:
    kiosk_token = await demo_kiosk(database_url)
    await make_account(database_url, "ada", ["admin"])
    transport = httpx.AsyncHTTPTransport(local_address=CLIENT_ADDRESS)
    headers = {"user-agent": USER_AGENT, "x-forwarded-for": SPOOFED, "x-real-ip": SPOOFED}
    async with httpx.AsyncClient(
        base_url=live_server.base_url, transport=transport, headers=headers
    ) as client:
        await client.get("/signin")
        csrf = client.cookies["survey_csrf"]
        for password in ("wrong password", "correct horse battery"):
            await client.post("/signin", data={"_csrf_token": csrf, "name": "ada", "password": password})
        await client.get("/admin")
        await client.get("/no-such-page")
        await client.get("/api/me", headers={"authorization": "Bearer not-a-token"})
        kiosk_headers = {"authorization": f"Bearer {kiosk_token}"}
        survey = (await client.get("/api/kiosk/survey", headers=kiosk_headers)).json()
        submitted = {
            "id": str(uuid.uuid4()),
            "survey_version": survey["survey_version"],
            "language": "en",
            "answers": {"who5_1": 3, "program_feedback": "More hours please"},
        }
        posted = await client.post("/api/kiosk/responses", json=submitted, headers=kiosk_headers)
        assert posted.status_code == 201
    live_server.stop()
    log = live_server.log()
    dump = subprocess.run(
        [str(tool("pg_dump")), "--data-only", "--dbname", database_url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "POST /signin 303" in log, "the server must have logged the requests it served"
    assert "signin_failed" in dump, "the dump must hold the audit events of these requests"
    assert "More hours please" in dump, "the dump must hold the response just stored"
    # Kiosk requests leave no line of their own (its time would say when a participant answered), and
    # no count at shutdown either: the count of a whole UTC day is written after its midnight.
    assert "/api/kiosk" not in log
    assert logs.SHUTDOWN_LINE in log
    assert not [line for line in log.splitlines() if "kiosk requests on" in line and "201" in line]
    for secret in (CLIENT_ADDRESS, SPOOFED, USER_AGENT, "PrivacyProbe"):
        assert secret not in log
        assert secret not in dump
