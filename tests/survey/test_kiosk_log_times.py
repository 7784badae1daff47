"""The kiosk side in the log: one line per whole UTC day, after its midnight; no line a request could date.

Written as attacks: responses are sent and kiosk submissions made to fail, the counter's clock is moved by
hand through the day, past midnight and to a shutdown, and every log record of every logger is read for
something that would say when a participant answered.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import asyncpg
import pytest

from survey import health_queries, intake, logs

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.testing import AsyncTestClient

DAY_ONE = datetime(2026, 3, 1, tzinfo=UTC)
SECRET = "More hours please, signed Ada"
"""Words a failing submission carries in its exception message: they must never reach the log."""


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(autouse=True)
def _own_counter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give the process's kiosk counter back as it was after each test."""
    for name in ("clock", "first_day", "started_on", "days"):
        monkeypatch.setattr(logs.kiosk_requests, name, getattr(logs.kiosk_requests, name))
    monkeypatch.setattr(logs.kiosk_requests, "days", {})


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The kiosk counter's clock, at 09:14 on a day whose midnight the server was running at."""
    fake = Clock(DAY_ONE.replace(hour=9, minute=14, second=7))
    monkeypatch.setattr(logs.kiosk_requests, "clock", fake)
    logs.kiosk_requests.start(DAY_ONE)
    return fake


CLIENT_LOGGERS = ("httpx", "httpcore")
"""The test client's own loggers, which the server never writes."""


def _records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """What the server logged, through any logger."""
    return [record for record in caplog.records if not record.name.startswith(CLIENT_LOGGERS)]


def _texts(records: list[logging.LogRecord]) -> list[str]:
    """Each record as an operator reads it: the message and any traceback."""
    formatter = logging.Formatter(logs.FORMAT)
    return [formatter.format(record) for record in records]


def _submission(kiosk: dict[str, Any], **answers: int) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "survey_version": kiosk["version"], "language": "en", "answers": answers}


def _kiosk_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the next submissions fail: a full disk first, then a bug whose message quotes an answer."""
    errors: list[Exception] = [
        asyncpg.exceptions.DiskFullError('could not extend file "base/16384/16718"'),
        ValueError(f"cannot read the answer {SECRET!r}"),
    ]

    def failing(*_: object) -> None:
        raise errors.pop(0)

    monkeypatch.setattr(intake, "checked_answers", failing)


pytestmark = pytest.mark.demo_data


async def test_kiosk_submissions_and_their_failures_reach_the_log_only_in_the_daily_line(
    client: AsyncTestClient[Litestar],
    kiosk: dict[str, Any],
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    headers = kiosk["headers"]
    assert (await client.get("/api/kiosk/survey", headers=headers)).status_code == 200
    first = _submission(kiosk, who5_1=3)
    for body in (first, _submission(kiosk, who5_1=4)):
        assert (await client.post("/api/kiosk/responses", json=body, headers=headers)).status_code == 201
    assert (await client.post("/api/kiosk/responses", json=first, headers=headers)).status_code == 200
    with monkeypatch.context() as failing:
        _kiosk_failures(failing)
        for _ in range(2):
            body = _submission(kiosk, who5_1=2)
            assert (await client.post("/api/kiosk/responses", json=body, headers=headers)).status_code == 500
    # Every hour of the day, and the last second before midnight: nothing is written.
    for hour in range(10, 24):
        logs.kiosk_requests.flush(DAY_ONE.replace(hour=hour))
    logs.kiosk_requests.flush(DAY_ONE + timedelta(days=1, seconds=-1))
    during_the_day = _texts(_records(caplog))
    assert not [text for text in during_the_day if "/api/kiosk" in text or "201" in text]
    assert not [record for record in _records(caplog) if record.exc_info]

    logs.kiosk_requests.flush(DAY_ONE + timedelta(days=1, seconds=1))
    daily = _texts(_records(caplog))[len(during_the_day) :]
    assert [line.split(": ", 1)[1] for line in daily] == [
        "kiosk requests on 2026-03-01 (UTC): 6 (200: 2, 201: 2, 500: 2); unexpected errors: "
        "ValueError on POST /api/kiosk/responses (in survey.intake.store): 1, "
        "asyncpg.exceptions.DiskFullError on POST /api/kiosk/responses (in survey.intake.store): 1"
    ]
    assert not [text for text in _texts(_records(caplog)) if SECRET in text or "16718" in text]


async def test_at_shutdown_the_day_so_far_is_not_written(
    client: AsyncTestClient[Litestar],
    kiosk: dict[str, Any],
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock.now = DAY_ONE.replace(hour=14, minute=37, second=12)
    caplog.set_level(logging.DEBUG)
    body = _submission(kiosk, who5_1=3)
    assert (await client.post("/api/kiosk/responses", json=body, headers=kiosk["headers"])).status_code == 201
    with monkeypatch.context() as failing:
        _kiosk_failures(failing)
        body = _submission(kiosk, who5_1=2)
        assert (
            await client.post("/api/kiosk/responses", json=body, headers=kiosk["headers"])
        ).status_code == 500
    logs.kiosk_requests.drop()
    logs.kiosk_requests.flush(DAY_ONE + timedelta(days=1, seconds=1))
    assert [record.getMessage() for record in _records(caplog)] == [logs.SHUTDOWN_LINE]


async def test_a_shutdown_just_after_midnight_still_writes_the_day_that_ended(
    client: AsyncTestClient[Litestar], kiosk: dict[str, Any], clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    clock.now = DAY_ONE.replace(hour=9)
    caplog.set_level(logging.INFO, logger="survey.requests")
    body = _submission(kiosk, who5_1=3)
    assert (await client.post("/api/kiosk/responses", json=body, headers=kiosk["headers"])).status_code == 201
    clock.now = DAY_ONE + timedelta(days=1, microseconds=500_000)  # before the daily line's second
    logs.kiosk_requests.drop()
    lines = [record.getMessage() for record in _records(caplog)]
    assert lines == ["kiosk requests on 2026-03-01 (UTC): 1 (201: 1)", logs.SHUTDOWN_LINE]


async def test_the_day_a_server_starts_in_is_not_counted(
    client: AsyncTestClient[Litestar], kiosk: dict[str, Any], clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    logs.kiosk_requests.start(DAY_ONE.replace(hour=23, minute=50))
    clock.now = DAY_ONE.replace(hour=23, minute=58)
    caplog.set_level(logging.INFO, logger="survey.requests")
    body = _submission(kiosk, who5_1=3)
    assert (await client.post("/api/kiosk/responses", json=body, headers=kiosk["headers"])).status_code == 201
    clock.now = DAY_ONE + timedelta(days=1, hours=8)
    assert (await client.get("/api/kiosk/survey", headers=kiosk["headers"])).status_code == 200
    logs.kiosk_requests.flush(DAY_ONE + timedelta(days=1, seconds=1))
    logs.kiosk_requests.flush(DAY_ONE + timedelta(days=2, seconds=1))
    assert [record.getMessage() for record in _records(caplog)] == [
        "kiosk requests on 2026-03-01 (UTC): not counted, the server started that day",
        "kiosk requests on 2026-03-02 (UTC): 1 (200: 1)",
    ]


async def test_a_tablet_asking_for_other_pages_is_counted_not_logged(
    client: AsyncTestClient[Litestar], clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="survey.requests")
    client.cookies.set(logs.KIOSK_COOKIE, "a-tablet")
    await client.get("/static/style.css")
    client.cookies.delete(logs.KIOSK_COOKIE)
    assert _records(caplog) == []
    logs.kiosk_requests.flush(DAY_ONE + timedelta(days=1, seconds=1))
    assert [record.getMessage() for record in _records(caplog)] == [
        "kiosk requests on 2026-03-01 (UTC): 1 (200: 1)"
    ]


async def test_a_staff_side_error_is_logged_at_once_with_its_traceback(
    client: AsyncTestClient[Litestar],
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(*_: object) -> None:
        raise RuntimeError("a bug in the health check")

    monkeypatch.setattr(health_queries, "ping", broken)
    caplog.set_level(logging.INFO)
    assert (await client.get("/healthz")).status_code == 500
    errors = [record for record in _records(caplog) if record.levelno == logging.ERROR]
    assert [record.getMessage() for record in errors] == ["unexpected error on GET /healthz"]
    assert errors[0].exc_info is not None
    client.cookies.set(logs.KIOSK_COOKIE, "a-tablet")
    assert (await client.get("/healthz")).status_code == 500
    assert len([record for record in _records(caplog) if record.levelno == logging.ERROR]) == 1
    assert logs.kiosk_requests.days[DAY_ONE.date()].errors == {
        "RuntimeError on GET /healthz (in survey.routes.HealthController.health)": 1
    }


async def test_the_lifespan_writes_after_midnight_and_nothing_counted_at_shutdown(
    app: Litestar, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    began = time.monotonic()
    just_before = DAY_ONE - timedelta(milliseconds=300)
    monkeypatch.setattr(
        logs.kiosk_requests, "clock", lambda: just_before + timedelta(seconds=time.monotonic() - began)
    )
    caplog.set_level(logging.INFO, logger="survey.requests")
    async with logs.daily_kiosk_counts(app):
        await asyncio.sleep(logs.AFTER_MIDNIGHT.total_seconds() + 0.6)
    assert [record.getMessage() for record in _records(caplog)] == [
        "kiosk requests on 2026-02-28 (UTC): not counted, the server started that day",
        logs.SHUTDOWN_LINE,
    ]


@pytest.mark.parametrize(
    ("now", "seconds"),
    [
        (datetime(2026, 3, 1, 0, 0, 0, tzinfo=UTC), 86401.0),
        (datetime(2026, 3, 1, 23, 59, 30, tzinfo=UTC), 31.0),
        (datetime(2026, 12, 31, 12, 0, 0, tzinfo=UTC), 43201.0),
    ],
)
def test_the_count_is_written_just_after_midnight(now: datetime, seconds: float) -> None:
    assert logs.seconds_to_next_midnight(now) == seconds
