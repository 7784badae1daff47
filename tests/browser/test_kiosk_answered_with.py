"""How it was answered: the participant's one tap at the end, stored with the response (or nothing)."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext, Page, expect

from survey import db
from tests.browser.support import axe_violations
from tests.browser.test_kiosk import skip_to_the_end, start, until
from tests.support import LiveServer, release_sent

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHOICES = {
    "own": "On my own",
    "read_aloud": "With the tablet reading to me",
    "helped": "With someone's help",
}


async def to_the_end(page: Page, language: str = "English") -> None:
    await start(page, language)
    if language == "English":
        await page.get_by_label("At no time").check()
    await skip_to_the_end(
        page, "Skip" if language == "English" else "Saltar", "Next" if language == "English" else "Siguiente"
    )
    await page.locator("#kiosk section.linkage .secondary button").click()
    await expect(page.locator("#kiosk section.review")).to_be_visible()


async def sent(page: Page) -> None:
    await page.locator("#send").click()
    await expect(page.locator("#kiosk section.thanks")).to_be_visible()
    await until(page, "localStorage.getItem('survey-outbox') === null")


async def released_values(database_url: str) -> list[str | None]:
    conn = await db.connect(database_url)
    try:
        await release_sent(conn)
        rows = await conn.fetch("SELECT answered_with FROM response")
        return sorted((row["answered_with"] for row in rows), key=lambda value: value or "")
    finally:
        await conn.close()


async def test_each_choice_and_a_skip_reach_the_response_row(
    context: BrowserContext, live_server: LiveServer, database_url: str
) -> None:
    page = await context.new_page()
    await page.goto(f"{live_server.base_url}/kiosk")
    for code, label in CHOICES.items():
        await to_the_end(page)
        group = page.get_by_role("group", name="How did you answer? (you can skip this)")
        await group.get_by_role("button", name=label).click()
        await expect(group.get_by_role("button", name=label)).to_have_attribute("aria-pressed", "true")
        assert await group.locator("[aria-pressed=true]").count() == 1, code
        if code == "own":
            assert await axe_violations(page) == []
        await sent(page)
        await page.get_by_role("button", name="Start over now").click()
        await expect(page.get_by_role("button", name="English")).to_be_visible()
    # A skip: nothing tapped (and a tap taken back by tapping again is a skip too).
    await to_the_end(page)
    own = page.get_by_role("button", name="On my own")
    await own.click()
    await own.click()
    await expect(own).to_have_attribute("aria-pressed", "false")
    await sent(page)
    assert await released_values(database_url) == [None, "helped", "own", "read_aloud"]


async def test_the_question_is_in_the_chosen_language_and_read_aloud(
    context: BrowserContext, live_server: LiveServer, database_url: str
) -> None:
    page = await context.new_page()
    await page.goto(f"{live_server.base_url}/kiosk")
    await page.locator("#read-aloud").check()
    await to_the_end(page, "Español")
    group = page.get_by_role("group", name="¿Cómo respondió? (puede saltar esto)")
    await expect(group.get_by_role("button", name="Con la ayuda de alguien")).to_be_visible()
    spoken = await page.evaluate("window.__spoken.map(u => u.text)")
    assert spoken[-3:] == ["Por mi cuenta", "Con la tableta leyéndome", "Con la ayuda de alguien"]
    await group.get_by_role("button", name="Con la tableta leyéndome").click()
    await sent(page)
    assert await released_values(database_url) == ["read_aloud"]
