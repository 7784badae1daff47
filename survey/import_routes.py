"""Admin: upload an XLSForm, read its import report, and only then keep it as a new survey's draft.

Nothing is stored before the admin confirms. The report page carries the parsed draft in a hidden field,
signed with the server's secret (HMAC-SHA256), so the confirmation keeps exactly what the admin read, and
no upload waits on the server in between; a tampered or foreign field is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Annotated, Any

import msgspec
from litestar import get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import MultipartBody, URLEncodedBody
from litestar.response import Template

from questions import versions, xlsform
from questions.schemas import SurveyDefinition
from questions.validation import DefinitionError
from survey.admin_pages import AdminPages
from survey.auth import PrincipalDependency
from survey.db import ConnectionDependency
from survey.forms import Form
from survey.settings import Settings

MAX_BYTES = 5_000_000
"""The largest workbook accepted: forms are a few hundred kilobytes at most."""
EXTENSIONS = (".xlsx", ".xlsm", ".xls")


class ImportUpload(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The upload form: one workbook and the CSRF token."""

    workbook: UploadFile
    csrf_token: str = msgspec.field(default="", name="_csrf_token")


class ImportConfirm(Form, kw_only=True):
    """Keeping the form that was just read: its name and the signed draft the report page carried."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    draft: Annotated[str, msgspec.Meta(min_length=1, max_length=4_000_000)]
    signature: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]


def _signature(secret: str, draft: str) -> str:
    return hmac.new(secret.encode(), f"xlsform-import:{draft}".encode(), hashlib.sha256).hexdigest()


def _context(**extra: Any) -> dict[str, Any]:
    base = {
        "report": None,
        "draft": "",
        "signature": "",
        "name": "",
        "notice": "",
        "error": "",
        "survey_id": 0,
    }
    return base | extra


class ImportAdminController(AdminPages):
    """XLSForm imports: the upload page, the report, and keeping the draft, for the admin role."""

    path = "/admin/imports"

    @get("/", operation_id="admin_import_page")
    async def import_page(self, principal: PrincipalDependency) -> Template:
        """Show the upload form."""
        return Template("admin/import.html", context=_context())

    @post("/", operation_id="admin_import_read")
    async def read_workbook(
        self,
        principal: PrincipalDependency,
        settings: NamedDependency[Settings],
        data: MultipartBody[ImportUpload],
    ) -> Template:
        """Read an uploaded XLSForm and show its import report; nothing is stored."""
        file_name = (data.workbook.filename or "").strip()
        if not file_name.lower().endswith(EXTENSIONS):
            error = f"{file_name or 'The file'} is not an XLSForm workbook: choose an .xlsx or .xls file."
            return Template("admin/import.html", context=_context(error=error), status_code=422)
        content = await data.workbook.read(MAX_BYTES + 1)
        if len(content) > MAX_BYTES:
            error = f"{file_name} is larger than {MAX_BYTES // 1_000_000} MB; an XLSForm is much smaller."
            return Template("admin/import.html", context=_context(error=error), status_code=413)
        try:
            imported = xlsform.import_workbook(content, file_name=file_name)
        except xlsform.XLSFormError as refused:
            error = f"{file_name} cannot be imported: {refused}"
            context = _context(error=error, report=refused.report)
            return Template("admin/import.html", context=context, status_code=422)
        draft = base64.urlsafe_b64encode(msgspec.json.encode(imported.definition)).decode()
        context = _context(
            report=imported.report,
            draft=draft,
            signature=_signature(settings.csrf_secret, draft),
            name=imported.title,
        )
        return Template("admin/import.html", context=context)

    @post("/confirm", operation_id="admin_import_confirm")
    async def confirm_import(
        self,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        settings: NamedDependency[Settings],
        data: URLEncodedBody[ImportConfirm],
    ) -> Template:
        """Keep the form just read as a new survey's draft, for the board to review."""
        keep = {"draft": data.draft, "signature": data.signature, "name": data.name}
        if not hmac.compare_digest(_signature(settings.csrf_secret, data.draft), data.signature):
            error = "This draft was not read by this server, or was changed since; upload the form again."
            return Template("admin/import.html", context=_context(error=error), status_code=422)
        definition = msgspec.json.decode(base64.urlsafe_b64decode(data.draft), type=SurveyDefinition)
        try:
            survey_id = await versions.create_survey(
                conn, name=data.name, definition=definition, actor_id=principal.account_id
            )
        except (versions.SurveyError, DefinitionError) as refused:
            error = f"{refused} Choose another name and keep it again."
            return Template("admin/import.html", context=_context(error=error, **keep), status_code=409)
        notice = (
            f"Survey {data.name.strip()} was created as a draft; the board reviews it before it is published."
        )
        return Template("admin/import.html", context=_context(notice=notice, survey_id=survey_id))
