"""How it was answered, through intake and the daily release: stored as said, refused when not a choice."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from survey.db import Connection
from tests.support import release_sent

Client = AsyncTestClient[Litestar]

pytestmark = pytest.mark.demo_data


def body(kiosk: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "survey_version": kiosk["version"],
        "language": "en",
        "answers": {"who5_1": 4},
        **extra,
    }


async def counts(conn: Connection) -> tuple[int, int]:
    held = await conn.fetchval("SELECT count(*) FROM response_inbox")
    released = await conn.fetchval("SELECT count(*) FROM response")
    return held, released


async def test_each_choice_and_none_are_held_then_released_into_the_response_row(
    client: Client, kiosk: dict[str, Any], conn: Connection
) -> None:
    sent = {}
    for choice in ("own", "read_aloud", "helped", None):
        submission = body(kiosk) if choice is None else body(kiosk, answered_with=choice)
        answer = await client.post("/api/kiosk/responses", json=submission, headers=kiosk["headers"])
        assert answer.status_code == 201, answer.text
        sent[submission["id"]] = choice
    held = await conn.fetch("SELECT id, held->>'answered_with' AS answered_with FROM response_inbox")
    assert {str(row["id"]): row["answered_with"] for row in held} == sent
    await release_sent(conn)
    rows = await conn.fetch("SELECT id, answered_with FROM response")
    assert {str(row["id"]): row["answered_with"] for row in rows} == sent


@pytest.mark.parametrize("bad", ["alone", "", "OWN", 1, True, ["own"], {"who": "my friend"}])
async def test_anything_but_a_choice_is_refused_naming_the_field_and_nothing_is_stored(
    client: Client, kiosk: dict[str, Any], conn: Connection, bad: object
) -> None:
    answer = await client.post(
        "/api/kiosk/responses", json=body(kiosk, answered_with=bad), headers=kiosk["headers"]
    )
    assert 400 <= answer.status_code < 500
    assert "answered_with" in answer.text
    assert await counts(conn) == (0, 0)


async def test_a_resend_is_idempotent_and_another_choice_under_the_same_id_conflicts(
    client: Client, kiosk: dict[str, Any], conn: Connection
) -> None:
    submission = body(kiosk, answered_with="helped")
    first = await client.post("/api/kiosk/responses", json=submission, headers=kiosk["headers"])
    again = await client.post("/api/kiosk/responses", json=submission, headers=kiosk["headers"])
    other = await client.post(
        "/api/kiosk/responses", json={**submission, "answered_with": "own"}, headers=kiosk["headers"]
    )
    skipped = {key: value for key, value in submission.items() if key != "answered_with"}
    without = await client.post("/api/kiosk/responses", json=skipped, headers=kiosk["headers"])
    assert [r.status_code for r in (first, again, other, without)] == [201, 200, 409, 409]
    await release_sent(conn)
    released_again = await client.post("/api/kiosk/responses", json=submission, headers=kiosk["headers"])
    assert released_again.status_code == 200
    assert await counts(conn) == (0, 1)


async def test_a_response_without_it_keeps_the_hash_kiosks_stored_before(
    client: Client, kiosk: dict[str, Any], conn: Connection
) -> None:
    # A tablet that queued a response before the question existed may resend it after the upgrade: its
    # content hash must be the one stored then, or the resend would be a 409.
    submission = body(kiosk)
    await client.post("/api/kiosk/responses", json=submission, headers=kiosk["headers"])
    stored = await conn.fetchval("SELECT content_hash FROM response_inbox")
    content = {
        "survey_version": kiosk["version"],
        "language": "en",
        "answers": {"who5_1": 4},
        "linkage": None,
    }
    assert stored == hashlib.sha256(msgspec.json.encode(content, order="sorted")).hexdigest()
