"""The application factory: every router, middleware and plugin of the platform, in one place."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Litestar, Router
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from analysis import report_back
from analysis.free_text_routes import FreeTextController
from analysis.report_back_routes import ReportBackBoardController, ResultsController
from analysis.routes import EvaluateApiController, EvaluateController
from questions.board_survey_routes import BoardSurveyController
from questions.language_check_routes import LanguageCheckController
from questions.media_routes import BoardMediaController, MediaController
from questions.proposal_routes import ProposalController
from questions.routes import BoardController, BoardMemberController
from questions.version_routes import VersionController
from questions.word_routes import WordListController
from survey import db, json_body, kiosks, logs, outage, release, retention
from survey.admin_routes import AccountAdminController, AdminController
from survey.audit_routes import AuditAdminController
from survey.auth import API_PREFIX, AccountAuthenticationMiddleware, current
from survey.errors import http_error, server_error
from survey.headers import add_security_headers
from survey.import_routes import ImportAdminController
from survey.kiosk_routes import KioskApiController, KioskPageController, service_worker
from survey.routes import (
    AccountController,
    HealthController,
    HomeController,
    MeApiController,
    SigninController,
    SignoutController,
)
from survey.settings import PACKAGE_DIR, Settings, resource_dir
from survey.site_routes import KioskAdminController, SiteAdminController
from survey.survey_admin_routes import SurveyAdminController

if TYPE_CHECKING:
    from collections.abc import Mapping

    from survey.schemas import Principal

CSRF_COOKIE = "survey_csrf"


def template_engine() -> JinjaTemplateEngine:
    """Jinja with autoescaping and StrictUndefined, so a missing variable fails loudly in tests."""
    environment = Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    engine = JinjaTemplateEngine.from_environment(environment)
    engine.register_template_callable("signed_in", _signed_in)
    return engine


def _signed_in(context: Mapping[str, Any]) -> Principal | None:
    """Template callable: the signed-in principal, or ``None`` (also on routes without authentication)."""
    return current(context["request"])


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the application.

    Args:
        settings: the configuration; read from the environment when omitted.

    Returns:
        The Litestar application. The database pool opens in its lifespan.
    """
    settings = settings or Settings.from_env()
    # The board decides report-back releases; the analysis layer settles them (docs/board.md).
    report_back.register(settings.min_cell)
    logs.silence_access_log()
    logging.getLogger("survey").setLevel(settings.log_level)
    static = create_static_files_router(
        path="/static", directories=[PACKAGE_DIR / "static"], name="static", opt={"public": True}
    )
    return Litestar(
        route_handlers=[
            HomeController,
            HealthController,
            SigninController,
            SignoutController,
            AccountController,
            AdminController,
            AccountAdminController,
            SiteAdminController,
            KioskAdminController,
            ImportAdminController,
            SurveyAdminController,
            AuditAdminController,
            MeApiController,
            EvaluateApiController,
            EvaluateController,
            FreeTextController,
            BoardController,
            BoardMemberController,
            BoardSurveyController,
            ProposalController,
            VersionController,
            WordListController,
            LanguageCheckController,
            BoardMediaController,
            MediaController,
            ReportBackBoardController,
            ResultsController,
            KioskPageController,
            KioskApiController,
            service_worker,
            static,
        ],
        dependencies={
            "conn": Provide(db.provide_connection),
            "settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False),
        },
        lifespan=[
            db.pool_lifespan,
            logs.daily_kiosk_counts,
            release.daily_release,
            retention.daily_retention,
        ],
        state=State(
            {
                "settings": settings,
                "kiosk_rate": kiosks.RateLimiter(settings.kiosk_rate),
                "outage": outage.Outage(),
            }
        ),
        on_shutdown=[lambda app: app.state.outage.close()],
        middleware=[
            logs.request_log_middleware,
            DefineMiddleware(
                AccountAuthenticationMiddleware,
                exclude=["^/static/", "^/healthz$", "^/schema", "^/kiosk-sw.js$"],
            ),
        ],
        csrf_config=CSRFConfig(
            secret=settings.csrf_secret,
            cookie_name=CSRF_COOKIE,
            cookie_secure=settings.cookie_secure,
            cookie_samesite="strict",
            cookie_httponly=True,  # pages get the token from the server, never from script
            # The API accepts only bearer tokens (never cookies), so cross-site requests cannot ride on it.
            exclude=[f"^{API_PREFIX}"],
        ),
        # Every handler taking JSON ``data`` gets it strictly: 415, depth, duplicate keys, exact types.
        before_request=json_body.refuse_loose_json,
        before_send=[add_security_headers, logs.log_response],
        compression_config=CompressionConfig(backend="gzip", minimum_size=512, gzip_compress_level=6),
        template_config=TemplateConfig(instance=template_engine()),
        plugins=[HTMXPlugin()],
        openapi_config=OpenAPIConfig(
            title="Harm reduction survey platform",
            version="0.1.0",
            # Public like the health check: it describes the API, it opens nothing.
            openapi_router=Router(path="/schema", route_handlers=[], opt={"public": True}),
            # Only the documents, no browsable UI: those pages load scripts from CDNs and run inline code,
            # which the Content-Security-Policy forbids.
            render_plugins=[
                JsonRenderPlugin(path=["/", "/openapi.json"]),
                YamlRenderPlugin(path="/openapi.yaml"),
            ],
            components=Components(
                security_schemes={"evaluatorToken": SecurityScheme(type="http", scheme="bearer")}
            ),
            security=[{"evaluatorToken": []}],
        ),
        exception_handlers={HTTPException: http_error, Exception: server_error},
        # Logging is configured by the server (``survey run`` passes ``logs.log_config``), not per app.
        logging_config=None,
    )
