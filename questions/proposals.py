"""The board's actions on proposals: propose, comment, vote, take back, and settle by the quorum.

A proposal settles inside the transaction of the vote that decides it: an accepted change is made to the
draft (an accepted publish proposal publishes through :func:`questions.versions.publish`, whose gate counts
the votes again), or to the board itself (:mod:`questions.membership`), and open proposals the change
overtakes close as outdated, so nobody votes on something other than what they read. Only members
propose; a member votes on the proposals opened after they joined.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, NamedTuple

from questions import (
    comment_queries,
    membership,
    membership_queries,
    proposal_kind_queries,
    proposal_queries,
    queries,
    revision_queries,
    versions,
)
from questions.changes import AddQuestion, BoardChange, Change, PublishDraft, affected_key, apply, conflict
from questions.membership_queries import BoardProposal
from questions.proposal_kind_queries import ExternalProposal
from questions.quorum import MAXIMUM_APPROVALS, MINIMUM_APPROVALS, Choice, Tally
from survey.audit_queries import audit

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from questions.proposal_queries import Proposal
    from questions.schemas import SurveyDefinition
    from survey.db import Connection

NOT_A_MEMBER: Final = (
    "Only members of the board make proposals and vote. New members join when the board welcomes them:"
    " a member can propose it on the board's Members page."
)
JOINED_LATER: Final = (
    "You joined the board after this proposal opened, so you do not vote on it. You can still comment."
)


class ProposalError(ValueError):
    """A board action was refused; the message says why in plain words."""


class ProposalKind(NamedTuple):
    """A kind of proposal the board decides here and a higher layer settles (a report-back's release).

    The layer below cannot import the one that knows what such a proposal does, so that layer registers
    the kind (:func:`register_kind`, from ``create_app``); votes, comments and the quorum stay here.
    """

    settle: Callable[[Connection, ExternalProposal, Tally, int | None], Awaitable[tuple[str, str]]]
    """Called in the deciding vote's transaction once the board accepts: the status and outcome to close
    with (``accepted``, or ``outdated`` with the reason it could not be done)."""
    page: Callable[[int], str]
    """The page where the board reads and votes on a proposal of this kind, by proposal id."""


_KINDS: dict[str, ProposalKind] = {}


def register_kind(kind: str, registered: ProposalKind) -> None:
    """Let the board decide proposals of ``kind``; registering the same kind again replaces it."""
    _KINDS[kind] = registered


async def page_of(conn: Connection, proposal_id: int) -> str | None:
    """Where a proposal of a registered kind is shown, or ``None`` for the kinds shown here."""
    kind = await proposal_kind_queries.proposal_kind(conn, proposal_id)
    return _KINDS[kind].page(proposal_id) if kind in _KINDS else None


async def propose_kind(
    conn: Connection, kind: str, change: dict[str, object], *, reason: str, actor_id: int
) -> int:
    """Put a proposal of a registered kind to the board (the caller has checked what it proposes).

    Raises:
        ProposalError: the kind is not registered, or the proposer is not a member.
    """
    if kind not in _KINDS:
        raise ProposalError("The board cannot decide this kind of proposal here.")
    async with conn.transaction():
        await membership_queries.lock_board(conn)
        await _require_member(conn, actor_id)
        return await proposal_kind_queries.insert_external_proposal(
            conn, kind, change, reason=reason.strip(), proposed_by=actor_id
        )


async def _require_member(conn: Connection, actor_id: int) -> None:
    if actor_id not in await membership_queries.active_members(conn):
        raise ProposalError(NOT_A_MEMBER)


async def propose(conn: Connection, survey_id: int, change: Change, *, reason: str, actor_id: int) -> int:
    """Put a change to the board.

    Raises:
        ProposalError: the proposer is not a member, there is no draft, or the change does not fit it (the
            message says how).
    """
    async with conn.transaction():
        await queries.lock_survey(conn, survey_id)
        await _require_member(conn, actor_id)
        draft = await queries.draft(conn, survey_id)
        if draft is None:
            raise ProposalError("This survey has no draft to change.")
        if isinstance(change, PublishDraft):
            latest = await queries.latest_version(conn, survey_id)
            if latest is not None and latest.definition == draft:
                raise ProposalError(
                    f"The draft is the same as version {latest.number}: there is nothing new."
                )
        problem = conflict(draft, draft, change)
        if problem is not None:
            raise ProposalError(problem)
        return await proposal_queries.insert_proposal(
            conn, survey_id, change, draft_before=draft, reason=reason.strip(), proposed_by=actor_id
        )


async def propose_about_board(conn: Connection, change: BoardChange, *, reason: str, actor_id: int) -> int:
    """Put a change to the board itself (welcome a member, a member steps down, the quorum) to the board.

    Raises:
        ProposalError: the proposer is not a member, the change does not apply, or the same question is
            already open (the message says which).
    """
    async with conn.transaction():
        await membership_queries.lock_board(conn)
        await _require_member(conn, actor_id)
        try:
            await membership.check(conn, change)
        except membership.MembershipError as refused:
            raise ProposalError(str(refused)) from None
        for other in await membership_queries.open_board_proposals(conn):
            if other.change == change:
                raise ProposalError(f"Proposal {other.id} already asks the board this, and it is still open.")
        return await membership_queries.insert_board_proposal(
            conn, change, reason=reason.strip(), proposed_by=actor_id
        )


async def _open(conn: Connection, proposal_id: int) -> Proposal | BoardProposal | ExternalProposal:
    """Lock the proposal's survey, then the proposal, then the board, refusing a closed proposal.

    The survey comes first, as in :func:`propose` and publishing, so two decisions on one survey queue up
    instead of deadlocking; a proposal about the board takes the board's lock before its own row, as every
    change to the board does.
    """
    survey_id = await proposal_queries.survey_of_proposal(conn, proposal_id)
    kind = await proposal_kind_queries.proposal_kind(conn, proposal_id)
    found: Proposal | BoardProposal | ExternalProposal | None
    if kind in _KINDS:
        await membership_queries.lock_board(conn)
        found = await proposal_kind_queries.external_proposal(conn, proposal_id, kind or "", lock=True)
    elif survey_id is not None:
        await queries.lock_survey(conn, survey_id)
        found = await proposal_queries.proposal(conn, proposal_id, lock=True)
        await membership_queries.lock_board(conn)
    else:
        await membership_queries.lock_board(conn)
        found = await membership_queries.board_proposal(conn, proposal_id, lock=True)
    if found is None:
        # A kind another layer settles, when that layer did not register it (create_app does).
        raise ProposalError("There is no such proposal." if kind is None else f"“{kind}” is not decided here")
    if found.status != "open":
        raise ProposalError(f"This proposal is closed ({found.status}); nothing more can be added to it.")
    return found


async def comment(conn: Connection, proposal_id: int, body: str, *, actor_id: int) -> int:
    """Add a comment to an open proposal."""
    async with conn.transaction():
        await _open(conn, proposal_id)
        return await comment_queries.insert_comment(conn, proposal_id, actor_id, body.strip())


async def withdraw_comment(conn: Connection, proposal_id: int, comment_id: int, *, actor_id: int) -> None:
    """Take back one's own comment while the proposal is open (it stays in the history, marked)."""
    async with conn.transaction():
        await _open(conn, proposal_id)
        if not await comment_queries.withdraw_comment(conn, comment_id, proposal_id, actor_id):
            raise ProposalError("Only your own comments can be taken back, and only once.")


async def _reload(
    conn: Connection, found: Proposal | BoardProposal | ExternalProposal
) -> Proposal | BoardProposal | ExternalProposal:
    if isinstance(found, ExternalProposal):
        external = await proposal_kind_queries.external_proposal(conn, found.id, found.kind)
        assert external is not None  # noqa: S101 (the row was locked, and proposals are never deleted)
        return external
    settled = (
        await membership_queries.board_proposal(conn, found.id)
        if isinstance(found, BoardProposal)
        else await proposal_queries.proposal(conn, found.id)
    )
    assert settled is not None  # noqa: S101 (the row was locked, and proposals are never deleted)
    return settled


async def vote(
    conn: Connection, proposal_id: int, choice: Choice | None, *, reason: str = "", actor_id: int
) -> Proposal | BoardProposal | ExternalProposal:
    """Cast, change or (``None``) take back a vote, then settle the proposal if the votes now decide it.

    Returns:
        The proposal as it stands afterwards.

    Raises:
        ProposalError: the proposal is closed, the voter is not an active member who joined before it
            opened, or an objection has no reason.
    """
    async with conn.transaction():
        found = await _open(conn, proposal_id)
        if actor_id not in await membership_queries.voters(conn, proposal_id):
            later = actor_id in await membership_queries.active_members(conn)
            raise ProposalError(JOINED_LATER if later else NOT_A_MEMBER)
        if choice == "object" and not reason.strip():
            raise ProposalError("Please say why you object, so the board can talk about it.")
        if choice is None and actor_id not in await proposal_queries.standing_votes(conn, proposal_id):
            raise ProposalError("You have no vote on this proposal to take back.")
        stored_reason = reason.strip() if choice in {"object", "abstain"} else ""
        await proposal_queries.insert_vote(conn, proposal_id, actor_id, choice or "withdrawn", stored_reason)
        await _settle(conn, found, await proposal_queries.current_tally(conn, proposal_id), actor_id)
        return await _reload(conn, found)


async def count_again(conn: Connection, proposal_id: int) -> Proposal | BoardProposal | ExternalProposal:
    """Settle an open proposal by its standing votes against today's board and quorum.

    Votes settle a proposal as they are cast; after an admin changes the quorum or the board's members,
    this settles one whose votes now decide it (publishing, for a publish proposal, through the same gate).

    Raises:
        ProposalError: the proposal is closed, or its votes do not decide it (the message gives the count).
    """
    async with conn.transaction():
        found = await _open(conn, proposal_id)
        counted = await proposal_queries.current_tally(conn, proposal_id)
        if counted.decision == "open":
            raise ProposalError(
                f"Proposal {proposal_id} has {counted.approvals} of the {counted.needed} approvals it needs"
                f" and {counted.objections} standing objection(s): the board has not decided it."
            )
        await _settle(conn, found, counted, None)
        return await _reload(conn, found)


async def revise(conn: Connection, proposal_id: int, change: Change, *, reason: str, actor_id: int) -> int:
    """The proposer revises an open proposal after the board's comments; the votes start again.

    The earlier revision stays in the proposal's history. A revision is the same kind of change to the same
    question (for a translation, in the same language); anything else is a new proposal.

    Returns:
        The new revision's number.

    Raises:
        ProposalError: not the proposer, a closed proposal or one about the board, another kind of change,
            nothing changed, or a change that no longer fits the draft.
    """
    async with conn.transaction():
        found = await _open(conn, proposal_id)
        if isinstance(found, BoardProposal | ExternalProposal) or isinstance(found.change, PublishDraft):
            raise ProposalError("This kind of proposal is not revised: take it back and propose again.")
        if found.proposed_by != actor_id:
            raise ProposalError("Only the person who made a proposal can revise it.")
        await _require_member(conn, actor_id)
        same_language = getattr(change, "language", None) == getattr(found.change, "language", None)
        same_question = isinstance(change, AddQuestion) or affected_key(change) == affected_key(found.change)
        if type(change) is not type(found.change) or not (same_language and same_question):
            raise ProposalError("A revision changes the same question in the same way; make a new proposal.")
        if change == found.change and reason.strip() == found.reason:
            raise ProposalError("The revision is the same as the proposal: nothing to change.")
        draft = await queries.draft(conn, found.survey_id)
        problem = None if draft is None else conflict(found.draft_before, draft, change)
        if draft is None or problem is not None:
            raise ProposalError(problem or "This survey has no draft to change.")
        return await revision_queries.revise(conn, proposal_id, change, reason.strip())


async def withdraw_proposal(conn: Connection, proposal_id: int, *, actor_id: int) -> None:
    """The proposer takes back an open proposal."""
    async with conn.transaction():
        found = await _open(conn, proposal_id)
        if found.proposed_by != actor_id:
            raise ProposalError("Only the person who made a proposal can take it back.")
        await proposal_queries.close_proposal(conn, proposal_id, "withdrawn", "")


async def _settle(
    conn: Connection, found: Proposal | BoardProposal | ExternalProposal, counted: Tally, actor_id: int | None
) -> None:
    decision = counted.decision
    if decision == "rejected":
        outcome = f"{counted.objections} board members objected."
        await proposal_queries.close_proposal(conn, found.id, "rejected", outcome)
        return
    if decision != "accepted":
        return
    if isinstance(found, BoardProposal):
        await _settle_board(conn, found, counted, actor_id)
        return
    if isinstance(found, ExternalProposal):
        status, outcome = await _KINDS[found.kind].settle(conn, found, counted, actor_id)
        await proposal_queries.close_proposal(conn, found.id, status, outcome)
        return
    draft = await queries.draft(conn, found.survey_id)
    problem = None if draft is None else conflict(found.draft_before, draft, found.change)
    if draft is None or problem is not None:
        await proposal_queries.close_proposal(conn, found.id, "outdated", problem or "")
        return
    number = None
    if isinstance(found.change, PublishDraft):
        # Publishing closes the proposal itself, in its gate's transaction.
        approval = versions.Approval(basis="board", proposal_id=found.id)
        try:
            published = await versions.publish(conn, found.survey_id, actor_id=actor_id, approval=approval)
        except versions.PublishRefusedError as refused:  # e.g. the same draft was published meanwhile
            await proposal_queries.close_proposal(conn, found.id, "outdated", str(refused))
            return
        number = published.number
    else:
        draft = apply(draft, found.change)
        await versions.save_draft(conn, found.survey_id, draft, actor_id=actor_id)
        outcome = f"{counted.approvals} board members approved."
        await proposal_queries.close_proposal(conn, found.id, "accepted", outcome)
    await _outdate_overtaken(conn, found, draft, number)


async def _settle_board(conn: Connection, found: BoardProposal, counted: Tally, actor_id: int | None) -> None:
    """Make an accepted change to the board, then close the proposals about the board it overtakes."""
    try:
        outcome = await membership.apply(conn, found, counted.approvals, actor_id)
    except membership.MembershipError as problem:
        await proposal_queries.close_proposal(conn, found.id, "outdated", str(problem))
        return
    await proposal_queries.close_proposal(conn, found.id, "accepted", outcome)
    for other_id, why in await membership.overtaken(conn, found):
        await proposal_queries.close_proposal(conn, other_id, "outdated", why)


async def _outdate_overtaken(
    conn: Connection, accepted: Proposal, draft: SurveyDefinition, published: int | None
) -> None:
    for other in await proposal_queries.open_proposals(conn, accepted.survey_id):
        problem = conflict(other.draft_before, draft, other.change)
        if published is not None and isinstance(other.change, PublishDraft):
            problem = f"This draft is now published as version {published}."
        if problem is not None:
            outcome = f"Proposal {accepted.id} was accepted first. {problem}"
            await proposal_queries.close_proposal(conn, other.id, "outdated", outcome)


async def set_quorum(conn: Connection, approvals: int | None, *, actor_id: int | None) -> None:
    """An admin sets the approvals a proposal needs (``None``: a majority), only while setting up; audited.

    Once the board has as many members as its quorum, only the board changes it (a "change the quorum"
    proposal), so no admin can lower it to let fewer people decide, or raise it to reopen setting up.

    Raises:
        ProposalError: fewer than two or more than the maximum, or the board is set up.
    """
    if approvals is not None and not MINIMUM_APPROVALS <= approvals <= MAXIMUM_APPROVALS:
        raise ProposalError(f"The quorum is between {MINIMUM_APPROVALS} and {MAXIMUM_APPROVALS} approvals.")
    async with conn.transaction():
        try:
            await membership.require_setting_up(conn, "change its quorum")
        except membership.MembershipError as refused:
            raise ProposalError(str(refused)) from None
        before = await proposal_queries.quorum_setting(conn)
        await proposal_queries.set_quorum(conn, approvals, actor_id)
        await audit(conn, "board_quorum_set", account_id=actor_id, detail={"from": before, "to": approvals})
