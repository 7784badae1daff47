"""A survey's page for the board under ``/board/surveys``: its draft, the forms to propose, and sending them.

Like the rest of ``/board``, it reads questions, proposals and versions only, never a response or a score.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec
from litestar import get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from questions import board_pages, proposal_queries, proposal_views, proposals, queries, translations
from questions.board_pages import BoardPages, Query, back_to
from questions.changes import KIND_NAMES, PublishDraft, affected_key, apply
from questions.diff import changes_since, question_diff
from questions.drafting import ProposalForm, change_from
from questions.forms import (
    AddForm,
    MoveForm,
    OptionsForm,
    PublishForm,
    RetireForm,
    ShowIfForm,
    WordingForm,
    as_list,
)
from questions.plain_words import picked, shown_when
from questions.revision_form import revision_values
from questions.schemas import CHOICE_TYPES
from questions.validation import DefinitionError
from survey.auth import PrincipalDependency
from survey.db import Connection, ConnectionDependency, RowId

if TYPE_CHECKING:
    from litestar.handlers import HTTPRouteHandler

    from survey.schemas import Principal

Kind = Literal["wording", "options", "show_if", "add", "retire", "move", "publish"]
RevisionId = Annotated[int | None, QueryParameter(required=False, ge=1, le=2**63 - 1)]
"""The open proposal a form revises, when it does."""


async def _form_context(
    conn: Connection, survey_id: int, kind: str, question: str, language: str
) -> dict[str, Any]:
    """The propose form's page for one kind, filled with the draft as it stands."""
    context = await board_pages.draft_context(conn, survey_id)
    draft = context["draft"]
    target = draft.question(question) if question else None
    if kind in {"wording", "options", "show_if", "retire", "move"} and target is None:
        raise NotFoundException("There is no such question in the draft.")
    if kind == "wording" and language not in draft.languages:
        raise NotFoundException("The survey is not offered in that language.")
    language = language if language in draft.languages else draft.languages[0]
    words = await proposal_queries.board_words(conn, language)
    # "Show only if" picks from the choice questions before this one (before the place chosen, for a new one).
    before = draft.questions[: draft.questions.index(target)] if target else draft.questions
    show_if_question, show_if_answers = picked(target.show_if if target else None)
    return {
        **context,
        "earlier": [q for q in before if q.type in CHOICE_TYPES],
        "shown_when": shown_when,
        "show_if_picked": {"show_if_question": show_if_question, "show_if_answer": show_if_answers},
        "untranslated": target is not None and language in target.untranslated,
        "gaps": translations.gaps(draft) if kind == "publish" else [],
        "translation_names": translations.STATUS_NAMES,
        "revises": None,
        "kind": kind,
        "kind_name": KIND_NAMES[kind],
        "question": target,
        "language": language,
        "advice": proposal_views.advice_for(target, language, words),
        "values": {},
        "checked": None,
        "error": None,
    }


async def _check_or_send(
    conn: Connection, principal: Principal, survey_id: int, kind: str, form: ProposalForm
) -> Template | Redirect:
    """Show the change to check, or (once confirmed) send it to the board; problems show in the form."""
    question = str(getattr(form, "question", ""))
    context = await _form_context(conn, survey_id, kind, question, str(getattr(form, "language", "")))
    draft = context["draft"]
    values = msgspec.to_builtins(form)
    # Fields a form repeats (one per language or per answer) stay lists; the rest stay single values.
    many = ("text", "help", "options") if isinstance(form, AddForm | OptionsForm) else ("option_label",)
    repeated = (*many, "show_if_answer")
    context["values"] = values | {name: as_list(values[name]) for name in repeated if name in values}
    context["revises"] = form.revises
    try:
        change = change_from(form, draft)
        # Checking a publish proposal lists the texts still to translate; sending it needs them confirmed.
        trial = (
            msgspec.structs.replace(change, translations_confirmed=True)
            if isinstance(change, PublishDraft) and not form.confirmed
            else change
        )
        after = apply(draft, trial)
        if form.confirmed and form.revises is not None:
            await proposals.revise(
                conn, form.revises, change, reason=form.reason, actor_id=principal.account_id
            )
            return back_to(f"/board/proposals/{form.revises}", "revised")
        if form.confirmed:
            proposal_id = await proposals.propose(
                conn, survey_id, change, reason=form.reason, actor_id=principal.account_id
            )
            return back_to(f"/board/proposals/{proposal_id}", "proposed")
    except (proposals.ProposalError, DefinitionError, ValueError) as refused:
        problems = refused.problems if isinstance(refused, DefinitionError) else [str(refused)]
        context["error"] = "; ".join(problems)
        return Template("board/propose.html", context=context, status_code=422)
    key = affected_key(change)
    if kind == "show_if" and key is not None:
        old, new = draft.question(key), after.question(key)
        shown = (
            shown_when(old.show_if if old else None, draft),
            shown_when(new.show_if if new else None, after),
        )
        context["checked"] = []
        context["shown"] = shown
    elif key is None:
        latest = await queries.latest_version(conn, survey_id)
        context["checked"] = changes_since(latest.definition if latest else None, draft)
    else:
        languages = [context["language"]] if kind == "wording" else draft.languages
        diffs = question_diff(draft.question(key), after.question(key), languages)
        context["checked"] = proposal_views.changed_fields(diffs)
    return Template("board/propose.html", context=context)


def _proposal_route(kind: Kind, form: type[ProposalForm], summary: str) -> HTTPRouteHandler:
    """The route ``POST /board/surveys/{survey_id}/proposals/{kind}``: check, then send, one kind's form.

    Every kind is handled alike (:func:`_check_or_send`); only the body differs, so each route is made
    here, named ``BoardSurveyController.propose_{kind}`` as the README's route table says.
    """

    # Litestar reads the body's type from the annotation, resolved in ``signature_namespace`` first: so each
    # route decodes and validates its own kind's form, as a handler written out for it would.
    @post(
        f"/{{survey_id:int}}/proposals/{kind}",
        operation_id=f"board_propose_{kind}",
        signature_namespace={"ProposalForm": form},
    )
    async def propose(
        self: BoardPages,
        principal: PrincipalDependency,
        conn: ConnectionDependency,
        survey_id: RowId,
        data: URLEncodedBody[ProposalForm],
    ) -> Template | Redirect:
        return await _check_or_send(conn, principal, survey_id, kind, data)

    propose.fn.__name__ = f"propose_{kind}"
    propose.fn.__qualname__ = f"BoardSurveyController.propose_{kind}"
    propose.fn.__doc__ = summary
    return propose


class BoardSurveyController(BoardPages):
    """A survey's draft and the proposals made on it; every route needs the board role."""

    path = "/board/surveys"

    @get("/{survey_id:int}", operation_id="board_survey")
    async def survey(self, conn: ConnectionDependency, survey_id: RowId, done: Query = "") -> Template:
        """A survey's draft with a way to propose a change on each question, its proposals and versions."""
        context = await board_pages.survey_context(conn, survey_id)
        return Template("board/survey.html", context={**context, "done": board_pages.DONE_MESSAGES.get(done)})

    @get("/{survey_id:int}/propose/{kind:str}", operation_id="board_propose_page")
    async def propose_page(
        self,
        conn: ConnectionDependency,
        survey_id: RowId,
        kind: FromPath[Kind],
        question: Query = "",
        language: Query = "",
        revise: RevisionId = None,
    ) -> Template:
        """The form for one kind of proposal, filled with the draft as it stands (or the proposal revised)."""
        context = await _form_context(conn, survey_id, kind, question, language)
        if revise is not None:
            found = await board_pages.find_proposal(conn, revise)
            if found.survey_id != survey_id or found.kind != kind or found.status != "open":
                raise NotFoundException("There is no such open proposal of this kind to revise.")
            context["values"] = revision_values(found, context["draft"])
            context["revises"] = revise
        return Template("board/propose.html", context=context)

    propose_wording = _proposal_route(
        "wording", WordingForm, "Propose new wording in one language (or a translation)."
    )
    propose_options = _proposal_route(
        "options", OptionsForm, "Propose adding, removing or reordering a choice question's answers."
    )
    propose_show_if = _proposal_route(
        "show_if",
        ShowIfForm,
        "Propose when a question is shown: always, or only if an earlier question has some answers.",
    )
    propose_add = _proposal_route("add", AddForm, "Propose a new question.")
    propose_retire = _proposal_route("retire", RetireForm, "Propose retiring a question.")
    propose_move = _proposal_route("move", MoveForm, "Propose moving a question.")
    propose_publish = _proposal_route("publish", PublishForm, "Propose publishing the draft as it stands.")
