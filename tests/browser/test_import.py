"""An admin uploads a Kobo XLSForm in Chromium, reads its report, keeps it, and finds the draft."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.browser.support import axe_violations
from tests.questions.test_xlsform import KOBO_FORM
from tests.support import PASSWORD, LiveServer, make_account

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_upload_read_the_report_and_keep_the_draft(
    page: Page, live_server: LiveServer, database_url: str, tmp_path: Path
) -> None:
    await make_account(database_url, "ada", ["admin"])
    form = tmp_path / "checkin.xlsx"
    form.write_bytes(KOBO_FORM)
    await page.goto(f"{live_server.base_url}/signin?next=/admin/imports")
    await page.get_by_label("Account name").fill("ada")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(f"{live_server.base_url}/admin/imports")
    problems = {"upload": await axe_violations(page)}

    await page.get_by_label("XLSForm workbook (.xlsx or .xls)").set_input_files(str(form))
    await page.get_by_role("button", name="Read the form").click()
    deviceid = page.locator("table.import-report tr[data-row='3']")
    await expect(deviceid).to_have_attribute("data-outcome", "left_out")
    await expect(deviceid.locator(".reason")).to_contain_text("never records")
    await expect(page.locator("tr[data-row='4'] .imported-as")).to_have_text("single choice question carried")
    problems["report"] = await axe_violations(page)

    await page.get_by_role("button", name="Keep it as a new draft").click()
    await expect(page.locator("p.notice")).to_contain_text("Survey Check-in was created as a draft")
    link = page.get_by_role("link", name="Open the draft on the board's page")
    await expect(link).to_have_attribute("href", re.compile(r"^/board/surveys/\d+$"))
    await page.goto(f"{live_server.base_url}/admin")
    await expect(page.locator("main")).to_contain_text("Check-in")
    assert {name: found for name, found in problems.items() if found} == {}
