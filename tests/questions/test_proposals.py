"""Board proposals on the real database: quorum, objections, undo, outdating, and the publishing gate."""

from __future__ import annotations

import pytest

from questions import comment_queries, proposal_queries, proposals, queries, versions
from questions.changes import AddQuestion, Change, MoveQuestion, PublishDraft, RetireQuestion
from questions.demo import DEMO_SURVEY_NAME, demo_definition
from questions.schemas import Question, SurveyDefinition
from survey.db import Connection
from tests.support import make_account, make_member, reword

SEED = versions.Approval(basis="demo_seed")


async def board_of(database_url: str, size: int) -> list[int]:
    """Voting members: the first ones added while setting up, the rest welcomed by the board."""
    return [(await make_member(database_url, f"member{n}")).id for n in range(size)]


@pytest.fixture
async def survey_id(conn: Connection) -> int:
    """The demo survey, created and published with the demo seed's approval."""
    survey_id = await versions.create_survey(
        conn, name=DEMO_SURVEY_NAME, definition=demo_definition(), actor_id=None
    )
    await versions.publish(conn, survey_id, actor_id=None, approval=SEED)
    return survey_id


async def approved(conn: Connection, proposal_id: int, voters: list[int]) -> None:
    """Every voter approves the proposal, in turn."""
    for voter in voters:
        await proposals.vote(conn, proposal_id, "approve", actor_id=voter)


async def accepted(conn: Connection, survey_id: int, change: Change, voters: list[int]) -> int:
    """A proposal the first voter makes and every voter approves (each of these tests needs them all)."""
    proposal_id = await proposals.propose(conn, survey_id, change, reason="", actor_id=voters[0])
    await approved(conn, proposal_id, voters)
    return proposal_id


async def draft_after(
    conn: Connection, survey_id: int, change: Change, voters: list[int]
) -> SurveyDefinition:
    """The survey's draft once a proposal of ``change`` is accepted as by :func:`accepted`."""
    await accepted(conn, survey_id, change, voters)
    return await current_draft(conn, survey_id)


async def propose_publishing(conn: Connection, survey_id: int, draft: SurveyDefinition, actor_id: int) -> int:
    """A publish proposal of ``draft``, its translations confirmed (the tests here are about the gate)."""
    change = PublishDraft(definition=draft, translations_confirmed=True)
    return await proposals.propose(conn, survey_id, change, reason="", actor_id=actor_id)


async def stored_proposal(conn: Connection, proposal_id: int) -> proposal_queries.Proposal:
    found = await proposal_queries.proposal(conn, proposal_id)
    assert found is not None
    return found


async def current_draft(conn: Connection, survey_id: int) -> SurveyDefinition:
    draft = await queries.draft(conn, survey_id)
    assert draft is not None
    return draft


async def test_a_wording_change_applies_to_the_draft_at_quorum(
    conn: Connection, database_url: str, survey_id: int
) -> None:
    members = await board_of(database_url, 3)  # default quorum: a majority of 3, i.e. 2
    proposal_id = await proposals.propose(
        conn, survey_id, reword("How are you today?"), reason="", actor_id=members[0]
    )

    after_one = await proposals.vote(conn, proposal_id, "approve", actor_id=members[0])
    assert after_one.status == "open"
    after_two = await proposals.vote(conn, proposal_id, "approve", actor_id=members[1])

    assert after_two.status == "accepted"
    draft = await current_draft(conn, survey_id)
    assert draft.questions[0].text["en"] == "How are you today?"
    assert "es" in draft.questions[0].needs_review  # the translation must be checked again


async def test_a_standing_objection_holds_a_proposal_open_until_taken_back(
    conn: Connection, database_url: str, survey_id: int
) -> None:
    members = await board_of(database_url, 3)
    proposal_id = await proposals.propose(conn, survey_id, reword("Hello?"), reason="", actor_id=members[0])
    await proposals.vote(
        conn, proposal_id, "object", reason="Too short to mean anything", actor_id=members[2]
    )
    await proposals.vote(conn, proposal_id, "approve", actor_id=members[0])
    held = await proposals.vote(conn, proposal_id, "approve", actor_id=members[1])
    assert held.status == "open"

    released = await proposals.vote(conn, proposal_id, None, actor_id=members[2])

    assert released.status == "accepted"


async def test_an_objection_needs_a_reason(conn: Connection, database_url: str, survey_id: int) -> None:
    members = await board_of(database_url, 2)
    proposal_id = await proposals.propose(conn, survey_id, reword("Hello?"), reason="", actor_id=members[0])
    with pytest.raises(proposals.ProposalError, match="why"):
        await proposals.vote(conn, proposal_id, "object", reason="  ", actor_id=members[1])


async def test_a_quorum_of_objections_rejects(conn: Connection, database_url: str, survey_id: int) -> None:
    members = await board_of(database_url, 3)
    proposal_id = await proposals.propose(conn, survey_id, reword("Hello?"), reason="", actor_id=members[0])
    await proposals.vote(conn, proposal_id, "object", reason="No", actor_id=members[1])
    rejected = await proposals.vote(conn, proposal_id, "object", reason="Not this", actor_id=members[2])
    assert rejected.status == "rejected"
    with pytest.raises(proposals.ProposalError, match="closed"):
        await proposals.vote(conn, proposal_id, "approve", actor_id=members[0])


async def test_one_member_alone_never_reaches_the_quorum(
    conn: Connection, database_url: str, survey_id: int
) -> None:
    (only,) = await board_of(database_url, 1)
    proposal_id = await proposals.propose(conn, survey_id, reword("Hi"), reason="", actor_id=only)
    assert (await proposals.vote(conn, proposal_id, "approve", actor_id=only)).status == "open"


async def test_the_quorum_an_admin_sets_counts_and_is_audited(
    conn: Connection, database_url: str, survey_id: int
) -> None:
    admin = await make_account(database_url, "admin1", ["admin"])
    await proposals.set_quorum(conn, 3, actor_id=admin.id)  # while setting up: the board has no members yet
    members = await board_of(database_url, 4)
    proposal_id = await proposals.propose(conn, survey_id, reword("Hi there"), reason="", actor_id=members[0])
    for member in members[:2]:
        assert (await proposals.vote(conn, proposal_id, "approve", actor_id=member)).status == "open"
    assert (await proposals.vote(conn, proposal_id, "approve", actor_id=members[2])).status == "accepted"
    audited = await conn.fetchval("SELECT detail FROM audit_event WHERE action = 'board_quorum_set'")
    assert audited == {"from": None, "to": 3}
    with pytest.raises(proposals.ProposalError):
        await proposals.set_quorum(conn, 1, actor_id=admin.id)


async def test_an_accepted_change_outdates_open_proposals_on_the_same_question(
    conn: Connection, database_url: str, survey_id: int
) -> None:
    members = await board_of(database_url, 2)
    await accepted(conn, survey_id, reword("Zero"), members)
    first = await proposals.propose(conn, survey_id, reword("One"), reason="", actor_id=members[0])
    second = await proposals.propose(conn, survey_id, reword("Two"), reason="", actor_id=members[1])
    draft = await current_draft(conn, survey_id)
    publishing = await propose_publishing(conn, survey_id, draft, members[0])
    await approved(conn, first, members)

    for overtaken in (second, publishing):
        found = await stored_proposal(conn, overtaken)
        assert found.status == "outdated"


async def test_add_move_and_retire_change_the_order(
    conn: Connection, database_url: str, survey_id: int
) -> None:
    members = await board_of(database_url, 2)
    keys = [question.key for question in demo_definition().questions]
    new = Question(key="sleep_ok", type="info", text={"en": "Thanks for sleeping on it", "es": "Gracias"})
    changes: list[Change] = [
        AddQuestion(question=new, after=keys[0]),
        MoveQuestion(question="sleep_ok", position=1),
        RetireQuestion(question="sleep_ok"),
    ]
    orders = []
    for change in changes:
        draft = await draft_after(conn, survey_id, change, members)
        orders.append([question.key for question in draft.questions])
    assert orders == [[keys[0], "sleep_ok", *keys[1:]], ["sleep_ok", *keys], keys]


async def test_a_proposal_that_would_break_the_survey_is_refused(
    conn: Connection, database_url: str, survey_id: int
) -> None:
    (member,) = await board_of(database_url, 1)
    with pytest.raises(proposals.ProposalError, match="who5"):
        await proposals.propose(
            conn, survey_id, RetireQuestion(question="who5_1"), reason="", actor_id=member
        )


async def test_publishing_through_an_accepted_proposal(
    conn: Connection, database_url: str, survey_id: int
) -> None:
    members = await board_of(database_url, 2)
    draft = await draft_after(conn, survey_id, reword("How have you been?"), members)
    publishing = await propose_publishing(conn, survey_id, draft, members[1])
    await proposals.vote(conn, publishing, "approve", actor_id=members[0])
    done = await proposals.vote(conn, publishing, "approve", actor_id=members[1])

    assert isinstance(done, proposal_queries.Proposal)  # a proposal on a survey, not about the board
    assert done.status == "accepted"
    assert done.published_version == 2
    latest = await queries.latest_version(conn, survey_id)
    assert latest is not None
    assert latest.definition == draft
    approval = await conn.fetchval(
        "SELECT approval FROM survey_version WHERE survey_id = $1 AND number = 2", survey_id
    )
    assert approval == {"basis": "board", "proposal_id": publishing}


async def test_the_gate_refuses_every_approval_the_board_has_not_given(
    conn: Connection, database_url: str, survey_id: int
) -> None:
    members = await board_of(database_url, 3)
    reworded = await accepted(conn, survey_id, reword("Changed"), members[:2])
    draft = await current_draft(conn, survey_id)
    publishing = await propose_publishing(conn, survey_id, draft, members[0])
    await proposals.vote(conn, publishing, "approve", actor_id=members[0])  # one of the two it needs

    forged = [
        versions.Approval(basis="board"),  # no proposal
        versions.Approval(basis="board", proposal_id=reworded),  # accepted, but not a publish proposal
        versions.Approval(basis="board", proposal_id=publishing),  # open, short of the quorum
        versions.Approval(basis="board", proposal_id=publishing + 1000),  # no such proposal
        SEED,  # the demo seed, after the first version
    ]
    for approval in forged:
        with pytest.raises(versions.PublishRefusedError):
            await versions.publish(conn, survey_id, actor_id=members[0], approval=approval)
    # An objection stands even when the approvals are there.
    await proposals.vote(conn, publishing, "object", reason="Not yet", actor_id=members[2])
    held = await proposals.vote(conn, publishing, "approve", actor_id=members[1])
    assert held.status == "open"
    with pytest.raises(versions.PublishRefusedError, match="objection"):
        await versions.publish(
            conn,
            survey_id,
            actor_id=members[0],
            approval=versions.Approval(basis="board", proposal_id=publishing),
        )
    assert await conn.fetchval("SELECT count(*) FROM survey_version WHERE survey_id = $1", survey_id) == 1


async def test_undo_comment_vote_and_proposal_while_open(
    conn: Connection, database_url: str, survey_id: int
) -> None:
    members = await board_of(database_url, 3)
    proposal_id = await proposals.propose(conn, survey_id, reword("Undo me"), reason="", actor_id=members[0])
    comment_id = await proposals.comment(conn, proposal_id, "I like it", actor_id=members[1])
    with pytest.raises(proposals.ProposalError):
        await proposals.withdraw_comment(conn, proposal_id, comment_id, actor_id=members[2])
    await proposals.withdraw_comment(conn, proposal_id, comment_id, actor_id=members[1])
    await proposals.vote(conn, proposal_id, "approve", actor_id=members[1])
    await proposals.vote(conn, proposal_id, None, actor_id=members[1])
    with pytest.raises(proposals.ProposalError, match="Only the person"):
        await proposals.withdraw_proposal(conn, proposal_id, actor_id=members[1])
    await proposals.withdraw_proposal(conn, proposal_id, actor_id=members[0])

    found = await stored_proposal(conn, proposal_id)
    history = await proposal_queries.votes(conn, proposal_id)
    comments = await comment_queries.comments(conn, proposal_id)
    assert found.status == "withdrawn"
    assert [vote.choice for vote in history] == ["approve", "withdrawn"]
    assert comments[0].withdrawn_at is not None
    assert comments[0].body == "I like it"


async def test_two_publish_proposals_of_one_draft_publish_it_once(
    conn: Connection, database_url: str, survey_id: int
) -> None:
    members = await board_of(database_url, 2)
    draft = await draft_after(conn, survey_id, reword("New words"), members)
    first, second = [await propose_publishing(conn, survey_id, draft, member) for member in members]
    await approved(conn, first, members)

    overtaken = await stored_proposal(conn, second)
    assert overtaken.status == "outdated"
    assert "version 2" in overtaken.outcome
    assert await conn.fetchval("SELECT count(*) FROM survey_version WHERE survey_id = $1", survey_id) == 2


async def test_a_move_is_outdated_when_the_order_changes_first(
    conn: Connection, database_url: str, survey_id: int
) -> None:
    members = await board_of(database_url, 2)
    keys = [question.key for question in demo_definition().questions]
    move = await proposals.propose(
        conn, survey_id, MoveQuestion(question=keys[-1], position=2), reason="", actor_id=members[0]
    )
    other_move = await proposals.propose(
        conn, survey_id, MoveQuestion(question=keys[0], position=3), reason="", actor_id=members[1]
    )
    await approved(conn, other_move, members)

    found = await stored_proposal(conn, move)
    assert found.status == "outdated"
    with pytest.raises(proposals.ProposalError, match="already in place"):
        await proposals.propose(
            conn, survey_id, MoveQuestion(question=keys[0], position=3), reason="", actor_id=members[0]
        )


async def test_the_demo_seed_publishes_no_other_survey(conn: Connection) -> None:
    survey_id = await versions.create_survey(
        conn, name="Imported", definition=demo_definition(), actor_id=None
    )
    with pytest.raises(versions.PublishRefusedError, match="demo survey"):
        await versions.publish(conn, survey_id, actor_id=None, approval=SEED)


async def test_a_publish_the_gate_refuses_at_the_deciding_vote_closes_as_outdated(
    conn: Connection, database_url: str, survey_id: int
) -> None:
    members = await board_of(database_url, 2)
    reworded = await accepted(conn, survey_id, reword("Once more"), members)
    draft = await current_draft(conn, survey_id)
    publishing = await propose_publishing(conn, survey_id, draft, members[0])
    await proposals.vote(conn, publishing, "approve", actor_id=members[0])
    # The same draft reaches a version some other way meanwhile (here, straight into the table).
    await conn.execute(
        "INSERT INTO survey_version (survey_id, number, definition, approval) VALUES ($1, 2, $2, $3)",
        survey_id,
        draft,
        {"basis": "board", "proposal_id": reworded},
    )

    settled = await proposals.vote(conn, publishing, "approve", actor_id=members[1])

    assert settled.status == "outdated"
    assert "already published as version 2" in settled.outcome
