"""The rate limit (`rate_limit`: requests per minute per user, 0 = off): a sliding 60-second
window per user over pages and JSON API calls, answered with 429 and `Retry-After` when full.

Requests are counted per user, not per session, because a portal limits an account however many
browsers it opens; a request with no user (the sign-in pages) counts against its client address.
Only admitted requests take a slot, so `Retry-After` is exact: when the oldest slot frees.
The windows are counted even with the limit off, so a test can check a client's pace.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from typing import Protocol

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from rpa.sandbox.obstacles import request_kind

WINDOW_S = 60.0


class RequestWindows:
    """Every caller's admitted requests in the last minute, and what the portal refused."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.reset()

    def reset(self) -> None:
        self._windows: dict[str, deque[float]] = defaultdict(deque)
        self.admitted: Counter[str] = Counter()
        self.limited: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()

    def admit(self, caller: str, limit: int) -> int | None:
        """None when the request may go on (it takes a slot); else the whole seconds until a
        slot frees (at least 1)."""
        now = self.clock()
        window = self._windows[caller]
        while window and now - window[0] >= WINDOW_S:
            window.popleft()
        if limit and len(window) >= limit:
            self.limited[caller] += 1
            return max(1, math.ceil(window[0] + WINDOW_S - now))
        window.append(now)
        self.admitted[caller] += 1
        self.peak[caller] = max(self.peak[caller], len(window))
        return None

    def as_dict(self) -> dict:
        callers = sorted(set(self.admitted) | set(self.limited))
        return {
            "rate_limited": sum(self.limited.values()),
            "requests_by_user": {
                caller: {
                    "requests": self.admitted[caller],
                    "rate_limited": self.limited[caller],
                    "peak_per_minute": self.peak[caller],
                }
                for caller in callers
            },
        }


class RateLimitedState(Protocol):
    windows: RequestWindows

    @property
    def rate_limit(self) -> int: ...

    def request_user(self, request: Request) -> str | None:
        """The signed-in user a request speaks for (session cookie or bearer token), else None."""


class RateLimitPages(Protocol):
    def rate_limited(self, scope: Scope, kind: str, retry_after: int) -> Response: ...


class RateLimit:
    """Pure ASGI middleware in front of the portal: a refused request never reaches a page, so a
    429 counts as nothing else (not a request, not a wrong password)."""

    def __init__(self, app: ASGIApp, state: RateLimitedState, pages: RateLimitPages):
        self.app = app
        self.state = state
        self.pages = pages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = request_kind(scope["path"]) if scope["type"] == "http" else "other"
        if kind not in ("page", "api"):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        caller = self.state.request_user(request) or f"client:{request.client.host if request.client else 'unknown'}"
        retry_after = self.state.windows.admit(caller, self.state.rate_limit)
        if retry_after is None:
            await self.app(scope, receive, send)
            return
        await self.pages.rate_limited(scope, kind, retry_after)(scope, receive, send)
