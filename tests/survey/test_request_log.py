"""The request log: the status the client received, every request staff make, and no kiosk request line."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from survey import logs
from tests.support import demo_kiosk

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.testing import AsyncTestClient


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "survey.requests"]


async def test_the_logged_status_is_the_one_the_client_received(
    client: AsyncTestClient[Litestar], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="survey.requests")
    odd = await client.get("/healthz", headers={"content-type": "multipart/form-data"})
    missing = await client.get("/no-such-page")
    lines = _lines(caplog)
    assert [line.rsplit(" ", 1)[0] for line in lines] == [
        f"GET /healthz {odd.status_code}",
        f"GET /no-such-page {missing.status_code}",
    ]
    assert missing.status_code == 404


async def test_kiosk_requests_are_counted_not_logged(
    client: AsyncTestClient[Litestar], database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    token = await demo_kiosk(database_url)
    kiosk = {"authorization": f"Bearer {token}"}
    logs.kiosk_requests.flush()
    caplog.set_level(logging.INFO, logger="survey.requests")
    version = (await client.get("/api/kiosk/survey", headers=kiosk)).json()["survey_version"]
    body = {"id": str(uuid.uuid4()), "survey_version": version, "language": "en", "answers": {"who5_1": 3}}
    assert (await client.post("/api/kiosk/responses", json=body, headers=kiosk)).status_code == 201
    client.cookies.set(logs.KIOSK_COOKIE, "a-tablet")
    await client.get("/static/style.css")
    client.cookies.delete(logs.KIOSK_COOKIE)
    assert _lines(caplog) == []
    logs.kiosk_requests.flush()
    assert _lines(caplog) == ["kiosk requests in the past hour: 3 (200: 2, 201: 1)"]


def test_the_kiosk_cookie_name_is_the_one_the_kiosk_sets() -> None:
    from survey import kiosk_routes

    assert kiosk_routes.KIOSK_COOKIE == logs.KIOSK_COOKIE


@pytest.mark.parametrize(
    ("now", "seconds"),
    [
        (datetime(2026, 3, 1, 9, 0, 0, tzinfo=UTC), 3600.0),
        (datetime(2026, 3, 1, 9, 59, 30, tzinfo=UTC), 30.0),
        (datetime(2026, 12, 31, 23, 30, 0, tzinfo=UTC), 1800.0),
    ],
)
def test_the_count_is_written_on_the_hour(now: datetime, seconds: float) -> None:
    assert logs.seconds_to_next_hour(now) == seconds
