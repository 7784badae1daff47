"""A board member reaches the board's pages and their own account, and no route that reads responses."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from questions import proposals
from questions.changes import RetireQuestion
from survey import db
from tests.support import make_member, sign_in

# Pages a board member may open; everything else that answers them must be public.
BOARD_PREFIXES = ("/board", "/account")
# /results: the report-backs the board released, public by design (docs/board.md).
PUBLIC = ("/", "/healthz", "/signin", "/kiosk", "/kiosk/enroll", "/kiosk-sw.js", "/results")


# Responses to guard, but no protected set: a board member must never reach a route that would build one.
@pytest.mark.demo_data(responses=300, seed=3, warm=False)
async def test_a_board_member_reaches_no_response_or_analysis_route(
    client: AsyncTestClient[Litestar], database_url: str
) -> None:
    conn = await db.connect(database_url)
    try:
        member = await make_member(database_url, "ash")
        proposal_id = await proposals.propose(
            conn, 1, RetireQuestion(question="naloxone_carried"), reason="", actor_id=member.id
        )
        version_id = await conn.fetchval("SELECT id FROM survey_version LIMIT 1")
    finally:
        await conn.close()
    values = {"survey_id": 1, "proposal_id": proposal_id, "version_id": version_id, "site_id": 1}
    await sign_in(client, "ash")

    opened: set[tuple[str, int]] = set()
    refused: set[tuple[str, int]] = set()
    for route in client.app.routes:
        if not isinstance(route, HTTPRoute) or "GET" not in route.methods or route.path.startswith("/static"):
            continue
        url = re.sub(r"\{(\w+):\w+\}", lambda m: str(values.get(m.group(1), "x")), route.path)
        status = (await client.get(url, follow_redirects=False)).status_code
        (opened if status == 200 else refused).add((route.path, status))

    reached = {path for path, _ in opened if not path.startswith("/schema")}
    assert {path for path in reached if not path.startswith(BOARD_PREFIXES) and path not in PUBLIC} == set()
    assert any(path.startswith("/board/proposals/") for path in reached)  # the walk did reach board pages
    for path, status in refused:
        if path.startswith(("/evaluate", "/api/evaluate", "/admin")):
            assert status in {401, 403}, path
    assert {path for path, _ in refused} >= {"/evaluate", "/api/evaluate/summary", "/admin"}
