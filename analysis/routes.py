"""The evaluator's scripted access: suppressed aggregate tables as JSON (``Authorization: Bearer``)."""

from __future__ import annotations

from typing import Annotated, Final

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.params import QueryParameter

from analysis import queries, summary
from survey.auth import requires_role
from survey.db import ConnectionDependency
from survey.settings import Settings

PERIOD: Final = r"^\d{4}-(\d{2}|W\d{2})$"


def parse_group_by(raw: str) -> list[str]:
    """The grouping asked for, in a fixed order.

    Raises:
        HTTPException: 400 naming ``group_by`` for an unknown dimension or more than two.
    """
    wanted = [part.strip() for part in raw.split(",") if part.strip()]
    unknown = [part for part in wanted if part not in summary.DIMENSIONS]
    if unknown or len(set(wanted)) > summary.MAX_DIMENSIONS:
        raise HTTPException(
            status_code=400,
            detail=f"group_by takes at most {summary.MAX_DIMENSIONS} of {', '.join(summary.DIMENSIONS)}",
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
        grouping = queries.Grouping(
            survey_id=survey,
            site="site" in dimensions,
            period="period" in dimensions,
            language="language" in dimensions,
            version="version" in dimensions,
            first=first or "0000",
            last=last or "9999",
        )
        return await summary.summary(conn, grouping, dimensions, settings.min_cell)
