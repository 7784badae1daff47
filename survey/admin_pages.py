"""What every admin page shows (sites, accounts, kiosks, surveys, the board, audit events), and its guard."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from questions import member_pages, membership, membership_queries, proposal_queries
from questions import queries as question_queries
from survey import audit_queries, kiosks, queries
from survey.auth import StaffController, requires_role
from survey.pages import page
from survey.schemas import ROLES

if TYPE_CHECKING:
    from litestar.plugins.htmx import HTMXRequest
    from litestar.response import Template

    from survey.db import Connection
    from survey.schemas import Principal

AUDIT_ROWS: Final = 25


class AdminPages(StaffController):
    """The base of the ``/admin`` controllers: every route needs the admin role."""

    guards = [requires_role("admin")]
    tags = ["admin"]


async def admin_context(conn: Connection, principal: Principal, **extra: Any) -> dict[str, Any]:
    """Everything the admin page shows to ``principal``; ``extra`` adds the notice or error just made."""
    base = {
        "sites": await queries.site_details(conn),
        "accounts": await queries.accounts(conn),
        "kiosks": await kiosks.listing(conn),
        "surveys": await question_queries.surveys(conn),
        "audit": await audit_queries.recent(conn, AUDIT_ROWS),
        "me": principal.account_id,
        "roles": ROLES,
        "notice": "",
        "error": "",
        "password": "",
        "password_for": "",
        "site_notice": "",
        "site_error": "",
        "kiosk_notice": "",
        "kiosk_error": "",
        "kiosk_code": "",
        "quorum": await proposal_queries.board_rule(conn),
        "quorum_setting": await proposal_queries.quorum_setting(conn),
        "board": await membership.board_state(conn),
        "board_candidates": await membership_queries.candidates(conn),
        "joined": member_pages.joined_words,
        "quorum_notice": "",
        "quorum_error": "",
    }
    return base | extra


async def admin_block(
    request: HTMXRequest,
    conn: Connection,
    principal: Principal,
    block: str,
    status_code: int = 200,
    **extra: Any,
) -> Template:
    """The admin page after an action, or for htmx only its ``block``; ``extra`` as for the context."""
    context = await admin_context(conn, principal, **extra)
    return page(request, "admin/index.html", block, context, status_code)
