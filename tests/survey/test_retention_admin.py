"""An admin sets a survey's retention on the web; the page says it in words; bad values are named."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from litestar import Litestar
from litestar.testing import AsyncTestClient

from survey import retention_queries
from survey.db import Connection
from tests.support import make_account, post_form, sign_in

Client = AsyncTestClient[Litestar]

pytestmark = pytest.mark.demo_data()


async def _survey_id(conn: Connection) -> int:
    found: int = await conn.fetchval("SELECT id FROM survey ORDER BY id LIMIT 1")
    return found


def _policy_words(html: str, survey_id: int) -> str:
    found = BeautifulSoup(html, "html.parser").select_one(f'[data-retention="{survey_id}"] .retention-policy')
    assert found is not None
    return " ".join(found.get_text().split())


async def test_keep_is_the_default_and_the_page_says_so(admin: Client, conn: Connection) -> None:
    page = await admin.get("/admin/surveys")
    words = _policy_words(page.text, await _survey_id(conn))
    assert "Written (free-text) answers: kept for good" in words
    assert "Whole responses: kept for good" in words


async def test_an_admin_sets_retention_and_it_is_stored_audited_and_said_in_words(
    admin: Client, conn: Connection
) -> None:
    survey_id = await _survey_id(conn)
    saved = await post_form(
        admin, f"/admin/surveys/{survey_id}/retention", {"free_text_months": "6", "response_years": "5"}
    )
    assert saved.status_code == 200, saved.text
    assert await retention_queries.policy(conn, survey_id) == retention_queries.Policy(survey_id, 6, 5)
    words = _policy_words(saved.text, survey_id)
    assert "deleted 6 months after the end of the month they were given in" in words
    assert "deleted 5 years after the end of their month" in words
    event = await conn.fetchrow(
        "SELECT subject, detail FROM audit_event WHERE action = 'survey_retention_set'"
    )
    assert event is not None
    assert event["subject"] == str(survey_id)
    trail = await admin.get("/admin/audit", params={"action": "survey_retention_set"})
    assert "free-text answers deleted 6 months after their period; responses deleted 5 years" in trail.text
    back = await post_form(
        admin, f"/admin/surveys/{survey_id}/retention", {"free_text_months": "keep", "response_years": "keep"}
    )
    assert back.status_code == 200
    assert await retention_queries.policy(conn, survey_id) == retention_queries.Policy(survey_id, None, None)


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"free_text_months": "2", "response_years": "keep"}, "free_text_months"),
        ({"free_text_months": "keep", "response_years": "31"}, "response_years"),
        ({"free_text_months": "soon", "response_years": "keep"}, "free_text_months"),
        ({"free_text_months": "keep", "response_years": "keep", "forever": "yes"}, "forever"),
    ],
)
async def test_a_value_outside_the_bounds_is_refused_naming_its_field(
    admin: Client, conn: Connection, form: dict[str, str], field: str
) -> None:
    survey_id = await _survey_id(conn)
    refused = await post_form(admin, f"/admin/surveys/{survey_id}/retention", form)
    assert refused.status_code == 400
    assert field in refused.text
    assert await retention_queries.policies(conn) == []


async def test_no_such_survey_is_a_404(admin: Client) -> None:
    missing = await post_form(
        admin, "/admin/surveys/999999/retention", {"free_text_months": "6", "response_years": "keep"}
    )
    assert missing.status_code == 404


async def test_only_an_admin_sets_retention(client: Client, conn: Connection, database_url: str) -> None:
    await make_account(database_url, "eva", ["evaluator"])
    await sign_in(client, "eva")
    survey_id = await _survey_id(conn)
    refused = await post_form(
        client, f"/admin/surveys/{survey_id}/retention", {"free_text_months": "6", "response_years": "keep"}
    )
    assert refused.status_code == 403
    assert await retention_queries.policies(conn) == []
