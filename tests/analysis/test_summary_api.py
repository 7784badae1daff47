"""``GET /api/evaluate/summary`` on synthetic responses: figures, suppression, refusals."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
import pytest
from bs4 import BeautifulSoup
from litestar import Litestar
from litestar.testing import AsyncTestClient

from analysis import periods
from survey import synthetic
from survey.app import create_app
from survey.db import Connection
from survey.settings import Settings
from tests.analysis.support import SpanAttack
from tests.support import make_account, raw_token, sign_in

Client = AsyncTestClient[Litestar]
TODAY = date(2026, 11, 21)

pytestmark = pytest.mark.demo_data(responses=2500, seed=5, today=TODAY)  # shared with the dashboard tests


@pytest.fixture
async def evaluator(database_url: str) -> dict[str, str]:
    account = await make_account(database_url, "eva", ["evaluator"])
    return {"authorization": f"Bearer {await raw_token(database_url, account.id)}"}


async def summary(client: Client, headers: dict[str, str], **params: str) -> dict[str, Any]:
    response = await client.get("/api/evaluate/summary", params={"survey": "1", **params}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_overall_summary_matches_the_database(
    client: Client, evaluator: dict[str, str], conn: Connection
) -> None:
    body = await summary(client, evaluator)
    who5 = next(row for row in body["rows"] if row["measure"] == "who5")
    expected = await conn.fetchrow(
        "SELECT count(*) AS n, avg(value) AS mean FROM measure_score WHERE measure = 'who5'"
    )
    assert expected is not None
    assert body["k"] == 11
    assert who5["n"] == expected["n"]
    assert who5["mean"] == pytest.approx(expected["mean"])
    assert who5["ci_low"] < who5["mean"] < who5["ci_high"]
    assert who5["ci_method"] == "bootstrap BCa"


async def test_small_groups_carry_no_figures_only_their_label(
    client: Client, evaluator: dict[str, str]
) -> None:
    body = await summary(client, evaluator, group_by="site,period")
    hidden = [row for row in body["rows"] if row["suppressed"]]
    small = [row for row in hidden if row["site"] == synthetic.SMALL_SITE]
    assert small, "the small outreach site's months must be hidden"
    assert {row["hidden"] for row in small} == {"fewer than k"}
    assert all(row["n"] is None and row["mean"] is None and row["sd"] is None for row in hidden)
    assert {row["hidden"] for row in hidden} <= {"fewer than k", "hidden to protect a smaller group"}


async def test_periods_filter_and_group(client: Client, evaluator: dict[str, str]) -> None:
    quarter = await summary(client, evaluator, group_by="period", period="2026-Q3")
    assert sorted({row["period"] for row in quarter["rows"]}) == ["2026-07", "2026-08", "2026-09"]
    spanned = await summary(client, evaluator, group_by="period", **{"from": "2026-07", "to": "2026-09"})
    assert spanned == quarter, "from/to spanning a quarter is that quarter"
    year = await summary(client, evaluator, period="2026")
    assert {row["period"] for row in year["rows"]} == {"2026"}


@pytest.mark.parametrize(
    ("params", "field"),
    [({"group_by": "site,period,language"}, "group_by"), ({"group_by": "colour"}, "group_by")],
)
async def test_bad_parameters_are_400_naming_them(
    client: Client, evaluator: dict[str, str], params: dict[str, str], field: str
) -> None:
    response = await client.get("/api/evaluate/summary", params={"survey": "1", **params}, headers=evaluator)
    assert response.status_code == 400
    assert field in response.text


async def test_a_bad_period_is_refused(client: Client, evaluator: dict[str, str]) -> None:
    response = await client.get(
        "/api/evaluate/summary", params={"survey": "1", "from": "last year"}, headers=evaluator
    )
    assert response.status_code == 400
    assert "from" in response.text


BIGINT_PAST = str(2**63)
OUT_OF_RANGE = [
    pytest.param({"survey": BIGINT_PAST}, "survey", id="survey-past-bigint"),
    pytest.param({"survey": "0"}, "survey", id="survey-zero"),
    pytest.param({"survey": "1", "from": "2026-13"}, "from", id="month-13"),
    pytest.param({"survey": "1", "from": "2026-00"}, "from", id="month-0"),
    pytest.param({"survey": "1", "to": "9999-99"}, "to", id="month-99"),
    pytest.param({"survey": "1", "from": "2026-W01"}, "from", id="week-on-a-month-program"),
    pytest.param({"survey": "1", "to": "2026-11-01"}, "to", id="a-day"),
    pytest.param({"survey": "1", "from": "2026-01", "to": "2026-02"}, "to", id="two-months"),
    pytest.param({"survey": "1", "from": "2026-03", "to": "2026-01"}, "to", id="reversed"),
    pytest.param({"survey": "1", "from": "2026-01"}, "to", id="open-end"),
    pytest.param({"survey": "1", "period": "2026-Q5"}, "period", id="no-such-quarter"),
    pytest.param({"survey": "1", "period": "2026-W05"}, "period", id="week-period-on-a-month-program"),
    pytest.param({"survey": "1", "period": "2026", "from": "2026-01"}, "from", id="period-and-from"),
]


def named_fields(body: dict[str, Any]) -> set[str]:
    """The fields a JSON error names: ours as ``extra.field``, Litestar's as ``extra[].key``."""
    extra = body.get("extra")
    if isinstance(extra, dict):
        return {extra["field"]}
    return {problem["key"] for problem in extra or []}


@pytest.mark.parametrize(("params", "field"), OUT_OF_RANGE)
async def test_out_of_range_ids_and_periods_are_400_naming_them(
    client: Client, evaluator: dict[str, str], params: dict[str, str], field: str
) -> None:
    response = await client.get("/api/evaluate/summary", params=params, headers=evaluator)
    assert response.status_code == 400, response.text
    assert named_fields(response.json()) == {field}


async def test_a_week_program_takes_weeks_and_refuses_months(
    settings: Settings, evaluator: dict[str, str]
) -> None:
    weekly = create_app(msgspec.structs.replace(settings, period="week"))
    async with AsyncTestClient(app=weekly) as client:
        week = await client.get(
            "/api/evaluate/summary", params={"survey": "1", "period": "2026-W01"}, headers=evaluator
        )
        one_week = await client.get(
            "/api/evaluate/summary",
            params={"survey": "1", "from": "2026-W01", "to": "2026-W01"},
            headers=evaluator,
        )
        month = await client.get(
            "/api/evaluate/summary",
            params={"survey": "1", "from": "2026-11", "to": "2026-11"},
            headers=evaluator,
        )
        no_such_week = await client.get(
            "/api/evaluate/summary", params={"survey": "1", "period": "2025-W53"}, headers=evaluator
        )
    assert week.status_code == 200, week.text
    assert one_week.json() == week.json()
    assert (month.status_code, named_fields(month.json())) == (400, {"from"})
    assert (no_such_week.status_code, named_fields(no_such_week.json())) == (400, {"period"})


@pytest.fixture
async def signed_in_evaluator(client: Client, database_url: str) -> Client:
    await make_account(database_url, "evan", ["evaluator"])
    await sign_in(client, "evan")
    return client


@pytest.mark.parametrize("path", ["/evaluate", "/evaluate/report", "/evaluate/export"])
@pytest.mark.parametrize(("params", "field"), OUT_OF_RANGE)
async def test_the_dashboard_report_and_exports_refuse_the_same_and_record_nothing(
    signed_in_evaluator: Client, conn: Connection, path: str, params: dict[str, str], field: str
) -> None:
    audited = await conn.fetchval("SELECT count(*) FROM audit_event WHERE action = 'export'")
    response = await signed_in_evaluator.get(path, params={**params, "format": "json"})
    assert response.status_code == 400
    page = BeautifulSoup(response.text, "html.parser")
    named = {strong.get_text() for strong in page.select(".problems strong")}
    detail = page.select_one(".error-detail")
    assert detail is not None
    assert named == {field} or detail.get_text().startswith(f"{field} takes")
    assert await conn.fetchval("SELECT count(*) FROM audit_event WHERE action = 'export'") == audited


async def test_the_dashboard_offers_reporting_periods_and_takes_weeks_on_a_week_program(
    settings: Settings, signed_in_evaluator: Client
) -> None:
    page = BeautifulSoup((await signed_in_evaluator.get("/evaluate?period=2026-Q3")).text, "html.parser")
    offered = [option["value"] for option in page.select("#f-period option")]
    assert offered[:2] == ["all", "2025"]
    assert {"2026", "2026-Q3", "2026-09"} <= set(offered)
    chosen = page.select_one("#f-period option[selected]")
    assert chosen is not None
    assert (chosen["value"], chosen.get_text()) == ("2026-Q3", "2026 Q3 (July to September)")
    weekly = create_app(msgspec.structs.replace(settings, period="week"))
    async with AsyncTestClient(app=weekly) as client:
        await sign_in(client, "evan")
        assert (await client.get("/evaluate", params={"period": "2026-W40"})).status_code == 200
    assert (await signed_in_evaluator.get("/evaluate", params={"period": "2026-W40"})).status_code == 400


async def test_no_combination_of_views_recovers_a_small_group(
    client: Client, evaluator: dict[str, str], conn: Connection
) -> None:
    """The issue's attack over every view the API offers.

    Every shown figure of every reporting period and grouping is collected; each hidden small group (and
    each small finest cell) must stay out of their linear span, so no sum or difference of them gives it.
    """
    cells = [
        (row["site"], row["language"], row["version"], row["period"], row["n"])
        for row in await conn.fetch(
            "SELECT s.name AS site, r.language, v.number AS version, r.period, count(*) AS n"
            " FROM measure_score m JOIN response r ON r.id = m.response_id"
            " JOIN survey_version v ON v.id = r.survey_version_id JOIN site s ON s.id = r.site_id"
            " WHERE m.measure = 'who5' GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
        )
    ]
    attack = SpanAttack(cells, {"site": 0, "language": 1, "version": 2})
    for period in periods.offered(sorted({cell[3] for cell in cells})):
        for group_by in ("", "site", "language", "version"):
            body = await summary(client, evaluator, period=period, group_by=group_by)
            for row in body["rows"]:
                if row["measure"] == "who5":
                    attack.view(period, group_by, row)
    assert attack.small, "the small site's groups are among the views"
    assert attack.recovered() == []


async def test_a_grouping_of_two_dimensions_must_include_the_period(
    client: Client, evaluator: dict[str, str]
) -> None:
    response = await client.get(
        "/api/evaluate/summary", params={"survey": "1", "group_by": "site,language"}, headers=evaluator
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("group_by takes one of"), detail
    assert detail.endswith("or one of them and period"), detail
    allowed = await client.get(
        "/api/evaluate/summary", params={"survey": "1", "group_by": "site,period"}, headers=evaluator
    )
    assert allowed.status_code == 200, "with the period, the same two-way grouping is shown"
    rows = allowed.json()["rows"]
    assert rows
    assert all(row["site"] and row["period"] for row in rows), "each row names both its site and period"


async def test_empty_period_fields_mean_no_bound(
    client: Client, evaluator: dict[str, str], conn: Connection
) -> None:
    body = await summary(client, evaluator, **{"from": "", "to": ""})
    every_score = {
        row["measure"]: row["n"]
        for row in await conn.fetch("SELECT measure, count(*) AS n FROM measure_score GROUP BY measure")
    }
    assert set(every_score) == {"who5", "k6"}
    assert {row["measure"]: row["n"] for row in body["rows"]} == every_score, "all twelve months count"
    assert body == await summary(client, evaluator), "the same table as with no period fields at all"
