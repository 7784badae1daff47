"""What the board's pages show: a survey's draft and history, a proposal with its diff, votes and comments.

Proposals about the board itself (members, quorum) are shown by :mod:`questions.member_pages`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Final

from litestar.exceptions import NotFoundException
from litestar.params import QueryParameter
from litestar.response import Redirect

from questions import (
    comment_queries,
    membership_queries,
    next_steps,
    proposal_queries,
    queries,
    revision_queries,
    translations,
)
from questions.changes import (
    KIND_NAMES,
    MoveQuestion,
    PublishDraft,
    ShowIfChange,
    WordingChange,
)
from questions.diff import changes_since
from questions.plain_words import shown_when
from questions.proposal_views import language_names, preview_sides, proposal_diff, side_definition, summary
from survey import json_body
from survey.auth import StaffController, current, requires_role

if TYPE_CHECKING:
    from litestar import Request

    from questions.diff import QuestionChange
    from questions.membership_queries import BoardProposal
    from questions.proposal_queries import Proposal
    from questions.quorum import Tally
    from survey.db import Connection

DONE_MESSAGES: Final[dict[str, str]] = {
    "proposed": "Your proposal is up for the board. You can take it back while it is open.",
    "voted": "Your vote is counted. You can change it or take it back while the proposal is open.",
    "unvoted": "Your vote is taken back.",
    "commented": "Your comment is added. You can take it back while the proposal is open.",
    "uncommented": "Your comment is taken back; the board sees that it was.",
    "withdrawn": "Your proposal is taken back.",
    "revised": "Your proposal is revised. The votes start again: nobody has approved the new version yet.",
    "word": "The word is added to the list. The language check uses it from now on. You can remove it.",
    "unword": "The word is removed from the list.",
}
CHOICE_NAMES: Final[dict[str, str]] = {
    "approve": "Approve",
    "object": "Object",
    "abstain": "Abstain",
    "withdrawn": "Took their vote back",
}
STATUS_NAMES: Final[dict[str, str]] = {
    "open": "Open for votes",
    "accepted": "Accepted",
    "rejected": "Not accepted",
    "withdrawn": "Taken back",
    "outdated": "Closed: the draft changed first",
}


async def count_waiting(request: Request[Any, Any, Any]) -> None:
    """Before each board page: the proposals waiting for the member's vote, which every page's menu shows.

    It replaces the app's ``before_request`` at this layer, so it runs that hook first (strict JSON).
    """
    await json_body.refuse_loose_json(request)
    principal = current(request)
    if request.method == "GET" and principal is not None:
        async with request.app.state.pool.acquire() as conn:
            request.state.board_waiting = await revision_queries.waiting(conn, principal.account_id)


class BoardPages(StaffController):
    """The base of the ``/board`` controllers: every route needs the board role."""

    guards = [requires_role("board")]
    tags = ["board"]
    before_request = staticmethod(count_waiting)


Query = Annotated[str, QueryParameter(required=False, max_length=64)]
"""An optional short query parameter (a question key, a language, a message code)."""


def back_to(path: str, done: str) -> Redirect:
    """Back to a page after an action, with the message saying it was done (post, redirect, get)."""
    return Redirect(f"{path}?done={done}", status_code=303)


async def find_proposal(conn: Connection, proposal_id: int) -> Proposal:
    """A proposal, or 404."""
    found = await proposal_queries.proposal(conn, proposal_id)
    if found is None:
        raise NotFoundException("There is no such proposal.")
    return found


async def find_any(conn: Connection, proposal_id: int) -> Proposal | BoardProposal:
    """A proposal on a survey or about the board, or 404."""
    found = await proposal_queries.proposal(conn, proposal_id)
    if found is not None:
        return found
    about_board = await membership_queries.board_proposal(conn, proposal_id)
    if about_board is None:
        raise NotFoundException("There is no such proposal.")
    return about_board


async def published_changes(conn: Connection, found: Proposal) -> tuple[int | None, list[QuestionChange]]:
    """For a publish proposal: the version it follows and what changed since."""
    assert isinstance(found.change, PublishDraft)  # noqa: S101 (callers check the kind)
    published = found.change.definition
    if found.published_version is not None:
        previous = await proposal_queries.version_before(conn, found.survey_id, found.published_version)
    else:
        previous = await proposal_queries.version_at(conn, found.survey_id, found.proposed_at)
    return (
        None if previous is None else previous.number,
        changes_since(None if previous is None else previous.definition, published),
    )


async def draft_context(conn: Connection, survey_id: int) -> dict[str, Any]:
    """A survey's name and draft, as every page about the draft shows them."""
    name = await queries.survey_name(conn, survey_id)
    draft = await queries.draft(conn, survey_id)
    if name is None or draft is None:
        raise NotFoundException("There is no such survey draft.")
    return {
        "survey_id": survey_id,
        "survey_name": name,
        "draft": draft,
        "languages": language_names(draft.languages),
    }


async def survey_context(conn: Connection, survey_id: int) -> dict[str, Any]:
    """A survey's draft, its proposals (open first) and its published versions."""
    proposals = await proposal_queries.proposals_of_survey(conn, survey_id)
    tallies = {
        p.id: await proposal_queries.current_tally(conn, p.id) for p in proposals if p.status == "open"
    }
    context = await draft_context(conn, survey_id)
    return {
        **context,
        "gaps": translations.gaps(context["draft"]),
        "translation_status": translations.status,
        "translation_names": translations.STATUS_NAMES,
        "shown_when": shown_when,
        "open_proposals": [p for p in proposals if p.status == "open"],
        "closed_proposals": [p for p in proposals if p.status != "open"],
        "tallies": tallies,
        "versions": await proposal_queries.versions_of_survey(conn, survey_id),
        "proposal_name": lambda found: summary(found.change, found.draft_before),
        "status_names": STATUS_NAMES,
    }


async def votes_context(
    conn: Connection, proposal_id: int, account_id: int, revision: int = 1
) -> dict[str, Any]:
    """The votes and discussion of any proposal, and whether ``account_id`` may vote on it.

    Only votes on the current ``revision`` stand; earlier ones stay in the history.
    """
    votes = await proposal_queries.votes(conn, proposal_id)
    standing: dict[int, Any] = {}
    for vote in votes:
        if vote.revision == revision:
            standing[vote.account_id] = vote
    counted: Tally = await proposal_queries.current_tally(conn, proposal_id)
    return {
        "tally": counted,
        "votes": votes,
        "standing": [vote for vote in standing.values() if vote.choice != "withdrawn"],
        "my_vote": standing.get(account_id),
        "can_vote": account_id in await membership_queries.voters(conn, proposal_id),
        "is_member": account_id in await membership_queries.active_members(conn),
        "comments": await comment_queries.comments(conn, proposal_id),
        "choice_names": CHOICE_NAMES,
        "status_names": STATUS_NAMES,
        "account_id": account_id,
        "revision": revision,
    }


async def proposal_context(conn: Connection, found: Proposal, account_id: int) -> dict[str, Any]:
    """Everything the proposal page shows for a proposal on a survey."""
    after = side_definition(found, "after")
    context: dict[str, Any] = {
        **await votes_context(conn, found.id, account_id, found.revision),
        "proposal": found,
        "about_board": False,
        "kind_name": KIND_NAMES[found.kind],
        "what": summary(found.change, found.draft_before),
        "diffs": proposal_diff(found),
        "languages": language_names(found.draft_before.languages),
        "sides": preview_sides(found),
        "previous_number": None,
        "to_check": [],
        "changes": [],
        "gaps": translations.gaps(after) if isinstance(found.change, PublishDraft) else [],
        "translation_names": translations.STATUS_NAMES,
        "revisions": await revision_queries.revisions(conn, found.id),
        "next_step": next_steps.after_decision(found, after),
        "summary": summary,
    }
    if found.status == "open":
        counted = context["tally"]
        context["next_step"] = next_steps.while_open(counted.approvals, counted.needed, counted.objections)
    if isinstance(found.change, WordingChange):
        question = after.question(found.change.question)
        flagged = sorted({*question.needs_review, *question.untranslated}) if question else []
        context["to_check"] = [context["languages"].get(code, code) for code in flagged]
    if isinstance(found.change, ShowIfChange):
        old = found.draft_before.question(found.change.question)
        context["shown"] = (
            shown_when(old.show_if if old else None, found.draft_before),
            shown_when(found.change.show_if, after),
        )
    if isinstance(found.change, MoveQuestion):
        keys = [question.key for question in found.draft_before.questions]
        context["moved_from"] = keys.index(found.change.question) + 1
    if isinstance(found.change, PublishDraft):
        context["previous_number"], context["changes"] = await published_changes(conn, found)
    return context
