"""The SSP indicator table, attacked: small counts, sums that would give them away, overlapping answers."""

from __future__ import annotations

import io
import json
import time
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import msgspec
import numpy as np
import pytest
from frictionless import validate as validate_package
from litestar import Litestar
from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from analysis import (
    exports,
    indicator_audit,
    indicator_queries,
    indicators,
    protected,
    protected_store,
    queries,
    tables,
)
from analysis.disclosure_audit import FEWER_THAN_K, PROTECTS
from analysis.indicators import IndicatorRow
from questions import versions
from questions.bank import indicator_pack, program_items
from questions.demo import DEMO_SURVEY_NAME
from questions.schemas import SurveyDefinition
from survey import response_queries
from survey.db import Connection

Client = AsyncTestClient[Litestar]
K = 11
KEYS = [
    "naloxone_carried",
    "naloxone_received",
    "naloxone_used",
    "overdose_seen",
    "overdose_reversed",
    "services_used",
    "treated_with_respect",
    "say_in_program",
]
EAST, WEST = "Eastside Drop-in Centre", "Westside Van"
NUMERATORS = {indicator.key: indicator.numerator for indicator in indicator_pack().indicators}


async def publish_pack(conn: Connection) -> int:
    """A survey of the pack's questions, published (as the demo seed may: this database has no demo)."""
    bank = {question.key: question for question in program_items()}
    definition = SurveyDefinition(
        title={"en": "SSP", "es": "SSP"}, languages=["en", "es"], questions=[bank[key] for key in KEYS]
    )
    survey_id = await versions.create_survey(
        conn, name=DEMO_SURVEY_NAME, definition=definition, actor_id=None
    )
    await versions.publish(conn, survey_id, actor_id=None, approval=versions.Approval(basis="demo_seed"))
    return survey_id


async def add(conn: Connection, site: str, period: str, answers: Sequence[Mapping[str, object]]) -> None:
    """One response per answer set at ``site`` in ``period``."""
    await conn.execute("INSERT INTO site (name) VALUES ($1) ON CONFLICT DO NOTHING", site)
    site_id = await conn.fetchval("SELECT id FROM site WHERE name = $1", site)
    version_id = await conn.fetchval("SELECT max(id) FROM survey_version")
    ids = [uuid.uuid4() for _ in answers]
    responses = [(i, version_id, site_id, "en", period, None, i.hex) for i in ids]
    rows = [(i, key, value) for i, given in zip(ids, answers, strict=True) for key, value in given.items()]
    async with conn.transaction():
        await response_queries.copy_responses(conn, responses, rows, [])


async def indicator_rows(conn: Connection, survey_id: int, period: str = "all") -> list[IndicatorRow]:
    kept, definition = await protected_store.load(conn, survey_id, K)
    answered = await indicators.answered_figures(conn, kept, definition)
    return indicators.rows(kept, definition, period, answered)


def numbers(row: IndicatorRow) -> list[object]:
    return [row.count, row.answered, row.share, row.ci_low, row.ci_high]


async def test_a_count_below_k_hides_its_indicator_and_no_total_gives_it_away(conn: Connection) -> None:
    survey_id = await publish_pack(conn)
    carried = ["always"] * 16 + ["often"] * 12 + ["never"] * 3 + ["prefer_not_to_say"] * 2
    await add(
        conn, EAST, "2026-01", [{"naloxone_carried": c, "treated_with_respect": "always"} for c in carried]
    )
    kept = await protected_store.current(conn, survey_id, K)
    assert kept.item_figures("naloxone_carried", "all")["never"].hidden == FEWER_THAN_K
    found = await indicator_rows(conn, survey_id)
    carried_rows = [row for row in found if row.indicator == "naloxone_carried"]
    assert {row.period for row in carried_rows} == {"all", "2026", "2026-Q1", "2026-01"}
    for row in carried_rows:
        assert row.suppressed
        assert row.hidden == FEWER_THAN_K
        assert numbers(row) == [None] * 5, "31 answerers less 28 shown would be the 3 who said never"
    respect = next(row for row in found if row.indicator == "treated_with_respect" and row.period == "all")
    assert not respect.suppressed
    assert (respect.count, respect.answered, respect.share) == (33, 33, 1.0)
    assert respect.ci_low is not None
    assert 0.89 < respect.ci_low < 0.9
    assert respect.ci_high == 1.0
    assert respect.numerator == "Always | Often"


async def test_every_shown_pick_one_figure_is_a_sum_the_set_already_shows(conn: Connection) -> None:
    survey_id = await publish_pack(conn)
    rng = np.random.default_rng(7)
    choices = {
        "naloxone_carried": (
            ["always", "often", "sometimes", "rarely", "never"],
            [0.4, 0.3, 0.15, 0.1, 0.05],
        ),
        "treated_with_respect": (
            ["always", "often", "sometimes", "rarely", "never"],
            [0.6, 0.3, 0.06, 0.03, 0.01],
        ),
        "say_in_program": (["a_lot", "some", "no", "prefer_not_to_say"], [0.3, 0.4, 0.25, 0.05]),
        "naloxone_received": (["yes", "no"], [0.7, 0.3]),
    }
    for month, size in zip(
        ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"],
        [40, 25, 8, 60, 30, 14],
        strict=True,
    ):
        for site in (EAST, WEST):
            answers = [
                {key: str(rng.choice(codes, p=p)) for key, (codes, p) in choices.items()}
                for _ in range(size if site == EAST else size // 3)
            ]
            await add(conn, site, month, answers)
    kept, definition = await protected_store.load(conn, survey_id, K)
    found = await indicator_rows(conn, survey_id)
    assert any(not row.suppressed for row in found)
    assert any(row.suppressed for row in found)
    for row in found:
        question = definition.question(row.question)
        assert question is not None
        figures = kept.item_figures(row.question, row.period)
        parts = [figures.get(str(code)) for code in question.option_codes]
        if row.suppressed:
            assert numbers(row) == [None] * 5
            hidden = {f.hidden for f in parts if f is not None and f.count is None}
            assert row.hidden in hidden, "a hidden row gives the reason of a count the set hides"
            continue
        assert all(f is None or f.count is not None for f in parts), "shown only when every count is shown"
        counted = [figures.get(code) for code in NUMERATORS[row.indicator]]
        assert row.count == sum(f.count or 0 for f in counted if f is not None)
        assert row.answered == sum(f.count or 0 for f in parts if f is not None)
    quarter = await indicator_rows(conn, survey_id, "2026-Q1")
    assert {row.period for row in quarter} == {"2026-Q1", "2026-01", "2026-02", "2026-03"}


async def test_a_select_all_share_that_would_narrow_a_small_count_is_not_published(conn: Connection) -> None:
    survey_id = await publish_pack(conn)
    await add(
        conn, EAST, "2026-02", [{"services_used": ["supplies"]}] * 25 + [{"services_used": ["testing"]}] * 5
    )
    kept = await protected_store.current(conn, survey_id, K)
    assert kept.item_figures("services_used", "all")["testing"].hidden == FEWER_THAN_K
    # The attack: 30 answered and 25 picked supplies, so at least 5 picked testing (its label says 1 to 10).
    cells = await indicator_queries.answered_cells(conn, survey_id, ["services_used"])
    options = await queries.answer_cells(conn, survey_id, ["services_used"])
    shown = protected.build_items(cells, K)
    assert {f.count for f in shown} == {30}
    published = indicators._published(kept, "services_used", options, shown, cells)
    attack = indicator_audit.audit("services_used", options, cells, published, K)
    assert not attack.passed
    assert {round(f.low) for f in attack.failures} == {5}
    found = await indicator_rows(conn, survey_id)
    supplies = [row for row in found if row.indicator == "services_supplies"]
    assert supplies
    assert all(row.suppressed and row.hidden == PROTECTS and numbers(row) == [None] * 5 for row in supplies)
    testing = [row for row in found if row.indicator == "services_testing"]
    assert all(row.hidden == FEWER_THAN_K for row in testing)


async def test_a_select_all_share_is_shown_when_the_joint_audit_passes(conn: Connection) -> None:
    survey_id = await publish_pack(conn)
    picks: list[dict[str, object]] = [{"services_used": ["supplies"]} for _ in range(2)]
    picks += [{"services_used": ["supplies", "testing"]} for _ in range(20)]
    picks += [{"services_used": ["supplies", "wound_care"]} for _ in range(15)]
    picks += [{"services_used": ["supplies", "other_help"]} for _ in range(3)]
    picks += [{"services_used": "prefer_not_to_say"} for _ in range(4)]
    await add(conn, WEST, "2026-03", picks)
    kept, definition = await protected_store.load(conn, survey_id, K)
    answered = await indicators.answered_figures(conn, kept, definition)
    assert {(f.period, f.count) for f in answered} == {(p, 40) for p in ("all", "2026", "2026-Q1", "2026-03")}
    found = {
        row.indicator: row
        for row in indicators.rows(kept, definition, "all", answered)
        if row.period == "all"
    }
    assert (found["services_supplies"].count, found["services_supplies"].answered) == (40, 40)
    assert (found["services_testing"].count, found["services_testing"].share) == (20, 0.5)
    assert found["services_wound_care"].share == 15 / 40
    assert found["services_other_help"].hidden == FEWER_THAN_K
    assert found["services_other_help"].count is None


async def test_the_indicator_table_is_in_every_export(
    evaluator_client: Client, conn: Connection, tmp_path: Path
) -> None:
    survey_id = await publish_pack(conn)
    await add(conn, EAST, "2026-01", [{"naloxone_carried": "always", "services_used": ["supplies"]}] * 12)
    await add(conn, EAST, "2026-02", [{"naloxone_carried": "never", "services_used": ["testing"]}] * 4)
    params = {"survey": str(survey_id)}
    expected = msgspec.to_builtins(await indicator_rows(conn, survey_id))
    assert expected
    body = json.loads(
        (await evaluator_client.get("/evaluate/export", params={**params, "format": "json"})).content
    )
    assert body["indicators"] == expected
    bundle = await evaluator_client.get("/evaluate/export", params={**params, "format": "zip"})
    zipfile.ZipFile(io.BytesIO(bundle.content)).extractall(tmp_path)
    report = validate_package(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    lines = (tmp_path / "indicators.csv").read_text().splitlines()
    assert lines[0].split(",")[:3] == ["indicator", "name", "funder_indicator"]
    assert len(lines) == len(expected) + 1
    hidden = [line for line in lines[1:] if ",true,fewer than k," in line]
    assert hidden, "the month of 4 is hidden with its reason"
    book = load_workbook(
        io.BytesIO(
            (await evaluator_client.get("/evaluate/export", params={**params, "format": "xlsx"})).content
        )
    )
    sheet = book["indicators"]
    assert [cell.value for cell in sheet[1]][:2] == ["indicator", "name"]
    assert sheet.max_row == len(expected) + 1


async def test_the_export_writers_carry_the_indicator_table_with_its_data_dictionary(
    conn: Connection,
) -> None:
    survey_id = await publish_pack(conn)
    await add(conn, EAST, "2026-01", [{"say_in_program": "a_lot"}] * 9 + [{"say_in_program": "no"}] * 14)
    built = await tables.build(conn, survey_id, group_by=[], period="all", k=K)
    pack = await indicators.table(conn, built)
    assert [(row.indicator, row.period, row.hidden) for row in pack][:1] == [
        ("say_in_program", "all", FEWER_THAN_K)
    ]
    package = exports.datapackage(built, pack)
    resource = next(r for r in package["resources"] if r["name"] == "indicators")
    assert [field["name"] for field in resource["schema"]["fields"]] == [
        n for n, _, _ in indicators.INDICATOR_FIELDS
    ]
    with zipfile.ZipFile(io.BytesIO(exports.zip_bundle(built, pack))) as bundle:
        assert "indicators.csv" in bundle.namelist()
        assert len(bundle.read("indicators.csv").decode().splitlines()) == len(pack) + 1
    assert "indicators" in load_workbook(io.BytesIO(exports.workbook(built, pack))).sheetnames
    assert json.loads(exports.as_json(built, pack))["indicators"] == msgspec.to_builtins(pack)


async def test_a_year_of_select_all_answers_at_two_sites_is_audited_in_seconds(conn: Connection) -> None:
    survey_id = await publish_pack(conn)
    rng = np.random.default_rng(11)
    options = ["supplies", "test_strips", "testing", "wound_care", "treatment", "other_help", "none"]
    chance = np.array([0.85, 0.4, 0.15, 0.1, 0.05, 0.2, 0.03])
    for month in range(1, 13):
        for site, size in ((EAST, 200), (WEST, 12)):
            answers: list[dict[str, object]] = []
            for _ in range(size):
                picked = [o for o, p in zip(options, chance, strict=True) if rng.random() < p] or ["none"]
                answers.append({"services_used": picked})
            await add(conn, site, f"2026-{month:02d}", answers)
    kept, definition = await protected_store.load(conn, survey_id, K)
    started = time.perf_counter()
    answered = await indicators.answered_figures(conn, kept, definition)
    seconds = time.perf_counter() - started
    found = indicators.rows(kept, definition, "all", answered)
    shown = [row for row in found if not row.suppressed]
    print(
        f"\n2,544 select-all answers, 24 cells: answerer counts protected and audited in {seconds:.2f} s; "
        f"{len(shown)} of {len(found)} indicator rows shown"
    )
    assert {f.count for f in answered if f.period == "all"} == {2544}
    assert any(row.indicator == "services_treatment" and row.suppressed for row in found)
    assert seconds < 120
    started = time.perf_counter()
    assert await indicators.answered_figures(conn, kept, definition) == answered
    again = time.perf_counter() - started
    print(f"read again for the same responses: {again * 1000:.0f} ms (decided once per state)")
    assert again < 1.0


@pytest.mark.demo_data(responses=2500, seed=5, today=date(2026, 11, 21))
async def test_the_demo_survey_reports_the_indicators_it_asks(conn: Connection) -> None:
    survey_id: int = await conn.fetchval("SELECT max(survey_id) FROM survey_version")
    built = await tables.build(conn, survey_id, group_by=[], period="all", k=K)
    started = time.perf_counter()
    found = await indicators.table(conn, built)
    seconds = time.perf_counter() - started
    print(f"\ndemo, 2,500 responses: {len(found)} indicator rows in {seconds * 1000:.0f} ms")
    whole = {row.indicator: row for row in found if row.period == "all"}
    # Synthetic responses leave out questions shown by skip logic (overdose_reversed).
    assert set(whole) == {"naloxone_carried", "overdose_witnessed", "treated_with_respect"}
    assert all(not row.suppressed and row.share is not None for row in whole.values())
    kept = await protected_store.current(conn, survey_id, K)
    carried = kept.item_figures("naloxone_carried", "all")
    assert whole["naloxone_carried"].count == (carried["always"].count or 0) + (carried["often"].count or 0)
