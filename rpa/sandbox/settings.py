"""The obstacle settings: start-up values from defaults < environment (`<prefix><NAME>`) <
command line, and the admin endpoint's changes on top of the start-up values.

`PortalSettings` holds what every sandbox portal has; each portal adds its own settings and
environment prefix (`Settings`: the first portal's, `RPA_SANDBOX_<NAME>`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class PortalSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    env_prefix: ClassVar[str]

    latency_ms: int = Field(0, ge=0)
    jitter_ms: int = Field(0, ge=0)
    error_rate: float = Field(0.0, ge=0, le=1)
    maintenance: bool = False
    modal_rate: float = Field(0.0, ge=0, le=1)
    captcha_after: int = Field(0, ge=0)
    session_idle_s: float = Field(900, gt=0)
    session_max_s: float = Field(28800, gt=0)
    max_sessions: int = Field(8, ge=1)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ, **overrides: Any) -> PortalSettings:
        """Start-up settings: the environment, then the given overrides (None: not given)."""
        values: dict[str, Any] = {}
        for name in cls.model_fields:
            if cls.env_prefix + name.upper() in environ:
                values[name] = environ[cls.env_prefix + name.upper()]
        values.update({name: value for name, value in overrides.items() if value is not None})
        return cls.model_validate(values)

    def with_changes(self, changes: Mapping[str, Any]) -> PortalSettings:
        """These settings with `changes` applied; unknown names and bad values raise ValidationError."""
        return type(self).model_validate({**self.model_dump(), **changes})


class Settings(PortalSettings):
    """The first portal's settings (docs/sandbox-portal.md)."""

    env_prefix: ClassVar[str] = "RPA_SANDBOX_"

    spinner_ms: int = Field(0, ge=0)
    ui: Literal["v1", "v2", "v3"] = "v1"
    rate_limit: int = Field(0, ge=0)
    """Requests per user per minute over pages and API (0: no limit)."""
    auth: Literal["cookie", "token"] = "cookie"
    """`token`: sign-in on the identity server, bearer tokens on the API; needs the v3 app."""
    token_ttl_s: float = Field(300, gt=0)
    """Lifetime of an access token (auth=token)."""

    @model_validator(mode="before")
    @classmethod
    def _token_auth_picks_the_app(cls, values: Any) -> Any:
        """Token auth needs a client-rendered app: `auth=token` with no `ui` given means v3."""
        if isinstance(values, dict) and values.get("auth") == "token" and not values.get("ui"):
            return {**values, "ui": "v3"}
        return values

    @model_validator(mode="after")
    def _token_auth_needs_the_app(self) -> Settings:
        if self.auth == "token" and self.ui != "v3":
            raise ValueError(f"auth=token needs ui=v3 (a page rendered on the server cannot hold a bearer token), not {self.ui}")
        return self

    def with_changes(self, changes: Mapping[str, Any]) -> Settings:
        """As for every portal; switching to token auth without naming a UI switches to v3 too."""
        base = self.model_dump()
        if changes.get("auth") == "token" and "ui" not in changes:
            base.pop("ui")
        return type(self).model_validate({**base, **changes})
