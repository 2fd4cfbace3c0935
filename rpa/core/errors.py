"""One error hierarchy for the engine; flows raise from it and the retry policy reads it.

The kind of an error decides what the engine does (docs/architecture.md, "Errors decide what happens"):
transient errors are retried, an expired session leads to one fresh sign-in, authentication
errors are never retried (a retry can lock the account), needs-a-human parks the item, and a
portal that is down stops its payer. Business answers (claim not on file, member not found)
are results, never errors.
"""

from __future__ import annotations


class RpaError(Exception):
    """Base of every error the engine understands."""

    kind = "error"

    def __init__(self, message: str, *, evidence_hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.evidence_hint = evidence_hint

    def as_dict(self) -> dict:
        return {"kind": self.kind, "message": self.message}


class TransientError(RpaError):
    """Timeouts, 5xx pages, navigation errors, detached elements: worth another attempt."""

    kind = "transient"

    def __init__(self, message: str, *, reason: str = "transient", **kwargs):
        super().__init__(message, **kwargs)
        self.reason = reason


class SessionExpired(RpaError):
    """The portal sent us back to sign-in; signing in again once is the cure."""

    kind = "session_expired"


class AuthenticationError(RpaError):
    """Wrong password, locked account, MFA refused: stop the credential, never retry."""

    kind = "authentication"


class NeedsHuman(RpaError):
    """CAPTCHA, missing MFA code, an interstitial no flow knows: a person must look."""

    kind = "needs_human"

    def __init__(self, message: str, *, stops_credential: bool = False, fix: str | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.stops_credential = stops_credential
        self.fix = fix
        """What a person should do, when the flow knows better than a generic CAPTCHA hint."""


class RateLimited(RpaError):
    """The portal answered HTTP 429 (or said "too many requests"): wait as long as it asks, slow
    the credential down, go on. Never a failure and never an outage: a run under a rate limit
    finishes, just slower."""

    kind = "rate_limited"

    def __init__(self, message: str, *, retry_after_s: float | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after_s = retry_after_s
        """What the portal asked for (`Retry-After`), None when it did not say."""


class LayoutError(RpaError):
    """A settled page (no navigation, no alarm, network quiet) without the element a flow
    expects: the portal's pages changed or the selector map is wrong. Waiting longer cannot
    help, so it is not retried as transient; a few in a row stop the portal."""

    kind = "layout"

    def __init__(self, message: str, *, key: str, **kwargs):
        super().__init__(message, **kwargs)
        self.key = key
        """The selector-map key that was not found."""


class PortalDown(RpaError):
    """Maintenance page, or a circuit opened by too many consecutive transient failures."""

    kind = "portal_down"


class FlowError(RpaError):
    """The portal answered but the flow could not read it (an unexpected page): a bug to fix."""

    kind = "flow_error"


class ConfigError(RpaError):
    """Bad configuration: an unknown payer, a malformed selector map, missing credentials."""

    kind = "config"


class InputError(RpaError):
    """A worklist or argument that cannot be used at all (bad rows are rejected one by one)."""

    kind = "bad_input"
