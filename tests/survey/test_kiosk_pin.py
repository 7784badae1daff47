"""The kiosk's staff PIN: tries limited per kiosk with growing waits; leaving kiosk mode pauses the tablet."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from litestar import Litestar
from litestar.testing import AsyncTestClient

from questions import queries as question_queries
from survey import kiosks
from survey.app import create_app
from survey.db import Connection
from survey.kiosk_routes import KIOSK_COOKIE
from survey.settings import Settings
from tests.support import make_account, post_form, sign_in

Client = AsyncTestClient[Litestar]
PIN = "2468"
WRONG = "1357"
LABEL = "Front desk tablet"

pytestmark = pytest.mark.demo_data


@pytest.fixture
async def tablet(client: Client, conn: Connection) -> dict[str, Any]:
    """The test client as an enrolled tablet (cookie) at the demo's first site, whose staff PIN is ``PIN``."""
    site_id = await conn.fetchval("SELECT id FROM site ORDER BY id LIMIT 1")
    await kiosks.set_pin(conn, site_id=site_id, pin=PIN, actor_id=None)
    token = await kiosks.create_enrolled(conn, site_id=site_id, label=LABEL, actor_id=None)
    client.cookies.set(KIOSK_COOKIE, token)
    survey_id = await conn.fetchval("SELECT survey_id FROM site WHERE id = $1", site_id)
    version = await question_queries.latest_version(conn, survey_id)
    assert version is not None
    kiosk_id = await conn.fetchval("SELECT id FROM kiosk WHERE label = $1", LABEL)
    return {"token": token, "version": version.id, "kiosk_id": kiosk_id}


async def exit_with(client: Client, pin: str) -> httpx.Response:
    return await post_form(client, "/kiosk/exit", {"pin": pin})


async def later(conn: Connection, seconds: int) -> None:
    """Let ``seconds`` pass for the PIN count, by moving the kiosk's audit events back."""
    await conn.execute(
        "UPDATE audit_event SET occurred_at = occurred_at - make_interval(secs => $1)"
        " WHERE action LIKE 'kiosk_%'",
        seconds,
    )


def page(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def test_the_waits_start_after_five_tries_and_double_up_to_an_hour() -> None:
    waits = [kiosks.pin_wait(failures) for failures in range(13)]
    minutes = [wait / timedelta(minutes=1) for wait in waits]
    assert minutes == [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60]
    assert kiosks.pin_wait(10**6) == timedelta(hours=1)


async def test_ten_wrong_pins_then_the_right_one_are_refused_with_a_wait(
    client: Client, tablet: dict[str, Any], conn: Connection
) -> None:
    tries = [await exit_with(client, WRONG) for _ in range(10)]
    right = await exit_with(client, PIN)
    assert [response.status_code for response in tries] == [403] * 5 + [429] * 5
    assert right.status_code == 429, "the right PIN waits too: the limit would be no limit otherwise"
    assert 1 <= int(right.headers["retry-after"]) <= 60
    calm = page(right)
    alert = calm.select_one("p.error[role=alert]")
    assert alert is not None
    assert "wait a minute" in alert.get_text()
    assert calm.select_one("form[action='/kiosk/exit'] input[name=pin]") is not None
    assert await conn.fetchval("SELECT paused FROM kiosk WHERE id = $1", tablet["kiosk_id"]) is False


async def test_each_refusal_is_audited_under_the_kiosks_label_and_nothing_else(
    client: Client, tablet: dict[str, Any], conn: Connection
) -> None:
    for _ in range(6):
        await exit_with(client, WRONG)
    events = await conn.fetch(
        "SELECT account_id, subject, detail FROM audit_event WHERE action = 'kiosk_pin_failed' ORDER BY id"
    )
    assert [(e["account_id"], e["subject"]) for e in events] == [(None, LABEL)] * 6
    assert [e["detail"] for e in events] == [{"kiosk_id": tablet["kiosk_id"]}] * 5 + [
        {"kiosk_id": tablet["kiosk_id"], "waiting": True}
    ]


async def test_the_wait_doubles_after_each_further_wrong_pin_and_a_right_pin_resets_it(
    client: Client, tablet: dict[str, Any], conn: Connection
) -> None:
    for _ in range(5):
        await exit_with(client, WRONG)
    await later(conn, 61)
    sixth = await exit_with(client, WRONG)
    waiting = await exit_with(client, PIN)
    assert sixth.status_code == 403
    assert (waiting.status_code, 60 < int(waiting.headers["retry-after"]) <= 120) == (429, True)
    await later(conn, 121)
    assert (await exit_with(client, PIN)).headers["location"] == "/kiosk"
    statuses = [(await exit_with(client, WRONG)).status_code for _ in range(6)]
    assert statuses == [403] * 5 + [429], "five fresh tries after a right PIN, then the first wait again"


async def test_the_count_is_shared_by_every_worker(
    client: Client, tablet: dict[str, Any], settings: Settings
) -> None:
    for _ in range(3):
        await exit_with(client, WRONG)
    async with AsyncTestClient(app=create_app(settings)) as other_worker:
        other_worker.cookies.set(KIOSK_COOKIE, tablet["token"])
        for _ in range(2):
            assert (await exit_with(other_worker, WRONG)).status_code == 403
        assert (await exit_with(other_worker, PIN)).status_code == 429
    assert (await exit_with(client, PIN)).status_code == 429


async def test_tries_on_one_kiosk_do_not_make_another_wait(
    client: Client, tablet: dict[str, Any], conn: Connection
) -> None:
    for _ in range(6):
        await exit_with(client, WRONG)
    site_id = await conn.fetchval("SELECT site_id FROM kiosk WHERE id = $1", tablet["kiosk_id"])
    other = await kiosks.create_enrolled(conn, site_id=site_id, label="Van tablet", actor_id=None)
    client.cookies.set(KIOSK_COOKIE, other)
    assert (await exit_with(client, PIN)).status_code == 303


async def test_leaving_kiosk_mode_pauses_the_tablet_until_the_pin_resumes_it(
    client: Client, tablet: dict[str, Any], conn: Connection
) -> None:
    left = await exit_with(client, PIN)
    assert (left.status_code, left.headers["location"]) == (303, "/kiosk")
    paused = await client.get("/kiosk")
    screen = page(paused)
    assert paused.status_code == 200
    assert paused.headers["cache-control"] == "no-store"
    heading = screen.select_one("#paused h1")
    assert heading is not None
    assert heading.get_text() == "Paused by staff"
    assert screen.select_one("#kiosk") is None, "no survey shell behind the paused screen"
    assert {s["src"] for s in screen.select("script[src]")} == {
        "/static/kiosk_outbox.js",
        "/static/kiosk_paused.js",
    }
    assert screen.select_one("form[action='/kiosk/resume'] input[name=pin][type=password]") is not None
    survey = await client.get("/api/kiosk/survey")
    assert (survey.status_code, survey.json()["extra"]) == (423, {"paused": True})

    wrong = await post_form(client, "/kiosk/resume", {"pin": WRONG})
    assert wrong.status_code == 403
    assert page(wrong).select_one("#resume-error[role=alert]") is not None
    field = page(wrong).select_one("#resume-pin")
    assert field is not None
    assert field["aria-describedby"] == "resume-error"
    resumed = await post_form(client, "/kiosk/resume", {"pin": PIN})
    assert (resumed.status_code, resumed.headers["location"]) == (303, "/kiosk")
    assert page(await client.get("/kiosk")).select_one("#kiosk") is not None
    assert (await client.get("/api/kiosk/survey")).status_code == 200
    actions = await conn.fetch(
        "SELECT action, subject FROM audit_event"
        " WHERE action IN ('kiosk_paused', 'kiosk_resumed') ORDER BY id"
    )
    assert [(a["action"], a["subject"]) for a in actions] == [
        ("kiosk_paused", LABEL),
        ("kiosk_resumed", LABEL),
    ]


async def test_a_paused_tablet_still_sends_responses_completed_before(
    client: Client, tablet: dict[str, Any], conn: Connection
) -> None:
    await exit_with(client, PIN)
    completed = {
        "id": str(uuid.uuid4()),
        "survey_version": tablet["version"],
        "language": "en",
        "answers": {},
    }
    sent = await client.post("/api/kiosk/responses", json=completed, headers={"x-kiosk-request": "1"})
    assert sent.status_code == 201, sent.text
    assert await conn.fetchval("SELECT count(*) FROM response_inbox") == 1


async def test_the_paused_state_survives_a_reload_and_a_restart(
    client: Client, tablet: dict[str, Any], settings: Settings
) -> None:
    await exit_with(client, PIN)
    async with AsyncTestClient(app=create_app(settings)) as restarted:
        restarted.cookies.set(KIOSK_COOKIE, tablet["token"])
        assert page(await restarted.get("/kiosk")).select_one("#paused") is not None


async def test_enrolling_the_tablet_again_ends_the_pause(
    client: Client, tablet: dict[str, Any], conn: Connection, database_url: str
) -> None:
    await exit_with(client, PIN)
    await make_account(database_url, "ada", ["admin"])
    client.cookies.clear()
    await sign_in(client, "ada")
    site_id = await conn.fetchval("SELECT site_id FROM kiosk WHERE id = $1", tablet["kiosk_id"])
    made = await post_form(client, "/admin/kiosks", {"site_id": str(site_id), "label": "Front desk again"})
    code = page(made).select_one("#kiosk-code")
    assert code is not None
    client.cookies.clear()  # the new enrolment replaces the tablet's cookie
    assert (await post_form(client, "/kiosk/enroll", {"code": code.get_text()})).status_code == 303
    assert page(await client.get("/kiosk")).select_one("#kiosk") is not None
    assert await conn.fetchval("SELECT paused FROM kiosk WHERE id = $1", tablet["kiosk_id"]) is True
