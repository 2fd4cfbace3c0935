"""The bearer token of a portal whose JSON needs one, taken from the page's own API calls.

Modern portals keep an access token in the page's JavaScript (from an identity server's code
exchange, refreshed silently) and send it as `Authorization: Bearer ...` on every API call; the
cookies alone open nothing. API mode borrows that token: Playwright sees the header on the
page's requests (the selector map's `api.token` says which header and which requests), the
HTTP client sends it, and when the API answers 401 the page is loaded again so its own script
refreshes the token, which is then picked up the same way (a portal whose calls carry no such
header, signed in by cookie, simply never needs one). The token is registered as a
secret, so no log line or result ever shows it.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from rpa.core.errors import SessionExpired, TransientError
from rpa.core.logs import SECRETS, get_logger

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext

    from rpa.portal.page import PortalPage
    from rpa.portal.selectors import ApiToken


class TokenWatch:
    def __init__(self, spec: ApiToken, base_url: str):
        self.spec = spec
        self.prefix = urljoin(base_url, spec.requests)
        self.value: str | None = None
        self._seen = asyncio.Event()
        self._contexts: set[int] = set()

    def install(self, context: BrowserContext) -> None:
        """Watch every request of `context` (once per context) for the token header."""
        if id(context) in self._contexts:
            return
        self._contexts.add(id(context))
        context.on("request", self._on_request)

    def _on_request(self, request: Any) -> None:
        if request.url.startswith(self.prefix):
            asyncio.ensure_future(self._read(request))

    async def _read(self, request: Any) -> None:
        try:
            value = await request.header_value(self.spec.header)
        except Exception:  # the page went away with its request
            return
        if value:
            SECRETS.add(value, value.split()[-1])
            if value != self.value:
                self.value = value
                self._seen.set()

    async def token(self, portal: PortalPage, timeout_ms: int, *, stale: str | None = None) -> str:
        """A token other than `stale`: the one last seen, else the page's own after loading the
        token page. A page that shows its sign-in instead has lost the session."""
        if self.value and self.value != stale:
            return self.value
        await portal.goto(self.spec.page)
        deadline = time.monotonic() + timeout_ms / 1000
        signed_out = "state.signed_out" in portal.selectors.elements
        while not (self.value and self.value != stale):
            if signed_out and await portal.is_visible("state.signed_out"):
                raise SessionExpired("the portal showed its sign-in instead of calling its API")
            if time.monotonic() > deadline:
                raise TransientError(f"no {self.spec.header} seen on the page's calls to {self.prefix}", reason="no_token")
            self._seen.clear()
            try:
                await asyncio.wait_for(self._seen.wait(), 0.25)
            except TimeoutError:
                pass
        get_logger().info("api_token_observed", header=self.spec.header)
        return self.value
