"""A proposal in one language, its translation by another member, and a publish page that lists the rest.

Walked on a phone (390x844) and a tablet (768x1024) in real Chromium: axe-core on every page, and no page
wider than the screen.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.support import axe_violations
from tests.browser.test_board import demo_board, send_and_both_approve, sign_in_as, vote_approve
from tests.support import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZES = {"phone": (390, 844), "tablet": (768, 1024)}
NEW_QUESTION = "Did you feel safe from police harassment when you came here?"


class Walk:
    """The pages a walk visits, each checked by axe-core and for a width beyond the screen."""

    def __init__(self, page: Page, width: int) -> None:
        self.page = page
        self.width = width
        self.problems: dict[str, list[str]] = {}

    async def check(self, name: str) -> None:
        found = await axe_violations(self.page)
        wide = await self.page.evaluate("document.documentElement.scrollWidth")
        if wide > self.width:
            found.append(f"the page is {wide} px wide on a {self.width} px screen")
        if found:
            self.problems[name] = found


async def propose_and_accept(page: Page, base: str, walk: Walk) -> str:
    """Send the checked form; both members approve it; the page then says what follows. Its address."""
    await page.get_by_role("button", name="Send it to the board").click()
    await expect(page.locator("#done")).to_be_visible()
    proposal = page.url.split("?")[0]
    await vote_approve(page, decides=False)
    await sign_in_as(page, base, "robin")
    await expect(page.locator("#waiting-count")).to_have_text(re.compile("1 proposal waits for your vote"))
    await page.goto(proposal)
    await vote_approve(page, decides=True)
    await expect(page.locator("#status")).to_contain_text("Accepted")
    await walk.check(f"accepted {proposal}")
    return proposal


@pytest.mark.parametrize("size", list(SIZES))
async def test_one_language_proposal_translated_by_another_member_then_published(
    page: Page, live_server: LiveServer, database_url: str, size: str
) -> None:
    width, height = SIZES[size]
    await page.set_viewport_size({"width": width, "height": height})
    await demo_board(database_url)
    base = live_server.base_url
    walk = Walk(page, width)

    # Ash writes English only: a new question, shown only after an earlier answer.
    await sign_in_as(page, base, "ash")
    await walk.check("board home")
    await page.get_by_role("link", name="Participant voices (demo)").click()
    await walk.check("survey")
    await expect(page.locator("li.draft-question[data-key=overdose_reversed] .shown-when")).to_have_text(
        "Shown only if “In the past 3 months, were you with someone who overdosed?” is answered “Yes”."
    )
    await page.get_by_role("link", name="Add a question").click()
    await page.get_by_label("Pick one answer", exact=True).check()
    english = page.locator("fieldset[lang=en]")
    await english.get_by_label("The question").fill(NEW_QUESTION)
    await english.get_by_label(re.compile("^Answers, one per line")).fill("Yes\nNo")
    await page.get_by_label("An earlier question").select_option(
        label="In the past 3 months, were you with someone who overdosed?"
    )
    picked = page.locator("details.show-if-answers[data-question=overdose_seen]")
    await picked.locator("summary").click()
    await picked.get_by_label("Yes", exact=True).check()
    await walk.check("add form")
    await page.get_by_role("button", name="Check my proposal").click()
    await expect(page.get_by_role("heading", name="Check your proposal")).to_be_visible()
    await walk.check("add check")
    added = await propose_and_accept(page, base, walk)
    await expect(page.locator("#next-step")).to_contain_text("Propose publishing when the board is ready")
    await expect(page.locator("#next-step")).to_contain_text("1 text in the draft waits")

    # Robin reads Spanish: the survey page lists the text to translate, and Robin fills it in.
    await page.get_by_role("link", name=re.compile("^Back to")).click()
    gap = page.locator("li.translation-gap[data-language=es]")
    await expect(gap).to_have_count(1)
    await expect(gap).to_contain_text("Needs translation (Español)")
    question = page.locator("li.draft-question[data-key^=did_you_feel_safe_from_police]")
    await expect(question.locator(".translation-untranslated")).to_have_text("Needs translation: Español")
    await expect(question.locator(".answers li")).to_have_text(["Yes", "No"])
    await walk.check("survey with a text to translate")
    await gap.get_by_role("link", name=re.compile("^Translate it")).click()
    await expect(page.locator("#needs-translation")).to_be_visible()
    await page.get_by_label("The question").fill("¿Se sintió a salvo del acoso policial cuando vino aquí?")
    await page.get_by_label("Answer 1").fill("Sí")
    await page.get_by_label("Answer 2").fill("No")
    await walk.check("translation form")
    await page.get_by_role("button", name="Check my proposal").click()
    await expect(page.locator("section.check ins").first).to_be_visible()
    translation = await send_and_both_approve(page, base, "ash")
    await expect(page.locator("#status")).to_contain_text("Accepted")
    assert translation != added

    # Ash changes an English wording: its Spanish is now older than its source, and publishing says so.
    await page.get_by_role("link", name=re.compile("^Back to")).click()
    await expect(page.locator("li.translation-gap")).to_have_count(0)
    naloxone = page.locator("li.draft-question[data-key=naloxone_carried]")
    await naloxone.get_by_text("Propose a change").click()
    await naloxone.get_by_role("link", name="Change the wording (English)").click()
    await page.get_by_label("The question").fill("Do you carry naloxone with you?")
    await page.get_by_role("button", name="Check my proposal").click()
    await propose_and_accept(page, base, walk)

    await page.get_by_role("link", name=re.compile("^Back to")).click()
    await page.get_by_role("link", name="Propose publishing the draft").click()  # Robin, signed in last
    listed = page.locator("#translation-gaps li.translation-gap")
    await expect(listed).to_have_count(1)
    await expect(listed).to_contain_text("Translation to check (Español)")
    await walk.check("publish form")
    await page.get_by_role("button", name="Check my proposal").click()
    await page.get_by_role("button", name="Send it to the board").click()
    await expect(page.locator("#problem")).to_contain_text("confirm")
    await page.get_by_label(re.compile("^I have read the list")).check()
    await page.get_by_role("button", name="Check my proposal").click()
    await page.get_by_role("button", name="Send it to the board").click()
    await expect(page.locator("#translations-confirmed")).to_be_visible()
    await walk.check("publish proposal")
    await vote_approve(page, decides=False)
    await sign_in_as(page, base, "ash")  # Robin proposed publishing; Ash's vote is the one waiting
    await page.get_by_role("link", name=re.compile("^Proposal ")).first.click()
    await vote_approve(page, decides=True)
    await expect(page.locator("#status")).to_contain_text("Version 2 is published")
    await expect(page.locator("#next-step")).to_contain_text("Version 2 is on the kiosks now")
    await page.get_by_role("link", name=re.compile("^Back to")).click()
    await page.get_by_role("link", name="Version 2").click()
    await expect(page.locator("li.change-added .question-words")).to_have_text(f"“{NEW_QUESTION}”")
    await walk.check("version")

    assert walk.problems == {}
