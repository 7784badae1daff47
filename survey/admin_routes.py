"""The admin section: accounts and their roles, and the page that also shows sites, kiosks and the audit."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import URLEncodedBody
from litestar.response import Template

from questions import proposals
from questions.forms import QuorumForm
from survey import accounts, passwords, queries
from survey.admin_pages import admin_context
from survey.auth import requires_role, signed_in
from survey.db import Connection, ConnectionDependency, RowId
from survey.pages import page
from survey.schemas import AccountActive, AccountCreate, AccountRoles, role_list


class AdminController(Controller):
    """Sites, accounts and the audit trail, for the admin role."""

    path = "/admin"
    guards = [requires_role("admin")]
    tags = ["admin"]
    include_in_schema = False

    @get("/", operation_id="admin_page")
    async def admin_page(self, request: Request[Any, Any, Any], conn: ConnectionDependency) -> Template:
        """Show the sites, the accounts and the latest staff actions."""
        return Template("admin/index.html", context=await admin_context(conn, request))

    @post("/accounts", operation_id="admin_account_create")
    async def create_account(
        self, request: Request[Any, Any, Any], conn: ConnectionDependency, data: URLEncodedBody[AccountCreate]
    ) -> Template:
        """Add an account; a password is generated (and shown once) unless one was given."""
        password = data.password or passwords.generate_password()
        try:
            account = await accounts.create_account(
                conn,
                actor_id=signed_in(request).account_id,
                name=data.name,
                display_name=data.display_name,
                roles=role_list(data.roles),
                password=password,
            )
        except accounts.AccountError as refused:
            return await self._accounts_block(request, conn, error=str(refused), status_code=422)
        notice = f"Account {account.name} added."
        shown = "" if data.password else password
        return await self._accounts_block(
            request, conn, notice=notice, password_for=account.name, password=shown
        )

    @post("/accounts/{account_id:int}/roles", operation_id="admin_account_roles")
    async def change_roles(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        account_id: RowId,
        data: URLEncodedBody[AccountRoles],
    ) -> Template:
        """Change the roles an account holds."""
        try:
            account = await accounts.set_roles(
                conn,
                actor_id=signed_in(request).account_id,
                account_id=account_id,
                roles=role_list(data.roles),
            )
        except accounts.AccountError as refused:
            return await self._accounts_block(request, conn, error=str(refused), status_code=422)
        return await self._accounts_block(request, conn, notice=f"Roles of {account.name} saved.")

    @post("/accounts/{account_id:int}/active", operation_id="admin_account_active")
    async def change_active(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        account_id: RowId,
        data: URLEncodedBody[AccountActive],
    ) -> Template:
        """Turn an account off (ending its sessions and tokens) or back on."""
        try:
            account = await accounts.set_active(
                conn, actor_id=signed_in(request).account_id, account_id=account_id, active=data.active
            )
        except accounts.AccountError as refused:
            return await self._accounts_block(request, conn, error=str(refused), status_code=422)
        state = "on" if account.active else "off"
        return await self._accounts_block(request, conn, notice=f"{account.name} is now turned {state}.")

    @post("/accounts/{account_id:int}/password", operation_id="admin_account_password")
    async def reset_password(
        self, request: Request[Any, Any, Any], conn: ConnectionDependency, account_id: RowId
    ) -> Template:
        """Give an account a new generated password, shown once; its sessions end."""
        password = passwords.generate_password()
        try:
            await accounts.set_password(
                conn, actor_id=signed_in(request).account_id, account_id=account_id, password=password
            )
        except accounts.AccountError as refused:
            return await self._accounts_block(request, conn, error=str(refused), status_code=422)
        account = await queries.account_by_id(conn, account_id)
        name = account.name if account else ""
        return await self._accounts_block(
            request, conn, notice=f"New password for {name}.", password_for=name, password=password
        )

    @post("/board-quorum", operation_id="admin_board_quorum")
    async def set_quorum(
        self, request: Request[Any, Any, Any], conn: ConnectionDependency, data: URLEncodedBody[QuorumForm]
    ) -> Template:
        """Set the approvals a board proposal needs (empty: a majority of active members); audited."""
        approvals = int(data.approvals) if data.approvals.strip() else None
        try:
            await proposals.set_quorum(conn, approvals, actor_id=signed_in(request).account_id)
        except proposals.ProposalError as refused:
            context = await admin_context(conn, request, quorum_error=str(refused))
            return page(request, "admin/index.html", "quorum", context, 422)
        notice = (
            f"Quorum saved: {approvals} approvals."
            if approvals
            else "Quorum saved: a majority of active members."
        )
        return page(
            request, "admin/index.html", "quorum", await admin_context(conn, request, quorum_notice=notice)
        )

    async def _accounts_block(
        self, request: Request[Any, Any, Any], conn: Connection, status_code: int = 200, **extra: Any
    ) -> Template:
        context = await admin_context(conn, request, **extra)
        return page(request, "admin/index.html", "accounts", context, status_code)
