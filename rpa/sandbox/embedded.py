"""The sandbox portals as their payers' default portals: found if running, started if not.

With no URL configured, the tool looks for a portal the user started (`$RPA_SANDBOX_URL` or
`$RPA_CLEARINGHOUSE_URL`, or the state file `rpa sandbox serve` writes) and otherwise serves
one from a thread of its own process (one per portal), so `rpa demo` and a first `rpa lookup`
work with no set-up at all.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import httpx

from rpa.sandbox.client import running_sandbox_url
from rpa.sandbox.portals import DEFAULT_PORTAL, portal_kind

if TYPE_CHECKING:
    from rpa.sandbox.server import SandboxServer

DEFAULT_USER = "demo"

_lock = threading.Lock()
_servers: dict[str, SandboxServer] = {}


def ensure_sandbox_url(portal: str = DEFAULT_PORTAL) -> str:
    """A `portal` that answers: a running one if there is one, else one started here."""
    name = portal_kind(portal).name
    with _lock:
        running = running_sandbox_url(portal=name)  # one the user started wins over one started here
        if running and _answers(running, name):
            return running
        if name in _servers:
            return _servers[name].url
        from rpa.sandbox.server import SandboxServer  # a web server is only loaded when one must start

        _servers[name] = SandboxServer(portal=name).start()
        return _servers[name].url


def embedded_server(portal: str = DEFAULT_PORTAL) -> SandboxServer | None:
    """The `portal` this process started, if it started one."""
    return _servers.get(portal)


def seeded_user(base_url: str) -> dict | None:
    """The portal's own `demo` user as it lists it (username, password, totp_secret, display_name,
    and on the clearinghouse security_question and security_answer); None when it cannot say."""
    try:
        users = httpx.get(base_url.rstrip("/") + "/__sandbox/users", timeout=10).json()
    except (httpx.HTTPError, ValueError):
        return None
    return next((user for user in users if isinstance(user, dict) and user.get("username") == DEFAULT_USER), None)


def _answers(url: str, portal: str) -> bool:
    """The portal at `url` is up and is `portal` (the first portal's health names none)."""
    try:
        response = httpx.get(url.rstrip("/") + "/__sandbox/health", timeout=2)
        return response.status_code == 200 and response.json().get("portal", DEFAULT_PORTAL) == portal
    except (httpx.HTTPError, ValueError):
        return False
