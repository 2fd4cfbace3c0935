"""The clearinghouse's settings: every portal's obstacles plus its session-timeout warning;
environment variables `RPA_CLEARINGHOUSE_<NAME>`."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from rpa.sandbox.settings import PortalSettings


class ClearinghouseSettings(PortalSettings):
    env_prefix: ClassVar[str] = "RPA_CLEARINGHOUSE_"

    session_warning_s: float = Field(600, gt=0)
    """Idle seconds in a signed-in window before it asks, with `confirm()`, whether to continue."""
    session_warning_grace_s: float = Field(60, gt=0)
    """Seconds the warning's OK keeps the session; OK later, or Cancel, ends it."""
