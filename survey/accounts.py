"""Account changes, sign-in and API tokens: each one transaction with its audit event, for pages and CLI."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Final

import asyncpg

from survey import passwords, queries
from survey.audit_queries import audit
from survey.problems import SetupProblem
from survey.schemas import account_name_key

if TYPE_CHECKING:
    from survey.db import Connection
    from survey.schemas import Account, Principal, Role

SIGNIN_WINDOW: Final = timedelta(minutes=15)
MIN_PASSWORD: Final = 10


class AccountError(SetupProblem, ValueError):
    """An account change was refused; the message says why in plain words."""


class SigninRefusedError(Exception):
    """A sign-in was refused; ``status`` is the HTTP status the page answers with."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


async def create_account(
    conn: Connection,
    *,
    actor_id: int | None,
    name: str,
    display_name: str,
    roles: list[Role],
    password: str,
) -> Account:
    """Add an account with an argon2id hash of its password, and audit it.

    Raises:
        AccountError: no role, admin with board, a short password, or the name is taken.
    """
    _check_roles(roles)
    _check_password(password)
    async with conn.transaction():
        try:
            account = await queries.insert_account(
                conn, name, display_name, passwords.hash_password(password), roles
            )
        except asyncpg.UniqueViolationError:
            raise AccountError(f"The name {name!r} is already taken.") from None
        except asyncpg.CheckViolationError:
            raise AccountError(
                f"{name!r} cannot be an account name: use 2-64 letters, digits, . _ or -."
            ) from None
        await audit(
            conn, "account_created", account_id=actor_id, subject=account.name, detail={"roles": roles}
        )
    return account


async def set_roles(conn: Connection, *, actor_id: int | None, account_id: int, roles: list[Role]) -> Account:
    """Change an account's roles, keeping at least one active admin.

    Raises:
        AccountError: no role given, admin with board, no such account, or the change would leave no active
            admin.
    """
    _check_roles(roles)
    async with conn.transaction():
        # Admins first, in id order, then the account: two admins changing each other never deadlock.
        await queries.lock_admins(conn)
        account = await _locked_account(conn, account_id)
        if "admin" in account.roles and "admin" not in roles and account.active:
            await _keep_an_admin(conn)
        await queries.update_roles(conn, account_id, roles)
        await audit(
            conn,
            "account_roles_changed",
            account_id=actor_id,
            subject=account.name,
            detail={"before": list(account.roles), "after": roles},
        )
    return await _reload(conn, account_id)


async def set_active(conn: Connection, *, actor_id: int | None, account_id: int, active: bool) -> Account:
    """Turn an account on or off; turning it off ends its sessions and revokes its API tokens.

    Raises:
        AccountError: no such account, or it is the last active admin.
    """
    async with conn.transaction():
        await queries.lock_admins(conn)
        account = await _locked_account(conn, account_id)
        if not active and account.active and "admin" in account.roles:
            await _keep_an_admin(conn)
        await queries.update_active(conn, account_id, active)
        if not active:
            await queries.delete_account_sessions(conn, account_id)
            await queries.revoke_account_tokens(conn, account_id)
        action = "account_activated" if active else "account_deactivated"
        await audit(conn, action, account_id=actor_id, subject=account.name)
    return await _reload(conn, account_id)


async def set_password(conn: Connection, *, actor_id: int | None, account_id: int, password: str) -> None:
    """Set a new password (an admin's reset, or the owner's change) and end the account's other sessions.

    Raises:
        AccountError: the password is too short, or no such account.
    """
    _check_password(password)
    async with conn.transaction():
        account = await _locked_account(conn, account_id)
        await queries.update_password(conn, account_id, passwords.hash_password(password))
        await queries.delete_account_sessions(conn, account_id)
        await audit(conn, "account_password_set", account_id=actor_id, subject=account.name)


async def change_own_password(conn: Connection, *, account_id: int, current: str, new: str) -> None:
    """The owner changes their password after proving the current one.

    Raises:
        AccountError: the current password is wrong or the new one too short.
    """
    stored = await queries.password_hash(conn, account_id)
    if not passwords.verify_password(stored, current):
        raise AccountError("The current password is not right.")
    await set_password(conn, actor_id=account_id, account_id=account_id, password=new)


async def set_display_name(conn: Connection, *, account_id: int, display_name: str) -> None:
    """The owner changes the name others see."""
    async with conn.transaction():
        account = await _locked_account(conn, account_id)
        await queries.update_display_name(conn, account_id, display_name)
        await audit(conn, "account_name_changed", account_id=account_id, subject=account.name)


async def issue_token(conn: Connection, *, actor_id: int | None, account: Account, label: str) -> str:
    """Make an API token for an evaluator; only its hash is stored, so the token is shown once.

    Raises:
        AccountError: the account is not an active evaluator.
    """
    if "evaluator" not in account.roles or not account.active:
        raise AccountError(f"{account.name} is not an active evaluator; API tokens are for evaluators.")
    token = passwords.new_token()
    async with conn.transaction():
        await queries.insert_token(conn, account.id, passwords.token_hash(token), label)
        await audit(
            conn, "api_token_issued", account_id=actor_id, subject=account.name, detail={"label": label}
        )
    return token


async def sign_in(
    conn: Connection, *, name: str, password: str, attempts: int, lifetime: timedelta
) -> tuple[str, Principal]:
    """Check a name and password and open a session, returning its token (for the cookie) and its principal.

    Failed attempts are counted per account name, never per address, so a whole site behind one router is
    never locked out by one person's typos, and no address is kept.

    Raises:
        SigninRefusedError: wrong name or password (400), or too many recent failures for this name (429).
    """
    async with conn.transaction():
        # One attempt per name at a time, so a burst of parallel guesses cannot all pass the count.
        await queries.signin_lock(conn, name)
        too_many = await queries.recent_failures(conn, name, SIGNIN_WINDOW) >= attempts
        found = None if too_many else await queries.credentials(conn, name)
        stored = found.password_hash if found is not None and found.active else None
        matched = not too_many and passwords.verify_password(stored, password)
        if not too_many and not matched:
            await audit(conn, "signin_failed", account_id=None, subject=account_name_key(name))
    if too_many:
        minutes = int(SIGNIN_WINDOW.total_seconds() // 60)
        raise SigninRefusedError(
            f"Too many attempts for this account. Wait {minutes} minutes, "
            "or ask an admin for a new password.",
            429,
        )
    if not matched:
        raise SigninRefusedError("That name and password do not match an active account.", 400)
    assert found is not None  # noqa: S101 - verify_password is False without a stored hash
    token = passwords.new_token()
    async with conn.transaction():
        if passwords.needs_rehash(found.password_hash):
            await queries.update_password(conn, found.id, passwords.hash_password(password))
        await queries.delete_expired_sessions(conn)
        await queries.insert_session(conn, passwords.token_hash(token), found.id, lifetime)
        await audit(conn, "signin", account_id=found.id)
    principal = await queries.session_principal(conn, passwords.token_hash(token), lifetime)
    assert principal is not None  # noqa: S101 - the session was just made for an active account
    return token, principal


async def sign_out(conn: Connection, session_token: str) -> None:
    """End a session and audit it; an unknown token is ignored."""
    async with conn.transaction():
        account_id = await queries.delete_session(conn, passwords.token_hash(session_token))
        if account_id is not None:
            await audit(conn, "signout", account_id=account_id)


def _check_roles(roles: list[Role]) -> None:
    if not roles:
        raise AccountError("Choose at least one role.")
    # No single account may both choose who votes on the board and vote (docs/board.md); the database's
    # account_admin_or_board constraint holds the same rule.
    if "admin" in roles and "board" in roles:
        raise AccountError(
            "An account cannot be both an admin and a board member: an admin chooses who can sign in,"
            " so one person would both pick voters and vote. Use a separate account for each."
        )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"A password needs at least {MIN_PASSWORD} characters.")


async def _locked_account(conn: Connection, account_id: int) -> Account:
    await queries.lock_account(conn, account_id)
    account = await queries.account_by_id(conn, account_id)
    if account is None:
        raise AccountError("There is no such account.")
    return account


async def _reload(conn: Connection, account_id: int) -> Account:
    account = await queries.account_by_id(conn, account_id)
    assert account is not None  # noqa: S101 - accounts are never deleted
    return account


async def _keep_an_admin(conn: Connection) -> None:
    # The caller holds every admin row's lock, so two admins demoting each other cannot both succeed.
    if await queries.active_admins(conn) <= 1:
        raise AccountError("This is the last active admin: make another admin first.")
