"""The words-to-avoid lists under ``/board/words``: the shipped lists, the board's own, adding and removing.

It reads the words lists only, never a response or a score.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import get, post
from litestar.exceptions import NotFoundException
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from questions import board_pages, language_check, proposal_queries, proposal_views
from questions.board_pages import BoardPages, Query, back_to
from questions.forms import ConfirmForm, WordForm
from questions.language_check import language_root
from survey.auth import PrincipalDependency
from survey.db import Connection, ConnectionDependency, RowId

if TYPE_CHECKING:
    from survey.schemas import Principal


async def _words_context(conn: Connection, principal: Principal, **extra: Any) -> dict[str, Any]:
    """The words page: every language's list, and what a message or removal adds to it."""
    added_in = await proposal_queries.word_languages(conn)
    languages = proposal_views.language_names(sorted({"en", "es", *added_in}))
    return {
        "languages": languages,
        "lists": {
            code: [*language_check.shipped_words(code), *await proposal_queries.board_words(conn, code)]
            for code in languages
        },
        "account_id": principal.account_id,
        "done": board_pages.DONE_MESSAGES.get(extra.get("done", "")),
        "error": extra.get("error"),
        "removing": extra.get("removing"),
    }


class WordListController(BoardPages):
    """The lists of words to avoid that the language check uses; every route needs the board role."""

    path = "/board/words"

    @get("/", operation_id="board_words")
    async def words(
        self, principal: PrincipalDependency, conn: ConnectionDependency, done: Query = ""
    ) -> Template:
        """The words-to-avoid lists, shipped and added by the board, with a form to add one."""
        return Template("board/words.html", context=await _words_context(conn, principal, done=done))

    @post("/", operation_id="board_word_add")
    async def add_word(
        self,
        principal: PrincipalDependency,
        conn: ConnectionDependency,
        data: URLEncodedBody[WordForm],
    ) -> Template | Redirect:
        """Add a word to avoid, with its suggested replacement."""
        added = await proposal_queries.insert_board_word(
            conn,
            language=language_root(data.language),
            phrase=data.phrase.strip(),
            suggestion=data.suggestion.strip(),
            note=data.note.strip(),
            added_by=principal.account_id,
        )
        if not added:
            refused = f"{data.phrase.strip()!r} is already on the board's list for this language."
            context = await _words_context(conn, principal, error=refused)
            return Template("board/words.html", context=context, status_code=422)
        return back_to("/board/words", "word")

    @post("/{word_id:int}/remove", operation_id="board_word_remove")
    async def remove_word(
        self,
        principal: PrincipalDependency,
        conn: ConnectionDependency,
        word_id: RowId,
        data: URLEncodedBody[ConfirmForm],
    ) -> Template | Redirect:
        """Take back a word one added, after confirming."""
        if not data.confirmed:
            phrase = await proposal_queries.own_word(conn, word_id, principal.account_id)
            if phrase is None:
                raise NotFoundException("You have added no such word.")
            context = await _words_context(conn, principal, removing={"id": word_id, "phrase": phrase})
            return Template("board/words.html", context=context)
        if not await proposal_queries.remove_word(conn, word_id, principal.account_id):
            raise NotFoundException("You have added no such word.")
        return back_to("/board/words", "unword")
