"""Who is asking: staff sessions on pages, evaluator API tokens under ``/api/``, and a guard per role.

Pages accept only the session cookie and ``/api/`` accepts only ``Authorization: Bearer``, so the API
(exempt from CSRF tokens) can never be driven by a browser's ambient cookies.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final

from litestar import Controller
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from survey import passwords, queries
from survey.schemas import Principal

if TYPE_CHECKING:
    from litestar import Request
    from litestar.connection import ASGIConnection
    from litestar.handlers.base import BaseRouteHandler

    from survey.db import Pool
    from survey.schemas import Role
    from survey.settings import Settings

SESSION_COOKIE: Final = "survey_session"
API_PREFIX: Final = "/api/"

PrincipalDependency = NamedDependency[Principal]
"""How a handler behind a guard asks who is signed in: ``principal: PrincipalDependency``.

Its controller is a :class:`StaffController`, which provides it.
"""


class AccountAuthenticationMiddleware(AbstractAuthenticationMiddleware):
    """Attach the :class:`~survey.schemas.Principal` of a session or API token; anonymous is ``None``."""

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        """Look up the session cookie (pages) or the bearer token (API); neither found means anonymous."""
        pool: Pool = connection.app.state.pool
        settings: Settings = connection.app.state.settings
        principal: Principal | None = None
        if connection.scope["path"].startswith(API_PREFIX):
            scheme, _, token = connection.headers.get("authorization", "").partition(" ")
            # Kiosk tokens are checked by the kiosk guard; they never belong to an account.
            if scheme.lower() == "bearer" and token.strip() and not token.startswith("kiosk_"):
                async with pool.acquire() as conn:
                    principal = await queries.token_principal(conn, passwords.token_hash(token.strip()))
        elif session_token := connection.cookies.get(SESSION_COOKIE):
            async with pool.acquire() as conn:
                principal = await queries.session_principal(
                    conn, passwords.token_hash(session_token), timedelta(hours=settings.session_hours)
                )
        return AuthenticationResult(user=principal, auth=principal.via if principal else None)


def current(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """The principal of a request, or ``None`` when anonymous."""
    principal: Principal | None = connection.scope.get("user")
    return principal


def signed_in(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The principal of a request behind a sign-in guard.

    Raises:
        NotAuthorizedException: the request is anonymous (a route lacking its guard fails closed).
    """
    principal = current(connection)
    if principal is None:
        raise NotAuthorizedException("Sign in to continue.")
    return principal


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """The dependency behind :data:`PrincipalDependency`: the principal of a guarded request.

    Raises:
        NotAuthorizedException: the request is anonymous (see :func:`signed_in`).
    """
    return signed_in(request)


class StaffController(Controller):
    """The base of the staff pages' controllers: ``principal`` is provided, and pages stay out of OpenAPI.

    A section's base adds its guard and tags (``survey.admin_pages.AdminPages``,
    ``questions.board_pages.BoardPages``); each concrete controller sets its own ``path``.
    """

    dependencies = {"principal": Provide(provide_principal, sync_to_thread=False)}
    include_in_schema = False


class RoleGuard:
    """A guard letting through only principals holding ``role``: 401 when anonymous, 403 otherwise."""

    def __init__(self, role: Role) -> None:
        self.role = role

    def __call__(self, connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        """Refuse the request unless its principal holds the role."""
        principal = current(connection)
        if principal is None:
            raise NotAuthorizedException("Sign in to continue.")
        if self.role not in principal.roles:
            raise PermissionDeniedException(f"This needs the {self.role} role.")

    def __repr__(self) -> str:
        return f"requires_role({self.role!r})"


def requires_role(role: Role) -> RoleGuard:
    """The guard for one role, to put on a controller or handler."""
    return RoleGuard(role)


def requires_signin(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """A guard letting through any signed-in account, whatever its roles."""
    if current(connection) is None:
        raise NotAuthorizedException("Sign in to continue.")


def home_for(principal: Principal) -> str:
    """Where a signed-in person lands: the first section their roles open."""
    if "admin" in principal.roles:
        return "/admin"
    if "evaluator" in principal.roles:
        return "/evaluate"
    if "board" in principal.roles:
        return "/board"
    return "/account"
