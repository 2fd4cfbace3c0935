"""The portal's own JSON, called with the signed-in session and no browser.

Modern portals are single-page apps whose pages fetch JSON; calling that JSON directly with the
session's cookies needs a fraction of the requests and no rendering. When the endpoint is gone
or its shape changed, `ApiUnavailable` tells the engine to fall back to reading pages.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import httpx

from rpa.core.errors import FlowError, RpaError, SessionExpired, TransientError
from rpa.core.retry import UNREACHABLE, OnRetry, retrying
from rpa.core.settings import RetrySettings

if TYPE_CHECKING:
    from rpa.portal.pacing import Pacer


class ApiUnavailable(FlowError):
    """The JSON endpoint is missing or no longer has the shape the flow knows: use pages."""

    kind = "api_unavailable"


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
    ):
        self.request = request
        self.retry_policy = retry_policy or RetrySettings()
        self.on_retry = on_retry
        self.pacer = pacer
        self.timeout_ms = timeout_ms
        self.classify_failure = classify_failure
        self.last_response: dict[str, Any] | None = None

    async def get_json(self, path: str, params: dict[str, Any] | None = None, *, ok: tuple[int, ...] = (200,)) -> tuple[int, Any]:
        """GET a JSON endpoint; statuses outside `ok` become the engine's errors; 5xx are repeated."""
        async for attempt in retrying(self.retry_policy, self.on_retry, request_level=True):
            with attempt:
                return await self._get_json_once(path, params, ok)
        raise AssertionError("unreachable: tenacity re-raises the last error")

    async def _get_json_once(self, path: str, params: dict[str, Any] | None, ok: tuple[int, ...]) -> tuple[int, Any]:
        await self.pacer.wait()
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
        if status in ok:
            if body is None:
                raise ApiUnavailable(f"{path} answered {status} without JSON")
            return status, body
        if self.classify_failure is not None:
            error = self.classify_failure(status, body)
            if error is not None:
                raise error
        if status in (401, 403) or 300 <= status < 400:
            raise SessionExpired(f"{path} answered {status}: the session is not signed in")
        if status >= 500 or status == 429:
            raise TransientError(f"{path} answered HTTP {status}", reason=f"http_{status}")
        raise ApiUnavailable(f"{path} answered HTTP {status}")
