"""What the flows for the project's own sandbox portals share: with no URL configured, the portal
is found running or started inside this process; with no credential configured, the portal's
seeded `demo` user signs in. So `rpa demo` and a first lookup need no set-up at all."""

from __future__ import annotations

from typing import ClassVar

from pydantic import SecretStr

from rpa.core.credentials import Credential


class SandboxPortal:
    sandbox_portal: ClassVar[str]
    """Which sandbox portal (`rpa sandbox serve --portal NAME`) this flow reads."""
    credential_fields: ClassVar[tuple[str, ...]]
    portal_id: ClassVar[str]

    @classmethod
    def start_default_portal(cls) -> str:
        from rpa.sandbox.embedded import ensure_sandbox_url

        return ensure_sandbox_url(cls.sandbox_portal)

    @classmethod
    def default_credential(cls, base_url: str) -> Credential | None:
        """The sandbox's own seeded user (the sandbox lists its users; none of them are secret)."""
        from rpa.sandbox.embedded import seeded_user

        user = seeded_user(base_url)
        if user is None:
            return None
        secrets = {name: SecretStr(user[name]) for name in cls.credential_fields if user.get(name)}
        return Credential(cls.portal_id, user["username"], secrets, source="the sandbox's seeded user")
