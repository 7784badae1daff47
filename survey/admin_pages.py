"""What every admin page shows (sites, accounts, kiosks, surveys, quorum, the latest audit events)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from questions import proposal_queries
from questions import queries as question_queries
from survey import audit_queries, kiosks, queries
from survey.auth import signed_in
from survey.schemas import ROLES

if TYPE_CHECKING:
    from litestar import Request

    from survey.db import Connection

AUDIT_ROWS: Final = 25


async def admin_context(conn: Connection, request: Request[Any, Any, Any], **extra: Any) -> dict[str, Any]:
    """Everything the admin page shows; ``extra`` adds the notice or error of the action just taken."""
    base = {
        "sites": await queries.site_details(conn),
        "accounts": await queries.accounts(conn),
        "kiosks": await kiosks.listing(conn),
        "surveys": await question_queries.surveys(conn),
        "audit": await audit_queries.recent(conn, AUDIT_ROWS),
        "me": signed_in(request).account_id,
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
        "quorum_notice": "",
        "quorum_error": "",
    }
    return base | extra
