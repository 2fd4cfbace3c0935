"""The obstacle settings: start-up values from defaults < environment (`<prefix><NAME>`) <
command line, and the admin endpoint's changes on top of the start-up values.

`PortalSettings` holds what every sandbox portal has; each portal adds its own settings and
environment prefix (`Settings`: the first portal's, `RPA_SANDBOX_<NAME>`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field


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
    ui: Literal["v1", "v2"] = "v1"
