"""A proposal under ``/board/proposals``: its page, votes, comments, taking things back, kiosk previews.

Like the rest of ``/board``, it reads questions, proposals and versions only, never a response or a score.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

from litestar import get, post
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from questions import board_pages, member_pages, proposal_queries, proposal_views, proposals
from questions.board_pages import BoardPages, Query, back_to, find_any, find_proposal
from questions.changes import affected_key
from questions.forms import CommentForm, ConfirmForm, VoteForm
from questions.kiosk_view import kiosk_survey
from survey.auth import PrincipalDependency
from survey.db import Connection, ConnectionDependency, RowId
from survey.schemas import KioskSurvey, Principal

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from questions.membership_queries import BoardProposal

Side = Annotated[Literal["before", "after"], QueryParameter(required=False)]
"""Which side of the change a preview shows."""

_TAKE_BACK: Final[dict[str, tuple[str, str, str]]] = {
    "withdraw": (
        "Take back your proposal?",
        "The board will see that you took it back; its comments and votes stay in the history.",
        "Yes, take it back",
    ),
    "unvote": ("Take back your vote?", "The board will see that you took it back.", "Yes, take my vote back"),
    "uncomment": (
        "Take back your comment?",
        "The board will see that a comment was taken back, not what it said.",
        "Yes, take it back",
    ),
}


def _confirm(context: dict[str, Any], what: str, path: str, would: str) -> Template:
    """The page asking to confirm taking something back (``path``: where to post, under the proposal's)."""
    title, explanation, button = _TAKE_BACK[what]
    return Template(
        "board/confirm.html",
        context={
            **context,
            "path": path,
            "would": would,
            "title": title,
            "explanation": explanation,
            "button": button,
        },
    )


async def _context(
    conn: Connection, found: proposal_queries.Proposal | BoardProposal, account_id: int
) -> dict[str, Any]:
    """What the proposal page shows, for a proposal on a survey or about the board."""
    if isinstance(found, proposal_queries.Proposal):
        return await board_pages.proposal_context(conn, found, account_id)
    return await member_pages.board_proposal_context(conn, found, account_id)


async def _act(
    conn: Connection,
    found: proposal_queries.Proposal | BoardProposal,
    principal: Principal,
    done: str,
    action: Awaitable[object],
) -> Template | Redirect:
    """Run one action on a proposal: back to its page saying so, or the page with the refusal."""
    try:
        await action
    except proposals.ProposalError as refused:
        context = await _context(conn, found, principal.account_id)
        return Template(
            "board/proposal.html",
            context={**context, "done": None, "error": str(refused)},
            status_code=422,
        )
    return back_to(f"/board/proposals/{found.id}", done)


_TAKEN_BACK: Final[dict[str, str]] = {
    "unvote": "unvoted",
    "withdraw": "withdrawn",
    "uncomment": "uncommented",
}


async def _take_back(
    conn: Connection,
    principal: Principal,
    proposal_id: int,
    data: ConfirmForm,
    what: str,
    path: str,
    action: Callable[[], Awaitable[object]],
) -> Template | Redirect:
    """Ask first (saying whether taking a vote back would decide the proposal), then take it back."""
    found = await find_any(conn, proposal_id)
    if not data.confirmed:
        actor = principal.account_id
        context = await _context(conn, found, actor)
        would = "open"
        if what == "unvote":
            would = proposal_views.would_decide(context["tally"], context["my_vote"], actor, "withdrawn")
        return _confirm(context, what, path, would)
    return await _act(conn, found, principal, _TAKEN_BACK[what], action())


class ProposalController(BoardPages):
    """One proposal and what the board does with it; every route needs the board role."""

    path = "/board/proposals"

    @get("/{proposal_id:int}", operation_id="board_proposal")
    async def proposal(
        self,
        principal: PrincipalDependency,
        conn: ConnectionDependency,
        proposal_id: RowId,
        done: Query = "",
    ) -> Template | Redirect:
        """A proposal: what it changes side by side, the votes, the comments, and what you can do."""
        elsewhere = await proposals.page_of(conn, proposal_id)
        if elsewhere is not None:  # a kind another layer shows (a report-back's release)
            return Redirect(elsewhere, status_code=303)
        found = await find_any(conn, proposal_id)
        context = await _context(conn, found, principal.account_id)
        return Template(
            "board/proposal.html",
            context={**context, "done": board_pages.DONE_MESSAGES.get(done), "error": None},
        )

    @post("/{proposal_id:int}/vote", operation_id="board_vote")
    async def vote(
        self,
        principal: PrincipalDependency,
        conn: ConnectionDependency,
        proposal_id: RowId,
        data: URLEncodedBody[VoteForm],
    ) -> Template | Redirect:
        """Ask to confirm a vote, then count it (the vote that decides settles the proposal)."""
        found = await find_any(conn, proposal_id)
        actor = principal.account_id
        if not data.confirmed or (data.choice == "object" and not data.reason.strip()):
            context = await _context(conn, found, actor)
            would = proposal_views.would_decide(context["tally"], context["my_vote"], actor, data.choice)
            return Template(
                "board/confirm_vote.html",
                context={**context, "form": data, "would": would},
                status_code=200 if data.confirmed is False else 422,
            )
        action = proposals.vote(conn, proposal_id, data.choice, reason=data.reason, actor_id=actor)
        return await _act(conn, found, principal, "voted", action)

    @post("/{proposal_id:int}/unvote", operation_id="board_unvote")
    async def unvote(
        self,
        principal: PrincipalDependency,
        conn: ConnectionDependency,
        proposal_id: RowId,
        data: URLEncodedBody[ConfirmForm],
    ) -> Template | Redirect:
        """Take one's vote back while the proposal is open, after confirming (it may decide the proposal)."""
        actor = principal.account_id
        return await _take_back(
            conn,
            principal,
            proposal_id,
            data,
            "unvote",
            "/unvote",
            lambda: proposals.vote(conn, proposal_id, None, actor_id=actor),
        )

    @post("/{proposal_id:int}/withdraw", operation_id="board_withdraw")
    async def withdraw(
        self,
        principal: PrincipalDependency,
        conn: ConnectionDependency,
        proposal_id: RowId,
        data: URLEncodedBody[ConfirmForm],
    ) -> Template | Redirect:
        """The proposer takes their proposal back, after confirming."""
        actor = principal.account_id
        return await _take_back(
            conn,
            principal,
            proposal_id,
            data,
            "withdraw",
            "/withdraw",
            lambda: proposals.withdraw_proposal(conn, proposal_id, actor_id=actor),
        )

    @post("/{proposal_id:int}/comments", operation_id="board_comment")
    async def comment(
        self,
        principal: PrincipalDependency,
        conn: ConnectionDependency,
        proposal_id: RowId,
        data: URLEncodedBody[CommentForm],
    ) -> Template | Redirect:
        """Add a comment."""
        found = await find_any(conn, proposal_id)
        action = proposals.comment(conn, proposal_id, data.body, actor_id=principal.account_id)
        return await _act(conn, found, principal, "commented", action)

    @post("/{proposal_id:int}/comments/{comment_id:int}/withdraw", operation_id="board_uncomment")
    async def uncomment(
        self,
        principal: PrincipalDependency,
        conn: ConnectionDependency,
        proposal_id: RowId,
        comment_id: RowId,
        data: URLEncodedBody[ConfirmForm],
    ) -> Template | Redirect:
        """Take one's own comment back, after confirming."""
        actor = principal.account_id
        return await _take_back(
            conn,
            principal,
            proposal_id,
            data,
            "uncomment",
            f"/comments/{comment_id}/withdraw",
            lambda: proposals.withdraw_comment(conn, proposal_id, comment_id, actor_id=actor),
        )

    @get("/{proposal_id:int}/preview", operation_id="board_preview")
    async def preview(
        self, conn: ConnectionDependency, proposal_id: RowId, side: Side = "after", language: Query = ""
    ) -> Template:
        """The proposal's question on the kiosk's own screen, run by the kiosk's own code."""
        found = await find_proposal(conn, proposal_id)
        definition = proposal_views.side_definition(found, side)
        language = language if language in definition.languages else definition.languages[0]
        key = affected_key(found.change) or ""
        return Template(
            "board/preview.html",
            context={"proposal": found, "side": side, "language": language, "question_key": key},
        )

    @get("/{proposal_id:int}/preview.json", operation_id="board_preview_survey")
    async def preview_survey(
        self, conn: ConnectionDependency, proposal_id: RowId, side: Side = "after"
    ) -> KioskSurvey:
        """The survey before or after the proposal, shaped as the kiosk loads it."""
        found = await find_proposal(conn, proposal_id)
        definition = proposal_views.side_definition(found, side)
        return kiosk_survey(definition, 0, site="Preview", resources="")
