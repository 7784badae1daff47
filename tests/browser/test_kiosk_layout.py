"""Phone and tablet layout: Next always on screen, the staff control never over the survey, axe clean.

A geometric check rather than stored screenshots: fonts and anti-aliasing differ between machines, so
a pixel comparison either fails for no reason or gets a tolerance so wide it cannot fail; the boxes say
exactly what the issue asks (Next inside the viewport, nothing covered).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Browser, Page

from tests.browser.support import axe_violations, enrolled_token, tablet
from tests.browser.test_kiosk import start
from tests.support import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZES = [(320, 568), (390, 844), (768, 1024)]

# Boxes of Next, the staff control, the bottom bar and every piece of the survey's content.
BOXES = """() => {
  const box = (node) => {
    const r = node.getBoundingClientRect();
    return {x: r.x, y: r.y, right: r.right, bottom: r.bottom};
  };
  const next = document.querySelector("#kiosk .bar button.primary");
  const content = [...document.querySelectorAll(
    "#kiosk h1, #kiosk .progress, #kiosk .stop, #kiosk .repeat, #kiosk .option label, "
    + "#kiosk .secondary button"
  )];
  return {
    viewport: {width: innerWidth, height: innerHeight},
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    next: box(next),
    bar: box(document.querySelector("#kiosk .bar")),
    staff: box(document.querySelector(".staff-exit summary")),
    content: content.map(box),
  };
}"""


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["x"] < b["right"] and b["x"] < a["right"] and a["y"] < b["bottom"] and b["y"] < a["bottom"]


def inside(a: dict[str, float], viewport: dict[str, float]) -> bool:
    return (
        a["x"] >= 0 and a["y"] >= 0 and a["right"] <= viewport["width"] and a["bottom"] <= viewport["height"]
    )


async def boxes(page: Page) -> dict[str, Any]:
    found: dict[str, Any] = await page.evaluate(BOXES)
    return found


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("language", ["English", "Español"])
async def test_next_stays_on_screen_and_nothing_covers_the_answers(
    browser: Browser, live_server: LiveServer, database_url: str, width: int, height: int, language: str
) -> None:
    context = await tablet(
        browser, live_server, await enrolled_token(database_url), viewport={"width": width, "height": height}
    )
    page = await context.new_page()
    await page.goto(f"{live_server.base_url}/kiosk")
    welcome = await boxes_of_the_welcome(page)
    await start(page, language)  # the first question has six answers
    problems = {"welcome": welcome, "question": await axe_violations(page)}
    assert {screen: found for screen, found in problems.items() if found} == {}

    at_top = await boxes(page)
    assert at_top["overflow"] <= 0, "no sideways scrolling"
    assert inside(at_top["next"], at_top["viewport"]), "Next is on screen before any scrolling"
    # Scrolled to the last answer, then to the very end: Next still on screen, never over an answer,
    # and the staff control (after the survey, in the page's flow) covers nothing.
    await page.locator("#kiosk .option label").last.scroll_into_view_if_needed()
    last_answer = await boxes(page)
    assert inside(last_answer["next"], last_answer["viewport"])
    await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    at_end = await boxes(page)
    assert inside(at_end["next"], at_end["viewport"])
    assert not overlaps(at_end["next"], at_end["staff"]), "Next and the staff control apart"
    assert [b for b in at_end["content"] if overlaps(b, at_end["staff"])] == [], "staff control over content"
    assert [b for b in at_end["content"] if overlaps(b, at_end["bar"])] == [], (
        "the bar over content at the end"
    )
    await context.close()


async def boxes_of_the_welcome(page: Page) -> list[str]:
    await page.get_by_role("button", name="English").wait_for()
    return await axe_violations(page)
