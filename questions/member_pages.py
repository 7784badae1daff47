"""What the board's Members page and a proposal about the board show: who is on it, how each joined."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from questions import board_pages, membership, membership_queries, proposal_queries
from questions.changes import KIND_NAMES, BoardChange, MemberStepsDown, QuorumChange, WelcomeMember
from questions.membership import quorum_words

if TYPE_CHECKING:
    from questions.membership import BoardState
    from questions.membership_queries import BoardProposal, Member
    from survey.db import Connection


STATUS_NAMES: Final[dict[str, str]] = {
    **board_pages.STATUS_NAMES,
    "outdated": "Closed: the board changed first",
}
"""A proposal about the board's state, in plain words (it is outdated by the board, not by a draft)."""


def joined_words(member: Member) -> str:
    """How a member joined, in plain words (a welcome links to its proposal on the page)."""
    if member.joined == "setup":
        who = f"an admin ({member.added_by})" if member.added_by else "an admin"
        return f"added by {who} while the board was being set up"
    if member.joined == "welcomed":
        return "welcomed by the board"
    return "on the board before the board decided its own members"


def describe(change: BoardChange, about: str) -> str:
    """One plain sentence saying what a proposal about the board does (``about``: the person's name)."""
    match change:
        case WelcomeMember():
            return f"Welcome {about} to the board."
        case MemberStepsDown():
            return f"{about} steps down from the board."
        case QuorumChange():
            return (
                f"Change the quorum from {quorum_words(change.before)} to {quorum_words(change.approvals)}."
            )


def explain(change: BoardChange, about: str) -> str:
    """What accepting it would do, in plain words."""
    match change:
        case WelcomeMember():
            return (
                f"{about} becomes a member and votes on proposals made after they join. They do not vote on"
                " proposals that are already open."
            )
        case MemberStepsDown():
            return (
                f"{about} is no longer a member: their votes, on this and every open proposal, stop counting."
            )
        case QuorumChange():
            return (
                f"A proposal would be accepted when {quorum_words(change.approvals)} approve it and nobody"
                " objects."
            )


def warning(change: BoardChange, state: BoardState) -> str:
    """What a change would open up, when it would leave the board being set up again ('' otherwise)."""
    if not isinstance(change, MemberStepsDown):
        return ""
    left = len(state.members) - 1
    if left >= state.needed:
        return ""
    return (
        f"After this the board would have {left} member{'' if left == 1 else 's'}, fewer than the"
        f" {state.needed} approvals a proposal needs: nothing could be decided, and an admin could add"
        " members directly again, as while the board was first set up."
    )


async def members_context(conn: Connection, account_id: int) -> dict[str, Any]:
    """Everything the Members page shows to ``account_id``."""
    state = await membership.board_state(conn)
    proposals = await membership_queries.board_proposals(conn)
    open_ones = [p for p in proposals if p.status == "open"]
    return {
        "state": state,
        "quorum_words": quorum_words(state.setting),
        "joined": joined_words,
        "candidates": await membership_queries.candidates(conn),
        "is_member": account_id in await membership_queries.active_members(conn),
        "open_proposals": open_ones,
        "closed_proposals": [p for p in proposals if p.status != "open"],
        "tallies": {p.id: await proposal_queries.current_tally(conn, p.id) for p in open_ones},
        "proposal_name": lambda found: describe(found.change, found.about),
        "status_names": STATUS_NAMES,
        "done": None,
        "error": None,
    }


async def board_proposal_context(conn: Connection, found: BoardProposal, account_id: int) -> dict[str, Any]:
    """Everything the proposal page shows for a proposal about the board."""
    state = await membership.board_state(conn)
    return {
        **await board_pages.votes_context(conn, found.id, account_id),
        "proposal": found,
        "about_board": True,
        "kind_name": KIND_NAMES[found.kind],
        "what": describe(found.change, found.about),
        "explanation": explain(found.change, found.about),
        "warning": warning(found.change, state) if found.status == "open" else "",
        "status_names": STATUS_NAMES,
        "next_step": next_step(found),
        "revisions": [],
    }


def next_step(found: BoardProposal) -> str:
    """What follows a proposal about the board once it is decided ("" while it is open)."""
    if found.status == "accepted":
        return "The board has changed: the Members page shows it, and new proposals count by it."
    if found.status == "open":
        return ""
    return "Nothing changed. Any member can make a new proposal on the Members page."
