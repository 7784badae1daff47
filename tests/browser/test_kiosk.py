"""A participant on a shared tablet (768x1024, touch) in real Chromium, against the real server."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from survey import db, kiosks
from tests.browser.support import Link, axe_violations, enrolled_token, tablet
from tests.support import LiveServer, release_sent, single_choice_survey

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
async def kiosk(context: BrowserContext, live_server: LiveServer) -> Page:
    """The kiosk page open on the enrolled tablet (``context`` closes it)."""
    page = await context.new_page()
    await page.goto(f"{live_server.base_url}/kiosk")
    return page


async def stored(database_url: str) -> list[dict[str, Any]]:
    """What reached the response tables, after releasing what was held as the next day's batch."""
    conn = await db.connect(database_url)
    try:
        await release_sent(conn)
        rows = await conn.fetch("SELECT id, language FROM response")
        result = []
        for row in rows:
            answers = await conn.fetch(
                "SELECT question_key, value FROM answer WHERE response_id = $1", row["id"]
            )
            scores = await conn.fetch(
                "SELECT measure, value FROM measure_score WHERE response_id = $1", row["id"]
            )
            result.append(
                {
                    "language": row["language"],
                    "answers": {a["question_key"]: a["value"] for a in answers},
                    "scores": {s["measure"]: s["value"] for s in scores},
                }
            )
        return result
    finally:
        await conn.close()


async def screen_key(page: Page) -> str | None:
    section = page.locator("#kiosk section")
    return await section.get_attribute("data-key")


async def skip_to_the_end(page: Page, skip: str = "Skip", next_label: str = "Next") -> None:
    while await page.locator("#kiosk section.question").count():
        if await page.get_by_role("button", name=skip, exact=True).count():
            await page.get_by_role("button", name=skip, exact=True).click()
        else:
            await page.get_by_role("button", name=next_label, exact=True).click()


async def until(page: Page, condition: str, seconds: float = 15) -> None:
    """Poll a page condition (wait_for_function would need eval, which the CSP forbids)."""
    for _ in range(int(seconds / 0.2)):
        if await page.evaluate(condition):
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"never true: {condition}")


async def start(page: Page, language: str = "English", read_aloud: bool = False) -> None:
    if read_aloud:
        await page.locator("#read-aloud").check()
    await page.get_by_role("button", name=language).click()
    labels = {"English": "Start", "Español": "Empezar"}
    await page.get_by_role("button", name=labels[language], exact=True).click()


async def test_a_spanish_survey_with_a_skip_and_prefer_not_to_say_lands(
    kiosk: Page, database_url: str
) -> None:
    await start(kiosk, "Español")
    # Every question that can still appear is counted, follow-ups included ("como máximo": at most).
    await expect(kiosk.locator(".progress")).to_have_text(re.compile(r"^Pregunta 1 de \d+ como máximo$"))
    await kiosk.get_by_label("La mayor parte del tiempo").check()
    await kiosk.get_by_role("button", name="Siguiente").click()
    await kiosk.get_by_label("Más de la mitad del tiempo").check()
    await kiosk.get_by_role("button", name="Siguiente").click()
    await kiosk.get_by_role("button", name="Prefiero no decirlo").click()
    await kiosk.get_by_role("button", name="Saltar", exact=True).click()
    await kiosk.get_by_label("Todo el tiempo").check()
    await kiosk.get_by_role("button", name="Siguiente").click()
    for _ in range(6):
        await kiosk.get_by_role("button", name="Saltar", exact=True).click()
    await kiosk.get_by_role("button", name="Siguiente").click()  # the program's information screen
    await kiosk.get_by_label("A veces").check()
    await kiosk.get_by_role("button", name="Siguiente").click()
    await kiosk.get_by_role("button", name="Saltar", exact=True).click()
    await kiosk.get_by_label("No", exact=True).check()
    await kiosk.get_by_role("button", name="Siguiente").click()
    assert await screen_key(kiosk) == "supplies_needed", "skip logic hides the naloxone follow-up after 'no'"
    await skip_to_the_end(kiosk, "Saltar", "Siguiente")
    await kiosk.get_by_role("button", name="Saltar el código").click()
    await kiosk.get_by_role("button", name="Enviar mis respuestas").click()
    await expect(kiosk.get_by_role("heading", name="Gracias")).to_be_visible()
    await expect(kiosk.locator(".status")).to_have_text("Sus respuestas se enviaron.")
    assert await stored(database_url) == [
        {
            "language": "es",
            "answers": {
                "who5_1": 4,
                "who5_2": 3,
                "who5_3": "prefer_not_to_say",
                "who5_5": 5,
                "naloxone_carried": "sometimes",
                "overdose_seen": "no",
            },
            "scores": {},
        }
    ]
    assert await kiosk.evaluate("window.localStorage.length") == 0


async def test_skip_logic_shows_the_follow_up_after_yes(kiosk: Page) -> None:
    await start(kiosk)
    while await screen_key(kiosk) != "overdose_seen":
        await (
            kiosk.get_by_role("button", name="Skip", exact=True)
            .or_(kiosk.get_by_role("button", name="Next", exact=True))
            .first.click()
        )
    await kiosk.get_by_label("Yes").check()
    await kiosk.get_by_role("button", name="Next").click()
    assert await screen_key(kiosk) == "overdose_reversed"
    await kiosk.get_by_role("button", name="Back").click()
    await kiosk.get_by_label("No", exact=True).check()
    await kiosk.get_by_role("button", name="Next").click()
    assert await screen_key(kiosk) == "supplies_needed"


async def test_offline_submit_then_reload_then_online_lands_exactly_once(
    browser: Browser, link: Link, database_url: str
) -> None:
    context = await tablet(browser, link, await enrolled_token(database_url))
    page = await context.new_page()
    await page.goto(f"{link.base_url}/kiosk")
    await until(page, "navigator.serviceWorker.controller !== null")
    await start(page)
    await page.get_by_label("All of the time").check()
    await page.get_by_role("button", name="Next").click()
    await skip_to_the_end(page)
    await page.get_by_role("button", name="Skip the code").click()
    link.down()
    await page.get_by_role("button", name="Send my answers").click()
    await expect(page.locator(".status")).to_contain_text("saved on this tablet")
    assert len(json.loads(await page.evaluate("localStorage.getItem('survey-outbox')"))) == 1
    # The service worker serves the kiosk from its cache while the network is away.
    await page.reload()
    await expect(page.get_by_role("button", name="Español")).to_be_visible()
    assert await stored(database_url) == []
    link.up()
    await page.evaluate("window.dispatchEvent(new Event('online'))")
    for _ in range(50):
        if await stored(database_url):
            break
        await asyncio.sleep(0.2)
    await until(page, "localStorage.getItem('survey-outbox') === null")
    await page.evaluate("window.dispatchEvent(new Event('online'))")
    await asyncio.sleep(0.5)
    assert [response["answers"] for response in await stored(database_url)] == [{"who5_1": 5}]
    await context.close()


async def test_idle_reset_leaves_nothing_behind(
    browser: Browser, live_server: LiveServer, database_url: str
) -> None:
    context = await tablet(browser, live_server, await enrolled_token(database_url))
    page = await context.new_page()
    await page.clock.install()
    await page.goto(f"{live_server.base_url}/kiosk")
    await start(page)
    await page.get_by_label("Most of the time").check()
    await page.get_by_role("button", name="Next").click()
    await page.clock.fast_forward("01:31")
    await expect(page.get_by_role("alertdialog")).to_be_visible()
    assert await axe_violations(page) == []
    await page.clock.run_for("00:31")
    await expect(page.get_by_role("button", name="English")).to_be_visible()
    await page.go_back()
    assert not page.url.endswith("/kiosk")
    await page.go_forward()
    await expect(page.get_by_role("button", name="English")).to_be_visible()
    assert await page.locator("input:checked").count() == 0
    assert await page.evaluate("window.localStorage.length + window.sessionStorage.length") == 0
    assert await stored(database_url) == []
    await context.close()


async def test_after_a_completed_survey_back_shows_no_answers(kiosk: Page, live_server: LiveServer) -> None:
    await start(kiosk)
    await kiosk.get_by_label("Some of the time").check()
    await kiosk.get_by_role("button", name="Next").click()
    await skip_to_the_end(kiosk)
    await kiosk.get_by_role("button", name="Skip the code").click()
    await kiosk.get_by_role("button", name="Send my answers").click()
    await kiosk.get_by_role("button", name="Start over now").click()
    await expect(kiosk.get_by_role("button", name="English")).to_be_visible()
    await kiosk.go_back()
    assert kiosk.url != f"{live_server.base_url}/kiosk"
    await kiosk.go_forward()
    await expect(kiosk.get_by_role("button", name="English")).to_be_visible()
    assert await kiosk.locator("#kiosk section.question").count() == 0
    assert await kiosk.evaluate("window.localStorage.length") == 0


async def test_read_aloud_speaks_the_question_in_the_chosen_language(kiosk: Page) -> None:
    await start(kiosk, "Español", read_aloud=True)
    spoken = await kiosk.evaluate("window.__spoken")
    stem = spoken.index({"text": "Durante las últimas dos semanas", "lang": "es"})
    assert spoken[stem + 1] == {"text": "Me he sentido alegre y de buen humor", "lang": "es"}


async def test_a_recorded_reading_plays_instead_of_speech(
    browser: Browser, live_server: LiveServer, database_url: str
) -> None:
    recorded = single_choice_survey(
        {"en": "Audio"},
        "feeling",
        {"en": "How are you today?"},
        [{"code": "good", "label": {"en": "Good"}}, {"code": "bad", "label": {"en": "Bad"}}],
        audio={"en": "/static/audio/feeling-en.mp3"},
    )
    context = await tablet(browser, live_server, await enrolled_token(database_url, recorded))
    await context.add_init_script(
        "window.__played = []; HTMLMediaElement.prototype.play = function () {"
        " window.__played.push(this.src); return Promise.resolve(); };"
    )
    page = await context.new_page()
    await page.goto(f"{live_server.base_url}/kiosk")
    await start(page, read_aloud=True)
    played = await page.evaluate("window.__played")
    spoken = await page.evaluate("window.__spoken.map(u => u.text)")
    assert played == [f"{live_server.base_url}/static/audio/feeling-en.mp3"]
    assert not any("How are you today?" in text for text in spoken)
    await context.close()


async def test_a_right_to_left_language_renders_right_to_left(
    browser: Browser, live_server: LiveServer, database_url: str
) -> None:
    arabic = single_choice_survey(
        {"ar": "استبيان"},
        "feeling",
        {"ar": "كيف حالك اليوم؟"},
        [{"code": "good", "label": {"ar": "جيد"}}, {"code": "bad", "label": {"ar": "سيئ"}}],
    )
    context = await tablet(browser, live_server, await enrolled_token(database_url, arabic))
    page = await context.new_page()
    await page.goto(f"{live_server.base_url}/kiosk")
    await page.get_by_role("button", name="العربية").click()
    await page.get_by_role("button", name="ابدأ").click()
    assert await page.evaluate("document.documentElement.dir") == "rtl"
    assert await page.evaluate("getComputedStyle(document.querySelector('h1')).direction") == "rtl"
    await context.close()


async def test_every_kiosk_screen_passes_axe(kiosk: Page) -> None:
    problems = {"welcome": await axe_violations(kiosk)}
    await start(kiosk)
    problems["rating question"] = await axe_violations(kiosk)
    while await screen_key(kiosk) != "meals_days":
        await (
            kiosk.get_by_role("button", name="Skip", exact=True)
            .or_(kiosk.get_by_role("button", name="Next", exact=True))
            .first.click()
        )
        key = await screen_key(kiosk)
        if key in {"program_intro", "naloxone_carried"}:
            problems[key] = await axe_violations(kiosk)
    problems["number question"] = await axe_violations(kiosk)
    await kiosk.locator("#answer").fill("9")
    await kiosk.get_by_role("button", name="Next").click()
    problems["number error"] = await axe_violations(kiosk)
    await kiosk.get_by_role("button", name="Skip", exact=True).click()
    problems["multiple choice"] = await axe_violations(kiosk)
    await skip_to_the_end(kiosk)
    problems["linkage"] = await axe_violations(kiosk)
    await kiosk.get_by_role("button", name="Skip the code").click()
    problems["review"] = await axe_violations(kiosk)
    await kiosk.get_by_role("button", name="Send my answers").click()
    problems["thanks"] = await axe_violations(kiosk)
    assert {screen: found for screen, found in problems.items() if found} == {}


async def test_keyboard_alone_answers_a_question(kiosk: Page, database_url: str) -> None:
    await kiosk.get_by_role("button", name="English").focus()
    await kiosk.keyboard.press("Enter")
    await kiosk.get_by_role("button", name="Start").focus()
    await kiosk.keyboard.press("Enter")
    await kiosk.keyboard.press("Tab")  # the read-aloud button
    await kiosk.keyboard.press("Tab")  # the first option
    await kiosk.keyboard.press("Space")
    assert await kiosk.locator("input[name=who5_1]:checked").get_attribute("value") == "5"


async def test_text_at_200_percent_stays_usable_on_a_tablet(
    browser: Browser, live_server: LiveServer, database_url: str
) -> None:
    # 200% zoom on a 768x1024 screen leaves 384x512 CSS pixels.
    context = await tablet(
        browser,
        live_server,
        await enrolled_token(database_url),
        viewport={"width": 384, "height": 512},
        device_scale_factor=2,
    )
    page = await context.new_page()
    await page.goto(f"{live_server.base_url}/kiosk")
    await start(page)
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    next_button = page.get_by_role("button", name="Next")
    await next_button.scroll_into_view_if_needed()
    await expect(next_button).to_be_in_viewport()
    box = await next_button.bounding_box()
    assert overflow <= 0
    assert box is not None
    assert box["height"] >= 44
    await context.close()


async def test_staff_exit_pauses_the_tablet_until_the_pin_resumes_it(
    browser: Browser, link: Link, database_url: str
) -> None:
    token = await enrolled_token(database_url)
    conn = await db.connect(database_url)
    try:
        site_id = await conn.fetchval("SELECT id FROM site ORDER BY id LIMIT 1")
        await kiosks.set_pin(conn, site_id=site_id, pin="2468", actor_id=None)
    finally:
        await conn.close()
    context = await tablet(browser, link, token)
    page = await context.new_page()
    await page.goto(f"{link.base_url}/kiosk")
    # A participant finishes while the network is away: the response waits in the outbox.
    await start(page)
    await skip_to_the_end(page)
    await page.get_by_role("button", name="Skip the code").click()
    link.down()
    await page.get_by_role("button", name="Send my answers").click()
    await expect(page.locator(".status")).to_contain_text("saved on this tablet")
    link.up()
    # Staff leave kiosk mode: the tablet is paused, and stays paused when reloaded.
    await page.locator(".staff-exit summary").click()
    await page.locator("#staff-pin").fill("2468")
    await page.get_by_role("button", name="Leave kiosk mode").click()
    paused = page.get_by_role("heading", name="Paused by staff")
    await expect(paused).to_be_visible()
    assert await axe_violations(page) == []
    await page.reload()
    await expect(paused).to_be_visible()
    assert await page.locator("#kiosk").count() == 0, "no survey behind the paused screen"
    # The completed response still leaves the outbox from the paused screen once the network is back.
    await page.evaluate("window.dispatchEvent(new Event('online'))")
    await until(page, "localStorage.getItem('survey-outbox') === null")
    assert len(await stored(database_url)) == 1
    # The PIN resumes the survey.
    await page.get_by_label("Staff PIN to resume the survey").fill("2468")
    await page.get_by_role("button", name="Resume the survey").click()
    await expect(page.get_by_role("button", name="English")).to_be_visible()
    await page.reload()
    await expect(page.get_by_role("button", name="English")).to_be_visible()
    await context.close()
