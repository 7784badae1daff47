"""Every route is in the README's route table, and each URL is served by the controller of its prefix."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from litestar import Controller, Litestar
from litestar.routes import HTTPRoute

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| (GET|POST|PUT|PATCH|DELETE) \| `([^`]+)` \| (.+?) \|$")
LITESTAR_OWNED = {"litestar._openapi": "the OpenAPI documents", "litestar.static_files": "static files"}


def handler_name(module: str, qualname: str) -> str:
    """How the README names a handler: ``Controller.method`` in its module, or what Litestar serves."""
    for prefix, served in LITESTAR_OWNED.items():
        if module.startswith(prefix):
            return served
    return f"`{qualname}` (`{module}`)"


def app_routes(app: Litestar) -> set[tuple[str, str, str]]:
    return {
        (method, route.path, handler_name(handler.fn.__module__, handler.fn.__qualname__))
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        for method in handler.http_methods - {"OPTIONS", "HEAD"}
    }


def readme_routes() -> set[tuple[str, str, str]]:
    text = README.read_text()
    section = text.split("## Routes", 1)[1].split("\n## ", 1)[0]
    return {match.groups() for line in section.splitlines() if (match := ROW.match(line))}  # type: ignore[misc]


def test_the_readme_lists_every_route_with_its_handler(app: Litestar) -> None:
    documented, served = readme_routes(), app_routes(app)
    assert sorted(served - documented) == [], "routes missing from the README's table"
    assert sorted(documented - served) == [], "the README lists routes the app does not serve"


def _controller(module: str, qualname: str) -> type[Controller] | None:
    owner = getattr(importlib.import_module(module), qualname.split(".")[0], None)
    return owner if isinstance(owner, type) and issubclass(owner, Controller) else None


def _under(path: str, prefix: str) -> bool:
    return prefix == "/" or path == prefix or path.startswith(prefix.rstrip("/") + "/")


def test_each_url_is_served_by_the_controller_of_its_longest_prefix(app: Litestar) -> None:
    owners = {
        route.path: _controller(handler.fn.__module__, handler.fn.__qualname__)
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        if not handler.fn.__module__.startswith("litestar")
    }
    controllers = {owner for owner in owners.values() if owner is not None}
    prefix = {controller: str(vars(controller)["path"]) for controller in controllers}
    paths = list(prefix.values())
    assert sorted(path for path in paths if paths.count(path) > 1) == [], "two controllers share a path"
    misplaced = {}
    for path, owner in owners.items():
        candidates = [controller for controller in controllers if _under(path, prefix[controller])]
        expected = max(candidates, key=lambda controller: len(prefix[controller]), default=None)
        if owner is not None and owner is not expected:
            misplaced[path] = (owner.__name__, expected.__name__ if expected else None)
    assert misplaced == {}
