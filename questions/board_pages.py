"""What the board's pages show: a survey's draft and history, a proposal with its diff, votes and comments.

Proposals about the board itself (members, quorum) are shown by :mod:`questions.member_pages`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Final

from litestar.exceptions import NotFoundException
from litestar.params import QueryParameter
from litestar.response import Redirect

from questions import comment_queries, language_check, membership_queries, proposal_queries, queries
from questions.changes import (
    KIND_NAMES,
    AddQuestion,
    Change,
    MoveQuestion,
    OptionsChange,
    PublishDraft,
    WordingChange,
    apply,
)
from questions.diff import changes_since, question_diff
from questions.quorum import Tally
from survey import i18n
from survey.auth import StaffController, requires_role

if TYPE_CHECKING:
    from questions.diff import FieldDiff, QuestionChange
    from questions.membership_queries import BoardProposal
    from questions.proposal_queries import Proposal
    from questions.schemas import Question, SurveyDefinition
    from survey.db import Connection

DONE_MESSAGES: Final[dict[str, str]] = {
    "proposed": "Your proposal is up for the board. You can take it back while it is open.",
    "voted": "Your vote is counted. You can change it or take it back while the proposal is open.",
    "unvoted": "Your vote is taken back.",
    "commented": "Your comment is added. You can take it back while the proposal is open.",
    "uncommented": "Your comment is taken back; the board sees that it was.",
    "withdrawn": "Your proposal is taken back.",
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


class BoardPages(StaffController):
    """The base of the ``/board`` controllers: every route needs the board role."""

    guards = [requires_role("board")]
    tags = ["board"]


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


def language_names(languages: list[str]) -> dict[str, str]:
    """Each language code with its name in English, for labels."""
    return {language: i18n.describe(language).name for language in languages}


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _quoted(definition: SurveyDefinition, key: str) -> str:
    """A question as people know it: its words in the first language, shortened."""
    question = definition.question(key)
    return f"“{_short(question.text.get(definition.languages[0], key))}”" if question else f"question {key}"


def summary(change: Change, before: SurveyDefinition) -> str:
    """One plain sentence saying what a proposal does."""
    match change:
        case WordingChange():
            name = language_names([change.language])[change.language]
            if change.language == before.languages[0]:
                return f"Change the wording of {_quoted(before, change.question)} ({name})."
            return f"Add, correct or review the {name} translation of {_quoted(before, change.question)}."
        case OptionsChange():
            return f"Change the answers of {_quoted(before, change.question)}."
        case AddQuestion():
            words = change.question.text.get(before.languages[0], change.question.key)
            return f"Add a new question: “{_short(words)}”."
        case MoveQuestion():
            return f"Move {_quoted(before, change.question)} to place {change.position}."
        case PublishDraft():
            return "Publish the draft as a new version for the kiosks."
    return f"Retire {_quoted(before, change.question)}; earlier versions keep it."


def proposal_diff(found: Proposal) -> list[FieldDiff]:
    """The side-by-side diff of the question a proposal touches (empty for moves and publishing)."""
    before = found.draft_before
    change = found.change
    if isinstance(change, PublishDraft | MoveQuestion):
        return []
    after = apply(before, change)
    key = change.question.key if isinstance(change, AddQuestion) else change.question
    languages = [change.language] if isinstance(change, WordingChange) else before.languages
    return changed_fields(question_diff(before.question(key), after.question(key), languages))


def changed_fields(diffs: list[FieldDiff]) -> list[FieldDiff]:
    """Only the fields that change, so a one-word edit is not lost among answers that stay the same."""
    return [diff for diff in diffs if diff.changed]


def preview_sides(found: Proposal) -> list[str]:
    """Which sides of a proposal have its question to preview on the kiosk screen."""
    change = found.change
    if isinstance(change, PublishDraft):
        return ["after"]
    if isinstance(change, AddQuestion):
        return ["after"]
    if isinstance(change, MoveQuestion):
        return ["before", "after"]
    if isinstance(change, WordingChange | OptionsChange):
        return ["before", "after"]
    return ["before"]


def side_definition(found: Proposal, side: str) -> SurveyDefinition:
    """The survey before or after a proposal's change."""
    return found.draft_before if side == "before" else apply(found.draft_before, found.change)


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


def advice_for(
    question: Question | None, language: str, words: list[language_check.AvoidWord]
) -> dict[str, Any]:
    """The language check of a question's texts in one language, by field, as the form first shows it."""
    if question is None:
        return {}
    advice: dict[str, Any] = {
        "text": language_check.check(question.text.get(language, ""), language, "text", words),
        "help": language_check.check(question.help.get(language, ""), language, "help", words),
    }
    for number, option in enumerate(question.options):
        advice[f"option{number}"] = language_check.check(
            option.label.get(language, ""), language, "option", words
        )
    return advice


def would_decide(counted: Tally, mine: Any, account_id: int, choice: str) -> str:
    """What the proposal would become if this member voted ``choice`` (the confirmation page says so)."""
    approvals, objections = counted.approvals, counted.objections
    if mine is not None and account_id == mine.account_id:
        approvals -= mine.choice == "approve"
        objections -= mine.choice == "object"
    approvals += choice == "approve"
    objections += choice == "object"
    after = Tally(
        approvals=approvals,
        objections=objections,
        abstentions=0,
        needed=counted.needed,
        members=counted.members,
    )
    return after.decision


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
    return {
        **await draft_context(conn, survey_id),
        "open_proposals": [p for p in proposals if p.status == "open"],
        "closed_proposals": [p for p in proposals if p.status != "open"],
        "tallies": tallies,
        "versions": await proposal_queries.versions_of_survey(conn, survey_id),
        "summary": summary,
        "status_names": STATUS_NAMES,
    }


async def votes_context(conn: Connection, proposal_id: int, account_id: int) -> dict[str, Any]:
    """The votes and discussion of any proposal, and whether ``account_id`` may vote on it."""
    votes = await proposal_queries.votes(conn, proposal_id)
    standing: dict[int, Any] = {}
    for vote in votes:
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
    }


async def proposal_context(conn: Connection, found: Proposal, account_id: int) -> dict[str, Any]:
    """Everything the proposal page shows for a proposal on a survey."""
    context: dict[str, Any] = {
        **await votes_context(conn, found.id, account_id),
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
    }
    if isinstance(found.change, WordingChange):
        after = apply(found.draft_before, found.change).question(found.change.question)
        flagged = sorted(after.needs_review) if after else []
        context["to_check"] = [context["languages"].get(code, code) for code in flagged]
    if isinstance(found.change, MoveQuestion):
        keys = [question.key for question in found.draft_before.questions]
        context["moved_from"] = keys.index(found.change.question) + 1
    if isinstance(found.change, PublishDraft):
        context["previous_number"], context["changes"] = await published_changes(conn, found)
    return context
