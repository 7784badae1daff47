"""A person signs in on a phone-sized screen, adds an account by htmx without a reload, and signs out."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.async_api import Page, expect

from tests.browser.support import axe_violations
from tests.support import PASSWORD, LiveServer, make_account

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_sign_in_add_account_sign_out(page: Page, live_server: LiveServer, database_url: str) -> None:
    await make_account(database_url, "ada", ["admin"])
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if message.type == "error" else None)

    await page.goto(f"{live_server.base_url}/admin")
    await expect(page).to_have_url(f"{live_server.base_url}/signin?next=/admin")
    await page.get_by_label("Account name").fill("ada")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(f"{live_server.base_url}/admin")

    await page.evaluate("window.__sameDocument = true")
    form = page.locator("#account-create")
    await form.get_by_label("Account name (for signing in)").fill("river")
    await form.get_by_label("Name shown to others").fill("River")
    await form.get_by_label("board").check()
    await form.get_by_role("button", name="Add account").click()
    await expect(page.locator("tr[data-account=river]")).to_be_visible()
    await expect(page.locator("#shown-password")).to_have_text(re.compile(r"^[A-Za-z0-9]{16}$"))
    assert await page.evaluate("window.__sameDocument === true"), "htmx swapped the block without a reload"

    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(f"{live_server.base_url}/signin")
    await page.goto(f"{live_server.base_url}/admin")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert violations == [], f"console errors (CSP or script): {violations}"


@pytest.mark.demo_data(responses=300, seed=7, today=date(2026, 11, 21))  # a database other tests share
async def test_staff_pages_pass_axe(page: Page, live_server: LiveServer, database_url: str) -> None:
    await make_account(database_url, "ada", ["admin", "evaluator"])
    await page.goto(f"{live_server.base_url}/signin")
    problems = {"sign-in": await axe_violations(page)}
    await page.get_by_label("Account name").fill("ada")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(f"{live_server.base_url}/admin")
    problems["admin"] = await axe_violations(page)
    await page.goto(f"{live_server.base_url}/account")
    problems["account"] = await axe_violations(page)
    await page.goto(f"{live_server.base_url}/evaluate")
    await expect(page.locator("figure.chart img").first).to_be_visible()
    problems["outcomes"] = await axe_violations(page)
    await page.evaluate("window.__sameDocument = true")
    await page.get_by_label("Group by").select_option("period")
    await expect(page).to_have_url(re.compile(r"group_by=period"))
    await expect(page.locator("#grouped thead")).to_contain_text("Period")
    assert await page.evaluate("window.__sameDocument === true"), "the filters swap the results by htmx"
    problems["outcomes by month"] = await axe_violations(page)
    assert {name: found for name, found in problems.items() if found} == {}
