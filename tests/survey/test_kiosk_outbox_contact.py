"""A kiosk's reported outbox: a count with the day's first contact, shown on the kiosks table."""

from __future__ import annotations

import uuid

import pytest
from bs4 import BeautifulSoup
from litestar import Litestar
from litestar.testing import AsyncTestClient

from survey import kiosks, release
from survey.db import Connection

Client = AsyncTestClient[Litestar]

pytestmark = pytest.mark.demo_data()


async def _tablet(conn: Connection) -> dict[str, str]:
    site_id = await conn.fetchval("SELECT id FROM site ORDER BY id LIMIT 1")
    token = await kiosks.create_enrolled(conn, site_id=site_id, label="Van", actor_id=None)
    return {"authorization": f"Bearer {token}"}


def _outbox_cell(html: str) -> str:
    cell = BeautifulSoup(html, "html.parser").select_one("tr[data-kiosk] .kiosk-outbox")
    assert cell is not None
    return cell.get_text()


async def test_the_days_first_contact_keeps_the_count_and_the_table_shows_it(
    admin: Client, conn: Connection
) -> None:
    tablet = await _tablet(conn)
    assert _outbox_cell((await admin.get("/admin")).text) == "not reported"
    loaded = await admin.get("/api/kiosk/survey", params={"outbox": "3"}, headers=tablet)
    assert loaded.status_code == 200
    row = await conn.fetchrow("SELECT last_contact_on, outbox_waiting FROM kiosk")
    assert row is not None
    assert (row["last_contact_on"], row["outbox_waiting"]) == (release.today_utc(), 3)
    assert _outbox_cell((await admin.get("/admin")).text) == "3 responses waiting to be sent"

    # Later the same day: no write at all (the row keeps its transaction id), so no contact after a
    # response lines up with it; the next day's first contact says the new count.
    before = await conn.fetchval("SELECT xmin::text FROM kiosk")
    await admin.get("/api/kiosk/survey", params={"outbox": "0"}, headers=tablet)
    assert await conn.fetchval("SELECT xmin::text FROM kiosk") == before
    await conn.execute("UPDATE kiosk SET last_contact_on = last_contact_on - 1")
    await admin.get("/api/kiosk/survey", params={"outbox": "0"}, headers=tablet)
    assert _outbox_cell((await admin.get("/admin")).text) == "empty"


async def test_sending_responses_never_writes_the_count(admin: Client, conn: Connection) -> None:
    tablet = await _tablet(conn)
    survey = (await admin.get("/api/kiosk/survey", params={"outbox": "1"}, headers=tablet)).json()
    before = await conn.fetchrow("SELECT xmin::text AS xmin, * FROM kiosk")
    body = {
        "id": str(uuid.uuid4()),
        "survey_version": survey["survey_version"],
        "language": "en",
        "answers": {},
    }
    assert (await admin.post("/api/kiosk/responses", json=body, headers=tablet)).status_code == 201
    assert await conn.fetchrow("SELECT xmin::text AS xmin, * FROM kiosk") == before


@pytest.mark.parametrize("count", ["-1", "many", "100001"])
async def test_a_count_that_is_not_a_count_is_refused_naming_it(
    admin: Client, conn: Connection, count: str
) -> None:
    tablet = await _tablet(conn)
    refused = await admin.get("/api/kiosk/survey", params={"outbox": count}, headers=tablet)
    assert refused.status_code == 400
    assert "outbox" in refused.text
    assert await conn.fetchval("SELECT outbox_waiting FROM kiosk") is None
