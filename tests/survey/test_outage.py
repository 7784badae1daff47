"""While PostgreSQL is stopped every database route answers 503 with Retry-After, and the log says so once."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import TYPE_CHECKING

import pytest
from litestar.testing import AsyncTestClient

from survey import db, embedded, migrate
from survey.app import create_app
from survey.settings import Settings
from tests.support import demo_kiosk, make_account, sign_in

if TYPE_CHECKING:
    from pathlib import Path

    from pgserver.postgres_server import PostgresServer

pytestmark = pytest.mark.slow


def _server(data_dir: Path) -> PostgresServer:
    from pgserver.postgres_server import PostgresServer

    server: PostgresServer = PostgresServer._instances[(data_dir / embedded.PG_FOLDER).resolve()]
    return server


def _stop(data_dir: Path) -> None:
    from pgserver import _commands

    server = _server(data_dir)
    # pgserver makes its command functions at import time, so no type checker can see them.
    _commands.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)  # type: ignore[attr-defined]


async def test_a_stopped_database_gets_503_retry_after_and_one_log_line_each_way(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "own-server"
    url = embedded.start(data_dir)
    try:
        conn = await db.connect(url)
        try:
            await migrate.apply_all(conn)
        finally:
            await conn.close()
        kiosk = {"authorization": f"Bearer {await demo_kiosk(url)}"}
        await make_account(url, "ada", ["admin"])
        settings = Settings(
            database_url=url, data_dir=tmp_path, csrf_secret="outage-csrf", linkage_pepper="outage-pepper"
        )
        async with AsyncTestClient(app=create_app(settings)) as client:
            await sign_in(client, "ada")
            assert (await client.get("/admin")).status_code == 200
            version = (await client.get("/api/kiosk/survey", headers=kiosk)).json()["survey_version"]
            _stop(data_dir)
            caplog.clear()
            caplog.set_level(logging.INFO)
            answers = {"id": str(uuid.uuid4()), "survey_version": version, "language": "en", "answers": {}}
            refused = [await client.get("/admin") for _ in range(5)]
            refused.append(await client.get("/api/kiosk/survey", headers=kiosk))
            refused.append(await client.post("/api/kiosk/responses", json=answers, headers=kiosk))
            refused.append(await client.get("/board"))

            assert [response.status_code for response in refused] == [503] * len(refused)
            assert {response.headers["retry-after"] for response in refused} == {"10"}
            assert "not reachable" in refused[5].json()["detail"]
            outage_lines = [r for r in caplog.records if r.name == "survey.outage"]
            assert [r.getMessage().split(" (")[0] for r in outage_lines] == ["database unreachable"]
            assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []

            _server(data_dir).ensure_postgres_running()
            for _ in range(100):
                if any(r.getMessage() == "database reachable again" for r in caplog.records):
                    break
                await asyncio.sleep(0.2)
            back = [r.getMessage() for r in caplog.records if r.name == "survey.outage"]
            assert back == [outage_lines[0].getMessage(), "database reachable again"]
            assert (await client.get("/admin")).status_code == 200
            stored = await client.post("/api/kiosk/responses", json=answers, headers=kiosk)
            assert stored.status_code == 201
    finally:
        embedded.release(data_dir)
