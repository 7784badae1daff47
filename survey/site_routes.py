"""Admin: sites (what their kiosks run, thank-you resources, staff PIN) and kiosks (codes, revoking)."""

from __future__ import annotations

import asyncpg
from litestar import post
from litestar.di import NamedDependency
from litestar.params import URLEncodedBody
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from survey import kiosks, queries
from survey.admin_pages import AdminPages, admin_block
from survey.audit_queries import audit
from survey.auth import PrincipalDependency
from survey.db import ConnectionDependency, RowId
from survey.schemas import KioskCreate, SiteCreate, SitePin, SiteSettings
from survey.settings import Settings


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
        """Add a site."""
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
        """Choose the survey a site's kiosks run and the resources its thank-you screen shows."""
        async with conn.transaction():
            name = await queries.update_site_settings(conn, site_id, data.survey_id, data.resources.strip())
            if name is not None:
                await audit(
                    conn,
                    "site_settings_changed",
                    account_id=principal.account_id,
                    subject=name,
                    detail={"survey_id": data.survey_id},
                )
        if name is None:
            return await admin_block(
                request, conn, principal, "sites", 404, site_error="There is no such site."
            )
        return await admin_block(request, conn, principal, "sites", site_notice=f"Settings of {name} saved.")

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
        except asyncpg.ForeignKeyViolationError:
            return await admin_block(
                request, conn, principal, "kiosks", 422, kiosk_error="There is no such site."
            )
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
