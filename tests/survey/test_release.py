"""Time-unlinkable storage, tried as an attacker with the database would try it.

Responses are sent one by one in a known order; after the daily release nothing in the database (row
order, ``xmin``, ``ctid``, the dump's order) follows that order, and nothing holds a time.
"""

from __future__ import annotations

import re
import subprocess
import uuid
from typing import TYPE_CHECKING, Any

import msgspec
import pytest
from scipy.stats import kendalltau

from survey import db, release, release_queries
from survey.backup import tool
from survey.settings import Settings
from tests.support import release_sent, tomorrow

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.testing import AsyncTestClient

    from survey.db import Connection

SENT = 60
# Under a random shuffle Kendall's tau of 60 items has a standard deviation near 0.09; 0.45 is five of
# them, so a real shuffle fails this about once in a few million runs, and any kept order fails it always.
MOST_TAU = 0.45

pytestmark = pytest.mark.demo_data


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Room for sending many responses in a row from one tablet."""
    return msgspec.structs.replace(settings, kiosk_rate=1000)


async def _send(client: AsyncTestClient[Litestar], kiosk: dict[str, Any], count: int) -> list[str]:
    sent = []
    for n in range(count):
        response_id = str(uuid.uuid4())
        body = {
            "id": response_id,
            "survey_version": kiosk["version"],
            "language": "en",
            "answers": {"who5_1": n % 6, "who5_2": 3, "who5_3": 3, "who5_4": 2, "who5_5": 5},
        }
        stored = await client.post("/api/kiosk/responses", json=body, headers=kiosk["headers"])
        assert stored.status_code == 201, stored.text
        sent.append(response_id)
    return sent


def _follows(order: list[str], sent: list[str]) -> float:
    positions = {response_id: index for index, response_id in enumerate(sent)}
    observed = [positions[response_id] for response_id in order if response_id in positions]
    assert len(observed) == len(sent), "every response sent must be there once"
    tau = kendalltau(range(len(observed)), observed).statistic
    return abs(float(tau))


async def test_after_the_release_no_order_in_the_database_follows_the_send_order(
    client: AsyncTestClient[Litestar], kiosk: dict[str, Any], conn: Connection, database_url: str
) -> None:
    sent = await _send(client, kiosk, SENT)
    assert await conn.fetchval("SELECT count(*) FROM response WHERE id = ANY($1::uuid[])", sent) == 0
    assert await conn.fetchval("SELECT count(*) FROM response_inbox") == SENT

    outcome = await release.release(conn, tomorrow())

    assert (outcome.status, outcome.responses, outcome.still_held) == ("released", SENT, 0)
    for table, key in (("response", "id"), ("answer", "response_id"), ("measure_score", "response_id")):
        rows = await conn.fetch(
            f"SELECT {key}::text AS id, xmin::text AS xmin FROM {table} "  # noqa: S608 - fixed names
            f"WHERE {key} = ANY($1::uuid[]) ORDER BY ctid",
            sent,
        )
        order = list(dict.fromkeys(row["id"] for row in rows))
        assert _follows(order, sent) < MOST_TAU, f"{table}'s physical order follows the send order"
        assert len({row["xmin"] for row in rows}) == 1, f"{table}'s rows must share one transaction id"
    dump = subprocess.run(
        [str(tool("pg_dump")), "--data-only", "--table=response", "--dbname", database_url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    dumped = re.findall(r"^([0-9a-f-]{36})\t", dump, flags=re.MULTILINE)
    assert _follows(dumped, sent) < MOST_TAU, "the dump's order follows the send order"
    # The released rows leave no copy in the inbox's files.
    assert await conn.fetchval("SELECT pg_relation_size('response_inbox')") == 0


async def test_an_open_snapshot_elsewhere_keeps_no_released_row_in_the_inbox_files(
    client: AsyncTestClient[Litestar], kiosk: dict[str, Any], conn: Connection, database_url: str
) -> None:
    # An evaluator's long export (or autovacuum's ANALYZE) holds a snapshot older than the release: a
    # VACUUM FULL must then keep every released row it might still see, in the inbox's files.
    sent = await _send(client, kiosk, 12)
    reader = await db.connect(database_url)
    try:
        snapshot = reader.transaction(isolation="repeatable_read")
        await snapshot.start()
        assert await reader.fetchval("SELECT count(*) FROM site") > 0  # the snapshot is taken
        outcome = await release.release(conn, tomorrow())
        assert (outcome.status, outcome.responses) == ("released", len(sent))
        assert await conn.fetchval("SELECT count(*) FROM response_inbox") == 0
        assert await conn.fetchval("SELECT pg_relation_size('response_inbox')") == 0
        await snapshot.rollback()
    finally:
        await reader.close()
    assert await conn.fetchval("SELECT count(*) FROM response WHERE id = ANY($1::uuid[])", sent) == len(sent)


async def test_a_response_sent_during_the_release_is_kept_for_the_next(
    client: AsyncTestClient[Litestar], kiosk: dict[str, Any], conn: Connection
) -> None:
    earlier = await _send(client, kiosk, 5)
    held = await release_queries.due(conn, tomorrow())
    # The release has read what is due; a tablet sends one more before the inbox is emptied.
    later = await _send(client, kiosk, 1)
    async with conn.transaction():
        await release_queries.write_batch(conn, held, tomorrow())
    assert await conn.fetchval("SELECT count(*) FROM response WHERE id = ANY($1::uuid[])", earlier) == 5
    assert [str(i) for i in await conn.fetchval("SELECT array_agg(id) FROM response_inbox")] == later


async def test_no_table_of_responses_holds_a_time(conn: Connection) -> None:
    columns = await conn.fetch(
        """
        SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name IN ('response', 'answer', 'measure_score',
            'response_inbox', 'response_release')
          AND (data_type LIKE 'time%' OR data_type = 'date' OR data_type = 'interval')
        ORDER BY table_name, column_name
        """
    )
    # Only days: the day a held response arrived (dropped at release) and the day of each release.
    assert [(row["table_name"], row["column_name"]) for row in columns] == [
        ("response_inbox", "arrived_on"),
        ("response_release", "released_on"),
    ]


async def test_todays_arrivals_wait_for_the_day_to_end(
    client: AsyncTestClient[Litestar], kiosk: dict[str, Any], conn: Connection
) -> None:
    sent = await _send(client, kiosk, 3)
    now = await release.release(conn)
    assert (now.status, now.still_held) == ("nothing_due", 3)
    assert await conn.fetchval("SELECT count(*) FROM response WHERE id = ANY($1::uuid[])", sent) == 0
    later = await release.release(conn, tomorrow())
    assert (later.status, later.responses) == ("released", 3)
    assert await conn.fetchval("SELECT count(*) FROM response WHERE id = ANY($1::uuid[])", sent) == 3
    assert await conn.fetchval("SELECT count(*) FROM answer WHERE response_id = ANY($1::uuid[])", sent) == 15


async def test_resends_are_safe_before_and_after_the_release(
    client: AsyncTestClient[Litestar], kiosk: dict[str, Any], conn: Connection
) -> None:
    body = {"id": str(uuid.uuid4()), "survey_version": kiosk["version"], "language": "en", "answers": {}}
    other = {**body, "answers": {"who5_1": 2}}
    headers = kiosk["headers"]
    assert (await client.post("/api/kiosk/responses", json=body, headers=headers)).status_code == 201
    assert (await client.post("/api/kiosk/responses", json=body, headers=headers)).status_code == 200
    assert (await client.post("/api/kiosk/responses", json=other, headers=headers)).status_code == 409
    await release.release(conn, tomorrow())
    assert (await client.post("/api/kiosk/responses", json=body, headers=headers)).status_code == 200
    assert (await client.post("/api/kiosk/responses", json=other, headers=headers)).status_code == 409
    assert await conn.fetchval("SELECT count(*) FROM response_inbox") == 0
    assert await conn.fetchval("SELECT count(*) FROM response WHERE id = $1", uuid.UUID(body["id"])) == 1


async def test_a_second_process_releasing_at_the_same_time_waits_its_turn(
    client: AsyncTestClient[Litestar], kiosk: dict[str, Any], conn: Connection, database_url: str
) -> None:
    from survey import db

    await _send(client, kiosk, 2)
    other = await db.connect(database_url)
    try:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", release_queries.RELEASE_LOCK_KEY)
            assert (await release.release(other, tomorrow())).status == "busy"
        assert (await release.release(other, tomorrow())).responses == 2
    finally:
        await other.close()


async def test_the_inbox_keeps_no_statistics_to_outlive_the_release(
    client: AsyncTestClient[Litestar], kiosk: dict[str, Any], conn: Connection
) -> None:
    """ANALYZE (autovacuum's too) would copy held answers and ids into pg_stats, which TRUNCATE keeps."""
    sent = await _send(client, kiosk, 12)
    analyzed = "SELECT count(*) FROM pg_stats WHERE tablename = $1"
    await conn.execute("ANALYZE response_inbox, site")
    assert await conn.fetchval(analyzed, "site") > 0  # ANALYZE does sample other tables
    assert await conn.fetchval(analyzed, "response_inbox") == 0
    options = await conn.fetchval("SELECT reloptions FROM pg_class WHERE relname = 'response_inbox'")
    assert "autovacuum_enabled=false" in options, "autovacuum samples nothing into it either"
    assert (await release_sent(conn)).responses == len(sent)
    await conn.execute("ANALYZE response_inbox")
    assert await conn.fetchval(analyzed, "response_inbox") == 0
