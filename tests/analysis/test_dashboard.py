"""The evaluator's dashboard, report and exports on synthetic responses: what shows, what is hidden."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from frictionless import validate
from litestar import Litestar
from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from survey import synthetic
from survey.db import Connection

Client = AsyncTestClient[Litestar]
TODAY = date(2026, 11, 21)

pytestmark = pytest.mark.demo_data(responses=2500, seed=5, today=TODAY)


async def test_the_dashboard_shows_cards_charts_and_hides_small_groups(evaluator_client: Client) -> None:
    response = await evaluator_client.get("/evaluate", params={"group_by": "site,period"})
    page = BeautifulSoup(response.text, "html.parser")
    assert response.status_code == 200
    assert [card["data-measure"] for card in page.select("section.measure")] == ["who5", "k6"]
    charts = page.select("figure.chart")
    assert [chart["data-chart"] for chart in charts] == [
        "who5-by-period",
        "who5-by-site",
        "k6-by-period",
        "k6-by-site",
    ]
    for chart in charts:
        image = chart.select_one("img")
        assert image is not None
        assert str(image["src"]).startswith(f"/evaluate/charts/{chart['data-chart']}.svg?survey=")
        assert "n = " in image["alt"], "the description names each point's n"
        assert [a.get_text() for a in chart.select("a[download]")] == ["SVG", "PNG"]
    small_bar = page.select_one("section[data-measure=who5] figure[data-chart=who5-by-site] img")
    assert small_bar is not None
    assert f"{synthetic.SMALL_SITE}: not shown (" in small_bar["alt"], (
        "a hidden site is a gap with its reason"
    )
    by_site = page.select("section[data-measure=who5] table.by-site tbody tr")
    assert synthetic.SMALL_SITE in [row.th.get_text() for row in by_site if row.th]
    hidden = page.select('#grouped tr[data-suppressed="true"]')
    small = [row for row in hidden if synthetic.SMALL_SITE in row.get_text()]
    assert small
    assert all(row.select_one('[data-hidden="small"]') for row in small), "the small site says fewer than k"
    for row in hidden:
        label = row.select_one(".hidden-figure")
        assert label is not None
        assert label.get_text() in {
            "fewer than 11",
            "hidden to protect a smaller group",
            "too few responses to break down this way",
        }


async def test_filters_swap_only_the_results_by_htmx(evaluator_client: Client) -> None:
    response = await evaluator_client.get(
        "/evaluate", params={"period": "2026-Q3"}, headers={"HX-Request": "true"}
    )
    fragment = BeautifulSoup(response.text, "html.parser")
    assert fragment.select_one("html") is None
    assert fragment.select_one("#results") is not None
    months = [
        row.select("th")[0].get_text()
        for row in fragment.select("section[data-measure=who5] table.by-period tbody tr")
    ]
    assert months == ["July 2026", "August 2026", "September 2026"]


async def test_the_zip_export_is_a_valid_data_package(
    evaluator_client: Client, conn: Connection, tmp_path: Path
) -> None:
    response = await evaluator_client.get(
        "/evaluate/export", params={"format": "zip", "group_by": "site,period"}
    )
    assert response.status_code == 200
    zipfile.ZipFile(io.BytesIO(response.content)).extractall(tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    summary_csv = (tmp_path / "summary.csv").read_text()
    assert synthetic.SMALL_SITE in summary_csv
    assert await conn.fetchval("SELECT count(*) FROM audit_event WHERE action = 'export'") == 1


async def test_the_workbook_has_a_readme_and_a_sheet_per_table(evaluator_client: Client) -> None:
    response = await evaluator_client.get("/evaluate/export", params={"format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "README",
        "summary",
        "overall",
        "bands",
        "items",
        "numbers",
        "comparisons",
        "trends",
        "item_comparisons",
        "linked",
        "reliability",
        "indicators",
    ]
    assert book["README"]["A2"].value == "k"
    summary = book["summary"]
    assert summary.freeze_panes == "A2"
    assert summary["A1"].value == "measure"
    mean_column = [cell.value for cell in summary[1]].index("mean") + 1
    assert summary.cell(row=2, column=mean_column).number_format == "0.00"


async def test_the_json_export_hides_what_the_page_hides(evaluator_client: Client) -> None:
    response = await evaluator_client.get(
        "/evaluate/export", params={"format": "json", "group_by": "site,period"}
    )
    body = json.loads(response.content)
    small = [row for row in body["grouped"]["rows"] if row["site"] == synthetic.SMALL_SITE]
    assert small
    assert all(row["suppressed"] and row["n"] is None and row["mean"] is None for row in small)


async def test_the_printable_report_has_the_methods(evaluator_client: Client) -> None:
    page = BeautifulSoup((await evaluator_client.get("/evaluate/report")).text, "html.parser")
    assert "Mann-Whitney" in page.select(".methods")[0].get_text()
    assert len(page.select("section.measure")) == 2


async def test_a_swap_pushes_the_whole_view_to_the_address_bar(evaluator_client: Client) -> None:
    swapped = await evaluator_client.get(
        "/evaluate", params={"period": "2026-Q3", "group_by": "period"}, headers={"HX-Request": "true"}
    )
    pushed = swapped.headers["hx-push-url"]
    assert pushed.startswith("/evaluate?survey=")
    assert "period=2026-Q3" in pushed
    assert "group_by=period" in pushed
    assert "HX-Request" in swapped.headers["vary"]
    shared = BeautifulSoup((await evaluator_client.get(pushed)).text, "html.parser")
    fragment = BeautifulSoup(swapped.text, "html.parser")
    period = shared.select_one("#f-period option[selected]")
    assert period is not None
    assert period["value"] == "2026-Q3", "a shared link opens the same view"
    assert shared.select_one("#grouped") is not None
    assert str(shared.select_one("#grouped")) == str(fragment.select_one("#grouped"))


async def test_history_restore_gets_the_whole_page(evaluator_client: Client) -> None:
    restored = await evaluator_client.get(
        "/evaluate",
        params={"period": "2026-Q3"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    page = BeautifulSoup(restored.text, "html.parser")
    assert page.select_one("html") is not None
    assert page.select_one("#loading[role=status]") is not None
    assert page.select_one("#dashboard[hx-history=false]") is not None
    assert "hx-push-url" not in restored.headers


async def test_linked_pairs_are_matched_and_compared(evaluator_client: Client) -> None:
    body = json.loads((await evaluator_client.get("/evaluate/export", params={"format": "json"})).content)
    who5 = next(row for row in body["linked"] if row["measure"] == "who5")
    assert who5["pairs"] >= 11
    assert who5["shift"] > 0, "the synthetic well-being rises over the year"
    assert set(who5) & {"exact", "one_part_different", "improved"} == set(), "no count below k can show"


@pytest.mark.demo_data(responses=8, seed=1, today=TODAY)
async def test_a_hidden_total_hides_band_shares_and_reliability(evaluator_client: Client) -> None:
    body = json.loads((await evaluator_client.get("/evaluate/export", params={"format": "json"})).content)
    assert all(row["suppressed"] for row in body["overall"]["rows"])
    assert all(band["count"] is None and band["share"] is None for band in body["bands"])
    assert all(row["alpha"] is None for row in body["reliability"])


async def test_any_two_periods_compare_and_a_reversed_pair_says_so(evaluator_client: Client) -> None:
    body = json.loads(
        (
            await evaluator_client.get(
                "/evaluate/export", params={"format": "json", "before": "2026-Q1", "after": "2026-Q3"}
            )
        ).content
    )
    who5 = next(row for row in body["comparisons"] if row["measure"] == "who5")
    assert (who5["before"], who5["after"]) == ("2026-Q1", "2026-Q3")
    assert who5["result"]["n_before"] >= 33, "both quarters are large enough to compare"
    reversed_pair = json.loads(
        (
            await evaluator_client.get(
                "/evaluate/export", params={"format": "json", "before": "2026-Q3", "after": "2026-Q1"}
            )
        ).content
    )
    assert all(
        row["result"] is None and "other way round" in row["note"] for row in reversed_pair["comparisons"]
    )
    trend = next(row for row in body["trends"] if row["measure"] == "who5")
    assert trend["points"] >= 3
    assert trend["slope"] > 0, "the synthetic well-being rises over the year"
    bad = await evaluator_client.get("/evaluate", params={"before": "2026-Q5"})
    assert bad.status_code == 400


async def test_figures_are_the_same_on_every_load(evaluator_client: Client) -> None:
    first = (await evaluator_client.get("/evaluate/export", params={"format": "json"})).content
    again = (await evaluator_client.get("/evaluate/export", params={"format": "json"})).content
    assert json.loads(first) == json.loads(again)


async def test_csv_cells_that_would_run_as_formulas_are_neutralised(
    evaluator_client: Client, conn: Connection, tmp_path: Path
) -> None:
    await conn.execute(
        "UPDATE site SET name = '=HYPERLINK(\"http://example.org\")' WHERE name = $1",
        "Eastside Drop-in Centre",
    )
    await conn.execute("UPDATE analysis_revision SET revision = revision + 1")
    response = await evaluator_client.get("/evaluate/export", params={"format": "zip", "group_by": "site"})
    zipfile.ZipFile(io.BytesIO(response.content)).extractall(tmp_path)
    cells = [cell for line in (tmp_path / "summary.csv").read_text().splitlines() for cell in line.split(",")]
    assert not any(cell.lstrip('"').startswith("=") for cell in cells)
    assert any(cell.lstrip('"').startswith("'=HYPERLINK") for cell in cells)


async def test_number_answers_show_through_the_protected_set(evaluator_client: Client) -> None:
    page = BeautifulSoup((await evaluator_client.get("/evaluate")).text, "html.parser")
    rows = page.select("#numbers tbody tr")
    assert rows, "the demo's number question is summarised"
    shown = [row for row in rows if row["data-suppressed"] == "false"]
    assert shown
    assert all(int(row.select("td")[0].get_text()) >= 11 for row in shown)
