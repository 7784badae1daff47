"""The board's home at ``/board``: the surveys with a draft, and how the board decides.

The peer advisory board's workspace lives under ``/board``, one controller per prefix (surveys,
proposals, versions, words, language check). Board members see questions, proposals and versions only:
nothing there reads a response or a score.
"""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from questions import proposal_queries
from survey.auth import requires_role
from survey.db import ConnectionDependency


class BoardController(Controller):
    """The board's home page; every route needs the board role."""

    path = "/board"
    guards = [requires_role("board")]
    tags = ["board"]
    include_in_schema = False

    @get("/", operation_id="board_home")
    async def home(self, conn: ConnectionDependency) -> Template:
        """The surveys with a draft, how many proposals are open, and the rule for deciding."""
        counted = await proposal_queries.board_rule(conn)
        surveys = await proposal_queries.board_surveys(conn)
        return Template("board/index.html", context={"surveys": surveys, "tally": counted})
