"""Admin: sites (names, main language, survey, resources by language, PIN, archiving) and kiosks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import asyncpg
from litestar import post
from litestar.di import NamedDependency
from litestar.params import URLEncodedBody
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from survey import kiosks, queries, sites
from survey.admin_pages import AdminPages, admin_block
from survey.audit_queries import audit
from survey.auth import PrincipalDependency
from survey.db import ConnectionDependency, RowId
from survey.schemas import KioskCreate, KioskRename, SiteCreate, SitePin, SiteRename, SiteSettings
from survey.settings import Settings

if TYPE_CHECKING:
    from survey.db import Connection
    from survey.schemas import Principal


def _resources(data: SiteSettings) -> dict[str, str]:
    """The resources a settings form sent in the site's other languages, by language.

    Raises:
        sites.SiteError: languages and texts do not pair up, or a language comes twice.
    """
    languages = (
        [data.resource_language] if isinstance(data.resource_language, str) else data.resource_language
    )
    texts = [data.resource_text] if isinstance(data.resource_text, str) else data.resource_text
    if len(languages) != len(texts):
        raise sites.SiteError("resource_text: one text for each resource_language, please.", "resource_text")
    if len(set(languages)) != len(languages):
        raise sites.SiteError("resource_language: a language comes twice.", "resource_language")
    return {language: text.strip() for language, text in zip(languages, texts, strict=True)}


async def _refused(
    request: HTMXRequest, conn: Connection, principal: Principal, refused: sites.SiteError
) -> Template:
    """The sites card saying why: 422 when a form field is at fault, 404 when the site is not there."""
    status = 422 if refused.field else 404
    return await admin_block(request, conn, principal, "sites", status, site_error=str(refused))


class SiteAdminController(AdminPages):
    """Sites: adding one, what its kiosks run and show, and its staff PIN, for the admin role."""

    path = "/admin/sites"

    @post("/", operation_id="admin_site_create")
    async def create_site(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        data: URLEncodedBody[SiteCreate],
    ) -> Template:
        """Add a site; its main language is one from the list."""
        try:
            sites.check_language(data.default_language, "default_language")
        except sites.SiteError as refused:
            return await _refused(request, conn, principal, refused)
        try:
            async with conn.transaction():
                site = await queries.insert_site(conn, data.name, data.default_language)
                await audit(conn, "site_created", account_id=principal.account_id, subject=site.name)
        except asyncpg.UniqueViolationError:
            error = f"There is already a site called {data.name!r}."
            return await admin_block(request, conn, principal, "sites", 422, site_error=error)
        return await admin_block(request, conn, principal, "sites", site_notice=f"Site {site.name} added.")

    @post("/{site_id:int}/settings", operation_id="admin_site_settings")
    async def site_settings(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        site_id: RowId,
        data: URLEncodedBody[SiteSettings],
    ) -> Template:
        """Choose the survey a site's kiosks run (or none yet) and its thank-you resources by language."""
        survey_id = data.survey_id or None
        try:
            name = await sites.save_settings(
                conn,
                site_id=site_id,
                survey_id=survey_id,
                main=data.resources.strip(),
                others=_resources(data),
                actor_id=principal.account_id,
            )
        except sites.SiteError as refused:
            return await _refused(request, conn, principal, refused)
        return await admin_block(request, conn, principal, "sites", site_notice=f"Settings of {name} saved.")

    @post("/{site_id:int}/name", operation_id="admin_site_rename")
    async def rename_site(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        site_id: RowId,
        data: URLEncodedBody[SiteRename],
    ) -> Template:
        """Rename a site and choose its main language from the list; audited with both names."""
        try:
            name = await sites.rename(
                conn,
                site_id=site_id,
                name=data.name,
                language=data.default_language,
                actor_id=principal.account_id,
            )
        except sites.SiteError as refused:
            return await _refused(request, conn, principal, refused)
        return await admin_block(request, conn, principal, "sites", site_notice=f"Site {name} saved.")

    @post("/{site_id:int}/archive", operation_id="admin_site_archive")
    async def archive_site(
        self, request: HTMXRequest, conn: ConnectionDependency, principal: PrincipalDependency, site_id: RowId
    ) -> Template:
        """Archive a site: its kiosks stop at their next request; its responses and history stay."""
        try:
            name = await sites.archive(conn, site_id=site_id, actor_id=principal.account_id)
        except sites.SiteError as refused:
            return await _refused(request, conn, principal, refused)
        notice = f"{name} is archived: its kiosks have stopped; its responses and history are kept."
        return await admin_block(request, conn, principal, "sites", site_notice=notice)

    @post("/{site_id:int}/pin", operation_id="admin_site_pin")
    async def site_pin(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        site_id: RowId,
        data: URLEncodedBody[SitePin],
    ) -> Template:
        """Set the staff PIN that leaves kiosk mode at a site."""
        try:
            await kiosks.set_pin(conn, site_id=site_id, pin=data.pin, actor_id=principal.account_id)
        except kiosks.KioskError as refused:
            return await admin_block(request, conn, principal, "sites", 422, site_error=str(refused))
        return await admin_block(request, conn, principal, "sites", site_notice="Staff PIN saved.")


class KioskAdminController(AdminPages):
    """Kiosks: adding one with its enrolment code, and turning one off, for the admin role."""

    path = "/admin/kiosks"

    @post("/", operation_id="admin_kiosk_create")
    async def create_kiosk(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        settings: NamedDependency[Settings],
        data: URLEncodedBody[KioskCreate],
    ) -> Template:
        """Add a kiosk and show its one-time enrolment code (valid 15 minutes)."""
        try:
            _, code = await kiosks.create(
                conn,
                site_id=data.site_id,
                label=data.label,
                actor_id=principal.account_id,
                secret=settings.csrf_secret,
            )
        except kiosks.KioskError as refused:
            return await admin_block(request, conn, principal, "kiosks", 422, kiosk_error=str(refused))
        return await admin_block(
            request,
            conn,
            principal,
            "kiosks",
            kiosk_code=code,
            kiosk_notice=f"On the tablet “{data.label}”, open /kiosk/enroll and type this code (15 minutes).",
        )

    @post("/{kiosk_id:int}/revoke", operation_id="admin_kiosk_revoke")
    async def revoke_kiosk(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        kiosk_id: RowId,
    ) -> Template:
        """Turn a kiosk off: its token stops working at its next request."""
        try:
            await kiosks.revoke(conn, kiosk_id=kiosk_id, actor_id=principal.account_id)
        except kiosks.KioskError as refused:
            return await admin_block(request, conn, principal, "kiosks", 422, kiosk_error=str(refused))
        return await admin_block(request, conn, principal, "kiosks", kiosk_notice="The kiosk is turned off.")

    @post("/{kiosk_id:int}/name", operation_id="admin_kiosk_rename")
    async def rename_kiosk(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        kiosk_id: RowId,
        data: URLEncodedBody[KioskRename],
    ) -> Template:
        """Give a kiosk a new label; the audit trail keeps the old one."""
        try:
            label = await kiosks.rename(
                conn, kiosk_id=kiosk_id, label=data.label, actor_id=principal.account_id
            )
        except kiosks.KioskError as refused:
            return await admin_block(request, conn, principal, "kiosks", 404, kiosk_error=str(refused))
        return await admin_block(
            request, conn, principal, "kiosks", kiosk_notice=f"The kiosk is now “{label}”."
        )

    @post("/{kiosk_id:int}/archive", operation_id="admin_kiosk_archive")
    async def archive_kiosk(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        kiosk_id: RowId,
    ) -> Template:
        """Archive a kiosk: its token stops working at once; its history stays in the audit trail."""
        try:
            label = await kiosks.archive(conn, kiosk_id=kiosk_id, actor_id=principal.account_id)
        except kiosks.KioskError as refused:
            return await admin_block(request, conn, principal, "kiosks", 404, kiosk_error=str(refused))
        notice = f"“{label}” is archived: it stopped working; its history is kept."
        return await admin_block(request, conn, principal, "kiosks", kiosk_notice=notice)
