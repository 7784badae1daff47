"""A published version for the board under ``/board/versions``: who approved it and what changed.

Like the rest of ``/board``, it reads questions, proposals and versions only, never a response or a score.
"""

from __future__ import annotations

from litestar import get
from litestar.exceptions import NotFoundException
from litestar.response import Template

from questions import board_pages, proposal_queries, proposal_views, queries
from questions.board_pages import BoardPages
from questions.diff import changes_between
from survey.db import ConnectionDependency, RowId


class VersionController(BoardPages):
    """The survey versions the board published; every route needs the board role."""

    path = "/board/versions"

    @get("/{version_id:int}", operation_id="board_version")
    async def version(self, conn: ConnectionDependency, version_id: RowId) -> Template:
        """A published version: who approved it and what changed since the one before."""
        found = await queries.version(conn, version_id)
        if found is None:
            raise NotFoundException("There is no such version.")
        previous = await proposal_queries.version_before(conn, found.survey_id, found.number)
        decided_by = await proposal_queries.approving_proposal(conn, version_id)
        decided = None
        votes: list[proposal_queries.Vote] = []
        if decided_by is not None:
            decided = await proposal_queries.proposal(conn, decided_by)
            votes = await proposal_queries.votes(conn, decided_by)
        context = {
            "version": found,
            "survey_name": await queries.survey_name(conn, found.survey_id),
            "previous": previous,
            "changes": changes_between(previous.definition, found.definition) if previous else [],
            "decided": decided,
            "votes": votes,
            "choice_names": board_pages.CHOICE_NAMES,
            "languages": proposal_views.language_names(found.definition.languages),
        }
        return Template("board/version.html", context=context)
