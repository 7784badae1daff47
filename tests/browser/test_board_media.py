"""A board member on a phone records a line of the script and proposes a picture; axe on each page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.browser.support import axe_violations
from tests.browser.test_board import demo_board, sign_in_as
from tests.support import LiveServer
from tests.survey.test_media_files import png, wav

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_record_a_line_and_propose_a_picture_on_a_phone(
    page: Page, live_server: LiveServer, database_url: str, tmp_path: Path
) -> None:
    await demo_board(database_url)
    base = live_server.base_url
    await sign_in_as(page, base, "ash")
    await page.get_by_role("link", name="Participant voices (demo)").click()
    await page.get_by_role("link", name="Script to record").click()
    await expect(page.get_by_role("heading", name="Script to record", level=1)).to_be_visible()
    problems = {"script": await axe_violations(page)}
    line = page.locator('li.script-line[data-key="naloxone_carried"][data-option=""][data-language="es"]')
    await expect(line.locator(".state")).to_have_text("Still to record")
    recording = tmp_path / "lectura.wav"
    recording.write_bytes(wav())
    await line.locator("input[type=file]").set_input_files(str(recording))
    await line.get_by_role("button", name="Keep this recording").click()
    await expect(page.get_by_role("status")).to_contain_text("the recording is kept")
    line = page.locator('li.script-line[data-key="naloxone_carried"][data-option=""][data-language="es"]')
    await expect(line.locator(".state")).to_have_text("Recorded")
    await expect(line.locator("audio")).to_have_count(1)
    problems["script after"] = await axe_violations(page)

    await page.get_by_role("link", name="Back to", exact=False).click()
    await page.get_by_role("link", name="Pictures for answers").click()
    problems["pictures"] = await axe_violations(page)
    picture = tmp_path / "naloxone.png"
    picture.write_bytes(png((200, 200)))
    answer = page.locator('section[aria-labelledby="pictures-naloxone_carried"] li').first
    await answer.locator("input[type=file]").set_input_files(str(picture))
    await answer.get_by_role("button", name="Send it to the board").click()
    await expect(page.get_by_text("Show a picture with the answer")).to_be_visible()
    await expect(page.locator("#picture-change img")).to_have_count(1)
    assert await page.evaluate("document.querySelector('#picture-change img').naturalWidth") == 200
    problems["proposal"] = await axe_violations(page)
    assert problems == {name: [] for name in problems}
