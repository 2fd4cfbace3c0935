"""The portal as one Starlette application: routes, static files, error pages and middleware."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rpa.sandbox import admin, api, pages, signin, token_admin
from rpa.sandbox.auth import seeded_users
from rpa.sandbox.data import generate
from rpa.sandbox.obstacles import Obstacles, request_kind
from rpa.sandbox.rate_limit import RateLimit
from rpa.sandbox.records import PortalData
from rpa.sandbox.render import STATIC_DIR, status_page
from rpa.sandbox.settings import Settings
from rpa.sandbox.state import SandboxState
from rpa.sandbox.wording import Text

STATIC_MAX_AGE_S = 3600


def create_app(data: PortalData | None = None, settings: Settings | None = None) -> Starlette:
    """The portal for `data` (default: seed 7's) with `settings` as its start-up settings."""
    data = data or generate()
    state = SandboxState(data, seeded_users(data.seed), settings or Settings())
    app = Starlette(
        routes=[
            *signin.ROUTES,
            *pages.ROUTES,
            *api.ROUTES,
            *admin.ROUTES,
            *token_admin.ROUTES,
            Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        middleware=[
            Middleware(CacheHeaders),
            Middleware(RateLimit, state=state, pages=SandboxErrorPages()),
            Middleware(Obstacles, state=state, pages=SandboxErrorPages()),
        ],
        exception_handlers={HTTPException: _http_error},
    )
    app.state.portal = state
    return app


class CacheHeaders:
    """Static files may be cached (their URLs carry a digest); pages and API answers hold PHI: never."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        value = f"public, max-age={STATIC_MAX_AGE_S}" if request_kind(scope["path"]) == "static" else "no-store"

        async def send_with_cache_control(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                message = {**message, "headers": [*headers, (b"cache-control", value.encode())]}
            await send(message)

        await self.app(scope, receive, send_with_cache_control)


class SandboxErrorPages:
    """Maintenance, injected failures and the rate limit: the portal's status page, or its API's JSON error."""

    def rate_limited(self, scope: Scope, kind: str, retry_after: int) -> Response:
        headers = {"Retry-After": str(retry_after)}
        if kind == "api":
            body = {"error": "rate_limited", "message": Text.RATE_LIMITED_BODY, "retry_after": retry_after}
            return JSONResponse(body, 429, headers=headers)
        return status_page(Request(scope), 429, Text.RATE_LIMITED_HEADING, Text.RATE_LIMITED_BODY, headers)

    def maintenance(self, scope: Scope, kind: str, headers: dict[str, str]) -> Response:
        if kind == "api":
            return api.error(503, "maintenance", Text.MAINTENANCE_BODY, headers)
        return status_page(Request(scope), 503, Text.MAINTENANCE_HEADING, Text.MAINTENANCE_BODY, headers)

    def failure(self, scope: Scope, kind: str, status: int) -> Response:
        if kind == "api":
            return api.error(status, "server_error" if status == 500 else "unavailable", Text.API_FAILED)
        if status == 500:
            return status_page(Request(scope), 500, Text.ERROR_HEADING, Text.ERROR_BODY)
        return status_page(Request(scope), 503, Text.UNAVAILABLE_HEADING, Text.UNAVAILABLE_BODY)


async def _http_error(request: Request, exc: HTTPException) -> Response:
    if request_kind(request.url.path) == "api":
        return api.error(exc.status_code, "not_found" if exc.status_code == 404 else "http_error", exc.detail)
    if exc.status_code == 404:
        return status_page(request, 404, Text.NOT_FOUND_HEADING, Text.NOT_FOUND_BODY)
    return status_page(request, exc.status_code, Text.ERROR_HEADING, str(exc.detail))
