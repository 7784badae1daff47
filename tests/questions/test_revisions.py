"""Revising a proposal after comments (votes start again, history kept) and the votes waiting for a member."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from litestar import Litestar
from litestar.testing import AsyncTestClient

from questions import proposal_queries, proposals, queries, revision_queries, versions
from questions.changes import RetireQuestion
from questions.demo import DEMO_SURVEY_NAME, demo_definition
from survey import db
from survey.db import Connection
from tests.support import make_account, make_member, post_form, reword, sign_in

SEED = versions.Approval(basis="demo_seed")


async def demo_survey(conn: Connection) -> int:
    survey_id = await versions.create_survey(
        conn, name=DEMO_SURVEY_NAME, definition=demo_definition(), actor_id=None
    )
    await versions.publish(conn, survey_id, actor_id=None, approval=SEED)
    return survey_id


async def test_a_revision_resets_the_votes_and_keeps_the_history(conn: Connection, database_url: str) -> None:
    ash, robin, kim = [(await make_member(database_url, name)).id for name in ("ash", "robin", "kim")]
    survey_id = await demo_survey(conn)
    proposal_id = await proposals.propose(conn, survey_id, reword("How are you?"), reason="", actor_id=ash)
    await proposals.vote(conn, proposal_id, "approve", actor_id=ash)
    await proposals.comment(conn, proposal_id, "Say 'these days'?", actor_id=robin)

    revision = await proposals.revise(
        conn, proposal_id, reword("How are you these days?"), reason="After Robin's comment", actor_id=ash
    )

    assert revision == 2
    counted = await proposal_queries.current_tally(conn, proposal_id)
    assert (counted.approvals, counted.objections) == (0, 0)
    assert [(v.voter, v.revision) for v in await proposal_queries.votes(conn, proposal_id)] == [("Ash", 1)]
    history = await revision_queries.revisions(conn, proposal_id)
    assert [(r.revision, getattr(r.change, "text", None)) for r in history] == [(1, "How are you?")]
    for member in (ash, kim):
        await proposals.vote(conn, proposal_id, "approve", actor_id=member)
    draft = await queries.draft(conn, survey_id)
    assert draft is not None
    assert draft.questions[0].text["en"] == "How are you these days?"


async def test_only_the_proposer_revises_and_only_the_same_change(
    conn: Connection, database_url: str
) -> None:
    ash, robin = [(await make_member(database_url, name)).id for name in ("ash", "robin")]
    survey_id = await demo_survey(conn)
    proposal_id = await proposals.propose(conn, survey_id, reword("How are you?"), reason="", actor_id=ash)
    with pytest.raises(proposals.ProposalError, match="Only the person who made"):
        await proposals.revise(conn, proposal_id, reword("Hello?"), reason="", actor_id=robin)
    with pytest.raises(proposals.ProposalError, match="same question in the same way"):
        await proposals.revise(conn, proposal_id, RetireQuestion(question="who5_1"), reason="", actor_id=ash)
    other = reword("How is it?", key="who5_2")
    with pytest.raises(proposals.ProposalError, match="same question in the same way"):
        await proposals.revise(conn, proposal_id, other, reason="", actor_id=ash)
    with pytest.raises(proposals.ProposalError, match="nothing to change"):
        await proposals.revise(conn, proposal_id, reword("How are you?"), reason="", actor_id=ash)
    assert (await proposal_queries.proposal(conn, proposal_id)).revision == 1  # type: ignore[union-attr]


async def test_what_waits_for_a_members_vote(conn: Connection, database_url: str) -> None:
    ash, robin = [(await make_member(database_url, name)).id for name in ("ash", "robin")]
    reader = await make_account(database_url, "reader", ["board"])
    survey_id = await demo_survey(conn)
    proposal_id = await proposals.propose(conn, survey_id, reword("How are you?"), reason="", actor_id=ash)
    assert [w.id for w in await revision_queries.waiting(conn, robin)] == [proposal_id]
    assert await revision_queries.waiting(conn, reader.id) == []  # a reader has no vote to give
    await proposals.vote(conn, proposal_id, "abstain", actor_id=robin)
    assert await revision_queries.waiting(conn, robin) == []
    await proposals.revise(conn, proposal_id, reword("How are you now?"), reason="", actor_id=ash)
    assert [w.id for w in await revision_queries.waiting(conn, robin)] == [proposal_id]


async def demo_proposal(database_url: str) -> tuple[int, int]:
    """The demo survey, members Ash and Robin, and a wording proposal of Ash's: their ids."""
    ash = (await make_member(database_url, "ash")).id
    await make_member(database_url, "robin")
    conn = await db.connect(database_url)
    try:
        survey_id: int = await conn.fetchval("SELECT id FROM survey ORDER BY id LIMIT 1")
        proposal_id = await proposals.propose(
            conn, survey_id, reword("How are you?"), reason="", actor_id=ash
        )
    finally:
        await conn.close()
    return survey_id, proposal_id


@pytest.mark.demo_data
async def test_every_board_page_counts_the_votes_waiting(
    client: AsyncTestClient[Litestar], database_url: str
) -> None:
    survey_id, _ = await demo_proposal(database_url)
    await make_account(database_url, "kim", ["board"])  # a reader: nothing waits for them
    assert (await sign_in(client, "robin")).status_code == 303
    for path in ("/board", f"/board/surveys/{survey_id}", "/board/members", "/board/words"):
        page = BeautifulSoup((await client.get(path)).text, "html.parser")
        count = page.select_one("#waiting-count")
        assert count is not None, path
        assert count.text.strip() == "1 proposal waits for your vote", path
    client.cookies.clear()
    assert (await sign_in(client, "kim")).status_code == 303
    page = BeautifulSoup((await client.get("/board")).text, "html.parser")
    assert page.select_one("#waiting-count") is None
    assert (await post_form(client, "/board/words", {"language": "en"})).status_code == 400


@pytest.mark.demo_data
async def test_a_revision_over_http_is_the_proposers_and_wrong_fields_name_themselves(
    client: AsyncTestClient[Litestar], database_url: str
) -> None:
    survey_id, proposal_id = await demo_proposal(database_url)
    wording = f"/board/surveys/{survey_id}/proposals/wording"
    change = reword("Hello?")
    fields = {
        "question": change.question,
        "language": "en",
        "text": change.text,
        "help": change.help,
        "option_label": change.option_labels,
        "confirmed": "true",
    }
    assert (await sign_in(client, "robin")).status_code == 303
    refused = await post_form(client, wording, {**fields, "revises": str(proposal_id)})
    assert refused.status_code == 422
    assert "Only the person who made a proposal can revise it" in refused.text
    wrong = await post_form(client, wording, {**fields, "revises": "soon"})
    assert wrong.status_code == 400
    assert "revises" in wrong.text
    show_if = f"/board/surveys/{survey_id}/proposals/show_if"
    too_long = await post_form(client, show_if, {"question": "who5_2", "show_if_answer": "x" * 200})
    assert too_long.status_code == 400
    assert "show_if_answer" in too_long.text
    conn = await db.connect(database_url)
    try:
        found = await proposal_queries.proposal(conn, proposal_id)
        assert found is not None
        assert (found.revision, getattr(found.change, "text", None)) == (1, "How are you?")
        assert await conn.fetchval("SELECT count(*) FROM proposal WHERE survey_id = $1", survey_id) == 1
    finally:
        await conn.close()
