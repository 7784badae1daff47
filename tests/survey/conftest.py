"""Fixtures of the participant side's tests."""

from __future__ import annotations

from typing import Any

import pytest

from questions import queries as question_queries
from survey import kiosks
from survey.db import Connection
from tests.helpers_shared import admin as admin


@pytest.fixture
async def kiosk(conn: Connection) -> dict[str, Any]:
    """An enrolled kiosk at the demo's first site (mark the test ``demo_data``): token, version, header."""
    site_id = await conn.fetchval("SELECT id FROM site ORDER BY id LIMIT 1")
    token = await kiosks.create_enrolled(conn, site_id=site_id, label="Test tablet", actor_id=None)
    survey_id = await conn.fetchval("SELECT survey_id FROM site WHERE id = $1", site_id)
    version = await question_queries.latest_version(conn, survey_id)
    assert version is not None
    return {"token": token, "version": version.id, "headers": {"authorization": f"Bearer {token}"}}
