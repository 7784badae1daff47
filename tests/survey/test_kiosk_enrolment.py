"""Enrolling a tablet with a one-time code, the staff PIN exit, and admins managing kiosks and sites."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from litestar import Litestar
from litestar.testing import AsyncTestClient

from survey import demo, kiosks
from survey.db import Connection
from survey.kiosk_routes import KIOSK_COOKIE
from tests.support import make_account, post_form, sign_in

Client = AsyncTestClient[Litestar]


async def admin_makes_kiosk(client: Client, database_url: str, conn: Connection) -> str:
    """An admin makes a kiosk at the demo's first site (the test is marked ``demo_data``); its code."""
    await make_account(database_url, "ada", ["admin"])
    await sign_in(client, "ada")
    site_id = await conn.fetchval("SELECT id FROM site ORDER BY id LIMIT 1")
    page = await post_form(client, "/admin/kiosks", {"site_id": str(site_id), "label": "Front desk"})
    code = BeautifulSoup(page.text, "html.parser").select_one("#kiosk-code")
    assert code is not None
    client.cookies.clear()
    return code.get_text()


@pytest.mark.demo_data
async def test_a_code_enrols_a_tablet_once(client: Client, database_url: str, conn: Connection) -> None:
    code = await admin_makes_kiosk(client, database_url, conn)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    enrolled = await post_form(client, "/kiosk/enroll", {"code": code.lower()})
    assert enrolled.status_code == 303
    token = client.cookies[KIOSK_COOKIE]
    assert (await client.get("/kiosk")).status_code == 200
    assert await conn.fetchval("SELECT count(*) FROM kiosk WHERE token_hash = $1", token) == 0
    client.cookies.clear()
    again = await post_form(client, "/kiosk/enroll", {"code": code})
    assert again.status_code == 400
    assert KIOSK_COOKIE not in client.cookies


@pytest.mark.demo_data
async def test_an_expired_code_does_not_enrol(client: Client, database_url: str, conn: Connection) -> None:
    code = await admin_makes_kiosk(client, database_url, conn)
    await conn.execute("UPDATE kiosk SET code_expires_at = now() - interval '1 second'")
    assert (await post_form(client, "/kiosk/enroll", {"code": code})).status_code == 400


async def test_the_kiosk_page_sends_an_unenrolled_tablet_to_enrolment(client: Client) -> None:
    response = await client.get("/kiosk", follow_redirects=False)
    assert response.headers["location"] == "/kiosk/enroll"


@pytest.mark.demo_data
async def test_revoking_ends_the_tablet_at_its_next_request(
    client: Client, database_url: str, conn: Connection
) -> None:
    code = await admin_makes_kiosk(client, database_url, conn)
    await post_form(client, "/kiosk/enroll", {"code": code})
    assert (await client.get("/api/kiosk/survey")).status_code == 200
    kiosk_id = await conn.fetchval("SELECT id FROM kiosk")
    await kiosks.revoke(conn, kiosk_id=kiosk_id, actor_id=None)
    assert (await client.get("/api/kiosk/survey")).status_code == 401
    assert (await client.get("/kiosk", follow_redirects=False)).headers["location"] == "/kiosk/enroll"


async def test_the_staff_pin_leaves_kiosk_mode_and_pauses_the_tablet(
    client: Client, database_url: str, conn: Connection
) -> None:
    seeded = await demo.seed(conn)
    site_id = await conn.fetchval("SELECT id FROM site ORDER BY id LIMIT 1")
    site_name = await conn.fetchval("SELECT name FROM site WHERE id = $1", site_id)
    token = await kiosks.create_enrolled(conn, site_id=site_id, label="Tablet", actor_id=None)
    client.cookies.set(KIOSK_COOKIE, token)
    wrong = await post_form(
        client, "/kiosk/exit", {"pin": "000000" if seeded.pins[site_name] != "000000" else "1"}
    )
    right = await post_form(client, "/kiosk/exit", {"pin": seeded.pins[site_name]})
    assert wrong.status_code == 403
    assert (right.status_code, right.headers["location"]) == (303, "/kiosk")
    assert await conn.fetchval("SELECT paused FROM kiosk") is True


@pytest.mark.demo_data
@pytest.mark.usefixtures("admin")
async def test_admin_sets_a_sites_survey_resources_and_pin(client: Client, conn: Connection) -> None:
    site_id = await conn.fetchval("SELECT id FROM site ORDER BY id LIMIT 1")
    survey_id = await conn.fetchval("SELECT id FROM survey")
    saved = await post_form(
        client,
        f"/admin/sites/{site_id}/settings",
        {"survey_id": str(survey_id), "resources": "Naloxone at the desk."},
    )
    pin = await post_form(client, f"/admin/sites/{site_id}/pin", {"pin": "2468"})
    short = await post_form(client, f"/admin/sites/{site_id}/pin", {"pin": "12"})
    assert (saved.status_code, pin.status_code, short.status_code) == (200, 200, 400)
    assert await conn.fetchval("SELECT resources FROM site WHERE id = $1", site_id) == "Naloxone at the desk."
    assert await kiosks.check_pin(conn, site_id=site_id, pin="2468")


def test_the_rate_limiter_counts_a_minute_per_kiosk() -> None:
    limiter = kiosks.RateLimiter(per_minute=2)
    assert [limiter.allow(1, now=0), limiter.allow(1, now=1), limiter.allow(1, now=2)] == [True, True, False]
    assert limiter.allow(2, now=2)
    assert limiter.allow(1, now=61)
