"""The participant side: enrolling a tablet, the kiosk page, its survey as JSON, and response intake."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Any, Final

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.params import JSONBody, QueryParameter, URLEncodedBody
from litestar.response import File, Redirect, Template

from analysis import report_back
from questions import media, media_queries
from questions import queries as question_queries
from questions.kiosk_view import kiosk_survey
from survey import intake, kiosk_queries, kiosks, release, sites
from survey.db import ConnectionDependency, Pool
from survey.schemas import KioskEnrol, KioskExit, KioskSurvey, ResponseSubmit, Stored
from survey.settings import PACKAGE_DIR, Settings

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from litestar.handlers.base import BaseRouteHandler

    from survey.db import Connection


KIOSK_COOKIE: Final = "survey_kiosk"
KIOSK_HEADER: Final = "x-kiosk-request"
COOKIE_DAYS: Final = 400  # the longest lifetime browsers keep a cookie
PUBLIC: Final = {"public": True}
NO_STORE: Final = {"cache-control": "no-store"}
PAUSED: Final = 423
"""What ``GET /api/kiosk/survey`` answers while staff paused the tablet (423 Locked)."""
NO_SURVEY: Final = 409
"""What ``GET /api/kiosk/survey`` answers while the site runs no published survey (never another one)."""
NO_SURVEY_WORDS: Final = (
    "This site does not run a survey yet. Staff choose one on the admin page, under Sites."
)


def _token(request: ASGIConnection[Any, Any, Any, Any]) -> tuple[str, bool]:
    """The kiosk token and whether it came from the cookie (which needs the kiosk header on writes)."""
    scheme, _, bearer = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and bearer.strip():
        return bearer.strip(), False
    return request.cookies.get(KIOSK_COOKIE, ""), True


async def requires_kiosk(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: an enrolled, unrevoked tablet (token cookie or bearer); remembers which, for the handler."""
    token, from_cookie = _token(connection)
    pool: Pool = connection.app.state.pool
    async with pool.acquire() as conn:
        identity = await kiosks.identify(conn, token) if token else None
    if identity is None:
        raise NotAuthorizedException("This tablet is not enrolled as a kiosk, or it was turned off.")
    # A cookie rides along on any request the browser makes; a custom header cannot be sent cross-site
    # without CORS, which this app never grants.
    writes_api = connection.scope["path"].startswith("/api/") and connection.scope.get("method") != "GET"
    if from_cookie and writes_api and connection.headers.get(KIOSK_HEADER) != "1":
        raise NotAuthorizedException("Kiosk requests must carry the X-Kiosk-Request header.")
    connection.scope["state"]["kiosk"] = identity


def provide_kiosk(request: ASGIConnection[Any, Any, Any, Any]) -> kiosk_queries.KioskIdentity:
    """The kiosk identity the guard found (never stored with a response)."""
    identity: kiosk_queries.KioskIdentity = request.scope["state"]["kiosk"]
    return identity


def _kiosk_cookie(value: str, settings: Settings, *, remove: bool = False) -> Cookie:
    return Cookie(
        key=KIOSK_COOKIE,
        value=value,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="strict",
        path="/",
        max_age=0 if remove else COOKIE_DAYS * 86400,
    )


class KioskPageController(Controller):
    """The tablet's pages: enrolment, the survey shell (or the paused screen), the staff exit and resume."""

    path = "/kiosk"
    tags = ["kiosk"]
    include_in_schema = False

    @get("/", operation_id="kiosk_page", opt={"kiosk": True, **PUBLIC}, response_headers=NO_STORE)
    async def kiosk_page(
        self, request: Request[Any, Any, Any], conn: ConnectionDependency
    ) -> Template | Redirect:
        """The survey shell (everything else loads as JSON); not enrolled: the enrolment page."""
        token, _ = _token(request)
        identity = await kiosks.identify(conn, token) if token else None
        if identity is None:
            return Redirect("/kiosk/enroll", status_code=303)
        if identity.paused:
            return Template("kiosk/paused.html", context={"error": ""}, headers=NO_STORE)
        site = await kiosk_queries.kiosk_site(conn, identity.site_id)
        survey_id = site.survey_id if site is not None else None
        if survey_id is None or await question_queries.latest_version(conn, survey_id) is None:
            context = {
                "title": "No survey yet",
                "detail": NO_SURVEY_WORDS,
                "problems": [],
                "status_code": 200,
            }
            return Template("error.html", context=context, headers=NO_STORE)
        return Template("kiosk/index.html", context={}, headers=NO_STORE)

    @get("/enroll", operation_id="kiosk_enroll_page", opt=PUBLIC)
    async def enroll_page(self) -> Template:
        """The form where staff type the one-time code on the tablet."""
        return Template("kiosk/enroll.html", context={"error": ""})

    @post("/enroll", operation_id="kiosk_enroll", opt=PUBLIC)
    async def enroll(
        self,
        conn: ConnectionDependency,
        settings: NamedDependency[Settings],
        data: URLEncodedBody[KioskEnrol],
    ) -> Template | Redirect:
        """Exchange the code for the tablet's long-lived token (an httpOnly cookie) and open the kiosk."""
        try:
            token, _ = await kiosks.redeem(conn, code=data.code, secret=settings.csrf_secret)
        except kiosks.KioskError as refused:
            return Template("kiosk/enroll.html", context={"error": str(refused)}, status_code=400)
        return Redirect("/kiosk", status_code=303, cookies=[_kiosk_cookie(token, settings)])

    @post("/exit", operation_id="kiosk_exit", guards=[requires_kiosk], opt={"kiosk": True})
    async def staff_exit(
        self, request: Request[Any, Any, Any], conn: ConnectionDependency, data: URLEncodedBody[KioskExit]
    ) -> Template | Redirect:
        """Leave kiosk mode with the site's staff PIN: the tablet is paused until the PIN resumes it."""
        return await _staff_pin(
            conn, provide_kiosk(request), data.pin, pause=True, template="kiosk/exit.html"
        )

    @post("/resume", operation_id="kiosk_resume", guards=[requires_kiosk], opt={"kiosk": True})
    async def staff_resume(
        self, request: Request[Any, Any, Any], conn: ConnectionDependency, data: URLEncodedBody[KioskExit]
    ) -> Template | Redirect:
        """Resume a paused tablet with the site's staff PIN: the survey shows again."""
        return await _staff_pin(
            conn, provide_kiosk(request), data.pin, pause=False, template="kiosk/paused.html"
        )


def _wait_words(outcome: kiosks.PinOutcome) -> str:
    minutes = math.ceil(outcome.wait.total_seconds() / 60)
    return "a minute" if minutes <= 1 else f"{minutes} minutes"


async def _staff_pin(
    conn: Connection, identity: kiosk_queries.KioskIdentity, pin: str, *, pause: bool, template: str
) -> Template | Redirect:
    """Check the staff PIN: the kiosk on success, else ``template`` again with a calm word.

    A wrong PIN is a 403; while the tablet waits after too many, a 429 with Retry-After.
    """
    outcome = await kiosks.staff_pin(conn, identity, pin=pin, pause=pause)
    if outcome.result == "right":
        return Redirect("/kiosk", status_code=303)
    if outcome.result == "gone":
        return Redirect("/kiosk/enroll", status_code=303)
    if outcome.result == "waiting":
        error = f"Too many wrong PINs on this tablet. Please wait {_wait_words(outcome)}, then try again."
        return Template(
            template,
            context={"error": error},
            status_code=429,
            headers={**NO_STORE, "retry-after": outcome.retry_after},
        )
    error = "That PIN is not right."
    if outcome.wait:
        error += f" Please wait {_wait_words(outcome)} before the next try."
    return Template(template, context={"error": error}, status_code=403, headers=NO_STORE)


@get(
    "/kiosk-sw.js",
    operation_id="kiosk_service_worker",
    opt=PUBLIC,
    include_in_schema=False,
    sync_to_thread=False,
)
def service_worker() -> File:
    """The kiosk's service worker, served from the root so it may control ``/kiosk``."""
    return File(
        PACKAGE_DIR / "static" / "kiosk-sw.js",
        content_disposition_type="inline",
        media_type="text/javascript",
        headers={"cache-control": "no-cache"},
    )


class KioskApiController(Controller):
    """What the kiosk page talks to: its survey, and completed responses."""

    path = "/api/kiosk"
    guards = [requires_kiosk]
    opt = {"kiosk": True}
    tags = ["kiosk"]

    @get("/survey", operation_id="kiosk_survey", response_headers={"cache-control": "no-cache"})
    async def survey(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        outbox: Annotated[
            int | None,
            QueryParameter(ge=0, le=100_000, description="Completed responses waiting in the tablet outbox."),
        ] = None,
    ) -> KioskSurvey:
        """The site's active published version with every text it needs, so a session runs offline."""
        identity = provide_kiosk(request)
        # The day only (with the outbox count of the day's first contact), never on the submission path.
        await sites.note_contact(conn, identity.kiosk_id, outbox)
        if identity.paused:
            # Not a survey: the page reloads /kiosk, which shows the paused screen. Sending responses
            # already completed (POST /responses) keeps working while paused.
            raise HTTPException(
                status_code=PAUSED, detail="Staff paused this tablet.", extra={"paused": True}
            )
        site = await kiosk_queries.kiosk_site(conn, identity.site_id)
        version = None
        if site is not None and site.survey_id is not None:
            version = await question_queries.latest_version(conn, site.survey_id)
        if site is None or version is None:
            # Plainly "no survey yet", never another survey standing in (the demo's, a default).
            raise HTTPException(status_code=NO_SURVEY, detail=NO_SURVEY_WORDS, extra={"no_survey": True})
        answer = kiosk_survey(version.definition, version.id, site=site.name, resources=site.resources)
        by_language = await sites.kiosk_resources(
            conn, identity.site_id, site.default_language, site.resources
        )
        rows = await media_queries.recordings(conn, version.survey_id)
        recordings = media.kiosk_recordings(
            version.definition,
            [(r.question_key, r.option_code, r.language, r.recorded_text, r.digest) for r in rows],
        )
        shared = await report_back.kiosk_payload(conn, version.survey_id)
        return msgspec.structs.replace(
            answer, resources_by_language=by_language, recordings=recordings, report_back=shared
        )

    @post("/responses", operation_id="kiosk_submit", status_code=201)
    async def submit(
        self,
        request: Request[Any, Any, Any],
        conn: ConnectionDependency,
        settings: NamedDependency[Settings],
        data: JSONBody[ResponseSubmit],
    ) -> Response[Stored]:
        """Store a completed response: 201 new, 200 the same again, 409 the same id with other content."""
        identity = provide_kiosk(request)
        limiter: kiosks.RateLimiter = request.app.state.kiosk_rate
        if not limiter.allow(identity.kiosk_id):
            raise HTTPException(
                status_code=429,
                detail="Too many responses from this tablet this minute.",
                headers={"retry-after": "60"},
            )
        today = release.today_utc()
        try:
            outcome = await intake.store(
                conn,
                data,
                kiosk=identity,
                pepper=settings.linkage_pepper,
                period=intake.period_of(today, settings.period),
                arrived_on=today,
            )
        except intake.IntakeError as refused:
            raise HTTPException(
                status_code=422, detail=refused.message, extra={"field": refused.field}
            ) from None
        if outcome == "conflict":
            raise HTTPException(
                status_code=409, detail="A different response was already stored with this id."
            )
        if outcome == "same":
            return Response(Stored(data.id, "already stored"), status_code=200)
        return Response(Stored(data.id, "stored"), status_code=201)
