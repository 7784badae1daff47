"""Errors as people meet them: plain pages for browsers, Litestar's JSON for ``/api/``, sign-in for 401."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from litestar.exceptions import HTTPException, InternalServerException, ServiceUnavailableException
from litestar.exceptions.responses import create_exception_response
from litestar.response import Redirect, Response, Template

from survey import logs, outage
from survey.auth import API_PREFIX

if TYPE_CHECKING:
    from litestar import Request

logger = logging.getLogger(__name__)

TITLES = {
    400: "Something in the form needs another look",
    401: "Please sign in",
    403: "This page is not part of your role",
    404: "There is no page here",
    405: "That action does not work here",
    409: "That conflicts with what is already saved",
    413: "That is too large",
    422: "Something in the form needs another look",
    429: "Too many tries for now",
    503: "Paused for a moment",
}


def _is_api(request: Request[Any, Any, Any]) -> bool:
    return request.scope["path"].startswith((API_PREFIX, "/schema", "/healthz"))


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Answer an HTTP error: JSON on the API, sign-in for pages that need it, else a plain page."""
    if _is_api(request):
        return create_exception_response(request, exc)
    if exc.status_code == 401:
        target = f"/signin?next={quote(request.scope['path'])}"
        if request.headers.get("hx-request"):
            # htmx follows HX-Redirect with a full page load; a 303 would be swapped into the page.
            return Response(content=b"", status_code=401, headers={"HX-Redirect": target})
        return Redirect(target, status_code=303)
    problems = exc.extra if isinstance(exc.extra, list) else []
    detail = "Please check what you entered:" if problems and exc.status_code == 400 else exc.detail
    context = {
        "title": TITLES.get(exc.status_code, "Something went wrong"),
        "detail": detail,
        "problems": [p for p in problems if isinstance(p, dict)],
        "status_code": exc.status_code,
    }
    return Template("error.html", context=context, status_code=exc.status_code, headers=exc.headers)


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Note an unexpected error and answer without details.

    A staff-side error is logged at once, with method, path and traceback. A kiosk-side one is not: its
    line's time would say when a participant sent their answers (the tablet keeps them and sends again).
    It is counted by kind (:func:`survey.logs.error_kind`: no message, no path, no content) into the day's
    kiosk line, written after midnight (UTC).

    An unreachable database is not unexpected: it answers 503 with Retry-After, and only the first such
    request (and the database's return) is logged, in one line each. That line says the database went,
    not who asked: no method, path or side, one line however many submissions meet the outage, and
    nothing met by it is stored (the tablet's outbox sends it again later).
    """
    if outage.is_outage(exc):
        request.app.state.outage.noticed(getattr(request.app.state, "pool", None), exc)
        return http_error(
            request,
            ServiceUnavailableException(
                "The database is not reachable right now. Please try again in a moment.",
                headers=outage.retry_headers(),
            ),
        )
    if logs.is_kiosk_side(request.scope):
        logs.kiosk_requests.add_error(logs.error_kind(request.scope, exc))
    else:
        logger.error("unexpected error on %s %s", request.method, request.scope["path"], exc_info=exc)
    return http_error(request, InternalServerException("Something went wrong on our side. Please try again."))
