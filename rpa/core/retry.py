"""The retry policy, built once from settings and the error taxonomy, used at two levels.

- A **request** that answered with a server error (an HTTP 5xx page, a results page whose data
  failed to load, a JSON call that failed) is repeated where it stands: reload the page, call
  the endpoint again. It is the cheapest cure and the one a person would try.
- An **item** whose lookup still failed transiently is tried again from the start.

Both back off exponentially with jitter, both are bounded, and every retry is reported through
`on_retry(reason)`, which counts it and lets the payer's circuit breaker open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt, wait_exponential, wait_random

from rpa.core.errors import TransientError

if TYPE_CHECKING:
    from rpa.core.settings import RetrySettings

OnRetry = Callable[[str, TransientError], None]

# Failures that repeating the same request can cure; a timeout waiting for an element is not
# one of them (the page may be wrong, not slow), so it is left to the item-level retry.
REQUEST_LEVEL_REASONS = ("server_error", "load_error", "api_network")
UNREACHABLE = "unreachable"
"""The portal refuses connections or cannot be found: an outage, not the item's problem."""


def is_request_level(error: BaseException) -> bool:
    if not isinstance(error, TransientError):
        return False
    return error.reason.startswith("http_") or error.reason in REQUEST_LEVEL_REASONS


def retrying(policy: RetrySettings, on_retry: OnRetry | None, *, request_level: bool = False) -> AsyncRetrying:
    """Tenacity's retrying for transient errors (only request-level ones when `request_level`)."""

    def before_sleep(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        if on_retry is not None and isinstance(error, TransientError):
            on_retry(error.reason, error)

    condition = is_request_level if request_level else (lambda error: isinstance(error, TransientError))
    return AsyncRetrying(
        stop=stop_after_attempt(policy.attempts),
        wait=wait_exponential(multiplier=policy.initial_s, max=policy.max_s) + wait_random(0, policy.jitter_s),
        retry=retry_if_exception(condition),
        before_sleep=before_sleep,
        reraise=True,
    )
