"""The console's FastAPI application: the services every page uses, the middleware around every
request, and what a refused request gets back.

Around every response: the session cookie (`security`), headers that keep pages out of caches
and frames and scripts to the console's own files, and one access-log line per request with the
path only (never a query string) and the account, so the log holds no PHI.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from rpa.console import security
from rpa.console.audit import AuditLog
from rpa.console.batches import BatchLauncher
from rpa.console.database import ConsoleDatabase
from rpa.console.followups import FollowUpBoard
from rpa.console.lookups import LookupDesk
from rpa.console.users import Role, UserDirectory
from rpa.core import readout
from rpa.core.errors import ConfigError, InputError
from rpa.core.settings import Settings

SECRET_ENV = "RPA_CONSOLE_SECRET_KEY"
MIN_SECRET_LENGTH = 32
IDLE_MINUTES = 15
HERE = Path(__file__).parent
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
access_log = logging.getLogger("rpa.console.access")


@dataclass
class Console:
    """What the pages share: settings, the database and its parts, the lookup and batch workers."""

    settings: Settings
    database: ConsoleDatabase
    users: UserDirectory
    audit: AuditLog
    lookups: LookupDesk
    followups: FollowUpBoard
    batches: BatchLauncher
    templates: Jinja2Templates
    idle_minutes: float = IDLE_MINUTES

    def page(self, request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
        user = getattr(request.state, "user", None)
        return self.templates.TemplateResponse(
            request, template, {"user": user, "Role": Role, **context}, status_code=status_code
        )


def secret_key() -> tuple[str, bool]:
    """The key that signs session cookies: `RPA_CONSOLE_SECRET_KEY`, else a new one for this
    process (then everyone signs in again after a restart). Returns it and whether it was given."""
    given = os.environ.get(SECRET_ENV)
    if given:
        if len(given) < MIN_SECRET_LENGTH:
            raise ConfigError(f"{SECRET_ENV} must be at least {MIN_SECRET_LENGTH} characters (e.g. from: openssl rand -hex 32)")
        return given, True
    return secrets.token_urlsafe(48), False


def create_app(
    settings: Settings, *, key: str | None = None, https_only: bool = False, idle_minutes: float = IDLE_MINUTES
) -> FastAPI:
    """The console for this deployment's settings (runs folder, state folder, portals)."""
    database = ConsoleDatabase(settings.state_dir)
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals.update(csrf_token=security.csrf_token, readout=readout)
    templates.env.filters["money"] = readout.money
    console = Console(
        settings=settings,
        database=database,
        users=UserDirectory(database),
        audit=AuditLog(database),
        lookups=LookupDesk(settings),
        followups=FollowUpBoard(database, settings),
        batches=BatchLauncher(settings),
        templates=templates,
        idle_minutes=idle_minutes,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        console.lookups.close()

    app = FastAPI(
        title="rpa console",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
        dependencies=[Depends(security.csrf_protect)],
    )
    app.state.console = console
    _add_middleware(app, key or secret_key()[0], https_only)
    _add_error_pages(app, console)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in page_routers():
        app.include_router(router)
    return app


def page_routers() -> list[APIRouter]:
    """Every page group's routes (what a test walks to prove no route answers without a session)."""
    from rpa.console.pages import audit, auth, followup, lookup, runs, users

    return [module.router for module in (auth, lookup, followup, runs, audit, users)]


def _add_middleware(app: FastAPI, key: str, https_only: bool) -> None:
    @app.middleware("http")
    async def headers_and_access_log(request: Request, call_next) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        user = getattr(request.state, "user", None)
        access_log.info(
            "%s %s %s %d %.0fms user=%s",
            security.client_of(request) or "-",
            request.method,
            request.url.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
            user.name if user else "-",
        )
        return response

    app.add_middleware(
        SessionMiddleware,
        secret_key=key,
        session_cookie=security.SESSION_COOKIE,
        max_age=security.MAX_SESSION_HOURS * 3600,
        same_site="lax",
        https_only=https_only,
    )


def _add_error_pages(app: FastAPI, console: Console) -> None:
    def wants_json(request: Request) -> bool:
        return request.url.path.startswith(security.PASSIVE_PREFIX)

    @app.exception_handler(security.NotSignedIn)
    async def not_signed_in(request: Request, error: security.NotSignedIn) -> Response:
        if wants_json(request):
            return JSONResponse({"error": "not signed in"}, status_code=401)
        if error.reason:
            request.session["notice"] = error.reason
        if request.method == "GET":
            request.session["next"] = request.url.path
        return RedirectResponse("/sign-in", status_code=303)

    @app.exception_handler(security.Forbidden)
    async def forbidden(request: Request, error: security.Forbidden) -> Response:
        if wants_json(request):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        message = f"Your role ({error.user.role.value}) cannot open this page; it is for a {error.needed.value}."
        return console.page(request, "error.html", 403, title="Not allowed", message=message)

    @app.exception_handler(security.CsrfRefused)
    async def csrf_refused(request: Request, _error: security.CsrfRefused) -> Response:
        if wants_json(request):
            return JSONResponse({"error": "refused"}, status_code=403)
        message = (
            "This form did not come from a console page open in this browser, so nothing was done. Reload the page and try again."
        )
        return console.page(request, "error.html", 403, title="Refused", message=message)

    @app.exception_handler(InputError)
    async def input_error(request: Request, error: InputError) -> Response:
        if wants_json(request):
            return JSONResponse({"error": error.message}, status_code=400)
        return console.page(request, "error.html", 400, title="Cannot do that", message=error.message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        if wants_json(request):
            return JSONResponse({"error": error.detail}, status_code=error.status_code)
        titles = {404: "Not found", 405: "Not allowed"}
        message = "There is nothing here." if error.status_code == 404 else str(error.detail)
        return console.page(
            request, "error.html", error.status_code, title=titles.get(error.status_code, "Error"), message=message
        )
