"""Settings and their precedence, written down once.

Global settings:   defaults < config file < environment (`RPA_*`) < command line.
Payer settings:    the flow's declaration < config file (`payers: {<id>: ...}`)
                   < environment (`RPA_<PAYER>_*`) < command line.

The config file is `$RPA_CONFIG`, else `./rpa.yaml`, else `~/.config/rpa/config.yaml`.
It never holds secrets: credentials come from `rpa.core.credentials`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rpa.core.errors import ConfigError

Mode = Literal["auto", "page", "api"]
TraceMode = Literal["retries", "always", "off"]


class RetrySettings(BaseModel):
    """Transient errors are retried with exponential backoff and jitter, up to `attempts` tries."""

    model_config = ConfigDict(extra="forbid")

    attempts: int = Field(4, ge=1, le=20)
    initial_s: float = Field(0.5, ge=0)
    max_s: float = Field(8.0, ge=0)
    jitter_s: float = Field(0.5, ge=0)


class PayerSettings(BaseModel):
    """Per-deployment overrides of what a flow declares."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = None
    max_sessions: int | None = Field(None, ge=1)
    min_interval_ms: int | None = Field(None, ge=0)
    max_requests_per_minute: int | None = Field(None, ge=1)
    mode: Mode | None = None
    filing_limit_days: int | None = Field(None, ge=1)
    retry: RetrySettings | None = None


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    runs_dir: Path = Path("runs")
    state_dir: Path = Field(default_factory=lambda: default_state_dir())
    sessions: int | None = Field(None, ge=1, description="sessions per credential; default: the payer's limit")
    mode: Mode = "auto"
    retry: RetrySettings = Field(default_factory=RetrySettings)
    circuit_breaker_failures: int = Field(10, ge=1)
    navigation_timeout_ms: int = Field(20_000, ge=100)
    action_timeout_ms: int = Field(10_000, ge=100)
    trace: TraceMode = "retries"
    """Playwright traces for evidence: recorded from an item's second attempt (`retries`), for
    every item (`always`, costly: about a third more browser CPU), or never; kept only on failure."""
    headless: bool = True
    phi_in_logs: bool = False
    sign_in_limit: int | None = Field(
        None, ge=1, description="sign-ins per credential in 10 minutes before the payer stops; default max(12, 3 x sessions)"
    )
    recycle_page_after: int = Field(15, ge=1, description="items per browser tab before a fresh one (renderer memory)")
    recycle_context_after: int = Field(500, ge=1, description="items per browser context before a fresh one")
    payers: dict[str, PayerSettings] = Field(default_factory=dict)

    def payer(self, payer_id: str) -> PayerSettings:
        """The payer's overrides: config file, then `RPA_<PAYER>_*` environment variables."""
        configured = self.payers.get(payer_id, PayerSettings())
        prefix = f"RPA_{payer_id.upper().replace('-', '_')}_"
        overrides: dict[str, Any] = {}
        for name, env in (
            ("url", "URL"),
            ("max_sessions", "MAX_SESSIONS"),
            ("min_interval_ms", "MIN_INTERVAL_MS"),
            ("max_requests_per_minute", "MAX_RPM"),
            ("mode", "MODE"),
            ("filing_limit_days", "FILING_LIMIT_DAYS"),
        ):
            value = os.environ.get(prefix + env)
            if value:
                overrides[name] = value
        if not overrides:
            return configured
        try:
            return configured.model_copy(update=PayerSettings(**overrides).model_dump(exclude_none=True))
        except ValidationError as error:
            raise ConfigError(f"environment {prefix}*: {_describe(error)}") from None


ENVIRONMENT = {
    "RPA_RUNS_DIR": "runs_dir",
    "RPA_STATE_DIR": "state_dir",
    "RPA_SESSIONS": "sessions",
    "RPA_MODE": "mode",
    "RPA_TRACE": "trace",
    "RPA_HEADLESS": "headless",
}


def default_state_dir() -> Path:
    """Stored sessions live outside `runs/`, in the user's state directory."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "rpa"


def config_path() -> Path | None:
    explicit = os.environ.get("RPA_CONFIG")
    if explicit:
        return Path(explicit)
    for candidate in (Path("rpa.yaml"), Path.home() / ".config" / "rpa" / "config.yaml"):
        if candidate.is_file():
            return candidate
    return None


def load_settings(**command_line: Any) -> Settings:
    """Defaults < config file < environment < command line (None on the command line means unset)."""
    data: dict[str, Any] = {}
    path = config_path()
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"config file {path} (from RPA_CONFIG) does not exist")
        try:
            loaded = yaml.safe_load(path.read_text()) or {}
        except yaml.YAMLError as error:
            raise ConfigError(f"config file {path} is not valid YAML: {error}") from None
        if not isinstance(loaded, dict):
            raise ConfigError(f"config file {path} must be a mapping of settings")
        data.update(loaded)
    for env, name in ENVIRONMENT.items():
        if os.environ.get(env):
            data[name] = os.environ[env]
    data.update({name: value for name, value in command_line.items() if value is not None})
    try:
        return Settings(**data)
    except ValidationError as error:
        where = f"config file {path}" if path else "settings"
        raise ConfigError(f"{where}: {_describe(error)}") from None


def _describe(error: ValidationError) -> str:
    problem = error.errors()[0]
    location = ".".join(str(part) for part in problem["loc"])
    return f"{location}: {problem['msg']}"
