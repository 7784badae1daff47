"""Pages and endpoints every role shares: home, health, sign-in and -out, one's own account, ``/api/me``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

import asyncpg
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie, State
from litestar.di import NamedDependency
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from survey import accounts, queries
from survey.auth import SESSION_COOKIE, current, home_for, requires_role, requires_signin, signed_in
from survey.db import ConnectionDependency, Pool
from survey.pages import page
from survey.schemas import (
    ChosenNameChange,
    Health,
    IssuedToken,
    PasswordChange,
    SigninForm,
    TokenCreate,
    WhoAmI,
)
from survey.settings import Settings

PUBLIC: Final = {"public": True}


def _safe_next(target: str) -> str | None:
    """A same-site path to return to after sign-in, or ``None`` for anything that could leave the site."""
    if target.startswith("/") and not target.startswith(("//", "/\\")) and "\n" not in target:
        return target
    return None


class HomeController(Controller):
    """The front door and the health check."""

    path = "/"
    tags = ["general"]

    @get("/", operation_id="home", opt=PUBLIC, include_in_schema=False)
    async def home(self, request: Request[Any, Any, Any]) -> Redirect:
        """Send signed-in people to their section and everyone else to sign-in."""
        principal = current(request)
        return Redirect(home_for(principal) if principal else "/signin", status_code=303)

    @get("/healthz", operation_id="health", opt=PUBLIC, cache_control=None)
    async def health(self, state: State) -> Response[Health]:
        """Answer 200 when the database answers, 503 otherwise."""
        pool: Pool = state.pool
        try:
            async with pool.acquire(timeout=5) as conn:
                await conn.fetchval("SELECT 1")
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return Response(Health("unavailable", "unavailable"), status_code=503)
        return Response(Health("ok", "ok"))


class SigninController(Controller):
    """Staff sign-in and sign-out."""

    path = "/"
    tags = ["accounts"]
    include_in_schema = False

    @get("/signin", operation_id="signin_page", opt=PUBLIC)
    async def signin_page(
        self, request: Request[Any, Any, Any], next: FromQuery[str] = ""
    ) -> Template | Redirect:
        """Show the sign-in form (or go home when already signed in)."""
        principal = current(request)
        if principal is not None:
            return Redirect(home_for(principal), status_code=303)
        return Template("signin.html", context={"next": _safe_next(next) or "", "error": "", "name": ""})

    @post("/signin", operation_id="signin", opt=PUBLIC)
    async def signin(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        settings: NamedDependency[Settings],
        data: URLEncodedBody[SigninForm],
    ) -> Template | Redirect:
        """Check the name and password; on success open a new session and go on."""
        try:
            token, principal = await accounts.sign_in(
                conn,
                name=data.name,
                password=data.password,
                attempts=settings.signin_attempts,
                lifetime=timedelta(hours=settings.session_hours),
            )
        except accounts.SigninRefusedError as refused:
            context = {"next": _safe_next(data.next) or "", "error": str(refused), "name": data.name}
            return Template("signin.html", context=context, status_code=refused.status)
        target = _safe_next(data.next) or home_for(principal)
        cookie = Cookie(
            # No max-age: the cookie ends with the browser session; the server ends idle sessions.
            key=SESSION_COOKIE,
            value=token,
            httponly=True,
            secure=settings.cookie_secure,
            samesite="lax",
            path="/",
        )
        return Redirect(target, status_code=303, cookies=[cookie])

    @post("/signout", operation_id="signout", opt=PUBLIC)
    async def signout(self, request: Request[Any, Any, Any], conn: ConnectionDependency) -> Redirect:
        """End the session and forget the cookie."""
        if token := request.cookies.get(SESSION_COOKIE):
            await accounts.sign_out(conn, token)
        response = Redirect("/signin", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response


class AccountController(Controller):
    """One's own account: chosen name, password, and (for evaluators) API tokens."""

    path = "/account"
    guards = [requires_signin]
    tags = ["accounts"]
    include_in_schema = False

    @get("/", operation_id="account_page")
    async def account_page(self, request: Request[Any, Any, Any]) -> Template:
        """Show who is signed in and what they can change."""
        return Template("account.html", context=self._context(request))

    @post("/name", operation_id="account_name")
    async def change_name(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        data: URLEncodedBody[ChosenNameChange],
    ) -> Template:
        """Change the name others see."""
        principal = signed_in(request)
        await accounts.set_display_name(conn, account_id=principal.account_id, display_name=data.display_name)
        context = self._context(request, display_name=data.display_name.strip(), notice="Your name is saved.")
        return page(request, "account.html", "profile", context)

    @post("/password", operation_id="account_password")
    async def change_password(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        data: URLEncodedBody[PasswordChange],
    ) -> Template:
        """Change one's password; other sessions of the account end."""
        principal = signed_in(request)
        try:
            await accounts.change_own_password(
                conn, account_id=principal.account_id, current=data.current_password, new=data.new_password
            )
        except accounts.AccountError as refused:
            return page(request, "account.html", "password", self._context(request, error=str(refused)), 422)
        return page(request, "account.html", "password", self._context(request, notice="Password changed."))

    @post("/tokens", operation_id="account_token", guards=[requires_role("evaluator")])
    async def create_token(
        self, request: Request[Any, Any, Any], conn: ConnectionDependency, data: URLEncodedBody[TokenCreate]
    ) -> Template:
        """Make an API token for scripts; it is shown once."""
        account = await queries.account_by_id(conn, signed_in(request).account_id)
        assert account is not None  # noqa: S101 - the session belongs to an active account
        token = await accounts.issue_token(conn, actor_id=account.id, account=account, label=data.label)
        context = self._context(request, token=IssuedToken(token=token, label=data.label))
        return page(request, "account.html", "tokens", context)

    @staticmethod
    def _context(request: Request[Any, Any, Any], **extra: Any) -> dict[str, Any]:
        principal = signed_in(request)
        base = {
            "display_name": principal.display_name,
            "notice": "",
            "error": "",
            "token": None,
            "is_evaluator": "evaluator" in principal.roles,
        }
        return base | extra


class ApiController(Controller):
    """Scripted access with an evaluator's API token (``Authorization: Bearer ...``)."""

    path = "/api"
    guards = [requires_role("evaluator")]
    tags = ["api"]

    @get("/me", operation_id="api_me")
    async def me(self, request: Request[Any, Any, Any]) -> WhoAmI:
        """The account the token belongs to: a cheap way for a script to check its token."""
        principal = signed_in(request)
        return WhoAmI(principal.name, principal.display_name, sorted(principal.roles))
