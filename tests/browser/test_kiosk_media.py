"""The board's recordings and pictures on the kiosk in Chromium: played, shown large, kept offline."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Browser, expect

from questions import media, media_queries
from questions.schemas import SurveyDefinition
from survey import db
from tests.browser.support import Link, axe_violations, enrolled_token, tablet
from tests.browser.test_kiosk import start, until
from tests.support import LiveServer, single_choice_survey
from tests.survey.test_media_files import png, wav

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PICTURE = media.picture(png((300, 300)))
# Media events do not bubble; a capturing listener on the document hears every <audio> element's.
LISTEN = (
    "window.__playing = []; window.__ended = [];"
    " document.addEventListener('playing', (e) => window.__playing.push(e.target.src), true);"
    " document.addEventListener('ended', (e) => window.__ended.push(e.target.src), true);"
)


def survey(picture: str | None = None) -> SurveyDefinition:
    option = {"code": "good", "label": {"en": "Good"}}
    if picture:
        option["picture"] = picture
    return single_choice_survey(
        {"en": "Media"},
        "feeling",
        {"en": "How are you today?"},
        [option, {"code": "bad", "label": {"en": "Bad"}}],
    )


async def record(database_url: str, key: str, code: str, words: str, seconds: float) -> str:
    """A recording of ``words`` kept for the kiosk's survey, as the board's upload keeps it."""
    file = media.recording(wav(seconds))
    conn = await db.connect(database_url)
    try:
        survey_id = await conn.fetchval("SELECT survey_id FROM site ORDER BY id LIMIT 1")
        await media_queries.save_media(conn, file, None)
        await media_queries.save_recording(
            conn,
            survey_id,
            question_key=key,
            option_code=code,
            language="en",
            words=words,
            digest=file.digest,
            uploaded_by=None,
        )
    finally:
        await conn.close()
    return f"/media/{file.digest}"


async def test_a_recorded_question_plays_then_the_tablet_reads_the_answers(
    browser: Browser, live_server: LiveServer, database_url: str
) -> None:
    token = await enrolled_token(database_url, survey())
    question = await record(database_url, "feeling", "", "How are you today?", 0.4)
    answer = await record(database_url, "feeling", "bad", "Bad", 0.5)
    stale = await record(
        database_url, "feeling", "good", "Good, thanks", 0.6
    )  # words the kiosk does not show
    context = await tablet(browser, live_server, token)
    await context.add_init_script(LISTEN)
    page = await context.new_page()
    await page.goto(f"{live_server.base_url}/kiosk")
    await start(page, read_aloud=True)  # the taps are the user gesture that lets audio play
    base = live_server.base_url
    await until(page, f"window.__playing.includes({base + question!r})")
    await expect(page.locator("h1.reading")).to_have_count(1)  # highlighted while it plays
    await until(page, f"window.__ended.includes({base + question!r})")
    # Then the tablet's voice for the answer without a (current) recording, and the recording for "Bad".
    await until(page, "window.__spoken.some(u => u.text === '1. Good')")
    spoken = await page.evaluate("window.__spoken.map(u => u.text)")
    assert "How are you today?" not in spoken
    await page.evaluate("window.__finishSpeaking()")
    await until(page, f"window.__playing.includes({base + answer!r})")
    assert base + stale not in await page.evaluate("window.__playing")
    state = await page.evaluate(
        "(() => { const a = document.querySelector('audio.recording'); return a && a.readyState; })()"
    )
    assert state is None or state >= 2  # HAVE_CURRENT_DATA: the file really loaded and played
    await context.close()


async def test_an_answer_picture_is_shown_large_with_its_words_and_kept_offline(
    browser: Browser, link: Link, database_url: str
) -> None:
    token = await enrolled_token(database_url, survey(PICTURE.digest))
    conn = await db.connect(database_url)
    try:
        await media_queries.save_media(conn, PICTURE, None)
    finally:
        await conn.close()
    context = await tablet(browser, link, token)
    page = await context.new_page()
    await page.goto(f"{link.base_url}/kiosk")
    await until(page, "navigator.serviceWorker.controller !== null")
    await page.reload()  # now through the service worker, which keeps the survey's files
    await asyncio.sleep(1)
    await start(page)
    picture = page.get_by_role("img", name="Good")
    await expect(picture).to_be_visible()
    await until(page, "document.querySelector('img.answer-picture').naturalWidth === 300")
    box = await picture.bounding_box()
    assert box is not None
    assert box["width"] >= 120
    # The answer is still named by its words, and choosing the picture chooses the answer.
    await picture.click()
    await expect(page.get_by_label("Good")).to_be_checked()
    assert await axe_violations(page) == []
    link.down()
    await page.reload()
    await start(page)
    await until(page, "document.querySelector('img.answer-picture').naturalWidth === 300")
    await context.close()
