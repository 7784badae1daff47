"""The request log: the status the client received, every request staff make.

The kiosk side's daily count is tested in ``test_kiosk_log_times.py``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

from survey import logs

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


def test_the_kiosk_cookie_name_is_the_one_the_kiosk_sets() -> None:
    from survey import kiosk_routes

    assert kiosk_routes.KIOSK_COOKIE == logs.KIOSK_COOKIE
