"""The language check under ``/board/language-check``: advice on the words as the board types them.

It reads the words-to-avoid lists only, never a response or a score.
"""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.params import QueryParameter
from litestar.response import Template

from questions import language_check, proposal_queries
from questions.board_pages import BoardPages
from survey.db import ConnectionDependency

Typed = Annotated[str, QueryParameter(required=False, max_length=4000)]
"""One field's text as the board is typing it."""


class LanguageCheckController(BoardPages):
    """The language check the propose forms ask as the board types; every route needs the board role."""

    path = "/board/language-check"

    @get("/", operation_id="board_language_check")
    async def check_language(
        self,
        conn: ConnectionDependency,
        language: Annotated[str, QueryParameter(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")],
        field: Annotated[language_check.Field, QueryParameter()],
        text: Typed = "",
        help: Typed = "",
        option_label: Typed = "",
        options: Typed = "",
    ) -> Template:
        """Advice on the text being typed (htmx asks as the board types; it advises and never blocks)."""
        words = await proposal_queries.board_words(conn, language)
        advice = language_check.check(text or help or option_label or options, language, field, words)
        return Template("board/language_check.html", context={"advice": advice})
