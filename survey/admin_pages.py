"""What every admin page shows (sites, accounts, kiosks, surveys, the board, audit events), and its guard."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar.response import Template

from questions import member_pages, membership, membership_queries, proposal_queries
from questions import queries as question_queries
from survey import audit_trail, audit_trail_queries, kiosks, queries, site_queries, sites
from survey.auth import StaffController, requires_role
from survey.schemas import ROLES

if TYPE_CHECKING:
    from litestar.plugins.htmx import HTMXRequest

    from survey.db import Connection
    from survey.schemas import Principal

AUDIT_ROWS: Final = 25


class AdminPages(StaffController):
    """The base of the ``/admin`` controllers: every route needs the admin role."""

    guards = [requires_role("admin")]
    tags = ["admin"]


async def admin_context(conn: Connection, principal: Principal, **extra: Any) -> dict[str, Any]:
    """Everything the admin page shows to ``principal``; ``extra`` adds the notice or error just made."""
    site_rows = await site_queries.site_rows(conn)
    base = {
        "sites": site_rows,
        "site_languages": {site.id: await sites.survey_languages(conn, site.survey_id) for site in site_rows},
        "languages": sites.language_choices(),
        "language_name": sites.language_name,
        "accounts": await queries.accounts(conn),
        "kiosks": await kiosks.listing(conn),
        "kiosk_outbox": await sites.outboxes(conn),
        "surveys": await question_queries.surveys(conn),
        "audit": await latest_actions(conn),
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


async def latest_actions(conn: Connection) -> list[audit_trail.TrailLine]:
    """The latest staff actions in words, for the admin page's card."""
    chosen = audit_trail_queries.TrailFilter()
    found = await audit_trail_queries.events(
        conn, chosen, audit_trail.KIOSK_ACTIONS, limit=AUDIT_ROWS, offset=0
    )
    surveys = await audit_trail_queries.survey_names(conn)
    return [audit_trail.line(event, surveys) for event in found]


async def admin_block(
    request: HTMXRequest,
    conn: Connection,
    principal: Principal,
    block: str,
    status_code: int = 200,
    **extra: Any,
) -> Template:
    """The admin page after an action, or for htmx its ``block`` and the latest actions.

    The latest actions go with every htmx answer (swapped out of band), so the audit card shows the action
    just made without a reload. ``extra`` as for the context.
    """
    context = await admin_context(conn, principal, **extra)
    if request.htmx:
        return HTMXBlockTemplate(
            template_name="admin/index.html",
            block_names=[block, "audit"],
            context=context,
            status_code=status_code,
        )
    return Template("admin/index.html", context=context, status_code=status_code)
