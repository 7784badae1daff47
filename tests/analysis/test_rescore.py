"""Rescoring replaces every score with the current rule's, keeping rules no current one covers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import msgspec
import pytest

from analysis import rescore
from questions.bank import DATA
from questions.queries import UPSERT_INSTRUMENT
from survey.db import Connection
from tests.survey.test_cli import survey


# Rescoring reads and writes scores only: the protected set is not needed, so not built.
@pytest.mark.demo_data(responses=300, seed=9, today=date(2026, 11, 21), warm=False)
async def test_a_changed_rule_rescored_everywhere(conn: Connection) -> None:
    before = await conn.fetchval("SELECT avg(value) FROM measure_score WHERE measure = 'who5'")
    who5 = msgspec.json.decode((DATA / "instruments" / "who5.json").read_bytes())
    who5["measures"][0] |= {
        "version": "2",
        "scale": 1,
        "score_max": 25,
        "bands": [],
        "meaningful_change": 2.5,
    }  # a raw-sum variant, 0-25
    await conn.execute(UPSERT_INSTRUMENT, "who5", who5, None)
    done = await rescore.rescore(conn)
    after = await conn.fetchval("SELECT avg(value) FROM measure_score WHERE measure = 'who5'")
    versions = {
        row["measure"]: row["v"]
        for row in await conn.fetch(
            "SELECT measure, string_agg(DISTINCT scoring_version, ',') AS v FROM measure_score"
            " GROUP BY measure"
        )
    }
    assert done == await conn.fetchval("SELECT count(*) FROM response")
    assert after == pytest.approx(before / 4)
    assert versions == {"who5": "2", "k6": "1"}


@pytest.mark.slow
def test_the_rescore_command_shows_its_count(tmp_path: Path, database_url: str) -> None:
    survey(tmp_path, database_url, "demo", "seed")
    # Few responses: the commands are under test here, not the protected set (tests/analysis/test_protected).
    added = survey(tmp_path, database_url, "demo", "responses", "--count", "60")
    assert added.returncode == 0, added.stderr
    assert "60 synthetic responses added" in added.stdout
    result = survey(tmp_path, database_url, "analysis", "rescore")
    assert result.returncode == 0, result.stderr
    assert "60 responses rescored" in result.stdout
    assert "Protected figures ready for 1 survey(s) at k = 11" in result.stdout
    audited = survey(tmp_path, database_url, "analysis", "audit", "1")
    assert audited.returncode == 0, audited.stderr
    lines = {line.split(":")[0].strip(): line for line in audited.stdout.splitlines()}
    assert lines["who5"].endswith("passed")
    assert "small groups bounded" in lines["who5"]
    missing = survey(tmp_path, database_url, "analysis", "audit", "99")
    assert missing.returncode != 0
    assert "no published version" in missing.stderr
