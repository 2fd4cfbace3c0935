"""The clearinghouse as one Starlette application: its sign-in, shell, claim-status application,
eligibility, the script's two endpoints, static files, error pages, and the admin every sandbox
portal has."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from rpa.sandbox import admin
from rpa.sandbox.app import CacheHeaders
from rpa.sandbox.clearinghouse import claim_pages, pages, session_api, signin
from rpa.sandbox.clearinghouse.data import ClearinghouseData, generate
from rpa.sandbox.clearinghouse.render import STATIC_DIR, ClearinghouseErrorPages, api_error, status_page
from rpa.sandbox.clearinghouse.settings import ClearinghouseSettings
from rpa.sandbox.clearinghouse.state import ClearinghouseState
from rpa.sandbox.clearinghouse.users import seeded_users
from rpa.sandbox.clearinghouse.wording import Text
from rpa.sandbox.obstacles import Obstacles, request_kind


def create_app(data: ClearinghouseData | None = None, settings: ClearinghouseSettings | None = None) -> Starlette:
    """The clearinghouse for `data` (default: seed 7's) with `settings` as its start-up settings."""
    data = data or generate()
    state = ClearinghouseState(data, seeded_users(data.seed), settings or ClearinghouseSettings())
    app = Starlette(
        routes=[
            *signin.ROUTES,
            *pages.ROUTES,
            *claim_pages.ROUTES,
            *session_api.ROUTES,
            *admin.ROUTES,
            Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        middleware=[Middleware(CacheHeaders), Middleware(Obstacles, state=state, pages=ClearinghouseErrorPages())],
        exception_handlers={HTTPException: _http_error},
    )
    app.state.portal = state
    return app


async def _http_error(request: Request, exc: HTTPException) -> Response:
    if request_kind(request.url.path) == "api":
        return api_error(exc.status_code, "not_found" if exc.status_code == 404 else "http_error", str(exc.detail))
    if exc.status_code == 404:
        return status_page(request, 404, Text.NOT_FOUND_HEADING, Text.NOT_FOUND_BODY)
    return status_page(request, exc.status_code, Text.ERROR_HEADING, str(exc.detail))
