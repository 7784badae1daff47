"""The evaluator's free-text page and its opt-in CSV: answers shuffled, masked, unlinked, from k up."""

from __future__ import annotations

import csv
import io
import re
from typing import Any, Final, Literal

import msgspec
from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from analysis import exports, free_text, periods
from analysis import free_text_queries as queries
from analysis.queries import latest_definition
from questions import queries as question_queries
from survey import json_body
from survey.audit_queries import audit
from survey.auth import PrincipalDependency, provide_principal, requires_role
from survey.db import Connection, ConnectionDependency
from survey.pages import page
from survey.settings import Settings

LARGEST_ID: Final = 2**63 - 1
"""PostgreSQL's bigint: a larger survey id is a 400 naming ``survey``, before any query."""
_QUESTION_KEY: Final = re.compile(r"[a-z][a-z0-9_]{0,63}")
ALL_SITES: Final = "All sites"
DASHBOARD_GROUPINGS: Final = frozenset({"", "site", "site,period", "period", "language", "version"})
"""The dashboard's groupings, so its link carries over: those with site split by site, the others not."""


class FreeTextFilters(msgspec.Struct, frozen=True):
    """The page's choices, from its query string (``None``: not chosen, the first one is taken)."""

    survey: int | None
    period: str
    question: str | None
    group_by: Literal["", "site"]


class AnswerGroup(msgspec.Struct, frozen=True):
    """The answers shown under one heading (all sites, a site, or other sites), shuffled and masked."""

    name: str
    answers: list[str]


class Listing(msgspec.Struct, frozen=True):
    """What the page shows for one survey, reporting period and question."""

    filters: FreeTextFilters
    questions: list[tuple[str, str]]
    """Every free-text question of the survey's newest version: key and text."""
    offered: list[str]
    k: int
    enough: bool
    """Whether the period has at least k responses (otherwise nothing is shown)."""
    groups: list[AnswerGroup]
    withheld: bool
    """Whether some answers are kept out because they come from a group of fewer than k responses."""
    sites_left_out: bool


def _refuse(field: str, detail: str) -> HTTPException:
    return HTTPException(status_code=400, detail=detail, extra={"field": field})


def parse_filters(request: Request[Any, Any, Any], granularity: Literal["month", "week"]) -> FreeTextFilters:
    """The filters asked for in the query string.

    Raises:
        HTTPException: 400 naming ``survey``, ``period``, ``question`` or ``group_by``.
    """
    query = request.query_params
    raw_survey = query.get("survey") or ""
    if raw_survey and not (
        raw_survey.isascii() and raw_survey.isdigit() and 1 <= int(raw_survey) <= LARGEST_ID
    ):
        raise _refuse("survey", "survey takes a survey's id (a number)")
    try:
        period = periods.checked(query.get("period") or periods.ALL, granularity)
    except ValueError:
        raise _refuse(
            "period", f"period takes all, a year (2026), a quarter (2026-Q1) or a {granularity}"
        ) from None
    question = query.get("question") or None
    if question is not None and not _QUESTION_KEY.fullmatch(question):
        raise _refuse("question", "question takes the key of one of the survey's free-text questions")
    group_by = query.get("group_by") or ""
    if group_by not in DASHBOARD_GROUPINGS:
        raise _refuse("group_by", "group_by takes site, or nothing")
    split: Literal["", "site"] = "site" if "site" in group_by.split(",") else ""
    return FreeTextFilters(int(raw_survey) if raw_survey else None, period, question, split)


async def refuse_bad_filters(request: Request[Any, Any, Any]) -> None:
    """Before-request hook: refuse bad filters before any dependency lends a connection.

    Raises:
        HTTPException: 400 naming the field (see ``parse_filters``).
    """
    settings: Settings = request.app.state.settings
    parse_filters(request, settings.period)
    await json_body.refuse_loose_json(request)  # this layer's hook replaces the app's


async def provide_filters(
    request: Request[Any, Any, Any], settings: NamedDependency[Settings]
) -> FreeTextFilters:
    """The filters, already checked by ``refuse_bad_filters``."""
    return parse_filters(request, settings.period)


async def listing(conn: Connection, filters: FreeTextFilters, k: int) -> Listing:
    """The answers one view shows, by the rules of ``analysis.free_text``.

    Raises:
        HTTPException: 404 without a published survey; 400 naming ``question`` for a question the
            survey's newest version does not ask as free text.
    """
    survey = filters.survey
    if survey is None:
        survey = next((s.id for s in await question_queries.surveys(conn) if s.latest_version), None)
    definition = None if survey is None else await latest_definition(conn, survey)
    if survey is None or definition is None:
        raise HTTPException(status_code=404, detail="No such survey with a published version.")
    language = definition.languages[0]
    asked = [(q.key, q.text.get(language, q.key)) for q in definition.questions if q.type == "text"]
    question = filters.question or (asked[0][0] if asked else None)
    if question is not None and question not in dict(asked):
        raise _refuse("question", "question takes the key of one of the survey's free-text questions")
    counts = {(cell.site, cell.period): cell.n for cell in await queries.response_cells(conn, survey)}
    inside = {cell: n for cell, n in counts.items() if periods.contains(filters.period, cell[1])}
    enough = sum(inside.values()) >= k
    showable = free_text.showable_cells(counts, k)
    groups: list[AnswerGroup] = []
    left_out = False
    if enough and question is not None:
        stored = sorted({stored for _, stored in inside})
        found = await queries.text_answers(conn, survey, question, stored)
        names, left_out = (
            free_text.site_groups(counts, filters.period, k)
            if filters.group_by == "site"
            else ({site: ALL_SITES for site, _ in inside}, False)
        )
        by_group: dict[str, list[str]] = {}
        for answer in found:
            if (answer.site, answer.period) in showable and answer.site in names:
                by_group.setdefault(names[answer.site], []).append(free_text.mask(answer.text))
        order = sorted(set(names.values()), key=lambda name: (name == free_text.OTHER_SITES, name))
        groups = [AnswerGroup(name, free_text.shuffled(by_group.get(name, []))) for name in order]
    return Listing(
        filters=msgspec.structs.replace(filters, survey=survey, question=question),
        questions=asked,
        offered=periods.offered(sorted({stored for _, stored in counts})) or [periods.ALL],
        k=k,
        enough=enough,
        groups=groups,
        withheld=enough and any(cell not in showable for cell in inside),
        sites_left_out=left_out,
    )


def _csv(shown: Listing) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["group", "period", "question", "answer"])
    for group in shown.groups:
        for answer in group.answers:
            row = [group.name, shown.filters.period, shown.filters.question or "", answer]
            writer.writerow([exports.neutralised(cell) for cell in row])
    return buffer.getvalue().encode()


class FreeTextController(Controller):
    """Free-text answers for evaluators: each on its own, never with the rest of its response."""

    path = "/evaluate/free-text"
    guards = [requires_role("evaluator")]
    dependencies = {
        "filters": Provide(provide_filters),
        "principal": Provide(provide_principal, sync_to_thread=False),
    }
    tags = ["evaluate"]
    include_in_schema = False
    before_request = staticmethod(refuse_bad_filters)

    @get("/", operation_id="evaluate_free_text")
    async def answers(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        settings: NamedDependency[Settings],
        filters: NamedDependency[FreeTextFilters],
    ) -> Template:
        """One free-text question's answers in a reporting period, shuffled and masked; htmx swaps them."""
        shown = await listing(conn, filters, settings.min_cell)
        context = {
            "l": shown,
            "surveys": [s for s in await question_queries.surveys(conn) if s.latest_version],
            "period_words": periods.words,
        }
        return page(request, "evaluate/free_text.html", "answers", context)

    @get("/export.csv", operation_id="evaluate_free_text_export")
    async def export(
        self,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        settings: NamedDependency[Settings],
        filters: NamedDependency[FreeTextFilters],
    ) -> Response[bytes]:
        """The same answers as a CSV file (an audited, opt-in download), formula-like cells neutralised."""
        shown = await listing(conn, filters, settings.min_cell)
        chosen = shown.filters
        await audit(
            conn,
            "export",
            account_id=principal.account_id,
            subject=str(chosen.survey),
            detail={
                "format": "free-text CSV",
                "period": chosen.period,
                "question": chosen.question,
                "group_by": chosen.group_by or None,
            },
        )
        name = f"survey-{chosen.survey}-free-text-{chosen.question}.csv"
        return Response(
            _csv(shown),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )
