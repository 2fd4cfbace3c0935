"""Talking to a running sandbox's admin endpoints: what tests, benchmarks and `rpa sandbox` call."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from rpa.sandbox.portals import DEFAULT_PORTAL, portal_kind

STATE_DIR_ENV = "RPA_STATE_DIR"


class SandboxAdmin:
    def __init__(self, url: str, timeout: float = 30.0):
        self.url = url.rstrip("/")
        self._http = httpx.Client(base_url=self.url + "/__sandbox", timeout=timeout)

    def configure(self, **settings: Any) -> dict:
        """Set these settings and return every other one to its start-up value."""
        return self._call("POST", "/settings", json=settings)

    def settings(self) -> dict:
        return self._call("GET", "/settings")

    def reset(self) -> dict:
        return self._call("POST", "/reset")

    def health(self) -> dict:
        return self._call("GET", "/health")

    def stats(self) -> dict:
        return self._call("GET", "/stats")

    def users(self) -> list[dict]:
        return self._call("GET", "/users")

    def user(self, username: str) -> dict:
        """One user's sign-in details as the portal lists them (username, password, totp_secret,
        display_name, and for the clearinghouse its security question and answer); KeyError when unknown."""
        for user in self.users():
            if user["username"] == username:
                return user
        raise KeyError(username)

    def unlock(self, username: str) -> dict:
        return self._call("POST", "/unlock", json={"username": username})

    def expire_sessions(self, username: str | None = None) -> dict:
        return self._call("POST", "/expire-sessions", json={"username": username} if username else {})

    def expire_tokens(self) -> dict:
        """auth=token: every access token expires now (refresh tokens still work)."""
        return self._call("POST", "/tokens/expire")

    def revoke_tokens(self, username: str | None = None) -> dict:
        """auth=token: end the sign-ins of one user (or all), so their refresh tokens fail."""
        return self._call("POST", "/tokens/revoke", json={"username": username} if username else {})

    def truth_claims(self) -> list[dict]:
        return self._truth(kind="claims")

    def truth_eligibility(self, date: date | str | None = None, service_type: str = "30") -> list[dict]:
        params = {"kind": "eligibility", "service_type": service_type}
        if date:
            params["date"] = str(date)
        return self._truth(**params)

    def close(self) -> None:
        self._http.close()

    def _truth(self, **params: str) -> list[dict]:
        response = self._http.get("/truth", params=params)
        response.raise_for_status()
        return [json.loads(line) for line in response.text.splitlines() if line]

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._http.request(method, path, **kwargs)
        response.raise_for_status()
        return response.json()


def state_dir() -> Path:
    return Path(os.environ.get(STATE_DIR_ENV) or Path.home() / ".local" / "state" / "rpa")


def running_sandbox_url(url: str | None = None, portal: str = DEFAULT_PORTAL) -> str | None:
    """The portal to talk to: `url`, else its URL variable ($RPA_SANDBOX_URL for the first portal,
    $RPA_CLEARINGHOUSE_URL for the clearinghouse), else the state file its `serve` wrote."""
    kind = portal_kind(portal)
    if url or os.environ.get(kind.url_env):
        return url or os.environ[kind.url_env]
    try:
        return json.loads((state_dir() / kind.state_file).read_text())["url"]
    except (OSError, ValueError, KeyError):
        return None


@contextmanager
def announced(url: str, portal: str = DEFAULT_PORTAL) -> Iterator[Path]:
    """The state file naming this process's portal, owner-only, removed when serving ends."""
    directory = state_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / portal_kind(portal).state_file
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w") as state:
        json.dump({"url": url, "pid": os.getpid()}, state)
    try:
        yield path
    finally:
        try:
            if json.loads(path.read_text()).get("pid") == os.getpid():
                path.unlink()
        except (OSError, ValueError):
            pass
