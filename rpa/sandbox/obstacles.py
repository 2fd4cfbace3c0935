"""A portal's bad days, switched by settings: latency with jitter on every request, injected
500/503 errors and the maintenance window on pages and API (static files and admin spared).

The middleware is the same for every sandbox portal; each portal answers with its own error
pages (`ErrorPages`), in its own look and words.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Protocol

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from rpa.sandbox.state import PortalState

MAINTENANCE_RETRY_AFTER_S = 300


def request_kind(path: str) -> str:
    if path.startswith("/__sandbox"):
        return "admin"
    if path.startswith("/static/"):
        return "static"
    if path.startswith("/api/"):
        return "api"
    return "page"


class ErrorPages(Protocol):
    """A portal's answers for its bad days; `kind` is "page" or "api"."""

    def maintenance(self, scope: Scope, kind: str, headers: dict[str, str]) -> Response: ...

    def failure(self, scope: Scope, kind: str, status: int) -> Response: ...


class Obstacles:
    """Pure ASGI middleware, so a slow or failing answer costs the event loop nothing."""

    def __init__(self, app: ASGIApp, state: PortalState, pages: ErrorPages):
        self.app = app
        self.state = state
        self.pages = pages

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
                headers = {"Retry-After": str(MAINTENANCE_RETRY_AFTER_S)}
                await self.pages.maintenance(scope, kind, headers)(scope, receive, send)
                return
            if settings.error_rate and state.rng.random() < settings.error_rate:
                status = state.rng.choice((500, 503))
                state.stats.errors_injected[str(status)] += 1
                await self.pages.failure(scope, kind, status)(scope, receive, send)
                return
        await self.app(scope, receive, send)
