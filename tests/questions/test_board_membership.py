"""The board governs itself, over HTTP: an admin alone makes no voter; the board welcomes its members."""

from __future__ import annotations

from pathlib import Path

import httpx
import msgspec
import pytest
from bs4 import BeautifulSoup, Tag
from litestar import Litestar
from litestar.testing import AsyncTestClient

from questions import membership_queries, proposals, queries, versions
from questions.changes import PublishDraft, QuorumChange
from survey import accounts, db, migrate
from tests.questions.support import scalar
from tests.support import (
    PASSWORD,
    apply_migrations_before,
    make_account,
    make_member,
    post_form,
    reword,
    sign_in,
)

Client = AsyncTestClient[Litestar]


def soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def text_of(node: Tag, selector: str) -> str:
    found = node.select_one(selector)
    assert found is not None, selector
    return " ".join(found.get_text().split())


async def known_passwords(database_url: str) -> None:
    """Give the demo's board members (generated passwords) the tests' password, so tests sign in as them."""
    conn = await db.connect(database_url)
    try:
        for name in ("board", "board2"):
            found = await conn.fetchval("SELECT id FROM account WHERE name = $1", name)
            await accounts.set_password(conn, actor_id=None, account_id=found, password=PASSWORD)
    finally:
        await conn.close()


async def as_account(client: Client, name: str) -> None:
    client.cookies.clear()
    assert (await sign_in(client, name)).status_code == 303


async def account_id(database_url: str, name: str) -> int:
    conn = await db.connect(database_url)
    try:
        found: int = await conn.fetchval("SELECT id FROM account WHERE name = $1", name)
    finally:
        await conn.close()
    return found


async def member_names(database_url: str) -> list[str]:
    conn = await db.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT a.name FROM board_membership m JOIN account a ON a.id = m.account_id"
            " WHERE m.ended_by IS NULL ORDER BY m.id"
        )
    finally:
        await conn.close()
    return [row["name"] for row in rows]


async def open_proposals_by_the_board(database_url: str) -> tuple[int, int]:
    """A wording change and a publish proposal, both open, made by the demo board's members."""
    board, board2 = await account_id(database_url, "board"), await account_id(database_url, "board2")
    conn = await db.connect(database_url)
    try:
        wording = await proposals.propose(
            conn, 1, reword("Naloxone with you?", "naloxone_carried"), reason="", actor_id=board
        )
        draft = await queries.draft(conn, 1)
        assert draft is not None
        draft = msgspec.structs.replace(draft, title={**draft.title, "en": "How are things?"})
        await versions.save_draft(conn, 1, draft, actor_id=None)  # a draft that differs from version 1
        publishing = await proposals.propose(
            conn, 1, PublishDraft(definition=draft, translations_confirmed=True), reason="", actor_id=board2
        )
    finally:
        await conn.close()
    return wording, publishing


async def vote(client: Client, proposal_id: int, choice: str = "approve") -> httpx.Response:
    return await post_form(
        client, f"/board/proposals/{proposal_id}/vote", {"choice": choice, "confirmed": "true"}
    )


async def propose_about_board(client: Client, path: str, data: dict[str, str]) -> int:
    """Check a proposal about the board, then send it; its id."""
    checked = await post_form(client, path, data)
    assert checked.status_code == 200, checked.text
    assert soup(checked).select_one("#send") is not None  # the check comes first
    sent = await post_form(client, path, {**data, "confirmed": "true"})
    assert sent.status_code == 303, sent.text
    return int(sent.headers["location"].split("?")[0].rsplit("/", 1)[1])


@pytest.mark.demo_data
async def test_an_admin_alone_cannot_make_voters_or_publish(client: Client, database_url: str) -> None:
    """The reproduction of issue 12, point 2: each step is refused, with a message, and nothing publishes."""
    chief = await make_account(database_url, "chief", ["admin"])
    await as_account(client, "chief")

    # 1. An account with the board role is made, but it is not a voting member, and the admin cannot add it.
    created = await post_form(
        client,
        "/admin/accounts",
        {"name": "puppet1", "display_name": "Puppet", "roles": "board", "password": PASSWORD},
    )
    assert created.status_code == 200
    assert "is not a voting member: the board decides who joins it" in text_of(soup(created), "#accounts")
    puppet = await account_id(database_url, "puppet1")
    added = await post_form(client, "/admin/board-members", {"account_id": str(puppet)})
    assert added.status_code == 422
    assert "no longer being set up: only the board can welcome new members" in text_of(soup(added), "#quorum")
    assert await member_names(database_url) == ["board", "board2"]

    # 2. The admin gives itself the board role (or makes an account holding both): refused.
    both = await post_form(client, f"/admin/accounts/{chief.id}/roles", {"roles": ["admin", "board"]})
    assert both.status_code == 422
    assert "cannot be both an admin and a board member" in text_of(soup(both), "#accounts .error")
    another = await post_form(
        client,
        "/admin/accounts",
        {"name": "chief2", "display_name": "Chief", "roles": ["admin", "board"], "password": PASSWORD},
    )
    assert another.status_code == 422
    assert await scalar(database_url, "SELECT roles FROM account WHERE id = $1", chief.id) == ["admin"]
    assert (await client.get("/board")).status_code == 403

    # 3. The quorum: set up boards change it only by their own decision.
    lowered = await post_form(client, "/admin/board-quorum", {"approvals": "2"})
    assert lowered.status_code == 422
    assert "only the board can change its quorum" in text_of(soup(lowered), "#quorum .error")
    assert (
        await scalar(database_url, "SELECT count(*) FROM audit_event WHERE action = 'board_quorum_set'") == 0
    )

    # 4. Both approve a wording change and a publish proposal: neither vote counts, nothing is published.
    wording, publishing = await open_proposals_by_the_board(database_url)
    await as_account(client, "puppet1")
    for proposal_id in (wording, publishing):
        refused = await vote(client, proposal_id)
        assert refused.status_code == 422
        assert "Only members of the board make proposals and vote" in text_of(soup(refused), "#problem")
        page = soup(await client.get(f"/board/proposals/{proposal_id}"))
        assert page.select_one("form.vote-form") is None
        assert "not a member of the board" in text_of(page, "#no-vote")
    own = await post_form(
        client, "/board/surveys/1/proposals/publish", {"reason": "mine", "confirmed": "true"}
    )
    assert own.status_code == 422
    assert "Only members of the board" in text_of(soup(own), "#problem")
    welcome_self = await post_form(
        client, "/board/members/proposals/welcome", {"account_id": str(puppet), "confirmed": "true"}
    )
    assert welcome_self.status_code == 422
    await as_account(client, "chief")
    for proposal_id in (wording, publishing):
        assert (await vote(client, proposal_id)).status_code == 403
    assert await scalar(database_url, "SELECT count(*) FROM proposal_vote") == 0
    assert await scalar(database_url, "SELECT count(*) FROM survey_version") == 1
    assert (
        await scalar(database_url, "SELECT count(*) FROM survey_version WHERE approval->>'basis' = 'board'")
        == 0
    )


async def test_setting_up_the_admin_adds_the_first_members_audited_and_shown(
    client: Client, database_url: str
) -> None:
    await make_account(database_url, "keeper", ["admin"])
    for name in ("ash", "robin", "kim"):
        await make_account(database_url, name, ["board"])
    await as_account(client, "keeper")
    page = soup(await client.get("/admin"))
    assert "being set up" in text_of(page, "#board-setting-up")
    for name in ("ash", "robin"):
        added = await post_form(
            client, "/admin/board-members", {"account_id": str(await account_id(database_url, name))}
        )
        assert added.status_code == 200
        assert f"{name} is a member of the board now" in text_of(soup(added), "#quorum")
    # Two members reach the default quorum of two: the board is set up, and decides who joins from now on.
    third = await post_form(
        client, "/admin/board-members", {"account_id": str(await account_id(database_url, "kim"))}
    )
    assert third.status_code == 422
    assert "no longer being set up" in text_of(soup(third), "#quorum .error")
    assert soup(third).select_one("#board-governs") is not None
    assert await member_names(database_url) == ["ash", "robin"]
    conn = await db.connect(database_url)
    try:
        audited = await conn.fetch(
            "SELECT e.subject, a.name AS actor FROM audit_event e JOIN account a ON a.id = e.account_id"
            " WHERE e.action = 'board_member_added' ORDER BY e.id"
        )
    finally:
        await conn.close()
    assert [(row["subject"], row["actor"]) for row in audited] == [("ash", "keeper"), ("robin", "keeper")]

    await as_account(client, "ash")
    members = soup(await client.get("/board/members"))
    joined = [text_of(item, ".joined") for item in members.select("li.member")]
    assert joined == ["added by an admin (Keeper) while the board was being set up"] * 2
    assert [text_of(item, "strong") for item in members.select("li.candidate")] == ["Kim"]


async def test_the_admin_sets_the_quorum_only_while_setting_up(client: Client, database_url: str) -> None:
    await make_account(database_url, "keeper", ["admin"])
    await as_account(client, "keeper")
    assert (await post_form(client, "/admin/board-quorum", {"approvals": "2"})).status_code == 200
    saved = await post_form(client, "/admin/board-quorum", {"approvals": "3"})
    assert text_of(soup(saved), "#quorum-needed") == "3"
    refused = await post_form(client, "/admin/board-quorum", {"approvals": "1"})
    assert refused.status_code == 422
    for name in ("ash", "robin", "kim"):
        await make_member(database_url, name)  # three members: the quorum of three is reached
    too_late = await post_form(client, "/admin/board-quorum", {"approvals": "2"})
    assert too_late.status_code == 422
    assert "only the board can change its quorum" in text_of(soup(too_late), "#quorum .error")
    conn = await db.connect(database_url)
    try:
        quorum_events = await conn.fetch(
            "SELECT detail FROM audit_event WHERE action = 'board_quorum_set' ORDER BY id"
        )
    finally:
        await conn.close()
    assert [event["detail"] for event in quorum_events] == [{"from": None, "to": 2}, {"from": 2, "to": 3}]


@pytest.mark.demo_data
async def test_a_welcomed_member_votes_but_not_on_what_was_open_before(
    client: Client, database_url: str
) -> None:
    await known_passwords(database_url)
    await make_account(database_url, "jo", ["board"])
    jo = await account_id(database_url, "jo")
    earlier, _ = await open_proposals_by_the_board(database_url)
    await as_account(client, "board")
    waiting = soup(await client.get("/board/members"))
    assert [text_of(item, "strong") for item in waiting.select("li.candidate")] == ["Jo"]
    welcome = await propose_about_board(client, "/board/members/proposals/welcome", {"account_id": str(jo)})
    page = soup(await client.get(f"/board/proposals/{welcome}"))
    assert text_of(page, "h1") == "Welcome Jo to the board."
    await vote(client, welcome)
    await as_account(client, "board2")
    assert (await vote(client, welcome)).status_code == 303
    accepted = soup(await client.get(f"/board/proposals/{welcome}"))
    assert "Accepted" in text_of(accepted, "#status")
    assert await member_names(database_url) == ["board", "board2", "jo"]

    # Jo joined after the earlier proposal opened: no vote there, with the reason on the page.
    await as_account(client, "jo")
    late = await vote(client, earlier)
    assert late.status_code == 422
    assert "joined the board after this proposal opened" in text_of(soup(late), "#problem")
    assert "joined the board after this proposal was made" in text_of(
        soup(await client.get(f"/board/proposals/{earlier}")), "#no-vote"
    )
    # A proposal made after joining: Jo votes, and the vote counts.
    conn = await db.connect(database_url)
    try:
        later = await proposals.propose(
            conn, 1, reword("Do you have naloxone?", "naloxone_carried"), reason="", actor_id=jo
        )
    finally:
        await conn.close()
    assert (await vote(client, later)).status_code == 303
    assert text_of(soup(await client.get(f"/board/proposals/{later}")), "#tally").startswith("1 of the 2")
    members = soup(await client.get("/board/members"))
    assert (
        text_of(members, f"li.member[data-account='{jo}'] .joined")
        == f"welcomed by the board (proposal {welcome})"
    )


@pytest.mark.demo_data
async def test_once_the_board_exists_its_quorum_is_its_own_decision(
    client: Client, database_url: str
) -> None:
    await known_passwords(database_url)
    await make_member(database_url, "jo")  # three members: a majority is two
    await as_account(client, "board")
    assert text_of(soup(await client.get("/board/members")), "#needed") == "2"
    too_high = await post_form(client, "/board/members/proposals/quorum", {"approvals": "4"})
    assert too_high.status_code == 422
    assert "could never be reached" in text_of(soup(too_high), "#problem")
    raised = await propose_about_board(client, "/board/members/proposals/quorum", {"approvals": "3"})
    await vote(client, raised)
    assert "Open" in text_of(soup(await client.get(f"/board/proposals/{raised}")), "#status")
    await as_account(client, "jo")
    await vote(client, raised)
    assert text_of(soup(await client.get("/board/members")), "#needed") == "3"
    audited = await scalar(database_url, "SELECT detail FROM audit_event WHERE action = 'board_quorum_set'")
    assert audited == {"from": None, "to": 3, "proposal_id": raised}


@pytest.mark.demo_data
async def test_a_member_steps_down_by_the_boards_decision(client: Client, database_url: str) -> None:
    await known_passwords(database_url)
    jo = (await make_member(database_url, "jo")).id
    wording, _ = await open_proposals_by_the_board(database_url)
    await as_account(client, "jo")
    assert (await vote(client, wording, "abstain")).status_code == 303  # jo may: they joined before it
    await as_account(client, "board")
    leaving = await propose_about_board(client, "/board/members/proposals/step-down", {"account_id": str(jo)})
    page = soup(await client.get(f"/board/proposals/{leaving}"))
    assert text_of(page, "h1") == "Jo steps down from the board."
    assert page.select_one("#setup-warning") is None  # two members stay: the board is still set up
    await vote(client, leaving)
    await as_account(client, "board2")
    await vote(client, leaving)
    assert await member_names(database_url) == ["board", "board2"]
    await as_account(client, "jo")
    gone = await vote(client, wording)
    assert gone.status_code == 422
    assert "Only members of the board" in text_of(soup(gone), "#problem")
    # A board of two: one more stepping down would leave it being set up, and the page says what that means.
    await as_account(client, "board")
    board2 = await account_id(database_url, "board2")
    checked = await post_form(client, "/board/members/proposals/step-down", {"account_id": str(board2)})
    assert "an admin could add members directly again" in text_of(soup(checked), "#setup-warning")


async def test_proposals_about_the_board_stay_about_what_the_board_read(database_url: str) -> None:
    members = [(await make_member(database_url, name)).id for name in ("ash", "robin", "kim")]
    conn = await db.connect(database_url)
    try:
        to_three = await proposals.propose_about_board(
            conn, QuorumChange(approvals=3, before=None), reason="", actor_id=members[0]
        )
        with pytest.raises(proposals.ProposalError, match=f"Proposal {to_three} already asks"):
            await proposals.propose_about_board(
                conn, QuorumChange(approvals=3, before=None), reason="", actor_id=members[1]
            )
        to_two = await proposals.propose_about_board(
            conn, QuorumChange(approvals=2, before=None), reason="", actor_id=members[1]
        )
        for member in members[:2]:
            await proposals.vote(conn, to_three, "approve", actor_id=member)
        closed = await membership_queries.board_proposal(conn, to_two)
    finally:
        await conn.close()
    assert closed is not None
    assert closed.status == "outdated"
    assert (
        closed.outcome
        == f"Proposal {to_three} was accepted first. The quorum has changed since this was proposed."
    )


async def test_migration_0007_splits_admin_from_board_and_keeps_the_voters(
    empty_conn: db.Connection, tmp_path: Path
) -> None:
    """Accounts made before 0007: admin+board keeps admin only (audited); active board accounts vote on."""
    await apply_migrations_before(empty_conn, 7, tmp_path / "before")
    accounts_made = [
        ("both", ["admin", "board"], True),
        ("river", ["board"], True),
        ("gone", ["board"], False),
    ]
    for name, held, active in accounts_made:
        await empty_conn.execute(
            "INSERT INTO account (name, name_key, display_name, password_hash, roles, active)"
            " VALUES ($1, $1, $1, 'x', $2, $3)",
            name,
            held,
            active,
        )
    await migrate.apply_all(empty_conn)
    roles = {row["name"]: row["roles"] for row in await empty_conn.fetch("SELECT name, roles FROM account")}
    members = await empty_conn.fetch(
        "SELECT a.name, m.joined, m.after_proposal"
        " FROM board_membership m JOIN account a ON a.id = m.account_id"
    )
    audited = await empty_conn.fetchval(
        "SELECT detail FROM audit_event WHERE action = 'account_roles_changed' AND subject = 'both'"
    )
    assert roles == {"both": ["admin"], "river": ["board"], "gone": ["board"]}
    assert [tuple(row) for row in members] == [("river", "before_0007", 0)]
    assert audited["after"] == ["admin"]
