"""What a payer needs before it can run, and what to tell a person when it is missing.

A run (`rpa.engine.run`) and `rpa payers check` both resolve a payer's portal URL and credential the
same way, and name the same fix when one is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rpa.core.credentials import Credential, find_credential

if TYPE_CHECKING:
    from rpa.payers.flow import Flow
    from rpa.core.settings import PayerSettings


def portal_url(flow_type: type[Flow], payer_settings: PayerSettings) -> str | None:
    """The configured URL, else the flow's default (a flow for a local portal may start it, which may raise)."""
    return payer_settings.url or flow_type.start_default_portal()


def payer_credential(flow_type: type[Flow], base_url: str | None) -> Credential | None:
    """The configured credential, else the flow's own default for its portal (real payers have none)."""
    configured = find_credential(flow_type.payer_id)
    return configured or (flow_type.default_credential(base_url) if base_url else None)


def no_url_fix(payer_id: str) -> str:
    return f"set RPA_{payer_id.upper()}_URL or payers.{payer_id}.url in the config file"


def no_credentials_fix(payer_id: str) -> str:
    return (
        f"set RPA_{payer_id.upper()}_USERNAME, RPA_{payer_id.upper()}_PASSWORD (and _TOTP_SECRET), "
        f"or run: rpa credentials set {payer_id}"
    )
