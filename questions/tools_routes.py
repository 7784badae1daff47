"""The board's tools beside its proposals: kiosk previews, version pages, the language check, the word lists.

Like the rest of ``/board``, they read questions, proposals and versions only, never a response or a score.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from questions import board_pages, language_check, proposal_queries, proposals, queries
from questions.board_pages import Query, back_to, find_proposal
from questions.changes import affected_key
from questions.diff import changes_between
from questions.forms import ConfirmForm, WordForm
from questions.kiosk_view import kiosk_survey
from survey.auth import requires_role, signed_in
from survey.db import Connection, ConnectionDependency, RowId
from survey.schemas import KioskSurvey


class BoardToolsController(Controller):
    """Previews, versions, the language check and the words lists; every route needs the board role."""

    path = "/board"
    guards = [requires_role("board")]
    tags = ["board"]
    include_in_schema = False

    @get("/proposals/{proposal_id:int}/preview", operation_id="board_preview")
    async def preview(
        self,
        conn: ConnectionDependency,
        proposal_id: RowId,
        side: Annotated[Literal["before", "after"], QueryParameter(required=False)] = "after",
        language: Query = "",
    ) -> Template:
        """The proposal's question on the kiosk's own screen, run by the kiosk's own code."""
        found = await find_proposal(conn, proposal_id)
        definition = board_pages.side_definition(found, side)
        language = language if language in definition.languages else definition.languages[0]
        key = affected_key(found.change) or ""
        return Template(
            "board/preview.html",
            context={"proposal": found, "side": side, "language": language, "question_key": key},
        )

    @get("/proposals/{proposal_id:int}/preview.json", operation_id="board_preview_survey")
    async def preview_survey(
        self,
        conn: ConnectionDependency,
        proposal_id: RowId,
        side: Annotated[Literal["before", "after"], QueryParameter(required=False)] = "after",
    ) -> KioskSurvey:
        """The survey before or after the proposal, shaped as the kiosk loads it."""
        found = await find_proposal(conn, proposal_id)
        definition = board_pages.side_definition(found, side)
        return kiosk_survey(definition, 0, site="Preview", resources="")

    @get("/versions/{version_id:int}", operation_id="board_version")
    async def version(self, conn: ConnectionDependency, version_id: RowId) -> Template:
        """A published version: who approved it and what changed since the one before."""
        found = await queries.version(conn, version_id)
        if found is None:
            raise NotFoundException("There is no such version.")
        previous = await proposal_queries.version_before(conn, found.survey_id, found.number)
        approval = await conn.fetchval(proposal_queries.VERSION_APPROVAL, version_id)
        decided = None
        votes: list[proposal_queries.Vote] = []
        if approval.get("proposal_id"):
            decided = await proposal_queries.proposal(conn, approval["proposal_id"])
            votes = await proposal_queries.votes(conn, approval["proposal_id"])
        context = {
            "version": found,
            "survey_name": await conn.fetchval(queries.SURVEY_NAME, found.survey_id),
            "previous": previous,
            "changes": changes_between(previous.definition, found.definition) if previous else [],
            "approval": approval,
            "decided": decided,
            "votes": votes,
            "choice_names": board_pages.CHOICE_NAMES,
            "languages": board_pages.language_names(found.definition.languages),
        }
        return Template("board/version.html", context=context)

    @get("/language-check", operation_id="board_language_check")
    async def check_language(
        self,
        conn: ConnectionDependency,
        language: Annotated[str, QueryParameter(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")],
        field: Annotated[language_check.Field, QueryParameter()],
        text: Annotated[str, QueryParameter(required=False, max_length=4000)] = "",
        help: Annotated[str, QueryParameter(required=False, max_length=4000)] = "",
        option_label: Annotated[str, QueryParameter(required=False, max_length=4000)] = "",
        options: Annotated[str, QueryParameter(required=False, max_length=4000)] = "",
    ) -> Template:
        """Advice on the text being typed (htmx asks as the board types; it advises and never blocks)."""
        words = await proposal_queries.board_words(conn, language)
        advice = language_check.check(text or help or option_label or options, language, field, words)
        return Template("board/language_check.html", context={"advice": advice})

    @get("/words", operation_id="board_words")
    async def words(
        self, request: Request[Any, Any, Any], conn: ConnectionDependency, done: Query = ""
    ) -> Template:
        """The words-to-avoid lists, shipped and added by the board, with a form to add one."""
        return Template("board/words.html", context=await self._words_context(request, conn, done=done))

    async def _words_context(
        self, request: Request[Any, Any, Any], conn: Connection, **extra: Any
    ) -> dict[str, Any]:
        codes = await conn.fetch(proposal_queries.WORD_LANGUAGES)
        languages = board_pages.language_names(sorted({"en", "es", *(row["language"] for row in codes)}))
        return {
            "languages": languages,
            "lists": {
                code: [*language_check.shipped_words(code), *await proposal_queries.board_words(conn, code)]
                for code in languages
            },
            "account_id": signed_in(request).account_id,
            "done": board_pages.DONE_MESSAGES.get(extra.get("done", "")),
            "error": extra.get("error"),
            "removing": extra.get("removing"),
        }

    @post("/words", operation_id="board_word_add")
    async def add_word(
        self, request: Request[Any, Any, Any], conn: ConnectionDependency, data: URLEncodedBody[WordForm]
    ) -> Template | Redirect:
        """Add a word to avoid, with its suggested replacement."""
        try:
            await proposals.add_word(
                conn,
                language=data.language,
                phrase=data.phrase,
                suggestion=data.suggestion,
                note=data.note,
                actor_id=signed_in(request).account_id,
            )
        except proposals.ProposalError as refused:
            context = await self._words_context(request, conn, error=str(refused))
            return Template("board/words.html", context=context, status_code=422)
        return back_to("/board/words", "word")

    @post("/words/{word_id:int}/remove", operation_id="board_word_remove")
    async def remove_word(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        word_id: RowId,
        data: URLEncodedBody[ConfirmForm],
    ) -> Template | Redirect:
        """Take back a word one added, after confirming."""
        actor = signed_in(request).account_id
        if not data.confirmed:
            phrase = await conn.fetchval(proposal_queries.OWN_WORD, word_id, actor)
            if phrase is None:
                raise NotFoundException("You have added no such word.")
            context = await self._words_context(request, conn, removing={"id": word_id, "phrase": phrase})
            return Template("board/words.html", context=context)
        if await conn.fetchval(proposal_queries.REMOVE_WORD, word_id, actor) is None:
            raise NotFoundException("You have added no such word.")
        return back_to("/board/words", "unword")
