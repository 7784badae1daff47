"""Every registered route: the public ones are the expected few; the rest refuse anonymous and wrong roles."""

from __future__ import annotations

import re
from dataclasses import dataclass

from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from survey.auth import SESSION_COOKIE, RoleGuard, requires_signin
from survey.kiosk_routes import requires_kiosk
from survey.schemas import ROLES, Role
from tests.support import csrf_token, make_account, raw_token, sign_in

# Changing this set is a decision: a public route is reachable by anyone on the network.
EXPECTED_PUBLIC = {
    ("GET", "/"),
    ("GET", "/healthz"),
    ("GET", "/signin"),
    ("POST", "/signin"),
    ("POST", "/signout"),
    ("GET", "/static/{file_path:path}"),
    ("HEAD", "/static/{file_path:path}"),
    ("GET", "/schema"),
    ("GET", "/schema/openapi.json"),
    ("GET", "/schema/openapi.yaml"),
    ("GET", "/schema/{path:str}"),
    ("GET", "/kiosk"),  # shows the survey to an enrolled tablet, else sends it to enrolment
    ("GET", "/kiosk/enroll"),
    ("POST", "/kiosk/enroll"),
    ("GET", "/kiosk-sw.js"),
    # The board's pictures and recordings by SHA-256, for the kiosk and its service worker (docs/kiosk.md).
    ("GET", "/media/{digest:str}"),
    # The board's released report-backs, for the people who answered (docs/board.md): released ones only.
    ("GET", "/results"),
    ("GET", "/results/{public_id:str}"),
    ("GET", "/results/{public_id:str}/poster"),
    ("GET", "/results/{public_id:str}/handout"),
}


# Which roles each section needs, written down independently of the guards in the code, longest prefix
# first. None: any signed-in account. A route under no prefix here fails the walk until it is added.
SECTION_ROLES: list[tuple[str, frozenset[str] | None]] = [
    ("/account/tokens", frozenset({"evaluator"})),
    ("/account", None),
    ("/admin", frozenset({"admin"})),
    ("/board", frozenset({"board"})),
    ("/api/kiosk/", frozenset()),  # kiosk token only: no account of any role opens it
    ("/api/", frozenset({"evaluator"})),
    ("/evaluate", frozenset({"evaluator"})),
    ("/kiosk", frozenset()),
]


def expected_roles(path: str) -> frozenset[str] | None:
    for prefix, roles in SECTION_ROLES:
        if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
            return roles
    raise AssertionError(f"{path} is in no section of SECTION_ROLES: add it with the roles it needs")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    public: bool
    roles: frozenset[str]
    signed_in: bool

    @property
    def url(self) -> str:
        return re.sub(r"\{\w+:(\w+)\}", lambda m: "999999" if m.group(1) == "int" else "x", self.path)

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")


def endpoints(app: Litestar) -> list[Endpoint]:
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method, (handler, _) in route.route_handler_map.items():
            if method == "OPTIONS":
                continue
            guards = [getattr(guard, "func", guard) for guard in handler.resolve_guards()]
            roles = frozenset(g.role for g in guards if isinstance(g, RoleGuard))
            signed_in = bool(roles) or requires_signin in guards or requires_kiosk in guards
            found.append(Endpoint(method, route.path, bool(handler.opt.get("public")), roles, signed_in))
    return found


def refused_anonymously(status: int, location: str) -> bool:
    return status == 401 or (status == 303 and location.startswith("/signin"))


async def test_public_routes_are_exactly_the_expected_ones(app: Litestar) -> None:
    public = {(e.method, e.path) for e in endpoints(app) if e.public}
    assert public == EXPECTED_PUBLIC


async def test_every_other_route_needs_a_guard(app: Litestar) -> None:
    unguarded = [f"{e.method} {e.path}" for e in endpoints(app) if not e.public and not e.signed_in]
    assert unguarded == []


async def test_every_guarded_route_refuses_anonymous_and_wrong_roles(
    client: AsyncTestClient[Litestar], app: Litestar, database_url: str
) -> None:
    guarded = [e for e in endpoints(app) if not e.public]
    assert len(guarded) >= 10, "the walk must see the app's routes"
    sessions: dict[Role | None, str] = {}
    tokens: dict[Role, str] = {}
    for role in ROLES:
        account = await make_account(database_url, f"only-{role}", [role])
        tokens[role] = await raw_token(database_url, account.id)
        await sign_in(client, f"only-{role}")
        sessions[role] = str(client.cookies[SESSION_COOKIE])
        client.cookies.delete(SESSION_COOKIE)
    csrf = await csrf_token(client)
    failures: list[str] = []
    for endpoint in guarded:
        for who in (None, *ROLES):
            client.cookies.delete(SESSION_COOKIE)
            headers = {"x-csrftoken": csrf}
            if who is not None and endpoint.is_api:
                headers["authorization"] = f"Bearer {tokens[who]}"
            elif who is not None:
                client.cookies.set(SESSION_COOKIE, sessions[who])
            response = await client.request(
                endpoint.method, endpoint.url, headers=headers, follow_redirects=False
            )
            status, location = response.status_code, response.headers.get("location", "")
            if who is None:
                if not refused_anonymously(status, location):
                    failures.append(f"anonymous {endpoint.method} {endpoint.path}: {status}")
                continue
            needed = expected_roles(endpoint.path)
            allowed = needed is None or who in needed
            if allowed == (status in {401, 403} or refused_anonymously(status, location)):
                failures.append(f"{who} {endpoint.method} {endpoint.path}: {status}")
    assert failures == [], "\n".join(failures)
