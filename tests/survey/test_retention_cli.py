"""``survey retention run`` as an operator runs it: it deletes what is due now and says what it deleted."""

from __future__ import annotations

import subprocess
import uuid
from typing import TYPE_CHECKING

import pytest

from survey import db, response_queries, retention
from tests.support import SURVEY_BIN, survey_env

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = [pytest.mark.slow, pytest.mark.demo_data()]


def _survey(tmp_path: Path, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SURVEY_BIN), *args],
        env=survey_env(tmp_path, database_url),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


async def test_the_command_deletes_what_is_due_and_prints_it(tmp_path: Path, database_url: str) -> None:
    conn = await db.connect(database_url)
    try:
        survey_id = await conn.fetchval("SELECT survey_id FROM site WHERE survey_id IS NOT NULL LIMIT 1")
        version_id = await conn.fetchval("SELECT max(id) FROM survey_version")
        site_id = await conn.fetchval("SELECT id FROM site ORDER BY id LIMIT 1")
        ids = [uuid.uuid4() for _ in range(13)]
        responses = [(i, version_id, site_id, "en", "2020-06", None, i.hex) for i in ids]
        answers = [(i, "program_feedback", "words") for i in ids]
        async with conn.transaction():
            await response_queries.copy_responses(conn, responses, answers, [])
        await retention.set_policy(conn, survey_id, free_text_months=None, response_years=2, actor_id=None)
    finally:
        await conn.close()

    ran = _survey(tmp_path, database_url, "retention", "run")

    assert ran.returncode == 0, ran.stderr
    assert "13 responses of 2020-06 deleted; their figures are kept" in ran.stdout
    conn = await db.connect(database_url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM response WHERE period = '2020-06'") == 0
        detail = await conn.fetchval("SELECT detail FROM audit_event WHERE action = 'retention_run'")
        assert detail["run"] == "command line"
    finally:
        await conn.close()
    again = _survey(tmp_path, database_url, "retention", "run")
    assert "Nothing was due for deletion." in again.stdout
