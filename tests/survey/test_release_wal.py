"""The write-ahead log after a release, read as an attacker with the platform's own role would read it.

Each held response is written to the WAL when it arrives, next to a commit record with the exact time;
after the release no WAL file may still hold a released response's id or its words.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any

import msgspec
import pytest

from survey import release
from survey.settings import Settings
from tests.support import tomorrow, wal_files

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from litestar import Litestar
    from litestar.testing import AsyncTestClient

    from survey.db import Connection

# Few enough that no autovacuum ANALYZE of the response tables (50 changed rows) copies an id or a word
# into pg_statistic, and so into the WAL written after the release.
SENT = 5

pytestmark = pytest.mark.demo_data


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Room for sending several responses in a row from one tablet."""
    return msgspec.structs.replace(settings, kiosk_rate=1000)


async def _send(client: AsyncTestClient[Litestar], kiosk: dict[str, Any]) -> dict[uuid.UUID, bytes]:
    """Send :data:`SENT` responses, each with its own words; their ids and those words."""
    sent = {}
    for n in range(SENT):
        response_id = uuid.uuid4()
        words = f"quokka-lantern-{response_id.hex[:12]}"
        body = {
            "id": str(response_id),
            "survey_version": kiosk["version"],
            "language": "en",
            "answers": {"who5_1": n % 6, "program_feedback": words},
        }
        stored = await client.post("/api/kiosk/responses", json=body, headers=kiosk["headers"])
        assert stored.status_code == 201, stored.text
        sent[response_id] = words.encode()
    return sent


def _found(wal: bytes, sent: dict[uuid.UUID, bytes]) -> list[str]:
    return [f"id {rid}" for rid in sent if rid.bytes in wal] + [w.decode() for w in sent.values() if w in wal]


async def test_after_the_release_no_wal_file_holds_a_released_response(
    client: AsyncTestClient[Litestar], kiosk: dict[str, Any], conn: Connection
) -> None:
    sent = await _send(client, kiosk)
    assert len(_found(await wal_files(conn), sent)) == 2 * SENT  # so the check below can fail

    outcome = await release.release(conn, tomorrow())

    assert (outcome.status, outcome.responses) == ("released", SENT)
    # Other tests of the run write WAL meanwhile: only what came after the release may be there.
    assert _found(await wal_files(conn), sent) == []


@pytest.fixture
async def role_without_wal_rights(conn: Connection) -> AsyncIterator[str]:
    """A role that may write the test database's tables but neither switch the WAL nor CHECKPOINT."""
    name = f"no_wal_{uuid.uuid4().hex[:12]}"  # roles are the whole server's: one of its own per test
    await conn.execute(f"CREATE ROLE {name} NOSUPERUSER")
    await conn.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {name}")
    await conn.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {name}")
    try:
        yield name
    finally:
        await conn.execute("RESET ROLE")
        await conn.execute(f"DROP OWNED BY {name}")
        await conn.execute(f"DROP ROLE {name}")


async def test_a_role_that_may_not_switch_the_wal_still_releases(
    client: AsyncTestClient[Litestar],
    kiosk: dict[str, Any],
    conn: Connection,
    role_without_wal_rights: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sent = await _send(client, kiosk)
    await conn.execute(f"SET ROLE {role_without_wal_rights}")

    with caplog.at_level(logging.WARNING, logger="survey.release"):
        outcome = await release.release(conn, tomorrow())

    assert (outcome.status, outcome.responses) == ("released", SENT)
    assert await conn.fetchval("SELECT count(*) FROM response WHERE id = ANY($1::uuid[])", list(sent)) == SENT
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "write-ahead log" in warnings[0]
    assert not any(str(rid) in warnings[0] or words.decode() in warnings[0] for rid, words in sent.items())
