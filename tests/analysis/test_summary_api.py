"""``GET /api/evaluate/summary`` on synthetic responses: figures, suppression, refusals."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
import pytest
from bs4 import BeautifulSoup
from litestar import Litestar
from litestar.testing import AsyncTestClient

from survey import synthetic
from survey.app import create_app
from survey.db import Connection
from survey.settings import Settings
from tests.support import make_account, raw_token, sign_in

Client = AsyncTestClient[Litestar]
TODAY = date(2026, 11, 21)

pytestmark = pytest.mark.demo_data(responses=3000, seed=3, today=TODAY)


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


async def test_small_groups_and_what_would_reveal_them_carry_no_figures(
    client: Client, evaluator: dict[str, str]
) -> None:
    body = await summary(client, evaluator, group_by="site,period")
    hidden = [row for row in body["rows"] if row["suppressed"]]
    small = [row for row in hidden if row["site"] == synthetic.SMALL_SITE]
    assert small, "the small outreach site's months must be hidden"
    assert all(set(row) >= {"n", "mean"} and row["n"] is None and row["mean"] is None for row in hidden)
    for measure in ("who5", "k6"):
        for period in {row["period"] for row in small}:
            same_period = [r for r in hidden if r["measure"] == measure and r["period"] == period]
            assert len(same_period) != 1, "one hidden group in a period could be recovered from the total"


async def test_periods_filter_and_group(client: Client, evaluator: dict[str, str]) -> None:
    body = await summary(client, evaluator, group_by="period", **{"from": "2026-06", "to": "2026-11"})
    periods = sorted({row["period"] for row in body["rows"]})
    assert periods == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]


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
        weeks = await client.get(
            "/api/evaluate/summary", params={"survey": "1", "from": "2026-W01"}, headers=evaluator
        )
        month = await client.get(
            "/api/evaluate/summary", params={"survey": "1", "to": "2026-11"}, headers=evaluator
        )
        no_such_week = await client.get(
            "/api/evaluate/summary", params={"survey": "1", "to": "2025-W53"}, headers=evaluator
        )
    assert weeks.status_code == 200, weeks.text
    assert (month.status_code, named_fields(month.json())) == (400, {"to"})
    assert (no_such_week.status_code, named_fields(no_such_week.json())) == (400, {"to"})


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


async def test_the_dashboard_asks_for_weeks_on_a_week_program(settings: Settings, database_url: str) -> None:
    await make_account(database_url, "evan", ["evaluator"])
    weekly = create_app(msgspec.structs.replace(settings, period="week"))
    async with AsyncTestClient(app=weekly) as client:
        await sign_in(client, "evan")
        response = await client.get("/evaluate", params={"from": "2026-W40"})
    assert response.status_code == 200, response.text
    field = BeautifulSoup(response.text, "html.parser").select_one("#f-from")
    assert field is not None
    assert (field["type"], field["value"]) == ("week", "2026-W40")


async def test_two_ranges_never_reveal_a_hidden_month_by_subtraction(
    client: Client, evaluator: dict[str, str]
) -> None:
    by_month = await summary(client, evaluator, group_by="site,period")
    small_months = sorted(
        {r["period"] for r in by_month["rows"] if r["site"] == synthetic.SMALL_SITE and r["suppressed"]}
    )
    assert small_months, "the small site's months are hidden"
    whole = await summary(client, evaluator, group_by="site")
    later = await summary(client, evaluator, group_by="site", **{"from": small_months[-1]})
    for body in (whole, later):
        small = [r for r in body["rows"] if r["site"] == synthetic.SMALL_SITE]
        assert small
        assert all(r["suppressed"] for r in small), "a range holding a hidden month shows nothing"


async def test_a_grouping_of_two_dimensions_must_include_the_period(
    client: Client, evaluator: dict[str, str]
) -> None:
    response = await client.get(
        "/api/evaluate/summary", params={"survey": "1", "group_by": "site,language"}, headers=evaluator
    )
    assert response.status_code == 400


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
