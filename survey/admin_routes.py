"""The admin section: its page and the board's quorum (``/admin``), and accounts with their roles."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.params import URLEncodedBody
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from questions import proposals
from questions.forms import QuorumForm
from survey import accounts, passwords, queries
from survey.admin_pages import admin_block, admin_context
from survey.auth import PrincipalDependency, provide_principal, requires_role
from survey.db import ConnectionDependency, RowId
from survey.schemas import AccountActive, AccountCreate, AccountRoles, role_list


class AdminController(Controller):
    """The admin page (sites, kiosks, accounts, quorum, the audit trail) and the board's quorum."""

    path = "/admin"
    guards = [requires_role("admin")]
    dependencies = {"principal": Provide(provide_principal, sync_to_thread=False)}
    tags = ["admin"]
    include_in_schema = False

    @get("/", operation_id="admin_page")
    async def admin_page(self, conn: ConnectionDependency, principal: PrincipalDependency) -> Template:
        """Show the sites, the accounts and the latest staff actions."""
        return Template("admin/index.html", context=await admin_context(conn, principal))

    @post("/board-quorum", operation_id="admin_board_quorum")
    async def set_quorum(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        data: URLEncodedBody[QuorumForm],
    ) -> Template:
        """Set the approvals a board proposal needs (empty: a majority of active members); audited."""
        approvals = int(data.approvals) if data.approvals.strip() else None
        try:
            await proposals.set_quorum(conn, approvals, actor_id=principal.account_id)
        except proposals.ProposalError as refused:
            return await admin_block(request, conn, principal, "quorum", 422, quorum_error=str(refused))
        notice = (
            f"Quorum saved: {approvals} approvals."
            if approvals
            else "Quorum saved: a majority of active members."
        )
        return await admin_block(request, conn, principal, "quorum", quorum_notice=notice)


class AccountAdminController(Controller):
    """Accounts, their roles, whether they can sign in, and new passwords, for the admin role."""

    path = "/admin/accounts"
    guards = [requires_role("admin")]
    dependencies = {"principal": Provide(provide_principal, sync_to_thread=False)}
    tags = ["admin"]
    include_in_schema = False

    @post("/", operation_id="admin_account_create")
    async def create_account(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        data: URLEncodedBody[AccountCreate],
    ) -> Template:
        """Add an account; a password is generated (and shown once) unless one was given."""
        password = data.password or passwords.generate_password()
        try:
            account = await accounts.create_account(
                conn,
                actor_id=principal.account_id,
                name=data.name,
                display_name=data.display_name,
                roles=role_list(data.roles),
                password=password,
            )
        except accounts.AccountError as refused:
            return await admin_block(request, conn, principal, "accounts", 422, error=str(refused))
        return await admin_block(
            request,
            conn,
            principal,
            "accounts",
            notice=f"Account {account.name} added.",
            password_for=account.name,
            password="" if data.password else password,
        )

    @post("/{account_id:int}/roles", operation_id="admin_account_roles")
    async def change_roles(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        account_id: RowId,
        data: URLEncodedBody[AccountRoles],
    ) -> Template:
        """Change the roles an account holds."""
        try:
            account = await accounts.set_roles(
                conn, actor_id=principal.account_id, account_id=account_id, roles=role_list(data.roles)
            )
        except accounts.AccountError as refused:
            return await admin_block(request, conn, principal, "accounts", 422, error=str(refused))
        return await admin_block(
            request, conn, principal, "accounts", notice=f"Roles of {account.name} saved."
        )

    @post("/{account_id:int}/active", operation_id="admin_account_active")
    async def change_active(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        account_id: RowId,
        data: URLEncodedBody[AccountActive],
    ) -> Template:
        """Turn an account off (ending its sessions and tokens) or back on."""
        try:
            account = await accounts.set_active(
                conn, actor_id=principal.account_id, account_id=account_id, active=data.active
            )
        except accounts.AccountError as refused:
            return await admin_block(request, conn, principal, "accounts", 422, error=str(refused))
        state = "on" if account.active else "off"
        notice = f"{account.name} is now turned {state}."
        return await admin_block(request, conn, principal, "accounts", notice=notice)

    @post("/{account_id:int}/password", operation_id="admin_account_password")
    async def reset_password(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        account_id: RowId,
    ) -> Template:
        """Give an account a new generated password, shown once; its sessions end."""
        password = passwords.generate_password()
        try:
            await accounts.set_password(
                conn, actor_id=principal.account_id, account_id=account_id, password=password
            )
        except accounts.AccountError as refused:
            return await admin_block(request, conn, principal, "accounts", 422, error=str(refused))
        account = await queries.account_by_id(conn, account_id)
        name = account.name if account else ""
        return await admin_block(
            request,
            conn,
            principal,
            "accounts",
            notice=f"New password for {name}.",
            password_for=name,
            password=password,
        )
