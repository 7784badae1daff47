"""Report-backs: the board drafts and releases them (``/board/report-backs``); anyone reads ``/results``.

The board's pages show figures only as the protected set shows them (never a hidden one, never fewer than
k): a board member never sees anyone's answers. The public pages show only what was released, by a random
public id, as released.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template
from msgspec import Meta

from analysis import periods, report_back, report_back_queries
from analysis import report_back_words as words
from analysis.report_back import RefusedError, ReportTexts
from questions import board_pages, proposal_kind_queries, proposal_queries, proposals
from questions import queries as question_queries
from questions.board_pages import BoardPages, Query, back_to
from questions.forms import CommentForm, VoteForm, as_list
from survey.auth import PrincipalDependency
from survey.db import ConnectionDependency, RowId
from survey.forms import Form
from survey.settings import Settings

if TYPE_CHECKING:
    from survey.db import Connection

PUBLIC: Final = {"public": True}
Text = Annotated[str, Meta(max_length=2000)]
Title = Annotated[str, Meta(max_length=120)]
FigureRef = Annotated[str, Meta(max_length=200, pattern=r"^(mean|band|answer):[A-Za-z0-9_:.-]+$")]
PublicId = Annotated[str, PathParameter(pattern=r"^[A-Za-z0-9_-]{10,32}$", max_length=32)]
Language = Annotated[str, QueryParameter(required=False, max_length=16)]


class ReportBackForm(Form, kw_only=True):
    """A draft: its period, the figures picked (references only) and the board's words per language."""

    survey: Annotated[int, Meta(ge=1, le=2**63 - 1)]
    period: Annotated[str, Meta(max_length=8)]
    figures: list[FigureRef] | FigureRef = []
    language: list[Annotated[str, Meta(max_length=16)]] | Annotated[str, Meta(max_length=16)] = []
    title: list[Title] | Title = []
    heard: list[Text] | Text = []
    did: list[Text] | Text = []


class ReleaseForm(Form, kw_only=True):
    """Propose releasing a draft, with the proposer's reason."""

    reason: Annotated[str, Meta(max_length=2000)] = ""


def _texts(data: ReportBackForm) -> dict[str, ReportTexts]:
    languages, titles, heard, did = (as_list(v) for v in (data.language, data.title, data.heard, data.did))
    if not len(languages) == len(titles) == len(heard) == len(did):
        raise RefusedError("language: give a title, what you heard and what you did for each language.")
    return {
        lang: ReportTexts(title=t.strip(), heard=h.strip(), did=d.strip())
        for lang, t, h, d in zip(languages, titles, heard, did, strict=True)
    }


async def _checked(
    conn: Connection, data: ReportBackForm, k: int
) -> tuple[dict[str, dict[str, str]], list[dict[str, str]]]:
    """A draft's texts and figure references as stored, once every figure passed the protected set."""
    kept, definition = await report_back.context(conn, data.survey, k)
    texts = _texts(data)
    refs = as_list(data.figures)
    report_back.content(data.period, texts, refs, kept, definition)
    stored = {lang: {"title": t.title, "heard": t.heard, "did": t.did} for lang, t in texts.items()}
    return stored, [{"ref": ref} for ref in refs]


class ReportBackBoardController(BoardPages):
    """The board's report-backs: drafts, their figures as the protected set shows them, and releases."""

    path = "/board/report-backs"

    async def _draft_page(
        self, conn: Connection, draft_id: int, k: int, account_id: int, **extra: Any
    ) -> dict[str, Any]:
        found = await report_back_queries.draft(conn, draft_id)
        if found is None:
            raise NotFoundException("There is no such report-back.")
        kept, definition = await report_back.context(conn, found.survey_id, k)
        picked = {ref["ref"] for ref in found.figures}
        shown = report_back.choices(kept, definition, found.period)
        problem = None
        try:
            report_back.content(
                found.period,
                report_back.draft_texts(found),
                [r["ref"] for r in found.figures],
                kept,
                definition,
            )
        except RefusedError as refused:
            problem = str(refused)
        first = definition.languages[0]
        return {
            "draft": found,
            "definition": definition,
            "first": first,
            "choices": shown,
            "picked": picked,
            "missing": sorted(picked - {f.ref for f in shown}),
            "texts": report_back.draft_texts(found),
            "periods": _periods(kept),
            "period_words": words.period_words(found.period, "en"),
            "problem": problem,
            "proposals": await report_back_queries.proposals_of_draft(conn, draft_id),
            "releases": await report_back_queries.releases_of_draft(conn, draft_id),
            "status_names": board_pages.STATUS_NAMES,
            "is_member": account_id in await proposal_queries.active_board(conn),
            "k": k,
            "error": None,
            "done": None,
            **extra,
        }

    @get("/", operation_id="board_report_backs")
    async def report_backs(
        self,
        conn: ConnectionDependency,
        settings: NamedDependency[Settings],
        survey: Query = "",
        period: Query = "",
    ) -> Template:
        """Every draft and its releases; choosing a survey and period starts a new one."""
        surveys = [s for s in await question_queries.surveys(conn) if s.latest_version]
        context: dict[str, Any] = {"drafts": await report_back_queries.drafts(conn), "surveys": surveys}
        chosen = next((s for s in surveys if str(s.id) == survey), None)
        context |= {"chosen": chosen, "period": period, "choices": [], "periods": [], "definition": None}
        if chosen is not None:
            kept, definition = await report_back.context(conn, chosen.id, settings.min_cell)
            context |= {"periods": _periods(kept), "definition": definition}
            if period in periods_of(kept):
                context["choices"] = report_back.choices(kept, definition, period)
        return Template("board/report_backs.html", context={**context, "k": settings.min_cell, "error": None})

    @post("/", operation_id="board_report_back_create")
    async def create(
        self,
        principal: PrincipalDependency,
        conn: ConnectionDependency,
        settings: NamedDependency[Settings],
        data: URLEncodedBody[ReportBackForm],
    ) -> Template | Redirect:
        """Keep a new draft, after checking every figure against the protected set (422 naming what fails)."""
        try:
            texts, figures = await _checked(conn, data, settings.min_cell)
        except RefusedError as refused:
            return _refused(str(refused))
        draft_id = await report_back_queries.insert_draft(
            conn, data.survey, data.period, texts, figures, principal.account_id
        )
        return back_to(f"/board/report-backs/{draft_id}", "drafted")

    @get("/{draft_id:int}", operation_id="board_report_back")
    async def draft(
        self,
        principal: PrincipalDependency,
        conn: ConnectionDependency,
        settings: NamedDependency[Settings],
        draft_id: RowId,
        done: Query = "",
    ) -> Template:
        """A draft: its figures as the set shows them today, its words per language, proposals, releases."""
        context = await self._draft_page(
            conn, draft_id, settings.min_cell, principal.account_id, done=DONE.get(done)
        )
        return Template("board/report_back.html", context=context)

    @post("/{draft_id:int}", operation_id="board_report_back_change")
    async def change(
        self,
        principal: PrincipalDependency,
        conn: ConnectionDependency,
        settings: NamedDependency[Settings],
        draft_id: RowId,
        data: URLEncodedBody[ReportBackForm],
    ) -> Template | Redirect:
        """Change a draft (its releases keep what they released)."""
        found = await report_back_queries.draft(conn, draft_id)
        if found is None or found.survey_id != data.survey:
            raise NotFoundException("There is no such report-back.")
        try:
            texts, figures = await _checked(conn, data, settings.min_cell)
        except RefusedError as refused:
            return _refused(str(refused))
        await report_back_queries.update_draft(conn, draft_id, data.period, texts, figures)
        return back_to(f"/board/report-backs/{draft_id}", "changed")

    @post("/{draft_id:int}/propose", operation_id="board_report_back_propose")
    async def propose(
        self,
        principal: PrincipalDependency,
        conn: ConnectionDependency,
        settings: NamedDependency[Settings],
        draft_id: RowId,
        data: URLEncodedBody[ReleaseForm],
    ) -> Template | Redirect:
        """Propose releasing the draft: every figure is checked again first."""
        try:
            proposal_id = await report_back.propose_release(
                conn, draft_id, settings.min_cell, reason=data.reason, actor_id=principal.account_id
            )
        except (RefusedError, proposals.ProposalError) as refused:
            context = await self._draft_page(
                conn, draft_id, settings.min_cell, principal.account_id, error=str(refused)
            )
            return Template("board/report_back.html", context=context, status_code=422)
        return back_to(f"/board/report-backs/proposals/{proposal_id}", "proposed")

    async def _proposal_page(
        self, conn: Connection, proposal_id: int, k: int, account_id: int, **extra: Any
    ) -> dict[str, Any]:
        draft_id = await report_back_queries.draft_of_proposal(conn, proposal_id)
        found = await report_back_queries.draft(conn, draft_id or 0)
        rows = await report_back_queries.proposals_of_draft(conn, draft_id or 0)
        row = next((p for p in rows if p.id == proposal_id), None)
        if found is None or row is None:
            raise NotFoundException("There is no such proposal.")
        stored = await proposal_kind_queries.external_proposal(conn, proposal_id, report_back.KIND)
        assert stored is not None  # noqa: S101 (its draft was found by it)
        kept, definition = await report_back.context(conn, found.survey_id, k)
        texts = msgspec.convert(stored.change["texts"], dict[str, ReportTexts])
        refs = msgspec.convert(stored.change["figures"], list[str])
        problem, content = None, None
        try:
            content = report_back.content(str(stored.change["period"]), texts, refs, kept, definition)
        except RefusedError as refused:
            problem = str(refused)
        return {
            "draft": found,
            "row": row,
            "content": content,
            "problem": problem,
            "first": definition.languages[0],
            "releases": [
                r
                for r in await report_back_queries.releases_of_draft(conn, found.id)
                if r.proposal_id == proposal_id
            ],
            **await board_pages.votes_context(conn, proposal_id, account_id),
            "error": None,
            "done": None,
            **extra,
        }

    @get("/proposals/{proposal_id:int}", operation_id="board_report_back_proposal")
    async def proposal(
        self,
        principal: PrincipalDependency,
        conn: ConnectionDependency,
        settings: NamedDependency[Settings],
        proposal_id: RowId,
        done: Query = "",
    ) -> Template:
        """A release proposal: what would be released (figures as the set shows them now), votes, comments."""
        context = await self._proposal_page(
            conn,
            proposal_id,
            settings.min_cell,
            principal.account_id,
            done=board_pages.DONE_MESSAGES.get(done),
        )
        return Template("board/report_back_proposal.html", context=context)

    @post("/proposals/{proposal_id:int}/vote", operation_id="board_report_back_vote")
    async def vote(
        self,
        principal: PrincipalDependency,
        conn: ConnectionDependency,
        settings: NamedDependency[Settings],
        proposal_id: RowId,
        data: URLEncodedBody[VoteForm],
    ) -> Template | Redirect:
        """Count a confirmed vote; the vote that decides releases it (every figure checked again)."""
        actor = principal.account_id
        if not data.confirmed or (data.choice == "object" and not data.reason.strip()):
            context = await self._proposal_page(conn, proposal_id, settings.min_cell, actor, form=data)
            return Template(
                "board/report_back_proposal.html",
                context={**context, "confirming": True},
                status_code=200 if data.confirmed is False else 422,
            )
        return await self._act(
            conn,
            proposal_id,
            settings.min_cell,
            actor,
            "voted",
            proposals.vote(conn, proposal_id, data.choice, reason=data.reason, actor_id=actor),
        )

    @post("/proposals/{proposal_id:int}/comments", operation_id="board_report_back_comment")
    async def comment(
        self,
        principal: PrincipalDependency,
        conn: ConnectionDependency,
        settings: NamedDependency[Settings],
        proposal_id: RowId,
        data: URLEncodedBody[CommentForm],
    ) -> Template | Redirect:
        """Add a comment to a release proposal."""
        actor = principal.account_id
        action = proposals.comment(conn, proposal_id, data.body, actor_id=actor)
        return await self._act(conn, proposal_id, settings.min_cell, actor, "commented", action)

    async def _act(
        self, conn: Connection, proposal_id: int, k: int, actor: int, done: str, action: Any
    ) -> Template | Redirect:
        await self._proposal_page(conn, proposal_id, k, actor)  # 404 before acting on another kind
        try:
            await action
        except proposals.ProposalError as refused:
            context = await self._proposal_page(conn, proposal_id, k, actor, error=str(refused))
            return Template("board/report_back_proposal.html", context=context, status_code=422)
        return back_to(f"/board/report-backs/proposals/{proposal_id}", done)


DONE: Final = {
    "drafted": "The draft is kept. Only the board sees it until the board releases it.",
    "changed": "The draft is changed. Releases made before keep what they released.",
}


def periods_of(kept: Any) -> list[str]:
    """The reporting periods the survey has responses in."""
    return periods.offered(kept.periods)


def _periods(kept: Any) -> list[tuple[str, str]]:
    return [(p, words.period_words(p, "en")) for p in reversed(periods_of(kept))]


def _refused(message: str) -> Template:
    return Template("board/report_back_refused.html", context={"error": message}, status_code=422)


Kind = Literal["page", "poster", "handout"]


class ResultsController(Controller):
    """The public page of released report-backs: no sign-in, nothing unreleased, each as released."""

    path = "/results"
    tags = ["results"]
    include_in_schema = False

    @get("/", operation_id="results", opt=PUBLIC)
    async def results(self, conn: ConnectionDependency, language: Language = "") -> Template:
        """Every report-back the board released (the newest release of each), newest first."""
        shown = [(r, report_back.released(r)) for r in await report_back_queries.current_releases(conn)]
        return Template(
            "results/index.html", context={"releases": shown, "language": language, "words": words}
        )

    async def _one(self, conn: Connection, public_id: str, language: str, kind: Kind) -> Template:
        found = await report_back_queries.release(conn, public_id)
        if found is None:
            raise NotFoundException("There is no such report-back.")
        content = report_back.released(found)
        language = language if language in content.languages else content.languages[0]
        template = "results/release.html" if kind == "page" else "results/print.html"
        return Template(
            template,
            context={
                "release": found,
                "content": content,
                "language": language,
                "kind": kind,
                "words": words,
            },
        )

    @get("/{public_id:str}", operation_id="result", opt=PUBLIC)
    async def release(
        self, conn: ConnectionDependency, public_id: PublicId, language: Language = ""
    ) -> Template:
        """One release in a language of its survey (earlier releases say what replaced them)."""
        return await self._one(conn, public_id, language, "page")

    @get("/{public_id:str}/poster", operation_id="result_poster", opt=PUBLIC)
    async def poster(
        self, conn: ConnectionDependency, public_id: PublicId, language: Language = ""
    ) -> Template:
        """The release as a one-page poster in a language (print it from the browser)."""
        return await self._one(conn, public_id, language, "poster")

    @get("/{public_id:str}/handout", operation_id="result_handout", opt=PUBLIC)
    async def handout(
        self, conn: ConnectionDependency, public_id: PublicId, language: Language = ""
    ) -> Template:
        """The release as a one-page handout in a language."""
        return await self._one(conn, public_id, language, "handout")
