"""A new admin with only a browser: a survey from the bank, Spanish, resources, a site's survey, kiosks."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Dialog, Page, ViewportSize, expect

from survey import db, demo, kiosks
from tests.browser.support import axe_violations
from tests.support import PASSWORD, LiveServer, make_account

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LAPTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}


async def _both_sizes(page: Page, name: str, problems: dict[str, list[str]]) -> None:
    for size_name, size in (("laptop", LAPTOP), ("phone", PHONE)):
        await page.set_viewport_size(size)
        problems[f"{name} ({size_name})"] = await axe_violations(page)


async def test_an_admin_runs_a_program_from_the_browser(
    page: Page, live_server: LiveServer, database_url: str
) -> None:
    conn = await db.connect(database_url)
    try:
        await demo.seed(conn)
        site_id = await conn.fetchval("SELECT id FROM site ORDER BY id LIMIT 1")
        await kiosks.create_enrolled(conn, site_id=site_id, label="Front desk", actor_id=None)
    finally:
        await conn.close()
    await make_account(database_url, "ada", ["admin"])
    page.on("dialog", lambda dialog: asyncio.ensure_future(_accept(dialog)))
    problems: dict[str, list[str]] = {}

    await page.goto(f"{live_server.base_url}/signin?next=/admin/surveys")
    await page.get_by_label("Account name").fill("ada")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(f"{live_server.base_url}/admin/surveys")
    await _both_sizes(page, "surveys", problems)

    form = page.locator("#survey-create")
    await form.get_by_label("Name of the survey").fill("Harbour voices")
    await form.get_by_label("WHO-5", exact=False).check()
    await form.locator("input[name=item]").first.check()
    await form.get_by_role("button", name="Start the survey as a draft").click()
    survey = page.locator("li[data-survey]").filter(has_text="Harbour voices")
    await expect(survey).to_contain_text("a draft, not published yet")

    await survey.locator("summary", has_text="Languages of").click()
    await survey.get_by_label("Add a language").select_option("es")
    await survey.get_by_label("The survey's name in that language").fill("Voces del puerto")
    await survey.get_by_role("button", name="Add the language to the draft").click()
    survey = page.locator("li[data-survey]").filter(has_text="Harbour voices")
    await expect(survey.locator(".survey-languages")).to_have_text("English, español — Spanish")
    await _both_sizes(page, "surveys after Spanish", problems)

    await page.get_by_role("link", name="Sites, kiosks and accounts").click()
    site = page.locator(f"li[data-site='{site_id}']")
    await site.get_by_label("Survey its kiosks run").select_option(label="Harbour voices (not published yet)")
    await site.get_by_label("Resources on the thank-you screen").fill("Naloxone at the front desk.")
    await site.get_by_role("button", name="Save site settings").click()
    await expect(page.locator("#sites .notice")).to_contain_text("Settings of")
    site = page.locator(f"li[data-site='{site_id}']")
    await expect(site.locator(".site-survey")).to_contain_text("runs Harbour voices")
    await site.get_by_label("Resources in español").fill("Naloxona en la recepción.")
    await site.get_by_role("button", name="Save site settings").click()
    await expect(page.locator("#sites .notice")).to_contain_text("Settings of")
    await expect(page.locator(f"#site-resources-{site_id}-es")).to_have_value("Naloxona en la recepción.")
    await expect(page.locator("#audit-card")).to_contain_text("resources in en, es")

    kiosk = page.locator("tr[data-kiosk]").filter(has_text="Front desk")
    await kiosk.get_by_label("New name for Front desk").fill("Blue van")
    await kiosk.get_by_role("button", name="Rename").click()
    await expect(page.locator("#kiosks .notice")).to_contain_text("Blue van")
    kiosk = page.locator("tr[data-kiosk]").filter(has_text="Blue van")
    await kiosk.get_by_role("button", name="Archive Blue van").click()
    await expect(page.locator("#kiosks .notice")).to_contain_text("is archived")
    await expect(page.locator("tr[data-kiosk]").filter(has_text="Blue van")).to_have_count(0)
    await expect(page.locator("#audit-card")).to_contain_text("kiosk archived")
    await _both_sizes(page, "admin", problems)

    await page.get_by_role("link", name="Audit trail", exact=True).click()
    await page.get_by_label("What").select_option("kiosk_renamed")
    await page.get_by_role("button", name="Show").click()
    await expect(page.locator("#audit-trail tbody")).to_contain_text("from 'Front desk' to 'Blue van'")
    await _both_sizes(page, "audit trail", problems)
    assert {name: found for name, found in problems.items() if found} == {}


async def _accept(dialog: Dialog) -> None:
    await dialog.accept()
