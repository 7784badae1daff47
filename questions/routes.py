"""The board's home at ``/board`` and its Members page at ``/board/members``, where it governs itself.

The peer advisory board's workspace lives under ``/board``, one controller per prefix (surveys,
proposals, versions, words, language check, members). Board members see questions, proposals, versions and
the board's own members only: nothing there reads a response or a score.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from questions import board_pages, member_pages, membership, membership_queries, proposal_queries, proposals
from questions.board_pages import BoardPages, Query, back_to
from questions.changes import BoardChange, MemberStepsDown, QuorumChange, WelcomeMember
from questions.forms import MemberForm, QuorumProposalForm
from survey.auth import PrincipalDependency
from survey.db import Connection, ConnectionDependency

if TYPE_CHECKING:
    from survey.schemas import Principal


class BoardController(BoardPages):
    """The board's home page; every route needs the board role."""

    path = "/board"

    @get("/", operation_id="board_home")
    async def home(self, conn: ConnectionDependency) -> Template:
        """The surveys with a draft, how many proposals are open, and the rule for deciding."""
        counted = await proposal_queries.board_rule(conn)
        surveys = await proposal_queries.board_surveys(conn)
        state = await membership.board_state(conn)
        return Template("board/index.html", context={"surveys": surveys, "tally": counted, "state": state})


async def _members_page(
    conn: Connection, principal: Principal, status_code: int = 200, **extra: Any
) -> Template:
    context = await member_pages.members_context(conn, principal.account_id)
    return Template("board/members.html", context={**context, **extra}, status_code=status_code)


async def _about(conn: Connection, account_id: int) -> str:
    found = await membership_queries.standing(conn, account_id)
    return found.display_name if found else "(no such account)"


async def _check_or_send(
    conn: Connection,
    principal: Principal,
    path: str,
    change: BoardChange,
    form: MemberForm | QuorumProposalForm,
) -> Template | Redirect:
    """Show the change to check first; once confirmed, send it to the board. Refusals show on the page."""
    try:
        if form.confirmed:
            proposal_id = await proposals.propose_about_board(
                conn, change, reason=form.reason, actor_id=principal.account_id
            )
            return back_to(f"/board/proposals/{proposal_id}", "proposed")
        await membership.check(conn, change)
    except (proposals.ProposalError, membership.MembershipError) as refused:
        return await _members_page(conn, principal, 422, error=str(refused))
    about = "" if isinstance(change, QuorumChange) else await _about(conn, change.account_id)
    fields = (
        {"approvals": form.approvals}
        if isinstance(form, QuorumProposalForm)
        else {"account_id": form.account_id}
    )
    return Template(
        "board/member_check.html",
        context={
            "path": path,
            "fields": fields,
            "what": member_pages.describe(change, about),
            "explanation": member_pages.explain(change, about),
            "warning": member_pages.warning(change, await membership.board_state(conn)),
            "reason": form.reason,
        },
    )


class BoardMemberController(BoardPages):
    """The board's members, how each joined, and proposals about the board; all need the board role."""

    path = "/board/members"

    @get("/", operation_id="board_members")
    async def members(
        self, conn: ConnectionDependency, principal: PrincipalDependency, done: Query = ""
    ) -> Template:
        """Who is on the board and how each joined, who may be welcomed, the quorum, proposals about it."""
        return await _members_page(conn, principal, done=board_pages.DONE_MESSAGES.get(done))

    @post("/proposals/welcome", operation_id="board_propose_welcome")
    async def propose_welcome(
        self, conn: ConnectionDependency, principal: PrincipalDependency, data: URLEncodedBody[MemberForm]
    ) -> Template | Redirect:
        """Propose welcoming an account with the board role as a member."""
        change = WelcomeMember(account_id=data.account_id)
        return await _check_or_send(conn, principal, "/board/members/proposals/welcome", change, data)

    @post("/proposals/step-down", operation_id="board_propose_step_down")
    async def propose_step_down(
        self, conn: ConnectionDependency, principal: PrincipalDependency, data: URLEncodedBody[MemberForm]
    ) -> Template | Redirect:
        """Propose that a member steps down (a member may propose it for themselves)."""
        change = MemberStepsDown(account_id=data.account_id)
        return await _check_or_send(conn, principal, "/board/members/proposals/step-down", change, data)

    @post("/proposals/quorum", operation_id="board_propose_quorum")
    async def propose_quorum(
        self,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        data: URLEncodedBody[QuorumProposalForm],
    ) -> Template | Redirect:
        """Propose a new quorum (empty: a majority of the members)."""
        approvals = int(data.approvals) if data.approvals.strip() else None
        change = QuorumChange(approvals=approvals, before=await proposal_queries.quorum_setting(conn))
        return await _check_or_send(conn, principal, "/board/members/proposals/quorum", change, data)
