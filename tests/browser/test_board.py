"""Two board members on phone-sized screens: propose, check words, comment, vote, publish; axe everywhere."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from survey import db, demo
from tests.browser.support import axe_violations
from tests.support import PASSWORD, LiveServer, make_member, set_board_quorum

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def sign_in_as(page: Page, base: str, name: str) -> None:
    await page.context.clear_cookies()  # the other member picks up the phone
    await page.goto(f"{base}/signin")
    await page.get_by_label("Account name").fill(name)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(f"{base}/board")


async def vote_approve(page: Page, decides: bool) -> None:
    await page.get_by_label("Approve").check()
    await page.get_by_role("button", name="Vote", exact=True).click()
    await expect(page.get_by_role("heading", name="Confirm your vote")).to_be_visible()
    completes = page.get_by_text("Your vote completes the board's decision")
    await expect(completes).to_have_count(1 if decides else 0)
    await page.get_by_role("button", name="Yes, approve").click()


async def send_and_both_approve(page: Page, base: str, second: str) -> str:
    """Send the checked proposal and approve it; ``second`` signs in to cast the deciding vote. Its URL."""
    await page.get_by_role("button", name="Send it to the board").click()
    proposal = page.url.split("?")[0]
    await vote_approve(page, decides=False)
    await sign_in_as(page, base, second)
    await page.goto(proposal)
    await vote_approve(page, decides=True)
    return proposal


async def demo_board(database_url: str) -> None:
    """The demo program, with a quorum of two and the members Ash and Robin, who walk the board's pages."""
    conn = await db.connect(database_url)
    try:
        await demo.seed(conn)
    finally:
        await conn.close()
    await set_board_quorum(database_url, 2)
    for name in ("ash", "robin"):
        await make_member(database_url, name)


async def test_propose_comment_vote_and_publish_on_a_phone(
    page: Page, live_server: LiveServer, database_url: str
) -> None:
    await demo_board(database_url)
    base = live_server.base_url
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    problems: dict[str, list[str]] = {}

    await sign_in_as(page, base, "ash")
    problems["board home"] = await axe_violations(page)
    # No stray bullet on the home page: the only items drawn with a marker are in lists of proposals.
    stray = await page.evaluate(
        """[...document.querySelectorAll("main li")].filter(li => {
             const style = getComputedStyle(li);
             const marked = style.display === "list-item" && style.listStyleType !== "none";
             return marked && !li.closest("ul.proposals");
           }).length"""
    )
    assert stray == 0
    await page.get_by_role("link", name="Participant voices (demo)").click()
    problems["survey"] = await axe_violations(page)
    question = page.locator("li.draft-question[data-key=naloxone_carried]")
    await question.get_by_text("Propose a change").click()
    await question.get_by_role("link", name="Change the wording (English)").click()

    # The language check answers as the board member types, without leaving the page.
    await page.evaluate("window.__sameDocument = true")
    wording = page.get_by_label("The question")
    await wording.fill("")
    await wording.press_sequentially("Do addicts here carry naloxone?", delay=10)
    flag = page.locator("#text-check .flag")
    await expect(flag).to_have_count(1)
    await expect(flag.locator("strong")).to_have_text("addicts")
    # The reading check in words, never a grade number.
    await expect(page.locator("#text-check .reading-words")).to_have_text(
        re.compile(r"^(Easy to read|Fairly easy to read|Fairly hard: try shorter sentences|Hard: .*)$")
    )
    await expect(page.locator("#text-check")).not_to_contain_text("Flesch")
    assert await page.evaluate("window.__sameDocument === true")
    problems["proposal form"] = await axe_violations(page)

    await wording.fill("Do you carry naloxone with you?")
    await page.get_by_role("button", name="Check my proposal").click()
    await expect(page.locator("section.check ins").first).to_be_visible()
    await page.get_by_role("button", name="Send it to the board").click()
    await expect(page.locator("#done")).to_be_visible()
    proposal_url = page.url.split("?")[0]

    await page.get_by_label("Add a comment").fill("Shorter and plainer.")
    await page.get_by_role("button", name="Post comment").click()
    await expect(page.locator(".comment-body")).to_have_text("Shorter and plainer.")
    await vote_approve(page, decides=False)
    await expect(page.locator("#tally strong")).to_have_text("1")
    problems["proposal"] = await axe_violations(page)

    await page.get_by_role("link", name="After (English)").click()
    await expect(page.locator("#screen-title")).to_have_text("Do you carry naloxone with you?")
    problems["kiosk preview"] = await axe_violations(page)

    await sign_in_as(page, base, "robin")
    await page.goto(proposal_url)
    await vote_approve(page, decides=True)
    await expect(page.locator("#status")).to_contain_text("Accepted")

    await page.get_by_role("link", name=re.compile("^Back to")).click()
    await page.get_by_role("link", name="Propose publishing the draft").click()
    # The Spanish was made before the English changed: publishing lists it and asks to confirm it.
    await expect(page.locator("li.translation-gap")).to_have_count(1)
    await page.get_by_label(re.compile("^I have read the list")).check()
    await page.get_by_role("button", name="Check my proposal").click()
    await expect(page.locator("li.change-changed")).to_have_count(1)
    await send_and_both_approve(page, base, "ash")
    await expect(page.locator("#status")).to_contain_text("Version 2 is published")
    await page.get_by_role("link", name=re.compile("^Back to")).click()
    await page.get_by_role("link", name="Version 2").click()
    await expect(page.get_by_role("heading", name="What changed since version 1")).to_be_visible()
    problems["version"] = await axe_violations(page)

    # The board's own members: who is on it and how each joined, and a proposal about the board to check.
    await page.get_by_role("navigation", name="Board").get_by_role("link", name="Members").click()
    await expect(page.locator("li.member")).to_have_count(4)
    problems["members"] = await axe_violations(page)
    await page.get_by_role("button", name="Propose that Robin steps down").click()
    await expect(page.get_by_role("heading", name="Check your proposal")).to_be_visible()
    problems["members check"] = await axe_violations(page)

    assert {name: found for name, found in problems.items() if found} == {}
    assert errors == [], f"console errors (CSP or script): {errors}"
