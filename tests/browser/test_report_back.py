"""A report-back in real Chromium, from the board's draft to the kiosk, the prints and the public page.

The board drafts, proposes and votes; the kiosk shows it and reads it aloud; the poster and the handout
print on one page in English and Spanish; the public page shows it without sign-in, and nothing unreleased.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from playwright.async_api import Browser, Page, expect
from pypdf import PdfReader

from analysis import report_back, report_back_queries
from survey import db, kiosks
from survey.settings import DEFAULT_MIN_CELL
from tests.browser.support import axe_violations, tablet
from tests.browser.test_kiosk import skip_to_the_end, start, until
from tests.support import PASSWORD, LiveServer, board_decides, make_member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.demo_data(responses=300, seed=7, today=date(2026, 11, 21)),
]
TITLE = "Naloxone at every visit"
TITULO = "Naloxona en cada visita"


async def _draft_and_release(page: Page, live_server: LiveServer, database_url: str) -> str:
    """The board's whole path in the browser; returns the release's public id."""
    await make_member(database_url, "reporter")
    await page.goto(f"{live_server.base_url}/signin")
    await page.get_by_label("Account name").fill("reporter")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.goto(f"{live_server.base_url}/board/report-backs")
    await page.get_by_role("button", name="Choose this survey").click()
    await page.get_by_label("Answers from").select_option("all")
    await page.get_by_role("button", name="Show the figures").click()
    assert await axe_violations(page) == []
    await page.locator("input[name=figures][value^='mean:']").first.check()
    await page.locator("input[name=figures][value^='answer:']").first.check()
    await page.locator("#title-en").fill(TITLE)
    await page.locator("#did-en").fill("You asked for more naloxone. We now give two kits at every visit.")
    await page.locator("#title-es").fill(TITULO)
    await page.locator("#did-es").fill("Pidieron más naloxona. Ahora damos dos kits en cada visita.")
    await page.get_by_role("button", name="Keep this draft").click()
    await expect(page.locator("#done")).to_be_visible()
    assert await axe_violations(page) == []
    await page.get_by_role("button", name="Propose releasing it").click()
    await expect(page.locator("h1")).to_contain_text("release a report-back")
    assert await axe_violations(page) == []
    await page.get_by_role("button", name="Check my vote").click()
    await page.get_by_role("button", name="Yes, count my vote").click()
    await expect(page.locator("#votes")).to_contain_text("Approve")
    proposal_id = int(page.url.split("/proposals/")[1].split("?")[0])
    conn = await db.connect(database_url)
    report_back.register(DEFAULT_MIN_CELL)  # as create_app does in the server, for this process's votes
    try:
        await board_decides(conn, proposal_id)
        draft_id = await report_back_queries.draft_of_proposal(conn, proposal_id)
        (release,) = await report_back_queries.releases_of_draft(conn, draft_id or 0)
    finally:
        await conn.close()
    await page.reload()
    await expect(page.locator("#status")).to_contain_text("Released")
    return release.public_id


async def test_the_board_releases_and_the_kiosk_poster_handout_and_public_page_show_it(
    browser: Browser, page: Page, live_server: LiveServer, database_url: str
) -> None:
    public_id = await _draft_and_release(page, live_server, database_url)

    # The kiosk: after the thank-you, in the participant's language, read aloud, then a fresh start.
    conn = await db.connect(database_url)
    try:
        site_id = await conn.fetchval("SELECT id FROM site ORDER BY id LIMIT 1")
        token = await kiosks.create_enrolled(conn, site_id=site_id, label="Report tablet", actor_id=None)
    finally:
        await conn.close()
    context = await tablet(browser, live_server, token)
    kiosk = await context.new_page()
    await kiosk.goto(f"{live_server.base_url}/kiosk")
    await start(kiosk, "Español", read_aloud=True)
    await skip_to_the_end(kiosk, skip="Saltar", next_label="Siguiente")
    await kiosk.get_by_role("button", name="Saltar el código").click()
    await kiosk.get_by_role("button", name="Enviar mis respuestas").click()
    await expect(kiosk.get_by_role("heading", name="Gracias")).to_be_visible()
    await kiosk.locator("#report-back-open").click()
    screen = kiosk.locator("#kiosk section.report-back")
    await expect(screen.locator("h2").first).to_have_text(TITULO)
    await expect(screen).to_contain_text("de cada 10")
    await until(kiosk, "window.__spoken.some((s) => s.text.indexOf('Naloxona en cada visita') !== -1)")
    spoken = await kiosk.evaluate("window.__spoken.map((s) => s.lang)")
    assert spoken[-1] == "es"
    assert await axe_violations(kiosk) == []
    await kiosk.locator("#report-back-close").click()
    await expect(kiosk.get_by_role("button", name="Español")).to_be_visible()
    assert not await kiosk.locator("section.report-back").count()
    await context.close()

    # The public page, signed out: the release, in both languages, and nothing else.
    anonymous = await browser.new_context()
    public = await anonymous.new_page()
    await public.goto(f"{live_server.base_url}/results")
    await expect(public.locator("#releases")).to_contain_text(TITLE)
    assert await axe_violations(public) == []
    await public.goto(f"{live_server.base_url}/results/{public_id}?language=es")
    await expect(public.locator("#title")).to_have_text(TITULO)
    assert await axe_violations(public) == []
    missing = await public.goto(f"{live_server.base_url}/results/notreleased1")
    assert missing is not None
    assert missing.status == 404

    # The poster and the handout: one page each, in English and Spanish, A4 and Letter.
    for kind in ("poster", "handout"):
        for language, title in (("en", TITLE), ("es", TITULO)):
            await public.goto(f"{live_server.base_url}/results/{public_id}/{kind}?language={language}")
            await public.emulate_media(media="print")
            for paper in ("A4", "Letter"):
                reader = PdfReader(io.BytesIO(await public.pdf(format=paper, print_background=True)))
                assert len(reader.pages) == 1, (kind, language, paper)
                text = " ".join(reader.pages[0].extract_text().split())
                assert title in text, (kind, language)
                assert ("de cada 10" if language == "es" else "in 10 of you") in text
    await anonymous.close()
