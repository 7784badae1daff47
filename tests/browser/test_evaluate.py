"""The evaluator's dashboard in Chromium: filters, address bar, Back, chart downloads, report PDFs."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import date
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, Route, expect
from pypdf import PdfReader

from questions.demo import DEMO_SURVEY_NAME
from tests.browser.support import axe_violations
from tests.support import PASSWORD, LiveServer, make_account

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.demo_data(responses=2500, seed=5, today=date(2026, 11, 21)),
]


async def _signed_in(page: Page, server: LiveServer, database_url: str) -> None:
    await make_account(database_url, "eva", ["evaluator"])
    await page.goto(f"{server.base_url}/signin?next=/evaluate")
    await page.get_by_label("Account name").fill("eva")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(f"{server.base_url}/evaluate")


async def _months(page: Page) -> list[str]:
    return await page.locator("section[data-measure=who5] table.by-period tbody th").all_inner_texts()


async def test_filters_show_loading_follow_the_address_bar_and_come_back(
    browser: Browser, live_server: LiveServer, database_url: str
) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    await _signed_in(page, live_server, database_url)
    await page.evaluate("window.__sameDocument = true")
    everything = await _months(page)
    assert len(everything) >= 12

    async def slow(route: Route) -> None:
        await asyncio.sleep(1.0)  # a slow network, so the indicator can be seen
        await route.continue_()

    await page.route(re.compile(r".*/evaluate\?.*"), slow)
    await page.get_by_label("Period", exact=True).select_option("2026-Q3")
    await expect(page.locator("#dashboard")).to_have_attribute("aria-busy", "true")
    await expect(page.locator("#loading")).to_have_class(re.compile(r"\bhtmx-request\b"))
    await expect(page.locator("#loading")).to_contain_text("Loading the results")
    await expect(page.locator("#dashboard")).not_to_have_attribute("aria-busy", "true")
    await expect(page.locator("#loading")).to_contain_text("Results updated")
    await page.unroute(re.compile(r".*/evaluate\?.*"))
    await expect(page).to_have_url(re.compile(r"/evaluate\?survey=\d+&period=2026-Q3&group_by=site$"))
    assert await _months(page) == ["July 2026", "August 2026", "September 2026"]

    await page.get_by_label("Group by").select_option("period")
    await expect(page).to_have_url(re.compile(r"period=2026-Q3&group_by=period$"))
    await expect(page.locator("#grouped thead")).to_contain_text("Period")
    assert await page.evaluate("window.__sameDocument === true"), "the filters swap the results by htmx"
    shared = page.url

    await page.go_back()
    await expect(page).to_have_url(re.compile(r"period=2026-Q3&group_by=site$"))
    await expect(page.get_by_label("Group by")).to_have_value("site")
    await expect(page.get_by_label("Period", exact=True)).to_have_value("2026-Q3")
    await expect(page.locator("#grouped thead")).to_contain_text("Site")
    assert await _months(page) == ["July 2026", "August 2026", "September 2026"]

    await page.go_back()
    await expect(page).to_have_url(f"{live_server.base_url}/evaluate")
    await expect(page.get_by_label("Period", exact=True)).to_have_value("all")
    assert await _months(page) == everything, "Back shows the first view's content, not the last one's"

    other = await context.new_page()
    await other.goto(shared)
    await expect(other.get_by_label("Period", exact=True)).to_have_value("2026-Q3")
    await expect(other.get_by_label("Group by")).to_have_value("period")
    assert await _months(other) == ["July 2026", "August 2026", "September 2026"], "a shared link, same view"
    assert await axe_violations(other) == []
    assert errors == [], f"console errors (CSP or script): {errors}"
    await context.close()


async def test_chart_downloads_open_with_title_axes_n_and_cutoffs(
    browser: Browser, live_server: LiveServer, database_url: str, tmp_path: Path
) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = await context.new_page()
    await _signed_in(page, live_server, database_url)
    chart = page.locator("figure[data-chart=who5-by-period]")
    image = chart.locator("img")
    await expect(image).to_be_visible()
    await image.scroll_into_view_if_needed()
    drawn = await image.evaluate("img => img.decode().then(() => img.naturalWidth > 0, () => false)")
    assert drawn, "the SVG draws on the page (under the app's Content-Security-Policy)"

    async with page.expect_download() as svg_download:
        await chart.get_by_role("link", name="SVG").click()
    svg = await svg_download.value
    assert re.fullmatch(r"[a-z0-9-]+-who5-by-period-all\.svg", svg.suggested_filename)
    svg_path = tmp_path / svg.suggested_filename
    await svg.save_as(svg_path)
    async with page.expect_download() as png_download:
        await chart.get_by_role("link", name="PNG").click()
    png = await png_download.value
    png_path = tmp_path / png.suggested_filename
    await png.save_as(png_path)

    opened = await context.new_page()
    await opened.goto(svg_path.as_uri())
    texts = await opened.locator("text").all_text_contents()
    assert any("WHO-5" in text and "mean by month" in text for text in texts), texts[:5]
    assert any(text.startswith("Mean score, 0 to 100") for text in texts)
    assert any(text.startswith("Month (n:") for text in texts)
    assert sum(1 for text in texts if re.fullmatch(r"n = \d+", text)) >= 10
    assert "28 or less: likely depression" in texts
    assert "50 or less: poor well-being" in texts
    box = await opened.locator("svg").bounding_box()
    assert box is not None
    assert box["width"] > 500

    await opened.goto(png_path.as_uri())
    size = await opened.evaluate("() => [document.images[0].naturalWidth, document.images[0].naturalHeight]")
    assert size == [1600, 960]
    await context.close()


@pytest.mark.parametrize("paper", ["A4", "Letter"])
async def test_the_funder_report_prints_its_summary_on_the_first_page(
    page: Page, live_server: LiveServer, database_url: str, paper: str
) -> None:
    await _signed_in(page, live_server, database_url)
    await page.goto(f"{live_server.base_url}/evaluate/report?period=2026&before=2026-Q1&after=2026-Q3")
    await page.wait_for_load_state("networkidle")
    await page.emulate_media(media="print")
    pdf = await page.pdf(format=paper, print_background=True)
    reader = PdfReader(io.BytesIO(pdf))
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    expected = {"A4": (595, 842), "Letter": (612, 792)}[paper]
    assert abs(width - expected[0]) <= 2, (width, height)
    assert abs(height - expected[1]) <= 2, (width, height)
    assert len(reader.pages) >= 3, "summary, then tables and methods"
    first = " ".join(reader.pages[0].extract_text().split())
    assert DEMO_SURVEY_NAME in first
    assert "The program at" in first, "the program is named (by its sites, with no SURVEY_PROGRAM_NAME)"
    assert "2026" in first
    assert "Survey 1" not in first
    for words in ("Outcomes", "WHO-5", "K6", "What the board said", "Change from 2026 Q1"):
        assert words in first, words
    assert re.search(r"\d+\.\d \(\d+\.\d to \d+\.\d\)", first), "each measure with its interval"
    assert "Tables, charts and methods follow" in first, "the whole summary fits on the first page"
    assert "Charts and tables" not in first
    rest = " ".join(" ".join(p.extract_text().split()) for p in reader.pages[1:])
    assert "Charts and tables" in rest
    assert "Methods" in rest
    assert "Mann-Whitney" in rest
