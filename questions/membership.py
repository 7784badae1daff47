"""The board governs itself: who is a member, setting up, and the proposals the board decides about itself.

An account becomes a voting member only when the board accepts a proposal to welcome it, except while the
board is being set up (it has fewer members than the approvals a proposal needs): then an admin may add
members, each one audited and shown on the board's pages. The quorum changes the same way. Every change
here holds the board's lock, so two changes never both pass a count that only one of them should.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from questions import membership_queries, proposal_queries
from questions.changes import BoardChange, MemberStepsDown, QuorumChange, WelcomeMember
from questions.membership_queries import Member
from questions.quorum import MAXIMUM_APPROVALS, MINIMUM_APPROVALS, approvals_needed, setting_up
from survey.audit_queries import audit
from survey.problems import SetupProblem

if TYPE_CHECKING:
    from questions.membership_queries import BoardProposal
    from survey.db import Connection

BOARD_PAGE: Final = "/board/members"


class MembershipError(SetupProblem, ValueError):
    """A change to the board was refused; the message says why in plain words."""


class BoardState(msgspec.Struct, frozen=True, kw_only=True):
    """The board today: its members, how many approvals decide, and whether it is being set up."""

    members: list[Member]
    active: int
    """Members whose votes count (account on, board role held)."""
    needed: int
    setting: int | None

    @property
    def setting_up(self) -> bool:
        """Fewer members than the approvals a proposal needs: an admin may still add members."""
        return setting_up(len(self.members), self.needed)

    @property
    def to_add(self) -> int:
        """How many more members an admin may add while setting up."""
        return max(0, self.needed - len(self.members))


async def board_state(conn: Connection) -> BoardState:
    """The board's members and rule as they stand."""
    members = await membership_queries.members(conn)
    active = sum(member.votes for member in members)
    setting = await proposal_queries.quorum_setting(conn)
    return BoardState(
        members=members, active=active, needed=approvals_needed(active, setting), setting=setting
    )


def setup_over(state: BoardState, what: str) -> str:
    """Why an admin may no longer do ``what``: the board is set up, so it decides that itself."""
    count = len(state.members)
    return (
        f"The board has {count} member{'' if count == 1 else 's'} and a proposal needs {state.needed}"
        f" approvals, so it is no longer being set up: only the board can {what}. A member proposes it on"
        f" the board's Members page ({BOARD_PAGE})."
    )


async def require_setting_up(conn: Connection, what: str) -> BoardState:
    """The board's state, after taking its lock, when it is being set up.

    Raises:
        MembershipError: the board is set up (the message says what to do instead).
    """
    await membership_queries.lock_board(conn)
    state = await board_state(conn)
    if not state.setting_up:
        raise MembershipError(setup_over(state, what))
    return state


async def add_during_setup(conn: Connection, account_id: int, *, actor_id: int | None) -> str:
    """An admin adds a member while the board is being set up; audited as ``board_member_added``.

    Returns:
        The new member's chosen name.

    Raises:
        MembershipError: the board is set up, or the account cannot be a member (the message says why).
    """
    async with conn.transaction():
        state = await require_setting_up(conn, "welcome new members")
        account = await _welcomable(conn, account_id)
        await membership_queries.add_membership(
            conn, account_id, "setup", welcomed_by=None, added_by=actor_id
        )
        await audit(
            conn,
            "board_member_added",
            account_id=actor_id,
            subject=account,
            detail={"while": "setting up", "members": len(state.members) + 1, "needed": state.needed},
        )
    return account


async def _welcomable(conn: Connection, account_id: int) -> str:
    """The account's sign-in name when it may become a member.

    Raises:
        MembershipError: it may not (no such account, turned off, no board role, already a member).
    """
    found = await membership_queries.standing(conn, account_id)
    if found is None:
        raise MembershipError("There is no such account.")
    if found.member:
        raise MembershipError(f"{found.display_name} is already a member of the board.")
    if not found.active:
        raise MembershipError(f"{found.display_name}'s account is turned off.")
    if not found.has_role:
        raise MembershipError(
            f"{found.display_name} does not have the board role. An admin gives it first (an admin account"
            " cannot have it), so they can read the board's pages."
        )
    return found.name


async def check(conn: Connection, change: BoardChange) -> None:
    """Whether a change to the board still applies, against the board as it stands.

    Raises:
        MembershipError: it does not (the message says why).
    """
    match change:
        case WelcomeMember():
            await _welcomable(conn, change.account_id)
        case MemberStepsDown():
            found = await membership_queries.standing(conn, change.account_id)
            if found is None or not found.member:
                raise MembershipError("That person is not a member of the board.")
        case QuorumChange():
            await _quorum_problem(conn, change)


async def _quorum_problem(conn: Connection, change: QuorumChange) -> None:
    approvals = change.approvals
    if approvals is not None and not MINIMUM_APPROVALS <= approvals <= MAXIMUM_APPROVALS:
        raise MembershipError(f"The quorum is between {MINIMUM_APPROVALS} and {MAXIMUM_APPROVALS} approvals.")
    state = await board_state(conn)
    if state.setting != change.before:
        raise MembershipError("The quorum has changed since this was proposed.")
    if approvals == state.setting:
        raise MembershipError("The quorum is already that.")
    if approvals is not None and approvals > len(state.members):
        raise MembershipError(
            f"The board has {len(state.members)} members, so a quorum of {approvals} could never be reached"
            " (and would let an admin add members, as while setting up)."
        )


async def apply(conn: Connection, found: BoardProposal, approvals: int, actor_id: int | None) -> str:
    """Make an accepted change to the board (the caller holds the board's lock); an audit event.

    Args:
        conn: the connection, in the transaction that settles the proposal.
        found: the accepted proposal.
        approvals: how many members approved it, for the outcome.
        actor_id: whose vote decided it (``None`` when counted again from the command line).

    Returns:
        The plain outcome to record with the proposal.

    Raises:
        MembershipError: the change no longer applies (the proposal then closes as outdated).
    """
    await check(conn, found.change)
    approved = f"{approvals} board members approved."
    detail: dict[str, object] = {"proposal_id": found.id}
    match found.change:
        case WelcomeMember(account_id=account_id):
            await membership_queries.add_membership(
                conn, account_id, "welcomed", welcomed_by=found.id, added_by=None
            )
            action, outcome = "board_member_welcomed", f"{found.about} is a member now."
        case MemberStepsDown(account_id=account_id):
            await membership_queries.end_membership(conn, account_id, found.id)
            action, outcome = "board_member_stepped_down", f"{found.about} has stepped down."
        case QuorumChange(approvals=setting, before=before):
            await proposal_queries.set_quorum(conn, setting, None)
            detail |= {"from": before, "to": setting}
            action, outcome = "board_quorum_set", f"The quorum is now {quorum_words(setting)}."
    subject = "" if isinstance(found.change, QuorumChange) else await _name(conn, found.change.account_id)
    await audit(conn, action, account_id=actor_id, subject=subject, detail=detail)
    return f"{approved} {outcome}"


async def _name(conn: Connection, account_id: int) -> str:
    found = await membership_queries.standing(conn, account_id)
    return "" if found is None else found.name


def quorum_words(setting: int | None) -> str:
    """A quorum setting in plain words."""
    return "a majority of the members (at least two)" if setting is None else f"{setting} approvals"


async def overtaken(conn: Connection, accepted: BoardProposal) -> list[tuple[int, str]]:
    """The open proposals about the board that an accepted one leaves without meaning, with why."""
    closing = []
    for other in await membership_queries.open_board_proposals(conn):
        if other.id == accepted.id:
            continue
        try:
            await check(conn, other.change)
        except MembershipError as problem:
            closing.append((other.id, f"Proposal {accepted.id} was accepted first. {problem}"))
    return closing
