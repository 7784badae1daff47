"""The evaluator's side: the dashboard, printable report and exports, and scripted access to the summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Final, Literal
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Response, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException
from litestar.params import FromQuery, QueryParameter
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from analysis import charts, exports, queries, summary, tables
from questions import queries as question_queries
from survey.audit_queries import audit
from survey.auth import PrincipalDependency, provide_principal, requires_role
from survey.db import Connection, ConnectionDependency
from survey.pages import page
from survey.settings import Settings

if TYPE_CHECKING:
    from analysis.tables import Tables

PERIOD: Final = r"^(\d{4}-(\d{2}|W\d{2}))?$"
"""A month (2026-11) or ISO week (2026-W47); empty means unbounded (an empty month field sends "")."""


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
        survey: Annotated[int, QueryParameter(name="survey", ge=1, description="The survey's id.")],
        group_by: Annotated[
            str, QueryParameter(name="group_by", description="Up to two of site, period, language, version.")
        ] = "",
        first: Annotated[
            str | None, QueryParameter(name="from", pattern=PERIOD, description="First period, e.g. 2026-01.")
        ] = None,
        last: Annotated[
            str | None, QueryParameter(name="to", pattern=PERIOD, description="Last period, e.g. 2026-12.")
        ] = None,
    ) -> summary.SummaryTable:
        """One row per measure and group with n, mean, sd, median, q1, q3 and the 95% interval.

        Groups smaller than k, and any group whose size could be worked out from the others and a total,
        come back as ``suppressed: true`` with no figures at all.
        """
        dimensions = parse_group_by(group_by)
        first_bound, last_bound = queries.period_bounds(first, last)
        grouping = queries.Grouping(
            survey_id=survey,
            site="site" in dimensions,
            period="period" in dimensions,
            language="language" in dimensions,
            version="version" in dimensions,
            first=first_bound,
            last=last_bound,
        )
        return await summary.summary(conn, grouping, dimensions, settings.min_cell)


class Filters(msgspec.Struct, frozen=True):
    """The dashboard's choices, from its query string."""

    survey: int
    first: str | None
    """The first period of the range, or ``None`` for a range open at its start."""
    last: str | None
    """The last period of the range, or ``None`` for a range open up to now."""
    group_by: list[str]


async def provide_filters(
    conn: ConnectionDependency,
    survey: FromQuery[int | None] = None,
    group_by: FromQuery[str] = "site",
    first: Annotated[str | None, QueryParameter(name="from", pattern=PERIOD)] = None,
    last: Annotated[str | None, QueryParameter(name="to", pattern=PERIOD)] = None,
) -> Filters:
    """The dashboard's filters from the query string, shared by the page, the report and the exports."""
    chosen = survey
    if chosen is None:
        chosen = next((s.id for s in await question_queries.surveys(conn) if s.latest_version), None)
    if chosen is None:
        raise HTTPException(status_code=404, detail="No survey has a published version yet.")
    return Filters(chosen, first or None, last or None, parse_group_by(group_by or "site"))


def _points(rows: list[summary.SummaryRow], measure: str, label: str) -> list[charts.Point]:
    return [
        charts.Point(str(getattr(row, label)), row.mean, row.ci_low, row.ci_high)
        for row in rows
        if row.measure == measure
        and not row.suppressed
        and row.mean is not None
        and row.ci_low is not None
        and row.ci_high is not None
    ]


def _charts(tables: Tables) -> dict[str, dict[str, str]]:
    drawn: dict[str, dict[str, str]] = {}
    for rule in tables.measures:
        over_time = _points(tables.by_period.rows, rule.measure, "period")
        by_site = _points(tables.by_site.rows, rule.measure, "site")
        drawn[rule.measure] = {
            "time": charts.line_chart(
                f"{rule.measure}-time",
                f"{rule.name} by month",
                over_time,
                rule.score_min,
                rule.score_max,
                f"Mean {rule.name} by month",
            ),
            "site": charts.bar_chart(
                f"{rule.measure}-site",
                f"{rule.name} by site",
                by_site,
                rule.score_min,
                rule.score_max,
                f"Mean {rule.name} by site",
            ),
        }
    return drawn


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

    async def _tables(self, conn: Connection, filters: Filters, k: int) -> Tables:
        try:
            return await tables.build(
                conn, filters.survey, group_by=filters.group_by, first=filters.first, last=filters.last, k=k
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
        """Cards, charts, comparisons and distributions; filters update the results by htmx."""
        built = await self._tables(conn, filters, settings.min_cell)
        context = {
            "t": built,
            "charts": _charts(built),
            "filters": filters,
            "query": _query(filters),
            "surveys": [s for s in await question_queries.surveys(conn) if s.latest_version],
        }
        return page(request, "evaluate/index.html", "results", context)

    @get("/report", operation_id="evaluate_report")
    async def report(
        self,
        conn: ConnectionDependency,
        settings: NamedDependency[Settings],
        filters: NamedDependency[Filters],
    ) -> Template:
        """The same tables and charts as one printable page."""
        built = await self._tables(conn, filters, settings.min_cell)
        return Template(
            "evaluate/report.html",
            context={"t": built, "charts": _charts(built), "filters": filters, "methods": exports.METHODS},
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
            detail={
                "format": format,
                "from": filters.first,
                "to": filters.last,
                "group_by": filters.group_by,
            },
        )
        name = f"survey-{filters.survey}-aggregates.{format}"
        return Response(
            content(built),
            media_type=media_type,
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )


def _query(filters: Filters) -> str:
    parts = {"survey": str(filters.survey), "group_by": ",".join(filters.group_by)}
    if filters.first is not None:
        parts["from"] = filters.first
    if filters.last is not None:
        parts["to"] = filters.last
    return urlencode(parts)
