"""One session on the shared tablet and what the next person finds there.

Stop and clear, the idle times, the thank-you, an unfinished code, progress, and every word in the
chosen language.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import BrowserContext, Page, expect

from survey import db
from tests.browser.support import axe_violations
from tests.browser.test_kiosk import screen_key, skip_to_the_end, start, stored, until
from tests.support import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROGRESS = re.compile(r"^Question (\d+) of (up to )?(\d+)$")


async def opened(context: BrowserContext, live_server: LiveServer, *, clock: bool = False) -> Page:
    page = await context.new_page()
    if clock:
        await page.clock.install()
    await page.goto(f"{live_server.base_url}/kiosk")
    return page


async def the_next_person_finds_nothing(page: Page) -> None:
    """Browser history holds no session, and the kiosk's own Back from a fresh start shows no answer."""
    await expect(page.get_by_role("button", name="English")).to_be_visible()
    await page.go_back()
    assert not page.url.endswith("/kiosk"), "the cleared session is not in the history"
    await page.go_forward()
    await start(page)
    assert await screen_key(page) == "who5_1"
    assert await page.locator("#kiosk input:checked").count() == 0
    await page.get_by_role("button", name="Next").click()
    await page.get_by_role("button", name="Back").click()
    assert await page.locator("#kiosk input:checked").count() == 0
    await page.get_by_role("button", name="Back").click()
    await expect(page.get_by_role("heading", name="Before you start")).to_be_visible()
    assert await page.evaluate("window.localStorage.length + window.sessionStorage.length") == 0


async def test_stop_and_clear_asks_calmly_then_keeps_nothing(
    context: BrowserContext, live_server: LiveServer
) -> None:
    page = await opened(context, live_server)
    await start(page)
    await page.get_by_label("At no time").check()
    await page.get_by_role("button", name="Next").click()
    await page.get_by_role("button", name="Stop and clear").click()
    dialog = page.get_by_role("alertdialog", name="Stop and clear your answers?")
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_role("button", name="Keep going")).to_be_focused()
    assert await axe_violations(page) == []
    await dialog.get_by_role("button", name="Keep going").click()
    await expect(dialog).to_have_count(0)
    await page.get_by_role("button", name="Back").click()
    assert await page.locator("input[name=who5_1]:checked").get_attribute("value") == "0", "kept going"
    await page.get_by_role("button", name="Stop and clear").click()
    await page.get_by_role("button", name="Yes, clear my answers").click()
    await the_next_person_finds_nothing(page)


async def test_a_survey_left_alone_clears_sooner_than_the_welcome(
    context: BrowserContext, live_server: LiveServer, database_url: str
) -> None:
    page = await opened(context, live_server, clock=True)
    await expect(page.get_by_role("button", name="English")).to_be_visible()
    await page.evaluate("window.__sameDocument = true")
    await page.clock.fast_forward("04:50")
    assert await page.evaluate("window.__sameDocument === true"), "the welcome waits five minutes"
    async with page.expect_event("framenavigated"):
        await page.clock.fast_forward("00:11")
    await page.wait_for_load_state()
    assert await page.evaluate("window.__sameDocument === undefined"), "a fresh page"
    await expect(page.get_by_role("button", name="English")).to_be_visible()

    await start(page)
    await page.get_by_label("At no time").check()
    await page.get_by_role("button", name="Next").click()
    await page.clock.fast_forward("00:59")
    await expect(page.get_by_role("alertdialog")).to_have_count(0)
    await page.clock.fast_forward("00:02")
    await expect(page.get_by_role("alertdialog", name="Are you still there?")).to_be_visible()
    await page.clock.run_for("00:21")
    await the_next_person_finds_nothing(page)
    assert await stored(database_url) == []


async def site_resources(database_url: str, english: str, spanish: str) -> None:
    conn = await db.connect(database_url)
    try:
        await conn.execute("UPDATE site SET resources = $1", english)
        await conn.execute(
            "INSERT INTO site_resource (site_id, language, body) SELECT id, 'es', $1 FROM site", spanish
        )
    finally:
        await conn.close()


async def test_the_thank_you_stays_until_touched(
    context: BrowserContext, live_server: LiveServer, database_url: str
) -> None:
    await site_resources(database_url, "Naloxone at the front desk.", "Naloxona en la recepción.")
    page = await opened(context, live_server, clock=True)
    await start(page, "Español")
    await skip_to_the_end(page, "Saltar", "Siguiente")
    await page.get_by_role("button", name="Saltar el código").first.click()
    await page.get_by_role("button", name="Enviar mis respuestas").click()
    await expect(page.get_by_role("heading", name="Gracias")).to_be_visible()
    await expect(page.locator(".resources")).to_have_text("Naloxona en la recepción.")
    await page.clock.fast_forward("10:00")
    await expect(page.get_by_role("heading", name="Gracias")).to_be_visible()
    await page.locator(".resources").click()
    await page.clock.fast_forward("00:59")
    await expect(page.get_by_role("heading", name="Gracias")).to_be_visible()
    await page.clock.fast_forward("00:02")
    await the_next_person_finds_nothing(page)
    await until(page, "localStorage.getItem('survey-outbox') === null")
    assert len(await stored(database_url)) == 1


async def at_the_code(context: BrowserContext, live_server: LiveServer) -> Page:
    """The kiosk at the linkage code screen, every question skipped."""
    page = await opened(context, live_server)
    await start(page)
    await skip_to_the_end(page)
    return page


async def linkage_sent(page: Page, database_url: str) -> Any:
    """Send the answers from the last screen, and read the linkage code the response was stored with."""
    await page.get_by_role("button", name="Send my answers").click()
    await expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    # The thank-you shows at once; the response leaves the outbox in the background.
    await until(page, "localStorage.getItem('survey-outbox') === null")
    await stored(database_url)  # releases the held response
    conn = await db.connect(database_url)
    try:
        return await conn.fetchval("SELECT linkage FROM response")
    finally:
        await conn.close()


async def test_an_unfinished_code_asks_to_finish_or_skip_it(
    context: BrowserContext, live_server: LiveServer, database_url: str
) -> None:
    page = await at_the_code(context, live_server)
    question = page.locator("#unfinished")
    await page.locator("#linkage-0").fill("M")
    await page.get_by_role("button", name="Use this code").click()
    await expect(question.get_by_role("heading", name="Your code is not finished.")).to_be_visible()
    assert await axe_violations(page) == []
    # Skipping drops the part typed.
    await question.get_by_role("button", name="Skip the code").click()
    await expect(page.get_by_role("heading", name="Ready to send?")).to_be_visible()
    await page.get_by_role("button", name="Back").click()
    await expect(page.locator("#linkage-0")).to_have_value("")
    # Finishing goes to the first part still missing.
    await page.locator("#linkage-0").fill("M")
    await page.locator("#linkage-2").fill("b")
    await page.get_by_role("button", name="Use this code").click()
    await question.get_by_role("button", name="Finish the code").click()
    await expect(page.locator("#linkage-1")).to_be_focused()
    await page.locator("#linkage-1").fill("7")
    await page.get_by_role("button", name="Use this code").click()
    assert await linkage_sent(page, database_url) is not None


async def test_nothing_typed_in_the_code_is_no_code_without_a_question(
    context: BrowserContext, live_server: LiveServer, database_url: str
) -> None:
    page = await at_the_code(context, live_server)
    await page.get_by_role("button", name="Use this code").click()
    await expect(page.get_by_role("heading", name="Ready to send?")).to_be_visible()
    assert await linkage_sent(page, database_url) is None


async def test_progress_never_jumps_and_every_screen_can_stop(
    context: BrowserContext, live_server: LiveServer
) -> None:
    page = await opened(context, live_server)
    definition = await page.evaluate(
        "fetch('/api/kiosk/survey', {credentials: 'same-origin'}).then(r => r.json()).then(k => k.definition)"
    )
    kinds = {q["key"]: q["type"] for q in definition["questions"]}
    await start(page)
    seen: list[tuple[str, int, int, bool]] = []
    while await page.locator("#kiosk section.question").count():
        key = await screen_key(page)
        assert key is not None
        await expect(page.get_by_role("button", name="Stop and clear")).to_have_count(1)
        progress = page.locator("#kiosk .progress")
        if kinds[key] == "info":
            assert await progress.count() == 0, "information screens are not counted"
        else:
            found = PROGRESS.match(await progress.inner_text())
            assert found is not None
            seen.append((key, int(found[1]), int(found[3]), found[2] is None))
        if key == "overdose_seen":
            await page.get_by_label("Yes", exact=True).check()
            await page.get_by_role("button", name="Next").click()
        else:
            await (
                page.get_by_role("button", name="Skip", exact=True)
                .or_(page.get_by_role("button", name="Next", exact=True))
                .first.click()
            )
    for screen in ("linkage", "review"):
        await expect(page.get_by_role("button", name="Stop and clear")).to_have_count(1)
        if screen == "linkage":
            await page.get_by_role("button", name="Skip the code").click()
    assert [current for _, current, _, _ in seen] == list(range(1, len(seen) + 1))
    totals = [total for _, _, total, _ in seen]
    assert totals == sorted(totals, reverse=True), f"the total never grows: {totals}"
    keys = [key for key, _, _, _ in seen]
    assert "overdose_reversed" in keys, "the follow-up appeared"
    at = keys.index("overdose_reversed")
    assert totals[at] == totals[at - 1], "a follow-up does not change the total"
    assert seen[-1][1] == seen[-1][2], "the last question is the last"
    assert seen[-1][3], "and says its exact count"


async def test_the_free_text_hint_shows_once(context: BrowserContext, live_server: LiveServer) -> None:
    page = await opened(context, live_server)
    await start(page)
    while await page.locator("#kiosk textarea").count() == 0:
        await (
            page.get_by_role("button", name="Skip", exact=True)
            .or_(page.get_by_role("button", name="Next", exact=True))
            .first.click()
        )
    await expect(page.locator("#kiosk section p.hint, #kiosk section p.help")).to_have_count(1)
    await expect(page.get_by_role("textbox")).to_have_accessible_description(
        await page.locator("#text-hint").inner_text()
    )


async def test_every_word_is_in_the_chosen_language(context: BrowserContext, live_server: LiveServer) -> None:
    page = await opened(context, live_server)
    # Before a language is chosen, each label is there in each language, marked with its own.
    switch = page.locator("label[for=read-aloud]")
    await expect(switch.locator("span[lang=en]")).to_have_text("Read questions aloud")
    await expect(switch.locator("span[lang=es]")).to_have_text("Leer las preguntas en voz alta")
    await expect(page.locator(".staff-exit summary span[lang=es]")).to_have_text("Personal")
    await start(page, "Español")
    await expect(page.locator(".staff-exit")).to_have_attribute("lang", "es")
    await expect(page.locator(".staff-exit summary")).to_have_text("Personal")
    await expect(page.locator(".progress")).to_have_text(re.compile(r"^Pregunta 1 de \d+ como máximo$"))
    await page.get_by_role("button", name="Parar y borrar").click()
    await expect(page.get_by_role("alertdialog", name="¿Parar y borrar sus respuestas?")).to_be_visible()
    await page.get_by_role("button", name="Seguir", exact=True).click()
    await page.locator(".staff-exit summary").click()
    await expect(page.get_by_label("PIN del personal")).to_be_visible()
    await expect(page.get_by_role("button", name="Salir del modo quiosco")).to_be_visible()
