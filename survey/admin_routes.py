"""The admin section: its page, setting up the board (``/admin``), and accounts with their roles.

An admin sets up the board only while it has fewer members than its quorum (adding members, setting the
quorum); after that the board decides both itself (``questions.membership``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar import get, post
from litestar.params import URLEncodedBody
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from questions import membership, proposals
from questions.forms import BoardMemberAddForm, QuorumForm
from survey import accounts, passwords, queries
from survey.admin_pages import AdminPages, admin_block, admin_context
from survey.auth import PrincipalDependency
from survey.db import ConnectionDependency, RowId
from survey.schemas import AccountActive, AccountCreate, AccountRoles, role_list

if TYPE_CHECKING:
    from survey.db import Connection
    from survey.schemas import Account


async def _board_note(conn: Connection, account: Account) -> str:
    """What a board role means for this account right now, for the notice after adding or changing it."""
    if "board" not in account.roles:
        return ""
    state = await membership.board_state(conn)
    if any(member.account_id == account.id for member in state.members):
        return ""
    if state.setting_up:
        return (
            f" The board is being set up: to make {account.name} a voting member, add them in"
            ' "The board" below.'
        )
    return (
        f" {account.name} can read the board's pages but is not a voting member: the board decides who"
        " joins it, so a member proposes welcoming them on the board's Members page."
    )


class AdminController(AdminPages):
    """The admin page (sites, kiosks, accounts, quorum, the audit trail) and the board's quorum."""

    path = "/admin"

    @get("/", operation_id="admin_page")
    async def admin_page(self, conn: ConnectionDependency, principal: PrincipalDependency) -> Template:
        """Show the sites, the accounts and the latest staff actions."""
        return Template("admin/index.html", context=await admin_context(conn, principal))

    @post("/board-members", operation_id="admin_board_member_add")
    async def add_board_member(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        data: URLEncodedBody[BoardMemberAddForm],
    ) -> Template:
        """Add a member directly, only while the board is being set up; audited and shown to the board."""
        try:
            name = await membership.add_during_setup(conn, data.account_id, actor_id=principal.account_id)
        except membership.MembershipError as refused:
            return await admin_block(request, conn, principal, "quorum", 422, quorum_error=str(refused))
        notice = (
            f"{name} is a member of the board now; the board's pages say you added them while setting up."
        )
        return await admin_block(request, conn, principal, "quorum", quorum_notice=notice)

    @post("/board-quorum", operation_id="admin_board_quorum")
    async def set_quorum(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        data: URLEncodedBody[QuorumForm],
    ) -> Template:
        """While setting up, set the approvals a board proposal needs (empty: a majority); audited."""
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


class AccountAdminController(AdminPages):
    """Accounts, their roles, whether they can sign in, and new passwords, for the admin role."""

    path = "/admin/accounts"

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
            notice=f"Account {account.name} added." + await _board_note(conn, account),
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
        notice = f"Roles of {account.name} saved." + await _board_note(conn, account)
        return await admin_block(request, conn, principal, "accounts", notice=notice)

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
