"""The sandbox as the `sandbox` payer's default portal: found if running, started if not.

With no URL configured, the tool looks for a sandbox the user started (`$RPA_SANDBOX_URL`, or
the state file `rpa sandbox serve` writes) and otherwise serves one from a thread of its own
process, so `rpa demo` and a first `rpa lookup` work with no set-up at all.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import httpx
from pydantic import SecretStr

from rpa.core.credentials import Credential
from rpa.sandbox.client import running_sandbox_url

if TYPE_CHECKING:
    from rpa.sandbox.server import SandboxServer

DEFAULT_USER = "demo"

_lock = threading.Lock()
_server: SandboxServer | None = None


def ensure_sandbox_url() -> str:
    """A sandbox that answers: a running one if there is one, else one started here."""
    global _server
    with _lock:
        if _server is not None:
            return _server.url
        running = running_sandbox_url()
        if running and _answers(running):
            return running
        from rpa.sandbox.server import SandboxServer  # a web server is only loaded when one must start

        _server = SandboxServer().start()
        return _server.url


def embedded_server() -> SandboxServer | None:
    """The sandbox this process started, if it started one."""
    return _server


def seeded_credential(base_url: str, payer: str) -> Credential | None:
    """The sandbox's own `demo` user (the sandbox lists its seeded users; none are secret)."""
    try:
        users = httpx.get(base_url.rstrip("/") + "/__sandbox/users", timeout=10).json()
    except (httpx.HTTPError, ValueError):
        return None
    for user in users:
        if user.get("username") == DEFAULT_USER:
            return Credential(
                payer,
                user["username"],
                SecretStr(user["password"]),
                SecretStr(user["totp_secret"]),
                source="the sandbox's seeded user",
            )
    return None


def _answers(url: str) -> bool:
    try:
        return httpx.get(url.rstrip("/") + "/__sandbox/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
