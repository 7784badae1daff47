"""The free-text page and its CSV, attacked: links, small groups, contact details, order, refusals."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from bs4 import BeautifulSoup
from litestar import Litestar
from litestar.testing import AsyncTestClient

from survey import response_queries
from survey.db import Connection
from tests.support import make_account, sign_in

Client = AsyncTestClient[Litestar]
QUESTION = "program_feedback"
MARKER = "LINKED-MARKER-5f3a"

pytestmark = pytest.mark.demo_data()


async def add(conn: Connection, site: str, period: str, texts: list[str]) -> list[uuid.UUID]:
    """One response per text at ``site`` in ``period``, each also answering who5_1 with the marker."""
    version_id = await conn.fetchval("SELECT max(id) FROM survey_version")
    site_id = await conn.fetchval("SELECT id FROM site WHERE name = $1", site)
    ids = [uuid.uuid4() for _ in texts]
    responses = [(i, version_id, site_id, "en", period, None, i.hex) for i in ids]
    answers = [
        row
        for i, text in zip(ids, texts, strict=True)
        for row in ((i, QUESTION, text), (i, "who5_1", MARKER))
    ]
    async with conn.transaction():
        await response_queries.copy_responses(conn, responses, answers, [])
    return ids


async def survey_id(conn: Connection) -> int:
    found: int = await conn.fetchval("SELECT max(survey_id) FROM survey_version")
    return found


async def shown(client: Client, conn: Connection, **params: str) -> list[str]:
    response = await client.get(
        "/evaluate/free-text", params={"survey": str(await survey_id(conn)), **params}
    )
    assert response.status_code == 200, response.text
    return [
        li.get_text() for li in BeautifulSoup(response.text, "html.parser").select("ul.free-text-answers li")
    ]


async def test_answers_show_without_their_response_or_its_other_answers(
    evaluator_client: Client, conn: Connection
) -> None:
    ids = await add(
        conn, "Eastside Drop-in Centre", "2026-01", [f"the staff were kind {n}" for n in range(12)]
    )
    response = await evaluator_client.get(
        "/evaluate/free-text", params={"survey": str(await survey_id(conn)), "question": QUESTION}
    )
    assert len(BeautifulSoup(response.text, "html.parser").select("ul.free-text-answers li")) == 12
    assert MARKER not in response.text
    assert not [i for i in ids if str(i) in response.text or i.hex in response.text]


async def test_a_period_of_fewer_than_k_shows_no_answers_nor_does_any_larger_one(
    evaluator_client: Client, conn: Connection
) -> None:
    await add(conn, "Eastside Drop-in Centre", "2026-01", [f"january {n}" for n in range(12)])
    await add(conn, "Eastside Drop-in Centre", "2026-02", [f"february {n}" for n in range(5)])
    assert await shown(evaluator_client, conn, period="2026-02") == []
    for period in ("2026-Q1", "2026", "all"):
        answers = await shown(evaluator_client, conn, period=period)
        assert sorted(answers) == sorted(f"january {n}" for n in range(12)), period


async def test_a_site_of_fewer_than_k_is_left_out_of_the_split_and_of_all_sites(
    evaluator_client: Client, conn: Connection
) -> None:
    await add(conn, "Eastside Drop-in Centre", "2026-01", [f"eastside {n}" for n in range(12)])
    await add(conn, "Harbour Mobile Van", "2026-01", [f"harbour {n}" for n in range(4)])
    response = await evaluator_client.get(
        "/evaluate/free-text", params={"survey": str(await survey_id(conn)), "group_by": "site"}
    )
    page = BeautifulSoup(response.text, "html.parser")
    assert [h.get_text() for h in page.select("section.free-text h2")] == ["Eastside Drop-in Centre"]
    assert "harbour" not in response.text
    assert "left out" in response.text
    assert not [text for text in await shown(evaluator_client, conn) if text.startswith("harbour")]


async def test_contact_details_are_masked_on_the_page(evaluator_client: Client, conn: Connection) -> None:
    written = ["call (555) 123-4567", "sam+help@example.org", "see www.example.org", "+44 20 7946 0958"]
    await add(conn, "Eastside Drop-in Centre", "2026-01", written + [f"fine {n}" for n in range(8)])
    answers = await shown(evaluator_client, conn)
    assert "call [phone number]" in answers
    assert {"[e-mail address]", "see [web address]", "[phone number]"} <= set(answers)
    assert not [text for text in answers if "555" in text or "example" in text or "7946" in text]


async def test_the_order_is_not_the_order_answers_were_stored_in(
    evaluator_client: Client, conn: Connection
) -> None:
    stored = [f"answer {n:02d}" for n in range(30)]
    await add(conn, "Eastside Drop-in Centre", "2026-03", stored)
    orders = [await shown(evaluator_client, conn) for _ in range(3)]
    assert all(sorted(order) == stored for order in orders)
    assert any(order != stored for order in orders)


async def test_someone_without_the_evaluator_role_is_refused(
    client: Client, conn: Connection, database_url: str
) -> None:
    await add(conn, "Eastside Drop-in Centre", "2026-01", [f"kind {n}" for n in range(12)])
    await make_account(database_url, "bo", ["board"])
    await sign_in(client, "bo")
    for path in ("/evaluate/free-text", "/evaluate/free-text/export.csv"):
        response = await client.get(path)
        assert response.status_code == 403, path
        assert "kind" not in response.text


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "2026-13"}, "period"),
        ({"period": "2026-W05"}, "period"),
        ({"question": "Not-A-Key"}, "question"),
        ({"question": "who5_1"}, "question"),
        ({"survey": "abc"}, "survey"),
        ({"survey": str(2**63)}, "survey"),
        ({"group_by": "kiosk"}, "group_by"),
    ],
)
async def test_bad_filters_are_400_naming_the_field(
    evaluator_client: Client, params: dict[str, str], field: str
) -> None:
    for path in ("/evaluate/free-text", "/evaluate/free-text/export.csv"):
        response = await evaluator_client.get(path, params=params)
        assert response.status_code == 400, (path, response.text)
        detail = BeautifulSoup(response.text, "html.parser").select_one(".error-detail")
        assert detail is not None
        assert detail.get_text().startswith(f"{field} takes")


async def test_the_csv_is_audited_masked_and_neutralised(evaluator_client: Client, conn: Connection) -> None:
    written = ["=SUM(A1:A3)", "-5 days waiting", "mail river@example.org", "+ more staff"]
    ids = await add(conn, "Eastside Drop-in Centre", "2026-01", written + [f"fine {n}" for n in range(8)])
    response = await evaluator_client.get(
        "/evaluate/free-text/export.csv",
        params={"survey": str(await survey_id(conn)), "period": "2026-01", "question": QUESTION},
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    answers = {row["answer"] for row in rows}
    assert len(rows) == 12
    assert {"'=SUM(A1:A3)", "'-5 days waiting", "mail [e-mail address]", "'+ more staff"} <= answers
    assert MARKER not in response.text
    assert not [i for i in ids if str(i) in response.text]
    event = await conn.fetchrow(
        "SELECT subject, detail FROM audit_event WHERE action = 'export' ORDER BY id DESC LIMIT 1"
    )
    assert event is not None
    assert event["detail"]["format"] == "free-text CSV"
    assert (event["detail"]["period"], event["detail"]["question"]) == ("2026-01", QUESTION)


async def test_a_refused_csv_is_not_audited(evaluator_client: Client, conn: Connection) -> None:
    response = await evaluator_client.get("/evaluate/free-text/export.csv", params={"period": "nope"})
    assert response.status_code == 400
    assert await conn.fetchval("SELECT count(*) FROM audit_event WHERE action = 'export'") == 0


async def test_filters_swap_only_the_answers_by_htmx(evaluator_client: Client, conn: Connection) -> None:
    await add(conn, "Eastside Drop-in Centre", "2026-01", [f"kind {n}" for n in range(12)])
    response = await evaluator_client.get(
        "/evaluate/free-text", params={"period": "2026-Q1"}, headers={"HX-Request": "true"}
    )
    fragment = BeautifulSoup(response.text, "html.parser")
    assert fragment.select_one("html") is None
    assert len(fragment.select("#answers ul.free-text-answers li")) == 12
