"""The sandbox's portals by name: where each one's data, app, settings, users and ground truth
live, its default size, and how a running one is found. Entry points load on first use, so
naming a portal costs no web framework."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

DEFAULT_PORTAL = "sandbox"


@dataclass(frozen=True)
class PortalKind:
    name: str
    title: str
    members: int
    claims: int
    url_env: str
    """The environment variable naming a running one's URL."""
    state_file: str
    """The file in the state folder that `rpa sandbox serve` writes while it serves."""
    package: str
    """Holds the modules `data` (generate), `app` (create_app), `settings`, `truth` and the users'."""
    settings_class: str
    users_function: str
    identity_server: bool = False
    """Whether `identity.create_identity_app(state)` serves its token sign-in (auth=token)."""

    @property
    def generate(self) -> Any:
        return _load(self.package + ".data", "generate")

    @property
    def create_app(self) -> Any:
        return _load(self.package + ".app", "create_app")

    @property
    def create_identity_app(self) -> Any:
        """The identity server's app factory, or None for a portal without one."""
        return _load(self.package + ".identity", "create_identity_app") if self.identity_server else None

    @property
    def settings_type(self) -> Any:
        return _load(self.package + ".settings", self.settings_class)

    @property
    def seeded_users(self) -> Any:
        module, name = self.users_function.rsplit(".", 1)
        return _load(self.package + "." + module, name)

    @property
    def truth_records(self) -> Any:
        return _load(self.package + ".truth", "truth_records")

    @property
    def service_types(self) -> dict[str, str]:
        return _load(self.package + ".wording", "SERVICE_TYPES")


PORTALS = {
    kind.name: kind
    for kind in (
        PortalKind(
            "sandbox",
            "Sandbox Health Provider Portal",
            members=500,
            claims=5000,
            url_env="RPA_SANDBOX_URL",
            state_file="sandbox.json",
            package="rpa.sandbox",
            settings_class="Settings",
            users_function="auth.seeded_users",
            identity_server=True,
        ),
        PortalKind(
            "clearinghouse",
            "ClearPath Provider Exchange",
            members=600,
            claims=4000,
            url_env="RPA_CLEARINGHOUSE_URL",
            state_file="sandbox-clearinghouse.json",
            package="rpa.sandbox.clearinghouse",
            settings_class="ClearinghouseSettings",
            users_function="users.seeded_users",
        ),
    )
}


def portal_kind(name: str) -> PortalKind:
    """The portal named `name`; ValueError naming the ones that exist."""
    try:
        return PORTALS[name]
    except KeyError:
        raise ValueError(f"no sandbox portal named {name!r}: use one of {', '.join(PORTALS)}") from None


def _load(module: str, name: str) -> Any:
    return getattr(import_module(module), name)
