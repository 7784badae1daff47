"""In Chromium: an admin sets a survey's retention, and the kiosks table shows a tablet's waiting outbox."""

from __future__ import annotations

import json
import uuid

import pytest
from playwright.async_api import Browser, Page, Response, Route, ViewportSize, expect

from survey import db, retention_queries
from tests.browser.support import axe_violations
from tests.support import PASSWORD, LiveServer, demo_kiosk, make_account

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LAPTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}


async def _sign_in(page: Page, server: LiveServer, next_page: str) -> None:
    await page.goto(f"{server.base_url}/signin?next={next_page}")
    await page.get_by_label("Account name").fill("ada")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(f"{server.base_url}{next_page}")


async def test_an_admin_sets_retention_in_the_browser(
    page: Page, live_server: LiveServer, database_url: str
) -> None:
    await demo_kiosk(database_url)
    await make_account(database_url, "ada", ["admin"])
    await _sign_in(page, live_server, "/admin/surveys")
    survey = page.locator("li[data-survey]").first
    policy = survey.locator(".retention-policy")
    await expect(policy).to_contain_text("Written (free-text) answers: kept for good")
    await expect(policy).to_contain_text("Whole responses: kept for good")

    await page.get_by_text("What deleting old answers keeps and what it loses").click()
    await expect(page.locator(".retention-help")).to_contain_text("linked before-and-after pairs")
    await survey.get_by_text("Change how long").click()
    await survey.get_by_label("Written (free-text) answers").select_option("6")
    await survey.get_by_label("Whole responses").select_option("5")
    await survey.get_by_role("button", name="Save how long").click()

    await expect(page.locator("#surveys .notice")).to_contain_text("Retention of")
    survey = page.locator("li[data-survey]").first
    policy = survey.locator(".retention-policy")
    await expect(policy).to_contain_text("deleted 6 months after the end of the month they were given in")
    await expect(policy).to_contain_text("deleted 5 years after the end of their month")
    await expect(survey.get_by_label("Whole responses")).to_have_value("5")
    problems = {}
    for name, size in (("laptop", LAPTOP), ("phone", PHONE)):
        await page.set_viewport_size(size)
        await survey.get_by_text("Change how long").click()  # open or closed, both states are checked
        problems[name] = await axe_violations(page)
    assert problems == {"laptop": [], "phone": []}

    conn = await db.connect(database_url)
    try:
        survey_id = await conn.fetchval("SELECT id FROM survey ORDER BY id LIMIT 1")
        assert await retention_queries.policy(conn, survey_id) == retention_queries.Policy(survey_id, 6, 5)
        assert (
            await conn.fetchval("SELECT count(*) FROM audit_event WHERE action = 'survey_retention_set'") == 1
        )
    finally:
        await conn.close()


def _first_contact(response: Response) -> bool:
    return "/api/kiosk/survey?outbox=" in response.url


async def test_the_kiosks_table_shows_a_tablets_waiting_outbox(
    browser: Browser, page: Page, live_server: LiveServer, database_url: str
) -> None:
    token = await demo_kiosk(database_url)
    await make_account(database_url, "ada", ["admin"])
    tablet = await browser.new_context(viewport={"width": 1024, "height": 768})
    await tablet.add_cookies([{"name": "survey_kiosk", "value": token, "url": live_server.base_url}])

    async def unreachable(route: Route) -> None:
        await route.abort()

    try:
        kiosk = await tablet.new_page()
        await kiosk.route("**/api/kiosk/responses", unreachable)  # the tablet cannot send: it keeps them
        # The tablet's first contact of the day (its survey request) carries the outbox count: the admin
        # page can only show it once that request has been answered.
        async with kiosk.expect_response(_first_contact):
            await kiosk.goto(f"{live_server.base_url}/kiosk")
        await expect(kiosk.locator("main")).not_to_be_empty()
        await _sign_in(page, live_server, "/admin")
        row = page.locator("tr[data-kiosk]").filter(has_text="Test tablet")
        await expect(row.locator(".kiosk-outbox")).to_have_text("empty")

        # A response completed yesterday waits in the outbox; today's first contact says so.
        waiting = [{"id": str(uuid.uuid4()), "survey_version": 1, "language": "en", "answers": {"who5_1": 3}}]
        await kiosk.evaluate("items => localStorage.setItem('survey-outbox', items)", json.dumps(waiting))
        conn = await db.connect(database_url)
        try:
            await conn.execute("UPDATE kiosk SET last_contact_on = last_contact_on - 1")
        finally:
            await conn.close()
        async with kiosk.expect_response(_first_contact):
            await kiosk.reload()
        await expect(kiosk.locator("main")).not_to_be_empty()
        await page.reload()
        row = page.locator("tr[data-kiosk]").filter(has_text="Test tablet")
        await expect(row.locator(".kiosk-outbox")).to_have_text("1 response waiting to be sent")
        await expect(page.locator("#kiosks")).to_contain_text("a count only")
        assert await axe_violations(page) == []
    finally:
        await tablet.close()
