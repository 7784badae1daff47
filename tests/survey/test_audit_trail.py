"""The audit trail an admin reads: filters, paging, details in words, CSV that runs no formulas, refresh."""

from __future__ import annotations

import csv
import io

from bs4 import BeautifulSoup
from litestar import Litestar
from litestar.testing import AsyncTestClient

from survey import audit_trail
from survey.audit_queries import audit
from survey.db import Connection
from tests.support import make_account, post_form, sign_in

Client = AsyncTestClient[Litestar]


def _rows(html: str) -> list[list[str]]:
    page = BeautifulSoup(html, "html.parser")
    return [[cell.get_text() for cell in row.select("td")] for row in page.select("#audit-trail tbody tr")]


async def test_an_export_says_its_format_period_and_grouping_and_a_command_says_command_line(
    admin: Client, conn: Connection
) -> None:
    ada = await conn.fetchval("SELECT id FROM account WHERE name = 'ada'")
    detail = {"format": "xlsx", "from": "2025-01", "to": "2025-03", "group_by": "site"}
    await audit(conn, "export", account_id=ada, subject="1", detail=detail)
    await audit(conn, "site_created", account_id=None, subject="Harbour")
    rows = _rows((await admin.get("/admin/audit")).text)
    exported = next(row for row in rows if row[2] == "export")
    assert exported[4] == "XLSX, from 2025-01 to 2025-03, grouped by site"
    created = next(row for row in rows if row[2] == "site created")
    assert created[1] == "command line"


async def test_filters_by_who_what_and_day(admin: Client, conn: Connection) -> None:
    ada = await conn.fetchval("SELECT id FROM account WHERE name = 'ada'")
    await audit(conn, "site_created", account_id=ada, subject="Harbour")
    await audit(conn, "site_created", account_id=None, subject="Riverside")
    await audit(conn, "kiosk_pin_failed", account_id=None, subject="Van", detail={"kiosk_id": 1})
    await conn.execute(
        "UPDATE audit_event SET occurred_at = '2024-05-01 23:30+00' WHERE subject = 'Riverside'"
    )
    by_ada = _rows((await admin.get("/admin/audit?who=ada&what=site_created")).text)
    by_cli = _rows((await admin.get("/admin/audit?who=:cli&what=site_created")).text)
    by_kiosk = _rows((await admin.get("/admin/audit?who=:kiosk")).text)
    on_day = _rows((await admin.get("/admin/audit?first_day=2024-05-01&last_day=2024-05-01")).text)
    assert [row[3] for row in by_ada] == ["Harbour"]
    assert [row[3] for row in by_cli] == ["Riverside"]
    assert [(row[1], row[3]) for row in by_kiosk] == [("a kiosk", "Van")]
    assert [row[3] for row in on_day] == ["Riverside"]


async def test_a_wrong_filter_is_named_not_a_500(admin: Client) -> None:
    day = await admin.get("/admin/audit?first_day=yesterday")
    page = await admin.get("/admin/audit?page=0")
    assert (day.status_code, page.status_code) == (400, 400)
    assert "first_day" in day.text
    assert "page" in page.text


async def test_paging_fifty_at_a_time(admin: Client, conn: Connection) -> None:
    for number in range(60):
        await audit(conn, "site_pin_set", account_id=None, subject=f"site {number}")
    first = await admin.get("/admin/audit?what=site_pin_set")
    second = await admin.get("/admin/audit?what=site_pin_set&page=2")
    assert (len(_rows(first.text)), len(_rows(second.text))) == (50, 10)
    older = BeautifulSoup(first.text, "html.parser").select_one("a[rel=next]")
    assert older is not None
    assert older["href"] == "/admin/audit?what=site_pin_set&page=2"


async def test_the_csv_runs_no_formulas_and_its_export_is_audited(admin: Client, conn: Connection) -> None:
    for subject in ["=HYPERLINK(1)", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "plain"]:
        await audit(conn, "site_created", account_id=None, subject=subject)
    exported = await admin.get("/admin/audit/export.csv?what=site_created")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    about = sorted(row[3] for row in rows[1:])
    assert about == sorted(["'=HYPERLINK(1)", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "plain"])
    assert await conn.fetchval("SELECT detail FROM audit_event WHERE action = 'audit_exported'") == {
        "format": "csv",
        "what": "site_created",
    }


def test_every_formula_start_is_neutralised() -> None:
    assert [audit_trail.safe_cell(start + "1") for start in audit_trail.FORMULA_STARTS] == [
        f"'{start}1" for start in audit_trail.FORMULA_STARTS
    ]
    assert audit_trail.safe_cell("1+1") == "1+1"


async def test_an_htmx_action_refreshes_the_latest_actions(admin: Client) -> None:
    answer = await post_form(
        admin, "/admin/sites", {"name": "Harbour", "default_language": "en"}, headers={"HX-Request": "true"}
    )
    page = BeautifulSoup(answer.text, "html.parser")
    assert page.select_one("#sites") is not None
    card = page.select_one("#audit-card[hx-swap-oob]")
    assert card is not None
    assert "site created" in card.get_text()
    assert page.select_one("#accounts") is None, "only the action's card and the latest actions"


async def test_someone_without_the_admin_role_is_refused(client: Client, database_url: str) -> None:
    await make_account(database_url, "bo", ["board"])
    await sign_in(client, "bo")
    assert (await client.get("/admin/audit", follow_redirects=False)).status_code == 403
    assert (await client.get("/admin/audit/export.csv", follow_redirects=False)).status_code == 403
