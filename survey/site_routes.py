"""Admin: sites (what their kiosks run, thank-you resources, staff PIN) and kiosks (codes, revoking)."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import URLEncodedBody
from litestar.response import Template

from survey import kiosks, queries
from survey.admin_pages import admin_context
from survey.audit_queries import audit
from survey.auth import requires_role, signed_in
from survey.db import Connection, ConnectionDependency, RowId
from survey.pages import page
from survey.schemas import KioskCreate, SiteCreate, SitePin, SiteSettings
from survey.settings import Settings


async def _block(
    request: Request[Any, Any, Any], conn: Connection, block: str, status_code: int = 200, **extra: Any
) -> Template:
    return page(request, "admin/index.html", block, await admin_context(conn, request, **extra), status_code)


class SiteAdminController(Controller):
    """Sites and kiosks, for the admin role."""

    path = "/admin"
    guards = [requires_role("admin")]
    tags = ["admin"]
    include_in_schema = False

    @post("/sites", operation_id="admin_site_create")
    async def create_site(
        self, request: Request[Any, Any, Any], conn: ConnectionDependency, data: URLEncodedBody[SiteCreate]
    ) -> Template:
        """Add a site."""
        try:
            async with conn.transaction():
                site = await queries.insert_site(conn, data.name, data.default_language)
                await audit(conn, "site_created", account_id=signed_in(request).account_id, subject=site.name)
        except asyncpg.UniqueViolationError:
            return await _block(
                request, conn, "sites", 422, site_error=f"There is already a site called {data.name!r}."
            )
        return await _block(request, conn, "sites", site_notice=f"Site {site.name} added.")

    @post("/sites/{site_id:int}/settings", operation_id="admin_site_settings")
    async def site_settings(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        site_id: RowId,
        data: URLEncodedBody[SiteSettings],
    ) -> Template:
        """Choose the survey a site's kiosks run and the resources its thank-you screen shows."""
        async with conn.transaction():
            name = await conn.fetchval(
                queries.UPDATE_SITE_SETTINGS, site_id, data.survey_id, data.resources.strip()
            )
            if name is not None:
                await audit(
                    conn,
                    "site_settings_changed",
                    account_id=signed_in(request).account_id,
                    subject=name,
                    detail={"survey_id": data.survey_id},
                )
        if name is None:
            return await _block(request, conn, "sites", 404, site_error="There is no such site.")
        return await _block(request, conn, "sites", site_notice=f"Settings of {name} saved.")

    @post("/sites/{site_id:int}/pin", operation_id="admin_site_pin")
    async def site_pin(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        site_id: RowId,
        data: URLEncodedBody[SitePin],
    ) -> Template:
        """Set the staff PIN that leaves kiosk mode at a site."""
        try:
            await kiosks.set_pin(conn, site_id=site_id, pin=data.pin, actor_id=signed_in(request).account_id)
        except kiosks.KioskError as refused:
            return await _block(request, conn, "sites", 422, site_error=str(refused))
        return await _block(request, conn, "sites", site_notice="Staff PIN saved.")

    @post("/kiosks", operation_id="admin_kiosk_create")
    async def create_kiosk(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        settings: NamedDependency[Settings],
        data: URLEncodedBody[KioskCreate],
    ) -> Template:
        """Add a kiosk and show its one-time enrolment code (valid 15 minutes)."""
        try:
            _, code = await kiosks.create(
                conn,
                site_id=data.site_id,
                label=data.label,
                actor_id=signed_in(request).account_id,
                secret=settings.csrf_secret,
            )
        except asyncpg.ForeignKeyViolationError:
            return await _block(request, conn, "kiosks", 422, kiosk_error="There is no such site.")
        return await _block(
            request,
            conn,
            "kiosks",
            kiosk_code=code,
            kiosk_notice=f"On the tablet “{data.label}”, open /kiosk/enroll and type this code (15 minutes).",
        )

    @post("/kiosks/{kiosk_id:int}/revoke", operation_id="admin_kiosk_revoke")
    async def revoke_kiosk(
        self, request: Request[Any, Any, Any], conn: ConnectionDependency, kiosk_id: RowId
    ) -> Template:
        """Turn a kiosk off: its token stops working at its next request."""
        try:
            await kiosks.revoke(conn, kiosk_id=kiosk_id, actor_id=signed_in(request).account_id)
        except kiosks.KioskError as refused:
            return await _block(request, conn, "kiosks", 422, kiosk_error=str(refused))
        return await _block(request, conn, "kiosks", kiosk_notice="The kiosk is turned off.")
