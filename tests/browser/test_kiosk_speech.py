"""Read-aloud as in a self-interview, with Chromium's speech events over a fake voice list.

See RECORD_SPEECH in support.py: real utterances and SpeechSynthesisEvents; the fake engine only
decides when each utterance ends.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.support import axe_violations, enrolled_token, tablet
from tests.browser.test_kiosk import skip_to_the_end, start
from tests.support import LiveServer, single_choice_survey

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CALM = single_choice_survey(
    {"en": "Calm", "es": "Calma"},
    "calm",
    {"en": "I have felt calm", "es": "Me he sentido tranquilo/a"},
    [{"code": "yes", "label": {"en": "Yes", "es": "Sí"}}, {"code": "no", "label": {"en": "No", "es": "No"}}],
)


async def calm_page(browser: Browser, live_server: LiveServer, database_url: str, voices: str = "") -> Page:
    context = await tablet(browser, live_server, await enrolled_token(database_url, CALM))
    if voices:
        await context.add_init_script(f"window.__voices = {voices};")
    page = await context.new_page()
    await page.goto(f"{live_server.base_url}/kiosk")
    return page


@pytest.fixture
async def kiosk(browser: Browser, live_server: LiveServer, database_url: str) -> AsyncIterator[Page]:
    """The kiosk open on a tablet enrolled with ``CALM``, which has an English and a Spanish voice."""
    page = await calm_page(browser, live_server, database_url)
    yield page
    await page.context.close()


async def spoken(page: Page) -> list[str]:
    texts: list[dict[str, Any]] = await page.evaluate("window.__spoken")
    return [text["text"] for text in texts]


async def reading(page: Page) -> list[str]:
    """What is highlighted as being read: the text of each highlighted element."""
    return await page.locator("#kiosk .reading").all_inner_texts()


async def question_start(page: Page) -> int:
    return (await spoken(page)).index("I have felt calm")


async def test_each_screen_reads_itself_in_order_highlighting_each_part(kiosk: Page) -> None:
    await start(kiosk, read_aloud=True)
    said = await spoken(kiosk)
    assert said[await question_start(kiosk) :] == ["I have felt calm", "1. Yes", "2. No", "Prefer not to say"]
    assert await reading(kiosk) == ["I have felt calm"]
    await kiosk.evaluate("window.__finishSpeaking()")
    assert [text.split() for text in await reading(kiosk)] == [["1", "Yes"]]
    await kiosk.evaluate("window.__finishSpeaking()")
    await kiosk.evaluate("window.__finishSpeaking()")
    assert await reading(kiosk) == ["Prefer not to say"]
    assert await axe_violations(kiosk) == [], "the highlight keeps the screen accessible"
    await kiosk.evaluate("window.__finishSpeaking()")
    assert await reading(kiosk) == []


async def test_repeat_reads_the_screen_again_and_tapping_an_answer_reads_it(kiosk: Page) -> None:
    await start(kiosk, read_aloud=True)
    first = len(await spoken(kiosk))
    await kiosk.get_by_role("button", name="Repeat").click()
    assert (await spoken(kiosk))[first:] == ["I have felt calm", "1. Yes", "2. No", "Prefer not to say"]
    await kiosk.get_by_label("No", exact=True).check()
    assert (await spoken(kiosk))[-1] == "2. No"
    assert [text.split() for text in await reading(kiosk)] == [["2", "No"]]


async def test_without_read_aloud_nothing_is_read_until_asked(kiosk: Page) -> None:
    await start(kiosk)
    await kiosk.get_by_label("Yes", exact=True).check()
    assert await spoken(kiosk) == []
    await kiosk.get_by_role("button", name="Read aloud").click()
    assert await spoken(kiosk) == ["I have felt calm", "1. Yes", "2. No", "Prefer not to say"]


async def test_gendered_forms_are_read_as_both_words(kiosk: Page) -> None:
    await start(kiosk, "Español", read_aloud=True)
    await expect(kiosk.get_by_role("heading", name="Me he sentido tranquilo/a")).to_be_visible()
    assert "Me he sentido tranquilo o tranquila" in await spoken(kiosk)
    langs = await kiosk.evaluate("window.__spoken.map(u => u.lang)")
    assert set(langs) == {"es"}


async def test_no_voice_for_the_language_is_said_plainly_with_the_languages_it_can_read(
    browser: Browser, live_server: LiveServer, database_url: str
) -> None:
    english_only = '[{lang: "en-GB", name: "Test English", voiceURI: "t", localService: true, default: true}]'
    page = await calm_page(browser, live_server, database_url, english_only)
    await page.locator("#read-aloud").check()
    await page.get_by_role("button", name="Español").click()
    notice = page.get_by_role("alert")
    await expect(notice).to_have_attribute("lang", "es")
    await expect(notice.get_by_role("heading")).to_have_text(
        "Esta tableta no tiene una voz para leer en voz alta en Español."
    )
    offered = notice.get_by_role("button")
    await expect(offered).to_have_text(["English", "Seguir en Español sin lectura en voz alta"])
    assert await axe_violations(page) == []
    await offered.first.click()
    await expect(page.get_by_role("heading", name="Before you start")).to_be_visible()
    assert (await spoken(page))[0] == "Before you start"


async def test_continuing_without_a_voice_reads_nothing(
    browser: Browser, live_server: LiveServer, database_url: str
) -> None:
    page = await calm_page(browser, live_server, database_url, "[]")
    await page.locator("#read-aloud").check()
    await page.get_by_role("button", name="Español").click()
    notice = page.get_by_role("alert")
    await expect(notice.locator("p")).to_have_text("Ahora no puede leer en voz alta en ningún idioma.")
    await notice.get_by_role("button", name="Seguir en Español sin lectura en voz alta").click()
    await page.get_by_role("button", name="Empezar", exact=True).click()
    await expect(page.get_by_role("heading", name="Me he sentido tranquilo/a")).to_be_visible()
    assert await spoken(page) == []


async def test_the_thank_you_reads_the_resources(kiosk: Page) -> None:
    await start(kiosk, read_aloud=True)
    await skip_to_the_end(kiosk)
    await kiosk.get_by_role("button", name="Skip the code").click()
    await kiosk.get_by_role("button", name="Send my answers").click()
    await expect(kiosk.get_by_role("heading", name="Thank you")).to_be_visible()
    resources = await kiosk.locator(".resources").text_content()
    assert resources, "the demo site has resources"
    said = await spoken(kiosk)
    assert said[said.index("Thank you") :] == [
        "Thank you",
        "Your answers are saved on this tablet and will be sent when the connection comes back.",
        "Here for you",
        resources,
    ]
