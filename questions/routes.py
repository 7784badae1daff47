"""The peer advisory board's workspace: surveys' drafts, proposals, votes, comments, versions, language check.

Board members see questions, proposals and versions only: nothing here reads a response or a score.
"""

from __future__ import annotations

from typing import Any, Final, Literal

import msgspec
from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from questions import board_pages, proposal_queries, proposals, queries
from questions.board_pages import Query, back_to, find_proposal
from questions.changes import KIND_NAMES, affected_key, apply
from questions.diff import changes_since, question_diff
from questions.drafting import ProposalForm, change_from
from questions.forms import (
    AddForm,
    CommentForm,
    ConfirmForm,
    MoveForm,
    OptionsForm,
    PublishForm,
    RetireForm,
    VoteForm,
    WordingForm,
    as_list,
)
from questions.validation import DefinitionError
from survey.auth import requires_role, signed_in
from survey.db import Connection, ConnectionDependency, RowId

Kind = Literal["wording", "options", "add", "retire", "move", "publish"]


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


class BoardController(Controller):
    """The board's pages; every route needs the board role."""

    path = "/board"
    guards = [requires_role("board")]
    tags = ["board"]
    include_in_schema = False

    @get("/", operation_id="board_home")
    async def home(self, conn: ConnectionDependency) -> Template:
        """The surveys with a draft, how many proposals are open, and the rule for deciding."""
        counted = await proposal_queries.board_rule(conn)
        rows = await conn.fetch(proposal_queries.BOARD_SURVEYS)
        return Template("board/index.html", context={"surveys": rows, "tally": counted})

    @get("/surveys/{survey_id:int}", operation_id="board_survey")
    async def survey(self, conn: ConnectionDependency, survey_id: RowId, done: Query = "") -> Template:
        """A survey's draft with a way to propose a change on each question, its proposals and versions."""
        context = await board_pages.survey_context(conn, survey_id)
        return Template("board/survey.html", context={**context, "done": board_pages.DONE_MESSAGES.get(done)})

    @get("/surveys/{survey_id:int}/propose/{kind:str}", operation_id="board_propose_page")
    async def propose_page(
        self,
        conn: ConnectionDependency,
        survey_id: RowId,
        kind: FromPath[Kind],
        question: Query = "",
        language: Query = "",
    ) -> Template:
        """The form for one kind of proposal, filled with the draft as it stands."""
        context = await self._form_context(conn, survey_id, kind, question, language)
        return Template("board/propose.html", context=context)

    async def _form_context(
        self, conn: Connection, survey_id: int, kind: str, question: str, language: str
    ) -> dict[str, Any]:
        context = await board_pages.draft_context(conn, survey_id)
        draft = context["draft"]
        target = draft.question(question) if question else None
        if kind in {"wording", "options", "retire", "move"} and target is None:
            raise NotFoundException("There is no such question in the draft.")
        if kind == "wording" and language not in draft.languages:
            raise NotFoundException("The survey is not offered in that language.")
        language = language if language in draft.languages else draft.languages[0]
        words = await proposal_queries.board_words(conn, language)
        return {
            **context,
            "kind": kind,
            "kind_name": KIND_NAMES[kind],
            "question": target,
            "language": language,
            "advice": board_pages.advice_for(target, language, words),
            "values": {},
            "checked": None,
            "error": None,
        }

    async def _check_or_send(
        self, request: Request[Any, Any, Any], conn: Connection, survey_id: int, kind: str, form: ProposalForm
    ) -> Template | Redirect:
        """Show the change to check, or (once confirmed) send it to the board; problems show in the form."""
        question = str(getattr(form, "question", ""))
        context = await self._form_context(
            conn, survey_id, kind, question, str(getattr(form, "language", ""))
        )
        draft = context["draft"]
        values = msgspec.to_builtins(form)
        repeated = (
            ("text", "help", "options") if isinstance(form, AddForm | OptionsForm) else ("option_label",)
        )
        context["values"] = values | {name: as_list(values[name]) for name in repeated if name in values}
        try:
            change = change_from(form, draft)
            after = apply(draft, change)
            if form.confirmed:
                actor = signed_in(request).account_id
                proposal_id = await proposals.propose(
                    conn, survey_id, change, reason=form.reason, actor_id=actor
                )
                return back_to(f"/board/proposals/{proposal_id}", "proposed")
        except (proposals.ProposalError, DefinitionError, ValueError) as refused:
            problems = refused.problems if isinstance(refused, DefinitionError) else [str(refused)]
            context["error"] = "; ".join(problems)
            return Template("board/propose.html", context=context, status_code=422)
        key = affected_key(change)
        if key is None:
            latest = await queries.latest_version(conn, survey_id)
            context["checked"] = changes_since(latest.definition if latest else None, draft)
        else:
            languages = [context["language"]] if kind == "wording" else draft.languages
            diffs = question_diff(draft.question(key), after.question(key), languages)
            context["checked"] = board_pages.changed_fields(diffs)
        return Template("board/propose.html", context=context)

    @post("/surveys/{survey_id:int}/proposals/wording", operation_id="board_propose_wording")
    async def propose_wording(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        survey_id: RowId,
        data: URLEncodedBody[WordingForm],
    ) -> Template | Redirect:
        """Propose new wording in one language (or a translation)."""
        return await self._check_or_send(request, conn, survey_id, "wording", data)

    @post("/surveys/{survey_id:int}/proposals/options", operation_id="board_propose_options")
    async def propose_options(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        survey_id: RowId,
        data: URLEncodedBody[OptionsForm],
    ) -> Template | Redirect:
        """Propose adding, removing or reordering a choice question's answers."""
        return await self._check_or_send(request, conn, survey_id, "options", data)

    @post("/surveys/{survey_id:int}/proposals/add", operation_id="board_propose_add")
    async def propose_add(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        survey_id: RowId,
        data: URLEncodedBody[AddForm],
    ) -> Template | Redirect:
        """Propose a new question."""
        return await self._check_or_send(request, conn, survey_id, "add", data)

    @post("/surveys/{survey_id:int}/proposals/retire", operation_id="board_propose_retire")
    async def propose_retire(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        survey_id: RowId,
        data: URLEncodedBody[RetireForm],
    ) -> Template | Redirect:
        """Propose retiring a question."""
        return await self._check_or_send(request, conn, survey_id, "retire", data)

    @post("/surveys/{survey_id:int}/proposals/move", operation_id="board_propose_move")
    async def propose_move(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        survey_id: RowId,
        data: URLEncodedBody[MoveForm],
    ) -> Template | Redirect:
        """Propose moving a question."""
        return await self._check_or_send(request, conn, survey_id, "move", data)

    @post("/surveys/{survey_id:int}/proposals/publish", operation_id="board_propose_publish")
    async def propose_publish(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        survey_id: RowId,
        data: URLEncodedBody[PublishForm],
    ) -> Template | Redirect:
        """Propose publishing the draft as it stands."""
        return await self._check_or_send(request, conn, survey_id, "publish", data)

    @get("/proposals/{proposal_id:int}", operation_id="board_proposal")
    async def proposal(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        proposal_id: RowId,
        done: Query = "",
    ) -> Template:
        """A proposal: what it changes side by side, the votes, the comments, and what you can do."""
        found = await find_proposal(conn, proposal_id)
        context = await board_pages.proposal_context(conn, found, signed_in(request).account_id)
        return Template(
            "board/proposal.html",
            context={**context, "done": board_pages.DONE_MESSAGES.get(done), "error": None},
        )

    @post("/proposals/{proposal_id:int}/vote", operation_id="board_vote")
    async def vote(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        proposal_id: RowId,
        data: URLEncodedBody[VoteForm],
    ) -> Template | Redirect:
        """Ask to confirm a vote, then count it (the vote that decides settles the proposal)."""
        found = await find_proposal(conn, proposal_id)
        actor = signed_in(request).account_id
        if not data.confirmed or (data.choice == "object" and not data.reason.strip()):
            context = await board_pages.proposal_context(conn, found, actor)
            would = board_pages.would_decide(context["tally"], context["my_vote"], actor, data.choice)
            return Template(
                "board/confirm_vote.html",
                context={**context, "form": data, "would": would},
                status_code=200 if data.confirmed is False else 422,
            )
        return await self._act(
            request,
            conn,
            found,
            "voted",
            proposals.vote(conn, proposal_id, data.choice, reason=data.reason, actor_id=actor),
        )

    async def _act(
        self,
        request: Request[Any, Any, Any],
        conn: Connection,
        found: proposal_queries.Proposal,
        done: str,
        action: Any,
    ) -> Template | Redirect:
        try:
            await action
        except proposals.ProposalError as refused:
            context = await board_pages.proposal_context(conn, found, signed_in(request).account_id)
            return Template(
                "board/proposal.html",
                context={**context, "done": None, "error": str(refused)},
                status_code=422,
            )
        return back_to(f"/board/proposals/{found.id}", done)

    @post("/proposals/{proposal_id:int}/unvote", operation_id="board_unvote")
    async def unvote(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        proposal_id: RowId,
        data: URLEncodedBody[ConfirmForm],
    ) -> Template | Redirect:
        """Take one's vote back while the proposal is open, after confirming (it may decide the proposal)."""
        found = await find_proposal(conn, proposal_id)
        actor = signed_in(request).account_id
        if not data.confirmed:
            context = await board_pages.proposal_context(conn, found, actor)
            would = board_pages.would_decide(context["tally"], context["my_vote"], actor, "withdrawn")
            return _confirm(context, "unvote", "/unvote", would)
        return await self._act(
            request, conn, found, "unvoted", proposals.vote(conn, proposal_id, None, actor_id=actor)
        )

    @post("/proposals/{proposal_id:int}/withdraw", operation_id="board_withdraw")
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        proposal_id: RowId,
        data: URLEncodedBody[ConfirmForm],
    ) -> Template | Redirect:
        """The proposer takes their proposal back, after confirming."""
        found = await find_proposal(conn, proposal_id)
        actor = signed_in(request).account_id
        if not data.confirmed:
            context = await board_pages.proposal_context(conn, found, actor)
            return _confirm(context, "withdraw", "/withdraw", "open")
        return await self._act(
            request, conn, found, "withdrawn", proposals.withdraw_proposal(conn, proposal_id, actor_id=actor)
        )

    @post("/proposals/{proposal_id:int}/comments", operation_id="board_comment")
    async def comment(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        proposal_id: RowId,
        data: URLEncodedBody[CommentForm],
    ) -> Template | Redirect:
        """Add a comment."""
        found = await find_proposal(conn, proposal_id)
        actor = signed_in(request).account_id
        return await self._act(
            request, conn, found, "commented", proposals.comment(conn, proposal_id, data.body, actor_id=actor)
        )

    @post("/proposals/{proposal_id:int}/comments/{comment_id:int}/withdraw", operation_id="board_uncomment")
    async def uncomment(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        proposal_id: RowId,
        comment_id: RowId,
        data: URLEncodedBody[ConfirmForm],
    ) -> Template | Redirect:
        """Take one's own comment back, after confirming."""
        found = await find_proposal(conn, proposal_id)
        actor = signed_in(request).account_id
        if not data.confirmed:
            context = await board_pages.proposal_context(conn, found, actor)
            return _confirm(context, "uncomment", f"/comments/{comment_id}/withdraw", "open")
        action = proposals.withdraw_comment(conn, proposal_id, comment_id, actor_id=actor)
        return await self._act(request, conn, found, "uncommented", action)
