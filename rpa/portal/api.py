"""The portal's own JSON, called with the signed-in session and no browser.

Modern portals are single-page apps whose pages fetch JSON; calling that JSON directly with the
session's cookies needs a fraction of the requests and no rendering. When the endpoint is gone
or its shape changed, `ApiUnavailable` tells the engine to fall back to reading pages.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import httpx

from rpa.core.errors import FlowError, RateLimited, RpaError, SessionExpired, TransientError
from rpa.core.retry import UNREACHABLE, OnRetry, retrying
from rpa.core.settings import RetrySettings
from rpa.portal.pacing import parse_retry_after

if TYPE_CHECKING:
    from rpa.portal.pacing import Pacer

RATE_LIMIT_WAITS = 20
"""429s one request waits out in place before the item's own handling takes over."""


class ApiUnavailable(FlowError):
    """The JSON endpoint is missing or no longer has the shape the flow knows: use pages."""

    kind = "api_unavailable"


class TokenRejected(SessionExpired):
    """The API answered 401 to the token the page gave us: the page may refresh it once."""


@contextmanager
def json_shape(what: str) -> Iterator[None]:
    """Reading a JSON answer: one that no longer has the shape the flow knows means "read the
    pages instead", not a failed item."""
    try:
        yield
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise ApiUnavailable(f"{what} JSON changed shape: {error!r}") from None


class PortalApi:
    def __init__(
        self,
        request: httpx.AsyncClient,
        pacer: Pacer,
        *,
        timeout_ms: int = 20_000,
        classify_failure: Callable[[int, Any], RpaError | None] | None = None,
        retry_policy: RetrySettings | None = None,
        on_retry: OnRetry | None = None,
        renew_token: Callable[[], Awaitable[None]] | None = None,
    ):
        self.request = request
        self.renew_token = renew_token
        """Lets the page refresh the bearer token after a 401 (token portals only)."""
        self.retry_policy = retry_policy or RetrySettings()
        self.on_retry = on_retry
        self.pacer = pacer
        self.timeout_ms = timeout_ms
        self.classify_failure = classify_failure
        self.last_response: dict[str, Any] | None = None

    async def get_json(self, path: str, params: dict[str, Any] | None = None, *, ok: tuple[int, ...] = (200,)) -> tuple[int, Any]:
        """GET a JSON endpoint; statuses outside `ok` become the engine's errors; 5xx are repeated,
        and a 429 is waited out (the pacer holds every session) and asked again, never counted."""
        waits = 0
        renewed = False
        while True:
            try:
                async for attempt in retrying(self.retry_policy, self.on_retry, request_level=True):
                    with attempt:
                        return await self._get_json_once(path, params, ok)
            except RateLimited:
                waits += 1
                if waits > RATE_LIMIT_WAITS:
                    raise
            except TokenRejected:
                if renewed or self.renew_token is None:
                    raise
                renewed = True
                await self.renew_token()

    async def _get_json_once(self, path: str, params: dict[str, Any] | None, ok: tuple[int, ...]) -> tuple[int, Any]:
        await self.pacer.wait(from_page=False)
        clean = {key: str(value) for key, value in (params or {}).items() if value not in (None, "")}
        try:
            response = await self.request.get(path, params=clean, timeout=self.timeout_ms / 1000, follow_redirects=False)
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            raise TransientError(f"the portal is unreachable: {type(error).__name__}: {error}", reason=UNREACHABLE) from None
        except httpx.HTTPError as error:
            raise TransientError(f"API request failed: {type(error).__name__}: {error}", reason="api_network") from None
        status = response.status_code
        body_text = response.text
        try:
            body = json.loads(body_text) if body_text else None
        except json.JSONDecodeError:
            body = None
        self.last_response = {"path": path, "status": status, "body": body if body is not None else body_text[:2000]}
        if status == 429:
            wait_s = self.pacer.rate_limited(parse_retry_after(response.headers.get("retry-after")))
            raise RateLimited(f"{path} answered 429 (too many requests): waiting {wait_s:g} s", retry_after_s=wait_s)
        if status in ok:
            if body is None:
                raise ApiUnavailable(f"{path} answered {status} without JSON")
            return status, body
        if self.classify_failure is not None:
            error = self.classify_failure(status, body)
            if error is not None:
                raise error
        if status == 401 and self.renew_token is not None:
            raise TokenRejected(f"{path} answered 401: the token is no longer accepted")
        if status in (401, 403) or 300 <= status < 400:
            raise SessionExpired(f"{path} answered {status}: the session is not signed in")
        if status >= 500:
            raise TransientError(f"{path} answered HTTP {status}", reason=f"http_{status}")
        raise ApiUnavailable(f"{path} answered HTTP {status}")
