"""The portal's bad days, switched by settings: latency with jitter on every request, injected
500/503 errors and the maintenance window on pages and API (static files and admin spared)."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from rpa.sandbox.api import error
from rpa.sandbox.render import status_page
from rpa.sandbox.state import PortalState
from rpa.sandbox.wording import Text

MAINTENANCE_RETRY_AFTER_S = 300


def request_kind(path: str) -> str:
    if path.startswith("/__sandbox"):
        return "admin"
    if path.startswith("/static/"):
        return "static"
    if path.startswith("/api/"):
        return "api"
    return "page"


class Obstacles:
    """Pure ASGI middleware, so a slow or failing answer costs the event loop nothing."""

    def __init__(self, app: ASGIApp, state: PortalState):
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        kind = request_kind(scope["path"])
        if kind == "admin":
            await self.app(scope, receive, send)
            return
        state = self.state
        settings = state.settings
        state.stats.requests[kind] += 1
        delay_ms = settings.latency_ms + state.rng.uniform(0, settings.jitter_ms)
        if delay_ms:
            await asyncio.sleep(delay_ms / 1000)
        if kind != "static":
            if settings.maintenance:
                state.stats.maintenance_responses += 1
                await self._maintenance(scope, kind)(scope, receive, send)
                return
            if settings.error_rate and state.rng.random() < settings.error_rate:
                status = state.rng.choice((500, 503))
                state.stats.errors_injected[str(status)] += 1
                await self._failure(scope, kind, status)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _maintenance(self, scope: Scope, kind: str):
        headers = {"Retry-After": str(MAINTENANCE_RETRY_AFTER_S)}
        if kind == "api":
            return error(503, "maintenance", Text.MAINTENANCE_BODY, headers)
        return status_page(Request(scope), 503, Text.MAINTENANCE_HEADING, Text.MAINTENANCE_BODY, headers)

    def _failure(self, scope: Scope, kind: str, status: int):
        if kind == "api":
            return error(status, "server_error" if status == 500 else "unavailable", Text.API_FAILED)
        if status == 500:
            return status_page(Request(scope), 500, Text.ERROR_HEADING, Text.ERROR_BODY)
        return status_page(Request(scope), 503, Text.UNAVAILABLE_HEADING, Text.UNAVAILABLE_BODY)
