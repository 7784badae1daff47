"""The split by how the survey was answered, through the live API, attacked with every view at once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from analysis import periods
from survey.db import Connection
from tests.analysis.support import SpanAttack
from tests.support import make_account, raw_token

Client = AsyncTestClient[Litestar]

pytestmark = pytest.mark.demo_data(responses=300, seed=7, today=date(2026, 11, 21))
# Most answer on their own; a few with the tablet reading, fewer with help, some do not say.
SPLIT = "CASE WHEN x < 0.78 THEN 'own' WHEN x < 0.9 THEN 'read_aloud' WHEN x < 0.95 THEN 'helped' END"


@pytest.fixture
async def evaluator(database_url: str, conn: Connection) -> dict[str, str]:
    await conn.execute(
        f"UPDATE response SET answered_with = {SPLIT}"  # noqa: S608 - a constant of this test
        " FROM (SELECT id, ('x' || substr(md5(id::text), 1, 8))::bit(32)::bigint / 4294967296.0 AS x"
        " FROM response) AS drawn WHERE drawn.id = response.id"
    )
    account = await make_account(database_url, "eva", ["evaluator"])
    return {"authorization": f"Bearer {await raw_token(database_url, account.id)}"}


async def rows(client: Client, headers: dict[str, str], **params: str) -> list[dict[str, Any]]:
    response = await client.get("/api/evaluate/summary", params={"survey": "1", **params}, headers=headers)
    assert response.status_code == 200, response.text
    return [row for row in response.json()["rows"] if row["measure"] == "who5"]


async def test_the_split_shows_true_counts_and_no_view_recovers_a_small_group(
    client: Client, evaluator: dict[str, str], conn: Connection
) -> None:
    parts = [
        (row["site"], row["language"], row["version"], row["period"], row["mode"], row["n"])
        for row in await conn.fetch(
            "SELECT s.name AS site, r.language, v.number AS version, r.period,"
            " coalesce(r.answered_with, '') AS mode, count(*) AS n"
            " FROM measure_score m JOIN response r ON r.id = m.response_id"
            " JOIN survey_version v ON v.id = r.survey_version_id JOIN site s ON s.id = r.site_id"
            " WHERE m.measure = 'who5' GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5"
        )
    ]
    attack = SpanAttack(parts, {"site": 0, "language": 1, "version": 2, "answered_with": 4})
    split_seen = 0
    for period in periods.offered(sorted({part[3] for part in parts})):
        for group_by in ("", "site", "language", "version", "answered_with"):
            for row in await rows(client, evaluator, period=period, group_by=group_by):
                split_seen += group_by == "answered_with"
                attack.view(period, group_by, row)
    assert split_seen, "the split is offered"
    whole = await rows(client, evaluator, group_by="answered_with")
    assert {row["answered_with"] for row in whole if not row["suppressed"]} >= {"own", "read_aloud"}
    assert attack.recovered() == []
