"""Admin: ``/admin/surveys``, starting a survey as a draft for the board and adding or retiring languages.

Nothing here publishes: the board works on every draft made here, and only its decision publishes one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from litestar import get, post
from litestar.params import URLEncodedBody
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from questions import bank, versions
from questions import queries as question_queries
from questions.translations import gaps
from survey import retention, site_queries, sites, survey_admin
from survey.admin_pages import AdminPages
from survey.auth import PrincipalDependency
from survey.db import ConnectionDependency, RowId
from survey.pages import page
from survey.retention import RetentionSet
from survey.schemas import SurveyCreate, SurveyLanguageAdd, SurveyLanguageRetire

if TYPE_CHECKING:
    from survey.db import Connection
    from survey.schemas import Principal


class SurveyRow(msgspec.Struct, frozen=True, kw_only=True):
    """A survey as the admin's list shows it."""

    id: int
    name: str
    latest_version: int | None
    languages: list[str]
    """The draft's languages, the first being the one translations are made from."""
    questions: int
    to_translate: int
    """Texts in the draft that need a translation or a check, for the board."""
    sites: list[str]
    retention: survey_admin.RetentionView


async def _surveys(conn: Connection) -> list[SurveyRow]:
    running = await site_queries.site_rows(conn)
    rows = []
    for summary in await question_queries.surveys(conn):
        draft = await question_queries.draft(conn, summary.id)
        rows.append(
            SurveyRow(
                id=summary.id,
                name=summary.name,
                latest_version=summary.latest_version,
                languages=draft.languages if draft else [],
                questions=len(draft.questions) if draft else 0,
                to_translate=len(gaps(draft)) if draft else 0,
                sites=[site.name for site in running if site.survey_id == summary.id and not site.archived],
                retention=await survey_admin.retention_view(conn, summary.id),
            )
        )
    return rows


async def _context(conn: Connection, **extra: Any) -> dict[str, Any]:
    base = {
        "surveys": await _surveys(conn),
        "instruments": list((await survey_admin.bank_instruments(conn)).values()),
        "items": bank.program_items(),
        "languages": sites.language_choices(),
        "language_name": sites.language_name,
        "survey_notice": "",
        "survey_error": "",
        "values": {},
        "free_text_choices": retention.FREE_TEXT_CHOICES,
        "response_choices": retention.RESPONSE_CHOICES,
    }
    return base | extra


async def _block(request: HTMXRequest, conn: Connection, status_code: int = 200, **extra: Any) -> Template:
    return page(request, "admin/surveys.html", "surveys", await _context(conn, **extra), status_code)


async def _change_language(
    request: HTMXRequest,
    conn: Connection,
    principal: Principal,
    survey_id: int,
    data: SurveyLanguageAdd | SurveyLanguageRetire,
) -> Template:
    """Add (``SurveyLanguageAdd``) or retire a language on a survey's draft; the list saying which."""
    add = isinstance(data, SurveyLanguageAdd)
    try:
        name = await survey_admin.change_language(
            conn,
            survey_id,
            language=data.language,
            title=data.title if isinstance(data, SurveyLanguageAdd) else "",
            add=add,
            actor_id=principal.account_id,
        )
    except (survey_admin.SurveyAdminError, sites.SiteError) as refused:
        return await _block(request, conn, 422 if refused.field else 404, survey_error=str(refused))
    language = sites.language_name(data.language)
    notice = (
        f"{language} added to the draft of {name}. Texts without a translation"
        " show as “Needs translation” on the board's pages."
        if add
        else f"{language} retired from the draft of {name}; kiosks keep offering it"
        " until the board publishes the draft."
    )
    return await _block(request, conn, survey_notice=notice)


class SurveyAdminController(AdminPages):
    """Surveys: starting one from the bank or new questions, and the languages of its draft."""

    path = "/admin/surveys"

    @get("/", operation_id="admin_surveys_page")
    async def surveys_page(self, conn: ConnectionDependency) -> Template:
        """Every survey with its languages and sites, and the form to start one."""
        return Template("admin/surveys.html", context=await _context(conn))

    @post("/", operation_id="admin_survey_create")
    async def create_survey(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        data: URLEncodedBody[SurveyCreate],
    ) -> Template:
        """Start a survey as a draft; the board works on it and only the board publishes it."""
        try:
            survey_id = await survey_admin.create(conn, data, actor_id=principal.account_id)
        except (survey_admin.SurveyAdminError, sites.SiteError, versions.SurveyError) as refused:
            return await _block(
                request, conn, 422, survey_error=str(refused), values=msgspec.to_builtins(data)
            )
        notice = (
            f"{data.name.strip()} is a draft now (survey {survey_id}). The board sees it on its pages,"
            " works on it there, and publishes it when it decides to."
        )
        return await _block(request, conn, survey_notice=notice)

    @post("/{survey_id:int}/languages", operation_id="admin_survey_language_add")
    async def add_language(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        survey_id: RowId,
        data: URLEncodedBody[SurveyLanguageAdd],
    ) -> Template:
        """Add a language to a survey's draft; texts without a translation are marked for the board."""
        return await _change_language(request, conn, principal, survey_id, data)

    @post("/{survey_id:int}/languages/retire", operation_id="admin_survey_language_retire")
    async def retire_language(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        survey_id: RowId,
        data: URLEncodedBody[SurveyLanguageRetire],
    ) -> Template:
        """Retire a language from a survey's draft; published versions keep it until the board publishes."""
        return await _change_language(request, conn, principal, survey_id, data)

    @post("/{survey_id:int}/retention", operation_id="admin_survey_retention")
    async def set_retention(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        survey_id: RowId,
        data: URLEncodedBody[RetentionSet],
    ) -> Template:
        """Set how long a survey keeps its free-text answers and its responses; the daily job applies it."""
        try:
            name, _ = await survey_admin.set_retention(conn, survey_id, data, actor_id=principal.account_id)
        except survey_admin.SurveyAdminError as refused:
            return await _block(request, conn, 422 if refused.field else 404, survey_error=str(refused))
        notice = (
            f"Retention of {name} saved. The server applies it every night (UTC); a command-line"
            " `survey retention run` applies it at once."
        )
        return await _block(request, conn, survey_notice=notice)
