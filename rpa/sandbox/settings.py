"""The obstacle settings: start-up values from defaults < environment (`RPA_SANDBOX_<NAME>`) <
command line, and the admin endpoint's changes on top of the start-up values."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ENV_PREFIX = "RPA_SANDBOX_"


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    latency_ms: int = Field(0, ge=0)
    jitter_ms: int = Field(0, ge=0)
    error_rate: float = Field(0.0, ge=0, le=1)
    maintenance: bool = False
    spinner_ms: int = Field(0, ge=0)
    modal_rate: float = Field(0.0, ge=0, le=1)
    captcha_after: int = Field(0, ge=0)
    session_idle_s: float = Field(900, gt=0)
    session_max_s: float = Field(28800, gt=0)
    max_sessions: int = Field(8, ge=1)
    ui: Literal["v1", "v2"] = "v1"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ, **overrides: Any) -> Settings:
        """Start-up settings: the environment, then the given overrides (None: not given)."""
        values: dict[str, Any] = {}
        for name in cls.model_fields:
            if ENV_PREFIX + name.upper() in environ:
                values[name] = environ[ENV_PREFIX + name.upper()]
        values.update({name: value for name, value in overrides.items() if value is not None})
        return cls.model_validate(values)

    def with_changes(self, changes: Mapping[str, Any]) -> Settings:
        """These settings with `changes` applied; unknown names and bad values raise ValidationError."""
        return type(self).model_validate({**self.model_dump(), **changes})
