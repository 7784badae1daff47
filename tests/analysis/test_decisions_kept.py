"""The protected set's decisions, kept in the database.

A set rebuilt from the same cells, in any worker and after a restart, reads them instead of searching.
"""

from __future__ import annotations

from datetime import date

import pytest

from analysis import protected_store
from survey.db import Connection
from survey.settings import DEFAULT_MIN_CELL

pytestmark = pytest.mark.demo_data(responses=8, seed=1, today=date(2026, 11, 21))
MARK = 12345.0
"""A running time no audit takes: the rebuilt set shows it only if it read the stored decisions."""


async def test_a_renamed_site_reads_the_decisions_the_first_build_kept(conn: Connection) -> None:
    survey_id = await conn.fetchval("SELECT survey_id FROM survey_version ORDER BY id LIMIT 1")
    kept = await conn.fetchval("SELECT count(*) FROM protection_decision")
    assert kept > 0, "deciding the demo's set (survey demo responses) kept its decisions"
    await conn.execute(
        "UPDATE protection_decision SET decision = jsonb_set(decision, '{report,seconds}', $1::text::jsonb)",
        str(MARK),
    )
    # A new name that sorts where the old one did, so every table has the same shape.
    await conn.execute("UPDATE site SET name = 'East End Centre' WHERE name = 'Eastside Drop-in Centre'")
    await conn.execute("UPDATE analysis_revision SET revision = revision + 1")

    rebuilt = await protected_store.current(conn, survey_id, DEFAULT_MIN_CELL)

    assert rebuilt.revision == await conn.fetchval("SELECT revision FROM analysis_revision")  # built anew
    assert {m.audit.seconds for m in rebuilt.measures} == {MARK}, "a table was searched again"
    assert await conn.fetchval("SELECT count(*) FROM protection_decision") == kept


async def test_the_audit_command_decides_every_table_again(conn: Connection) -> None:
    survey_id = await conn.fetchval("SELECT survey_id FROM survey_version ORDER BY id LIMIT 1")
    await conn.execute(
        "UPDATE protection_decision SET decision = jsonb_set(decision, '{report,seconds}', $1::text::jsonb)",
        str(MARK),
    )
    audited = await protected_store.current(
        conn, survey_id, DEFAULT_MIN_CELL, rebuild=True
    )  # survey analysis audit
    assert MARK not in {m.audit.seconds for m in audited.measures}
    await conn.execute("UPDATE analysis_revision SET revision = revision + 1")
    again = await protected_store.current(conn, survey_id, DEFAULT_MIN_CELL)
    assert MARK not in {m.audit.seconds for m in again.measures}, "the audit kept what it found"


async def test_changed_cells_are_decided_and_kept_once(conn: Connection) -> None:
    survey_id = await conn.fetchval("SELECT survey_id FROM survey_version ORDER BY id LIMIT 1")
    before = await conn.fetchval("SELECT count(*) FROM protection_decision")
    await conn.execute(
        "DELETE FROM measure_score WHERE response_id = (SELECT min(id::text)::uuid FROM response)"
    )
    await protected_store.current(conn, survey_id, DEFAULT_MIN_CELL)
    after = await conn.fetchval("SELECT count(*) FROM protection_decision")
    assert after > before
    await conn.execute("UPDATE analysis_revision SET revision = revision + 1")
    await protected_store.current(conn, survey_id, DEFAULT_MIN_CELL)
    assert await conn.fetchval("SELECT count(*) FROM protection_decision") == after
