"""The admin's XLSForm upload: the report first, nothing stored until confirmed, every bad file a 4xx."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from bs4 import BeautifulSoup
from litestar import Litestar
from litestar.testing import AsyncTestClient
from openpyxl import Workbook

from questions import queries as question_queries
from survey.db import Connection
from tests.questions.test_xlsform import KOBO_FORM
from tests.questions.xlsforms.make_builder_forms import workbook
from tests.support import csrf_token, post_form

Client = AsyncTestClient[Litestar]


async def upload(client: Client, name: str, content: bytes) -> httpx.Response:
    return await client.post(
        "/admin/imports",
        data={"_csrf_token": await csrf_token(client)},
        files={"workbook": (name, content, "application/octet-stream")},
    )


def confirm_fields(page: BeautifulSoup) -> dict[str, str]:
    form = page.select_one("form#import-confirm")
    assert form is not None
    return {str(field["name"]): str(field.get("value", "")) for field in form.select("input[name]")}


async def test_the_report_comes_first_and_the_draft_is_kept_only_on_confirm(
    admin: Client, conn: Connection
) -> None:
    read = await upload(admin, "checkin.xlsx", KOBO_FORM)
    assert read.status_code == 200, read.text
    page = BeautifulSoup(read.text, "html.parser")
    deviceid = page.select_one("table.import-report tr[data-row='3']")
    assert deviceid is not None
    assert deviceid["data-outcome"] == "left_out"
    assert "never records" in deviceid.select_one(".reason").get_text()  # type: ignore[union-attr]
    assert [s.name for s in await question_queries.surveys(conn)] == []
    fields = confirm_fields(page)
    assert fields["name"] == "Check-in"
    kept = await post_form(admin, "/admin/imports/confirm", fields)
    assert kept.status_code == 200, kept.text
    assert "created as a draft" in kept.text
    assert [s.name for s in await question_queries.surveys(conn)] == ["Check-in"]
    again = await post_form(admin, "/admin/imports/confirm", fields)
    assert again.status_code == 409
    clash = BeautifulSoup(again.text, "html.parser")
    assert "There is already a survey called 'Check-in'" in clash.select_one("#import-error").get_text()  # type: ignore[union-attr]
    assert confirm_fields(clash)["draft"] == fields["draft"]


async def test_a_changed_draft_is_refused(admin: Client, conn: Connection) -> None:
    fields = confirm_fields(
        BeautifulSoup((await upload(admin, "checkin.xlsx", KOBO_FORM)).text, "html.parser")
    )
    forged = {**fields, "draft": fields["draft"][:-4] + "AAAA"}
    refused = await post_form(admin, "/admin/imports/confirm", forged)
    assert refused.status_code == 422
    assert "upload the form again" in refused.text
    assert await question_queries.surveys(conn) == []


def _empty_survey_sheet() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("form.csv", b"type,name,label\ntext,a,A\n", "choose an .xlsx or .xls file"),
        ("form.xlsx", b"PK\x03\x04 this zip is cut short", "cannot be read"),
        ("form.xls", b"not a workbook at all", "not an Excel workbook"),
        ("form.xlsx", _empty_survey_sheet(), "no 'survey' sheet with rows"),
        (
            "where.xlsx",
            workbook([["type", "name", "label"], ["geopoint", "where", "Where?"]], [["list_name", "name"]]),
            "no question remains",
        ),
    ],
)
async def test_a_bad_file_gets_a_clear_message_never_a_500(
    admin: Client, name: str, content: bytes, message: str
) -> None:
    refused = await upload(admin, name, content)
    assert refused.status_code == 422
    error = BeautifulSoup(refused.text, "html.parser").select_one("#import-error")
    assert error is not None
    assert message in error.get_text()


async def test_an_upload_without_a_file_names_the_field(admin: Client) -> None:
    refused = await admin.post("/admin/imports", data={"_csrf_token": await csrf_token(admin)})
    assert refused.status_code == 400
    assert re.search(r"workbook", refused.text)
