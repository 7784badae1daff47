"""Admin: ``/admin/audit``, the audit trail filtered by who, what and which days, paged, and as CSV."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Final

from litestar import Response, get
from litestar.params import FromQuery, QueryParameter
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from survey import audit_trail, audit_trail_queries
from survey.admin_pages import AdminPages
from survey.audit_queries import audit
from survey.auth import PrincipalDependency
from survey.db import Connection, ConnectionDependency
from survey.pages import page
from survey.schemas import account_name_key

PAGE_ROWS: Final = 50
CSV_ROWS: Final = 100_000
"""An export holds at most this many events (newest first); narrow the filter for older ones."""

Who = Annotated[str, QueryParameter(max_length=64, description="An account name, ':cli' or ':kiosk'.")]
What = Annotated[str, QueryParameter(max_length=64, pattern=r"^[a-z_]*$")]


def _filter(
    who: str, what: str, first_day: date | None, last_day: date | None
) -> audit_trail_queries.TrailFilter:
    chosen_who = who if who in {"", ":cli", ":kiosk"} else account_name_key(who)
    return audit_trail_queries.TrailFilter(
        who=chosen_who, action=what, first_day=first_day, last_day=last_day
    )


async def _lines(
    conn: Connection, chosen: audit_trail_queries.TrailFilter, *, limit: int, offset: int
) -> list[audit_trail.TrailLine]:
    found = await audit_trail_queries.events(
        conn, chosen, audit_trail.KIOSK_ACTIONS, limit=limit, offset=offset
    )
    surveys = await audit_trail_queries.survey_names(conn)
    return [audit_trail.line(event, surveys) for event in found]


class AuditAdminController(AdminPages):
    """The audit trail: every staff action, filtered, paged and exported as CSV, for the admin role."""

    path = "/admin/audit"

    @get("/", operation_id="admin_audit_page")
    async def audit_page(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        who: Who = "",
        what: What = "",
        first_day: FromQuery[date | None] = None,
        last_day: FromQuery[date | None] = None,
        page_number: Annotated[int, QueryParameter(name="page", ge=1, le=100_000)] = 1,
    ) -> Template:
        """The events the filter picks, newest first, 50 a page; htmx swaps only the results."""
        chosen = _filter(who, what, first_day, last_day)
        total = await audit_trail_queries.count(conn, chosen, audit_trail.KIOSK_ACTIONS)
        lines = await _lines(conn, chosen, limit=PAGE_ROWS, offset=(page_number - 1) * PAGE_ROWS)
        pages = max(1, -(-total // PAGE_ROWS))
        query: dict[str, Any] = {
            "who": who,
            "what": what,
            "first_day": first_day.isoformat() if first_day else "",
            "last_day": last_day.isoformat() if last_day else "",
        }
        context = {
            "lines": lines,
            "total": total,
            "page_number": page_number,
            "pages": pages,
            "query": query,
            "actors": await audit_trail_queries.actors(conn),
            "actions": await audit_trail_queries.actions(conn),
        }
        return page(request, "admin/audit.html", "results", context)

    @get("/export.csv", operation_id="admin_audit_export")
    async def export(
        self,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        who: Who = "",
        what: What = "",
        first_day: FromQuery[date | None] = None,
        last_day: FromQuery[date | None] = None,
    ) -> Response[str]:
        """The events the filter picks as CSV (cells that a spreadsheet would run are neutralised)."""
        chosen = _filter(who, what, first_day, last_day)
        lines = await _lines(conn, chosen, limit=CSV_ROWS, offset=0)
        detail = {"format": "csv", "from": first_day, "to": last_day, "who": who, "what": what}
        await audit(
            conn,
            "audit_exported",
            account_id=principal.account_id,
            detail={key: str(value) for key, value in detail.items() if value},
        )
        return Response(
            audit_trail.as_csv(lines),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="audit-trail.csv"'},
        )
