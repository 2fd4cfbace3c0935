"""What a portal needs before it can run, and what to tell a person when it is missing.

A run (`rpa.engine.run`) and `rpa payers check` both resolve a portal's URL and credential the
same way, and name the same fix when one is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rpa.core.credentials import Credential, env_name, find_credential

if TYPE_CHECKING:
    from rpa.core.settings import PortalConfig
    from rpa.payers.flow import Flow


def portal_url(flow_type: type[Flow], config: PortalConfig) -> str | None:
    """The configured URL, else the flow's default (a flow for a local portal may start it, which may raise)."""
    return config.url or flow_type.start_default_portal()


def portal_credential(flow_type: type[Flow], base_url: str | None) -> Credential | None:
    """The configured credential, else the flow's own default for its portal (real portals have none)."""
    configured = find_credential(flow_type.portal_id, flow_type.credential_fields)
    return configured or (flow_type.default_credential(base_url) if base_url else None)


def portal_credential_or_none(flow_type: type[Flow]) -> Credential | None:
    """The configured credential, without starting a local portal to ask for its default."""
    return find_credential(flow_type.portal_id, flow_type.credential_fields)


def missing_fields(flow_type: type[Flow], credential: Credential) -> list[str]:
    """The secret fields the portal's sign-in uses that this credential lacks."""
    return [name for name in flow_type.credential_fields if not credential.has(name)]


def unreachable(base_url: str) -> str | None:
    """Why the portal at `base_url` does not answer at all (refused, unknown host, timed out), or None."""
    import httpx

    try:
        httpx.get(base_url, timeout=10.0)
    except httpx.HTTPError as error:
        return f"{type(error).__name__}: {error}"[:200]
    return None


def no_url_fix(portal_id: str) -> str:
    return f"set {env_name(portal_id, 'URL')} or portals.{portal_id}.url in the config file"


def no_credentials_fix(flow_type: type[Flow]) -> str:
    names = ", ".join(env_name(flow_type.portal_id, name) for name in ("username", *flow_type.credential_fields))
    return f"set {names}, or run: rpa credentials set {flow_type.portal_id}"
