"""The evaluator's side: the dashboard, printable report and exports, and scripted access to the summary."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal
from urllib.parse import urlencode

import anyio
import msgspec
from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from analysis import chart_render, charts, exports, indicators, periods, report_queries, summary, tables
from analysis import report as funder_report
from questions import queries as question_queries
from survey import json_body
from survey.audit_queries import audit
from survey.auth import PrincipalDependency, provide_principal, requires_role
from survey.db import Connection, ConnectionDependency
from survey.settings import Settings

if TYPE_CHECKING:
    from analysis.tables import Tables

PERIOD_HELP: Final = "a month (2026-11), or an ISO week (2026-W47) where the program keeps weeks"
REPORTING_HELP: Final = (
    "A reporting period: all (the default), a year (2026), a quarter (2026-Q1), a month (2026-11), or an"
    " ISO week (2026-W47) where the program keeps weeks."
)
"""Periods are checked by ``checked_period`` (not a parameter pattern, whose 400 would name the Python
argument ``first`` instead of ``from``); an empty month field sends "", which means unbounded."""
LARGEST_ID: Final = 2**63 - 1
"""PostgreSQL's bigint: a larger survey id is a 400 naming ``survey``, before any query."""
_MONTH: Final = re.compile(r"(\d{4})-(\d{2})")
_WEEK: Final = re.compile(r"(\d{4})-W(\d{2})")


def checked_period(raw: str | None, field: str, granularity: Literal["month", "week"]) -> str | None:
    """A period bound as the program keeps periods: a real month, or a real ISO week when it keeps weeks.

    Periods compare as text, so a week bound on months (or a month on weeks) would silently select the
    wrong responses; and ``2026-13`` names no month at all.

    Returns:
        The bound, or ``None`` when it is empty (an open end).

    Raises:
        HTTPException: 400 naming ``field`` (``from`` or ``to``).
    """
    if not raw:
        return None
    if granularity == "week" and (week := _WEEK.fullmatch(raw)):
        try:
            date.fromisocalendar(int(week[1]), int(week[2]), 1)
        except ValueError:
            pass
        else:
            return raw
    month = _MONTH.fullmatch(raw) if granularity == "month" else None
    if month and int(month[1]) >= 1 and 1 <= int(month[2]) <= 12:
        return raw
    example = "an ISO week such as 2026-W47" if granularity == "week" else "a month such as 2026-11"
    raise HTTPException(
        status_code=400,
        detail=f"{field} takes {example}: this program keeps responses by {granularity}",
        extra={"field": field},
    )


def reporting_period(
    period: str | None, first: str | None, last: str | None, granularity: Literal["month", "week"]
) -> str:
    """The reporting period asked for: ``period`` itself, or the one that ``from`` and ``to`` span exactly.

    Figures exist only for reporting periods (``analysis.periods``): a range that is not one (two months,
    March to May) would be a figure no other view checks against, so it is refused.

    Raises:
        HTTPException: 400 naming ``period``, ``from`` or ``to``.
    """
    if period:
        extra = "from" if first else "to"
        if first or last:
            raise HTTPException(
                status_code=400,
                detail=f"{extra} takes nothing when period is given: use one or the other",
                extra={"field": extra},
            )
        try:
            return periods.checked(period, granularity)
        except ValueError:
            raise HTTPException(
                status_code=400,
                detail=f"period takes all, a year (2026), a quarter (2026-Q1) or a {granularity}",
                extra={"field": "period"},
            ) from None
    first_bound = checked_period(first, "from", granularity)
    last_bound = checked_period(last, "to", granularity)
    try:
        return periods.aligned(first_bound, last_bound)
    except ValueError as misaligned:
        field = str(misaligned)
        raise HTTPException(
            status_code=400,
            detail=(
                f"{field} takes a {granularity} such that from and to span one reporting period (one"
                f" {granularity}, a whole quarter or a whole year); or ask for period=all, 2026, 2026-Q1"
                " or 2026-11"
            ),
            extra={"field": field},
        ) from None


def parse_group_by(raw: str) -> list[str]:
    """The grouping asked for, in a fixed order.

    Raises:
        HTTPException: 400 naming ``group_by`` for an unknown dimension or more than two.
    """
    wanted = [part.strip() for part in raw.split(",") if part.strip()]
    unknown = [part for part in wanted if part not in summary.DIMENSIONS]
    if (
        unknown
        or len(set(wanted)) > summary.MAX_DIMENSIONS
        or (len(set(wanted)) == 2 and "period" not in wanted)
    ):
        raise HTTPException(
            status_code=400,
            detail=f"group_by takes one of {', '.join(summary.DIMENSIONS)}, or one of them and period",
            extra={"field": "group_by"},
        )
    return [dimension for dimension in summary.DIMENSIONS if dimension in wanted]


class EvaluateApiController(Controller):
    """Aggregates for scripts holding an evaluator's API token."""

    path = "/api/evaluate"
    guards = [requires_role("evaluator")]
    tags = ["evaluate"]

    @get("/summary", operation_id="evaluate_summary")
    async def summary_table(
        self,
        conn: ConnectionDependency,
        settings: NamedDependency[Settings],
        survey: Annotated[
            int, QueryParameter(name="survey", ge=1, le=LARGEST_ID, description="The survey's id.")
        ],
        group_by: Annotated[
            str,
            QueryParameter(
                name="group_by",
                description="Up to two of site, period, language, version, answered_with.",
            ),
        ] = "",
        period: Annotated[str | None, QueryParameter(name="period", description=REPORTING_HELP)] = None,
        first: Annotated[
            str | None,
            QueryParameter(name="from", description=f"With to, instead of period: {PERIOD_HELP}."),
        ] = None,
        last: Annotated[
            str | None,
            QueryParameter(name="to", description=f"With from, instead of period: {PERIOD_HELP}."),
        ] = None,
    ) -> summary.SummaryTable:
        """One row per measure and group with n, mean and the 95% interval (more for larger groups).

        Every row is a figure of the survey's protected set: a hidden one comes back as
        ``suppressed: true`` with its reason in ``hidden`` and no figures at all. Groups from k to 2k
        show n and the mean; above 2k also the median; from 3k also SD and quartiles.
        """
        dimensions = parse_group_by(group_by)
        chosen = reporting_period(period, first, last, settings.period)
        try:
            return await summary.summary(conn, survey, chosen, dimensions, settings.min_cell)
        except LookupError as missing:
            raise HTTPException(status_code=404, detail=str(missing)) from None


class Filters(msgspec.Struct, frozen=True):
    """The dashboard's choices, from its query string."""

    survey: int | None
    """The survey chosen, or ``None`` when none is chosen and none has a published version (a 404)."""
    period: str
    """The reporting period (``all``, a year, a quarter, a month or a week)."""
    group_by: list[str]
    granularity: Literal["month", "week"] = "month"
    """How the program keeps periods."""
    compared: tuple[str | None, str | None] = (None, None)
    """The reporting periods to compare (``before``, ``after``); an empty side is the period's first or
    last month."""


def parse_filters(request: Request[Any, Any, Any], granularity: Literal["month", "week"]) -> Filters:
    """The dashboard's filters as asked for in the query string (``survey`` ``None`` when not chosen).

    Raises:
        HTTPException: 400 naming ``survey``, ``period``, ``from``, ``to`` or ``group_by``.
    """
    query = request.query_params
    raw_survey = query.get("survey") or ""
    survey = None
    if raw_survey:
        if not (raw_survey.isascii() and raw_survey.isdigit() and 1 <= int(raw_survey) <= LARGEST_ID):
            raise HTTPException(
                status_code=400, detail="survey takes a survey's id (a number)", extra={"field": "survey"}
            )
        survey = int(raw_survey)
    return Filters(
        survey,
        reporting_period(query.get("period"), query.get("from"), query.get("to"), granularity),
        parse_group_by(query.get("group_by") or "site"),
        granularity,
        _compared(query.get("before"), query.get("after"), granularity),
    )


def _compared(
    before: str | None, after: str | None, granularity: Literal["month", "week"]
) -> tuple[str | None, str | None]:
    """The reporting periods to compare; an empty one is left to the default.

    Raises:
        HTTPException: 400 naming ``before`` or ``after``.
    """
    chosen: list[str | None] = []
    for field, value in (("before", before), ("after", after)):
        try:
            chosen.append(periods.checked(value, granularity) if value else None)
        except ValueError:
            raise HTTPException(
                status_code=400,
                detail=f"{field} takes a reporting period (2026, 2026-Q1, 2026-11), with the other one",
                extra={"field": field},
            ) from None
    return (chosen[0], chosen[1])


async def refuse_bad_filters(request: Request[Any, Any, Any]) -> None:
    """Before-request hook of the dashboard: refuse its filters before any dependency runs.

    A dependency that raises after the request's connection was lent leaves that connection out of the
    pool (Litestar closes generator dependencies only once all of them resolved), so the refusals happen
    here, and ``provide_filters`` never raises.

    Raises:
        HTTPException: 400 naming the field (see ``parse_filters``).
    """
    settings: Settings = request.app.state.settings
    parse_filters(request, settings.period)
    await json_body.refuse_loose_json(request)  # this layer's hook replaces the app's


async def provide_filters(
    request: Request[Any, Any, Any], conn: ConnectionDependency, settings: NamedDependency[Settings]
) -> Filters:
    """The dashboard's filters (checked by ``refuse_bad_filters``), with the newest survey by default."""
    filters = parse_filters(request, settings.period)
    if filters.survey is not None:
        return filters
    chosen = next((s.id for s in await question_queries.surveys(conn) if s.latest_version), None)
    return msgspec.structs.replace(filters, survey=chosen)


CHART_NAME: Final = re.compile(r"(?P<measure>[a-z0-9_]{1,64})-(?P<view>by-period|by-site)\.(?P<fmt>svg|png)")
"""A chart download's name: ``who5-by-period.svg``, ``k6-by-site.png``."""
MEDIA_TYPES: Final = {"svg": "image/svg+xml", "png": "image/png"}
CHART_POLICY: Final = "default-src 'none'; style-src 'none'; img-src 'none'; frame-ancestors 'none'"
"""An SVG opened on its own runs nothing and loads nothing (it needs nothing: every style is an attribute)."""


def _charts(tables: Tables, survey_name: str, filters: Filters) -> dict[str, dict[charts.View, charts.Chart]]:
    return charts.all_charts(tables, survey_name, filters.granularity)


class EvaluateController(Controller):
    """The evaluator's dashboard, printable report and exports (aggregates only, never response rows)."""

    path = "/evaluate"
    guards = [requires_role("evaluator")]
    dependencies = {
        "filters": Provide(provide_filters),
        "principal": Provide(provide_principal, sync_to_thread=False),
    }
    tags = ["evaluate"]
    include_in_schema = False
    before_request = staticmethod(refuse_bad_filters)

    async def _tables(self, conn: Connection, filters: Filters, k: int) -> Tables:
        if filters.survey is None:
            raise HTTPException(status_code=404, detail="No survey has a published version yet.")
        try:
            return await tables.build(
                conn,
                filters.survey,
                group_by=filters.group_by,
                period=filters.period,
                k=k,
                compared=filters.compared,
            )
        except LookupError as missing:
            raise HTTPException(status_code=404, detail=str(missing)) from None

    @get("/", operation_id="evaluate_page")
    async def dashboard(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        settings: NamedDependency[Settings],
        filters: NamedDependency[Filters],
    ) -> Template:
        """Cards, charts, comparisons and distributions; filters update the results by htmx.

        An htmx swap answers with the results block and ``HX-Push-Url`` set to the view's own address
        (every filter in the query string, the survey chosen by default included), so the address bar
        follows and a shared link opens the same view. htmx's history restore (the back button, with
        nothing cached: ``hx-history="false"``) asks for the whole page, and gets it.
        """
        built = await self._tables(conn, filters, settings.min_cell)
        survey_name = await _survey_name(conn, built.survey)
        query = _query(filters)
        context = {
            "t": built,
            "charts": _charts(built, survey_name, filters),
            "describe": charts.describe,
            "filters": filters,
            "query": query,
            "printing": False,
            "survey_name": survey_name,
            "surveys": [s for s in await question_queries.surveys(conn) if s.latest_version],
            "period_words": periods.words,
        }
        headers = {"vary": "HX-Request, HX-History-Restore-Request", "cache-control": "private, no-store"}
        if request.htmx and not request.htmx.history_restore_request:
            return HTMXBlockTemplate(
                template_name="evaluate/index.html",
                block_name="results",
                context=context,
                push_url=f"/evaluate?{query}",
                headers=headers,
            )
        return Template("evaluate/index.html", context=context, headers=headers)

    @get("/charts/{name:str}", operation_id="evaluate_chart")
    async def chart(
        self,
        conn: ConnectionDependency,
        settings: NamedDependency[Settings],
        filters: NamedDependency[Filters],
        name: FromPath[str],
    ) -> Response[bytes]:
        """One chart as SVG or PNG (``who5-by-period.svg``), drawn on the server from the dashboard's filters.

        The same filters give the same bytes; the file is named after the survey, the chart and the
        reporting period. Hidden points are gaps with their reason, as on the page.
        """
        wanted = CHART_NAME.fullmatch(name)
        if wanted is None:
            raise HTTPException(
                status_code=404, detail="No such chart: ask for MEASURE-by-period.svg or .png"
            )
        built = await self._tables(conn, filters, settings.min_cell)
        rule = next((r for r in built.measures if r.measure == wanted["measure"]), None)
        if rule is None:
            raise HTTPException(status_code=404, detail=f"The survey has no measure {wanted['measure']}")
        survey_name = await _survey_name(conn, built.survey)
        view: charts.View = "by-period" if wanted["view"] == "by-period" else "by-site"
        drawn = charts.build(built, rule, view, survey_name, filters.granularity)
        fmt = wanted["fmt"]
        content = await anyio.to_thread.run_sync(chart_render.render, drawn, fmt)
        filename = charts.filename(survey_name, drawn, filters.period, fmt)
        return Response(
            content,
            media_type=MEDIA_TYPES[fmt],
            headers={
                "content-disposition": f'attachment; filename="{filename}"',
                "cache-control": "private, no-store",
                "x-content-type-options": "nosniff",
            },
        )

    @get("/report", operation_id="evaluate_report")
    async def report(
        self,
        conn: ConnectionDependency,
        settings: NamedDependency[Settings],
        filters: NamedDependency[Filters],
        paper: FromQuery[Literal["a4", "letter", ""]] = "",
    ) -> Template:
        """The funder report: a one-page summary first, then the charts, the tables and the methods.

        ``paper`` (``a4`` or ``letter``) sets the printed page size; without it the printer's own is used.
        """
        built = await self._tables(conn, filters, settings.min_cell)
        survey_name = await _survey_name(conn, built.survey)
        definition_language = await _first_language(conn, built.survey)
        summary_page = funder_report.summarise(
            built,
            survey_name=survey_name,
            program=settings.program_name,
            versions=await report_queries.versions(conn, built.survey),
            released=await report_queries.released(conn, built.survey),
            language=definition_language,
        )
        query = _query(filters)
        return Template(
            "evaluate/report.html",
            context={
                "t": built,
                "s": summary_page,
                "note": funder_report.SUMMARY_NOTE.format(k=built.k),
                "charts": _charts(built, survey_name, filters),
                "describe": charts.describe,
                "filters": filters,
                "query": query,
                "paper": paper,
                "printing": True,
                "methods": exports.METHODS,
                "period_words": periods.words,
                "survey_name": survey_name,
            },
            headers={"cache-control": "private, no-store"},
        )

    @get("/export", operation_id="evaluate_export")
    async def export(
        self,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        settings: NamedDependency[Settings],
        filters: NamedDependency[Filters],
        format: FromQuery[Literal["zip", "xlsx", "json"]] = "zip",
    ) -> Response[bytes]:
        """The suppressed tables as a zip of CSV files with a Frictionless data package, XLSX or JSON."""
        built = await self._tables(conn, filters, settings.min_cell)
        pack = await indicators.table(conn, built)
        content, media_type = {
            "zip": (exports.zip_bundle, "application/zip"),
            "xlsx": (exports.workbook, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            "json": (exports.as_json, "application/json"),
        }[format]
        await audit(
            conn,
            "export",
            account_id=principal.account_id,
            subject=str(filters.survey),
            detail={"format": format, "period": filters.period, "group_by": filters.group_by},
        )
        name = f"survey-{filters.survey}-aggregates.{format}"
        return Response(
            content(built, pack),
            media_type=media_type,
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )


async def _survey_name(conn: Connection, survey_id: int) -> str:
    return next((s.name for s in await question_queries.surveys(conn) if s.id == survey_id), "")


async def _first_language(conn: Connection, survey_id: int) -> str:
    latest = await question_queries.latest_version(conn, survey_id)
    return latest.definition.languages[0] if latest is not None and latest.definition.languages else "en"


def _query(filters: Filters) -> str:
    parts = {"survey": str(filters.survey), "period": filters.period, "group_by": ",".join(filters.group_by)}
    for name, value in zip(("before", "after"), filters.compared, strict=True):
        if value is not None:
            parts[name] = value
    return urlencode(parts)
