"""Retention, attacked: figures and exports before and after a deletion, the inbox, disk, order, audit."""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from scipy.stats import kendalltau

from analysis import indicator_queries, protected_store
from analysis.protected import ProtectedSet
from survey import audit_trail, audit_trail_queries, db, release, release_queries, response_queries, retention
from survey.settings import DEFAULT_MIN_CELL
from tests.support import make_account, release_sent, sign_in, tomorrow, wal_files, with_database

if TYPE_CHECKING:
    from survey.db import Connection

Client = AsyncTestClient[Litestar]
PERIODS = ["2025-12", "2026-01", "2026-02", "2026-03", "2026-10", "2026-11"]
LATER = date(2027, 3, 15)
"""With responses kept one year, 2025-12, 2026-01 and 2026-02 are due on this day."""
DUE = ["2025-12", "2026-01", "2026-02"]
TEXT = "program_feedback"
PER_CELL = 14
"""Responses per site and period: above k, so figures show and the kept cells matter."""

pytestmark = pytest.mark.demo_data()


@pytest.fixture(autouse=True)
async def program(conn: Connection) -> None:
    """Responses at two sites over six months: scores, choices, lists, numbers, free text, linkage codes."""
    rng = random.Random(7)  # noqa: S311 (test data, not a secret)
    version_id = await conn.fetchval("SELECT max(id) FROM survey_version")
    sites = [row["id"] for row in await conn.fetch("SELECT id FROM site ORDER BY id LIMIT 2")]
    responses: list[tuple[Any, ...]] = []
    answers: list[tuple[uuid.UUID, str, object]] = []
    scores: list[tuple[Any, ...]] = []
    for period in PERIODS:
        for site_id in sites:
            for n in range(PER_CELL):
                response_id = uuid.uuid4()
                items = [rng.randint(0, 5) for _ in range(5)]
                linkage = [f"part{j}-{n % 9}" for j in range(3)] if n < 12 else None
                responses.append((response_id, version_id, site_id, "en", period, linkage, response_id.hex))
                answers += [(response_id, f"who5_{i + 1}", value) for i, value in enumerate(items)]
                answers += [
                    (response_id, "naloxone_carried", rng.choice(["always", "sometimes", "never"])),
                    (response_id, "life_areas", rng.sample(["health", "housing", "income"], 2)),
                    (response_id, "meals_days", rng.randint(0, 7)),
                    (response_id, TEXT, f"words {period} {n}"),
                ]
                scores.append((response_id, "who5", float(sum(items) * 4), None, 0, "who5@1"))
    async with conn.transaction():
        await response_queries.copy_responses(conn, responses, answers, scores)


async def _survey_id(conn: Connection) -> int:
    found: int = await conn.fetchval("SELECT survey_id FROM site WHERE survey_id IS NOT NULL LIMIT 1")
    return found


def _without_linked(kept: ProtectedSet) -> dict[str, Any]:
    """The whole set but its state counter, its linked pairs and what its audits cost.

    How many integer programs an audit solved depends on which tables the solver happened to return
    (each answers later checks), so, like the time taken, it is effort, not what is published.
    """
    body: dict[str, Any] = msgspec.to_builtins(kept)
    body.pop("revision")
    body.pop("linked")
    for measure in body["measures"]:
        for audit in (measure["audit"], measure["band_audit"], measure.get("mode_audit")):
            if audit is not None:
                audit.pop("seconds")
                audit.pop("solves")
    return body


async def _export(client: Client, survey_id: int, **params: str) -> dict[str, Any]:
    response = await client.get(
        "/evaluate/export", params={"survey": str(survey_id), "format": "json", **params}
    )
    assert response.status_code == 200, response.text
    found: dict[str, Any] = json.loads(response.content)
    return found


async def _policy(
    conn: Connection, survey_id: int, *, months: int | None = None, years: int | None = None
) -> None:
    await retention.set_policy(conn, survey_id, free_text_months=months, response_years=years, actor_id=None)


@pytest.mark.slow
async def test_the_protected_set_and_every_export_are_the_same_after_responses_are_deleted(
    client: Client, conn: Connection, database_url: str
) -> None:
    survey_id = await _survey_id(conn)
    await make_account(database_url, "eva", ["evaluator"])
    await sign_in(client, "eva")
    before = await protected_store.current(conn, survey_id, DEFAULT_MIN_CELL)
    exports = {
        group: await _export(client, survey_id, group_by=group) for group in ("site,period", "language", "")
    }
    due_count = await conn.fetchval("SELECT count(*) FROM response WHERE period = ANY($1::text[])", DUE)
    assert due_count == len(DUE) * 2 * PER_CELL

    await _policy(conn, survey_id, years=1)
    outcome = await retention.run(conn, "command line", today=LATER)

    assert outcome.surveys[0].response_periods == DUE
    assert outcome.surveys[0].responses == due_count
    assert await conn.fetchval("SELECT count(*) FROM response WHERE period = ANY($1::text[])", DUE) == 0
    orphans = await conn.fetchval(
        "SELECT count(*) FROM answer a LEFT JOIN response r ON r.id = a.response_id WHERE r.id IS NULL"
    )
    assert orphans == 0
    after = await protected_store.current(conn, survey_id, DEFAULT_MIN_CELL)
    assert after.revision != before.revision  # really built again, from what is left plus what was kept
    assert _without_linked(after) == _without_linked(before)
    assert all(m.audit.passed and (m.band_audit is None or m.band_audit.passed) for m in after.measures)
    # Linked pairs need each person's two answers: only rows whose ends were deleted change, and say why.
    changed = [(old, new) for old, new in zip(before.linked, after.linked, strict=True) if old != new]
    assert changed
    assert all(new.before in DUE or new.after in DUE for _, new in changed)
    assert all("deleted (retention policy)" in new.note and new.pairs is None for _, new in changed)
    for group, old in exports.items():
        new = await _export(client, survey_id, group_by=group)
        assert {k: v for k, v in new.items() if k != "linked"} == {
            k: v for k, v in old.items() if k != "linked"
        }


@pytest.mark.slow
async def test_a_second_run_deletes_nothing_more_and_keeps_the_figures(conn: Connection) -> None:
    survey_id = await _survey_id(conn)
    before = await protected_store.current(conn, survey_id, DEFAULT_MIN_CELL)
    await _policy(conn, survey_id, years=1)
    await retention.run(conn, "command line", today=LATER)
    again = await retention.run(conn, "command line", today=LATER + timedelta(days=1))
    assert not again.deleted_anything
    after = await protected_store.current(conn, survey_id, DEFAULT_MIN_CELL)
    assert _without_linked(after) == _without_linked(before)


async def _add_texts(conn: Connection, period: str, texts: list[str]) -> list[uuid.UUID]:
    version_id = await conn.fetchval("SELECT max(id) FROM survey_version")
    site_id = await conn.fetchval("SELECT id FROM site ORDER BY id LIMIT 1")
    ids = [uuid.uuid4() for _ in texts]
    responses = [(i, version_id, site_id, "en", period, None, i.hex) for i in ids]
    answers = [row for i, text in zip(ids, texts, strict=True) for row in ((i, TEXT, text), (i, "who5_1", 3))]
    async with conn.transaction():
        await response_queries.copy_responses(conn, responses, answers, [])
    return ids


async def _hold(
    conn: Connection,
    period: str,
    arrived: date,
    answers: dict[str, Any],
    scores: list[release_queries.HeldScore] | None = None,
) -> uuid.UUID:
    """One response held for the daily release as the kiosk's intake holds it, at the first site."""
    held = release_queries.HeldResponse(
        survey_version_id=await conn.fetchval("SELECT max(id) FROM survey_version"),
        site_id=await conn.fetchval("SELECT id FROM site ORDER BY id LIMIT 1"),
        language="en",
        period=period,
        linkage=None,
        answers=answers,
        scores=scores or [],
    )
    response_id = uuid.uuid4()
    async with conn.transaction():
        await release_queries.hold(conn, response_id, arrived, response_id.hex, held)
    return response_id


async def _table_bytes(conn: Connection, table: str) -> bytes:
    await conn.execute("CHECKPOINT")
    data_dir = Path(await conn.fetchval("SELECT current_setting('data_directory')"))
    relation = data_dir / await conn.fetchval("SELECT pg_relation_filepath($1::regclass)", table)
    segments = sorted(relation.parent.glob(relation.name + ".*"))  # past 1 GB; not another relation's file
    return b"".join(path.read_bytes() for path in [relation, *segments])


async def test_free_text_is_deleted_when_due_and_leaves_no_copy_on_disk(conn: Connection) -> None:
    survey_id = await _survey_id(conn)
    old = await _add_texts(conn, "2026-01", [f"zebra-marmalade-{n}" for n in range(12)])
    await _add_texts(conn, "2026-03", [f"recent-words-{n}" for n in range(12)])
    assert b"zebra-marmalade-3" in await _table_bytes(conn, "answer")  # so the check below can fail
    await _policy(conn, survey_id, months=3)

    early = await retention.run(conn, "command line", today=date(2026, 3, 31))
    assert not early.deleted_anything  # 2025-12 ends 2026-01-01; three months on is 2026-04-01
    outcome = await retention.run(conn, "command line", today=date(2026, 5, 1))

    assert outcome.surveys[0].free_text_periods == ["2025-12", "2026-01"]
    assert outcome.surveys[0].free_text_answers == 2 * 2 * PER_CELL + 12
    left = await conn.fetch(
        "SELECT r.period, a.value #>> '{}' AS text FROM answer a JOIN response r ON r.id = a.response_id"
        " WHERE a.question_key = $1",
        TEXT,
    )
    assert {row["period"] for row in left} == {"2026-02", "2026-03", "2026-10", "2026-11"}
    assert len(left) == 4 * 2 * PER_CELL + 12
    # The rest of those responses stays: only the written words go.
    assert await conn.fetchval("SELECT count(*) FROM answer WHERE response_id = ANY($1::uuid[])", old) == 12
    assert await conn.fetchval("SELECT count(*) FROM response WHERE period = '2025-12'") == 2 * PER_CELL
    assert b"zebra-marmalade-3" not in await _table_bytes(conn, "answer")


async def _texts_due(conn: Connection) -> None:
    """Twelve free-text answers of 2026-01 under a three-month policy: due on 2026-05-01."""
    survey_id = await _survey_id(conn)
    await _add_texts(conn, "2026-01", [f"zebra-marmalade-{n}" for n in range(12)])
    await _policy(conn, survey_id, months=3)


Run = asyncio.Task[retention.RetentionOutcome]
"""A retention run going on in the background."""


async def _run_while_open(conn: Connection) -> Run:
    """Start the run that deletes them, and give it time to reach its rewrite."""
    run = asyncio.create_task(retention.run(conn, "command line", today=date(2026, 5, 1)))
    await asyncio.sleep(1.5)
    return run


async def _rewritten_without_the_texts(
    conn: Connection, run: asyncio.Task[retention.RetentionOutcome]
) -> None:
    """The run ends, having deleted the texts, and the table's files hold none of them."""
    outcome = await asyncio.wait_for(run, timeout=60)
    assert outcome.surveys[0].free_text_answers >= 12
    assert b"zebra-marmalade-3" not in await _table_bytes(conn, "answer")


async def test_a_snapshot_open_elsewhere_during_the_run_keeps_no_deleted_text_on_disk(
    conn: Connection, database_url: str
) -> None:
    """An export (or autovacuum's ANALYZE) reading while the run deletes: the rewrite waits for it to end.

    The reader has not read ``answer`` yet, so it holds no lock the rewrite would wait on: only its
    snapshot, which may still see the deleted answers.
    """
    await _texts_due(conn)
    reader = await db.connect(database_url)
    reading = reader.transaction(isolation="repeatable_read", readonly=True)
    await reading.start()
    assert await reader.fetchval("SELECT count(*) FROM response WHERE period = '2026-01'") >= 12
    run = await _run_while_open(conn)
    assert not run.done(), "the rewrite ran while a snapshot that sees the deleted rows was open"
    # The export's snapshot still reads what it began with, then ends.
    assert await reader.fetchval("SELECT count(*) FROM answer WHERE value #>> '{}' LIKE 'zebra%'") == 12
    await reading.commit()
    await reader.close()
    await _rewritten_without_the_texts(conn, run)


async def test_a_write_open_in_another_database_keeps_no_deleted_text_on_disk(
    conn: Connection, database_url: str
) -> None:
    """Another database of the same server is writing when the run deletes: the rewrite waits for it too.

    The rewrite's own snapshot starts at the oldest transaction running anywhere on the server, so a write
    begun before the deletion in any database keeps the deleted rows as "recently dead" in the new files.
    """
    await _texts_due(conn)
    elsewhere = await db.connect(with_database(database_url, "postgres"))
    writing = elsewhere.transaction()
    await writing.start()
    assert await elsewhere.fetchval("SELECT pg_current_xact_id()") is not None  # it holds a transaction id
    run = await _run_while_open(conn)
    assert not run.done(), "the rewrite ran while a write older than the deletion was open elsewhere"
    await writing.rollback()
    await elsewhere.close()
    await _rewritten_without_the_texts(conn, run)


async def test_a_deleted_texts_content_hash_confirms_no_guess_at_it(
    client: Client, kiosk: dict[str, Any], conn: Connection
) -> None:
    """The hash that makes resends idempotent covers the words: once they are deleted it checks no guess."""
    words = "more naloxone at the van please"
    response_id = uuid.uuid4()
    answers = {"who5_1": 4, TEXT: words}
    body = {"id": str(response_id), "survey_version": kiosk["version"], "language": "en", "answers": answers}
    assert (await client.post("/api/kiosk/responses", json=body, headers=kiosk["headers"])).status_code == 201
    await release_sent(conn)

    def hashed(guess: str) -> str:  # what an attacker with the database computes for each guess
        content = {"survey_version": kiosk["version"], "language": "en", "answers": {**answers, TEXT: guess}}
        return hashlib.sha256(msgspec.json.encode({**content, "linkage": None}, order="sorted")).hexdigest()

    stored = "SELECT content_hash FROM response WHERE id = $1"
    assert await conn.fetchval(stored, response_id) == hashed(words)  # so the check below can fail
    await _policy(conn, await _survey_id(conn), months=3)
    outcome = await retention.run(conn, "command line", today=tomorrow() + timedelta(days=200))

    assert outcome.surveys[0].free_text_answers > 0
    assert not await conn.fetchval(
        "SELECT count(*) FROM answer WHERE response_id = $1 AND question_key = $2", response_id, TEXT
    )
    left = await conn.fetchval(stored, response_id)
    assert left not in {hashed(guess) for guess in (words, "thanks", "more hours", "")}
    assert hashed(words).encode() not in await _table_bytes(conn, "response"), "no old row version keeps it"
    resent = await client.post("/api/kiosk/responses", json=body, headers=kiosk["headers"])
    assert resent.status_code == 409, "a resend months later is refused, not stored again"


async def test_the_statistics_keep_none_of_the_deleted_words(conn: Connection) -> None:
    """ANALYZE samples column values into pg_stats; the rewrite samples anew, without the deleted ones."""
    survey_id = await _survey_id(conn)
    await _add_texts(conn, "2026-01", ["zebra-marmalade"] * 40)  # common enough to be a most common value
    await conn.execute("ANALYZE answer")  # as autovacuum would, some time after a release
    sampled = (
        "SELECT coalesce(string_agg(most_common_vals::text, ' '), '') FROM pg_stats WHERE tablename = $1"
    )
    assert "zebra-marmalade" in await conn.fetchval(sampled, "answer")  # so the check below can fail
    await _policy(conn, survey_id, months=3)
    await retention.run(conn, "command line", today=date(2026, 5, 1))
    assert "zebra-marmalade" not in await conn.fetchval(sampled, "answer")


async def test_after_the_run_no_wal_file_holds_the_deleted_words(conn: Connection) -> None:
    """The answers' inserts (and any statistics sampled since) are in the WAL: the run retires it."""
    survey_id = await _survey_id(conn)
    await _add_texts(conn, "2026-01", [f"okapi-teacup-{n}" for n in range(12)])
    assert b"okapi-teacup-3" in await wal_files(conn)  # so the check below can fail
    await _policy(conn, survey_id, months=3)
    outcome = await retention.run(conn, "command line", today=date(2026, 5, 1))
    assert outcome.surveys[0].free_text_answers >= 12
    # Other tests of the run write WAL meanwhile: only what came after the run may be there.
    assert b"okapi-teacup-" not in await wal_files(conn)


async def test_what_remains_keeps_no_order_of_arrival(conn: Connection) -> None:
    """Held one by one in a known order, released, then free text deleted: no order comes back."""
    survey_id = await _survey_id(conn)
    sent = [
        await _hold(conn, "2026-01", date(2026, 1, 20), {TEXT: f"words {n}", "who5_1": n % 6})
        for n in range(60)
    ]
    await _policy(conn, survey_id, months=3)
    outcome = await retention.run(conn, "command line", today=date(2026, 6, 1))  # releases them first
    assert outcome.released == 60
    assert outcome.surveys[0].free_text_answers == 60 + 3 * 2 * PER_CELL
    rows = await conn.fetch(
        "SELECT response_id FROM answer WHERE response_id = ANY($1::uuid[]) ORDER BY ctid", sent
    )
    order = [sent.index(row["response_id"]) for row in rows]
    assert len(order) == 60
    tau = kendalltau(order, list(range(60))).statistic
    assert abs(tau) < 0.45


@pytest.mark.slow
async def test_a_response_still_held_is_not_deleted_and_its_period_waits_one_day(conn: Connection) -> None:
    survey_id = await _survey_id(conn)
    stored = await conn.fetchval("SELECT count(*) FROM response WHERE period = '2025-12'")
    before = await protected_store.current(conn, survey_id, DEFAULT_MIN_CELL)
    all_figure = before.figure("who5", "all", None, "2025-12")
    assert all_figure is not None
    assert all_figure.n == stored
    answers = {f"who5_{i}": 4 for i in range(1, 6)}
    score = release_queries.HeldScore("who5", 80.0, None, 0, "who5@1")
    await _hold(conn, "2025-12", LATER, answers, [score])  # arrived today: not released
    await _policy(conn, survey_id, years=1)

    first = await retention.run(conn, "command line", today=LATER)
    assert first.surveys[0].waiting_periods == ["2025-12"]
    assert "2025-12" not in first.surveys[0].response_periods
    assert await conn.fetchval("SELECT count(*) FROM response WHERE period = '2025-12'") == stored
    assert await release_queries.held_count(conn) == 1

    second = await retention.run(conn, "command line", today=LATER + timedelta(days=1))
    assert second.released == 1
    assert second.surveys[0].response_periods == ["2025-12"]
    assert second.surveys[0].responses == stored + 1
    assert await release_queries.held_count(conn) == 0
    after = await protected_store.current(conn, survey_id, DEFAULT_MIN_CELL)
    kept = after.figure("who5", "all", None, "2025-12")
    assert kept is not None
    assert kept.n == stored + 1  # the late one is in the kept figures, not lost


async def test_every_run_is_an_audit_event_in_words(conn: Connection) -> None:
    survey_id = await _survey_id(conn)
    await _policy(conn, survey_id, years=1)
    await retention.run(conn, "command line", today=LATER)
    await retention.run(conn, "daily", today=LATER + timedelta(days=1))
    await retention.run(conn, "daily", today=LATER + timedelta(days=1))  # another worker, the same day
    events = await audit_trail_queries.events(
        conn,
        audit_trail_queries.TrailFilter(action="retention_run"),
        audit_trail.KIOSK_ACTIONS,
        limit=10,
        offset=0,
    )
    names = {str(survey_id): "Demo survey"}
    lines = [audit_trail.line(event, names) for event in events]
    assert [line.who for line in lines] == ["the daily retention job", "command line"]
    assert lines[0].details == "nothing was due"
    assert "responses of 2025-12, 2026-01, 2026-02 deleted" in lines[1].details


async def test_a_policy_outside_the_bounds_is_refused_naming_the_field(conn: Connection) -> None:
    survey_id = await _survey_id(conn)
    with pytest.raises(retention.RetentionError) as refused:
        await _policy(conn, survey_id, months=2)
    assert refused.value.field == "free_text_months"
    with pytest.raises(retention.RetentionError) as refused:
        await _policy(conn, survey_id, years=31)
    assert refused.value.field == "response_years"


@pytest.mark.parametrize(
    ("period", "months", "due_on"),
    [
        ("2026-01", 6, date(2026, 8, 1)),
        ("2026-12", 12, date(2028, 1, 1)),
        ("2026-W01", 3, date(2026, 4, 5)),  # week 1 of 2026 ends on Sunday 4 January
        ("2020-02", 36, date(2023, 3, 1)),
    ],
)
def test_a_period_is_due_its_policy_after_it_ends(period: str, months: int, due_on: date) -> None:
    assert retention.due_on(period, months) == due_on
    assert retention.due({period}, months, due_on - timedelta(days=1)) == []
    assert retention.due({period}, months, due_on) == [period]
    assert retention.due({period}, None, date(2100, 1, 1)) == []


async def test_the_daily_job_records_nothing_while_every_survey_keeps_everything(conn: Connection) -> None:
    outcome = await retention.run(conn, "daily", today=LATER)
    assert outcome.status == "done"
    assert await conn.fetchval("SELECT count(*) FROM audit_event WHERE action = 'retention_run'") == 0
    assert await release_queries.held_count(conn) == 0
    assert release.today_utc() < LATER


async def test_services_used_answerer_counts_are_the_same_after_a_deletion(conn: Connection) -> None:
    # A pick-any question's answers overlap, so who answered it cannot be read from its option counts:
    # retention keeps that count too, else an indicator share's denominator would shrink.
    survey_id = await _survey_id(conn)
    keys = ["life_areas", "naloxone_carried"]
    before = sorted(
        await indicator_queries.answered_cells(conn, survey_id, keys), key=msgspec.structs.astuple
    )
    due = [cell for cell in before if cell.period in DUE]
    assert due
    assert all(cell.question_key == "life_areas" and cell.n == PER_CELL for cell in before)

    await _policy(conn, survey_id, years=1)
    await retention.run(conn, "command line", today=LATER)

    assert await conn.fetchval("SELECT count(*) FROM response WHERE period = ANY($1::text[])", DUE) == 0
    after = sorted(await indicator_queries.answered_cells(conn, survey_id, keys), key=msgspec.structs.astuple)
    assert after == before
    # a second run keeps nothing twice
    await retention.run(conn, "command line", today=LATER + timedelta(days=1))
    again = await indicator_queries.answered_cells(conn, survey_id, keys)
    assert sorted(again, key=msgspec.structs.astuple) == before
