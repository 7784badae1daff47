"""Pages and endpoints every role shares: home, health, sign-in and -out, one's own account, ``/api/me``."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Final

import asyncpg
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie, State
from litestar.di import NamedDependency, Provide
from litestar.params import CookieParameter, FromQuery, URLEncodedBody
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from survey import accounts, health_queries, queries
from survey.auth import (
    SESSION_COOKIE,
    PrincipalDependency,
    StaffController,
    current,
    home_for,
    provide_principal,
    requires_role,
    requires_signin,
)
from survey.db import ConnectionDependency, Pool
from survey.pages import page
from survey.schemas import (
    ChosenNameChange,
    Health,
    IssuedToken,
    PasswordChange,
    Principal,
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
    """The front door: it sends each person to their section."""

    path = "/"
    tags = ["general"]

    @get("/", operation_id="home", opt=PUBLIC, include_in_schema=False)
    async def home(self, request: Request[Any, Any, Any]) -> Redirect:
        """Send signed-in people to their section and everyone else to sign-in."""
        principal = current(request)
        return Redirect(home_for(principal) if principal else "/signin", status_code=303)


class HealthController(Controller):
    """The health check, for load balancers and ``make bench``."""

    path = "/healthz"
    tags = ["general"]

    @get("/", operation_id="health", opt=PUBLIC, cache_control=None)
    async def health(self, state: State) -> Response[Health]:
        """Answer 200 when the database answers, 503 otherwise."""
        pool: Pool = state.pool
        try:
            async with pool.acquire(timeout=5) as conn:
                await health_queries.ping(conn)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return Response(Health("unavailable", "unavailable"), status_code=503)
        return Response(Health("ok", "ok"))


class SigninController(Controller):
    """Staff sign-in."""

    path = "/signin"
    tags = ["accounts"]
    include_in_schema = False

    @get("/", operation_id="signin_page", opt=PUBLIC)
    async def signin_page(
        self, request: Request[Any, Any, Any], next: FromQuery[str] = ""
    ) -> Template | Redirect:
        """Show the sign-in form (or go home when already signed in)."""
        principal = current(request)
        if principal is not None:
            return Redirect(home_for(principal), status_code=303)
        return Template("signin.html", context={"next": _safe_next(next) or "", "error": "", "name": ""})

    @post("/", operation_id="signin", opt=PUBLIC)
    async def signin(
        self,
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


class SignoutController(Controller):
    """Staff sign-out."""

    path = "/signout"
    tags = ["accounts"]
    include_in_schema = False

    @post("/", operation_id="signout", opt=PUBLIC)
    async def signout(
        self,
        conn: ConnectionDependency,
        session: Annotated[str | None, CookieParameter(name=SESSION_COOKIE)] = None,
    ) -> Redirect:
        """End the session and forget the cookie."""
        if session:
            await accounts.sign_out(conn, session)
        response = Redirect("/signin", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response


class AccountController(StaffController):
    """One's own account: chosen name, password, and (for evaluators) API tokens."""

    path = "/account"
    guards = [requires_signin]
    tags = ["accounts"]

    @get("/", operation_id="account_page")
    async def account_page(self, principal: PrincipalDependency) -> Template:
        """Show who is signed in and what they can change."""
        return Template("account.html", context=_account_context(principal))

    @post("/name", operation_id="account_name")
    async def change_name(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        data: URLEncodedBody[ChosenNameChange],
    ) -> Template:
        """Change the name others see."""
        await accounts.set_display_name(conn, account_id=principal.account_id, display_name=data.display_name)
        context = _account_context(
            principal, display_name=data.display_name.strip(), notice="Your name is saved."
        )
        return page(request, "account.html", "profile", context)

    @post("/password", operation_id="account_password")
    async def change_password(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        data: URLEncodedBody[PasswordChange],
    ) -> Template:
        """Change one's password; other sessions of the account end."""
        try:
            await accounts.change_own_password(
                conn, account_id=principal.account_id, current=data.current_password, new=data.new_password
            )
        except accounts.AccountError as refused:
            context = _account_context(principal, error=str(refused))
            return page(request, "account.html", "password", context, 422)
        context = _account_context(principal, notice="Password changed.")
        return page(request, "account.html", "password", context)

    @post("/tokens", operation_id="account_token", guards=[requires_role("evaluator")])
    async def create_token(
        self,
        request: HTMXRequest,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        data: URLEncodedBody[TokenCreate],
    ) -> Template:
        """Make an API token for scripts; it is shown once."""
        account = await queries.account_by_id(conn, principal.account_id)
        assert account is not None  # noqa: S101 - the session belongs to an active account
        token = await accounts.issue_token(conn, actor_id=account.id, account=account, label=data.label)
        context = _account_context(principal, token=IssuedToken(token=token, label=data.label))
        return page(request, "account.html", "tokens", context)


def _account_context(principal: Principal, **extra: Any) -> dict[str, Any]:
    """What the account page shows; ``extra`` adds the notice, error or new token of the action just taken."""
    base = {
        "display_name": principal.display_name,
        "notice": "",
        "error": "",
        "token": None,
        "is_evaluator": "evaluator" in principal.roles,
    }
    return base | extra


class MeApiController(Controller):
    """Scripted access with an evaluator's API token (``Authorization: Bearer ...``): who the token is."""

    path = "/api/me"
    guards = [requires_role("evaluator")]
    dependencies = {"principal": Provide(provide_principal, sync_to_thread=False)}
    tags = ["api"]

    @get("/", operation_id="api_me")
    async def me(self, principal: PrincipalDependency) -> WhoAmI:
        """The account the token belongs to: a cheap way for a script to check its token."""
        return WhoAmI(principal.name, principal.display_name, sorted(principal.roles))
