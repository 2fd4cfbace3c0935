"""Settings and their precedence, decided here and nowhere else.

Every setting comes from layers, and a later layer wins over an earlier one:

    defaults < the flow's declaration < config file < config file for the portal
             < environment (`RPA_*`) < environment for the portal (`RPA_<PORTAL>_*`) < command line

Within one layer the specific (per-portal) value beats the general one; across layers the later
layer wins whatever its specificity, so `--mode page` on the command line beats
`RPA_SANDBOX_MODE=api`. A portal's settings are resolved once (`Settings.portal`) into a
`PortalConfig` that the engine passes around; nothing reads a lower layer at the point of use.
Python callers that build or copy a `Settings` object count as the command line.

The config file is `$RPA_CONFIG`, else `./rpa.yaml`, else `~/.config/rpa/config.yaml`:

    runs_dir: /var/lib/rpa/runs
    portals:                      # how this deployment reaches each portal
      clearinghouse: {url: https://..., max_sessions: 2, min_interval_ms: 500}
    payers:                       # facts about each payer
      summit: {filing_limit_days: 90}

It never holds secrets: credentials come from `rpa.core.credentials`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from rpa.core.errors import ConfigError

Mode = Literal["auto", "page", "api"]
TraceMode = Literal["retries", "always", "off"]


class Layer(IntEnum):
    DEFAULT = 0
    DECLARED = 1
    CONFIG = 2
    CONFIG_PORTAL = 3
    ENVIRONMENT = 4
    ENVIRONMENT_PORTAL = 5
    COMMAND_LINE = 6


class RetrySettings(BaseModel):
    """Transient errors are retried with exponential backoff and jitter, up to `attempts` tries."""

    model_config = ConfigDict(extra="forbid")

    attempts: int = Field(4, ge=1, le=20)
    initial_s: float = Field(0.5, ge=0)
    max_s: float = Field(8.0, ge=0)
    jitter_s: float = Field(0.5, ge=0)


class PortalSettings(BaseModel):
    """A deployment's overrides for one portal: where it is and how hard it may be used."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = None
    max_sessions: int | None = Field(None, ge=1)
    min_interval_ms: int | None = Field(None, ge=0)
    max_requests_per_minute: int | None = Field(None, ge=1)
    mode: Mode | None = None
    retry: RetrySettings | None = None


class PayerSettings(BaseModel):
    """A deployment's facts about one payer (the portal that serves it is configured apart)."""

    model_config = ConfigDict(extra="forbid")

    filing_limit_days: int | None = Field(None, ge=1)

    @model_validator(mode="before")
    @classmethod
    def _connection_settings_belong_to_the_portal(cls, data: Any) -> Any:
        moved = sorted(set(data) & set(PortalSettings.model_fields)) if isinstance(data, dict) else []
        if moved:
            raise ValueError(f"{', '.join(moved)} belong under portals.<portal id>, not payers")
        return data


@dataclass(frozen=True)
class PortalLimits:
    """What a portal tolerates per credential, as its flow declares it; a deployment may override."""

    max_sessions: int = 1
    min_interval_ms: int = 0
    max_requests_per_minute: int | None = None
    sign_ins_at_once: int = 1
    """How many sessions may sign in side by side once a sign-in has proven the password; 1 (the
    cautious default) signs in one at a time."""


@dataclass(frozen=True)
class PortalConfig:
    """One portal's settings after every layer was applied: what the engine uses."""

    portal: str
    url: str | None
    max_sessions: int
    sessions: int
    min_interval_ms: int
    max_requests_per_minute: int | None
    mode: Mode
    retry: RetrySettings


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    runs_dir: Path = Path("runs")
    state_dir: Path = Field(default_factory=lambda: default_state_dir())
    sessions: int | None = Field(None, ge=1, description="sessions per credential; default: the portal's limit")
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
        None, ge=1, description="sign-ins per credential in 10 minutes before the portal stops; default max(12, 3 x sessions)"
    )
    borrow_wait_s: float = Field(
        60.0, ge=0, description="how long a one-off lookup waits to borrow a session when other runs use them all"
    )
    layout_settle_ms: int = Field(
        3000, ge=0, description="how long a page must be quiet before a missing element is a layout error (0: never)"
    )
    layout_errors_to_stop: int = Field(3, ge=1, description="items in a row with a layout error before the portal stops")
    recycle_page_after: int = Field(15, ge=1, description="items per browser tab before a fresh one (renderer memory)")
    recycle_context_after: int = Field(500, ge=1, description="items per browser context before a fresh one")
    portals: dict[str, PortalSettings] = Field(default_factory=dict)
    payers: dict[str, PayerSettings] = Field(default_factory=dict)

    _origins: dict[str, tuple[Layer, Any]] = PrivateAttr(default_factory=dict)

    def layer_of(self, name: str) -> Layer:
        """The layer a global setting's current value came from."""
        value = getattr(self, name)
        origin = self._origins.get(name)
        if origin is not None and origin[1] == value:
            return origin[0]
        return Layer.COMMAND_LINE if name in self.model_fields_set else Layer.DEFAULT

    def portal(self, portal_id: str, declared: PortalLimits) -> PortalConfig:
        """Every layer applied, once, for one portal."""
        configured = self.portals.get(portal_id) or PortalSettings()
        environment = _portal_environment(portal_id)

        def pick(name: str, declared_value: Any = None, global_name: str | None = None) -> Any:
            candidates = [(Layer.DECLARED, declared_value)]
            if global_name is not None:
                candidates.append((self.layer_of(global_name), getattr(self, global_name)))
            candidates += [
                (Layer.CONFIG_PORTAL, getattr(configured, name)),
                (Layer.ENVIRONMENT_PORTAL, getattr(environment, name)),
            ]
            present = [(layer, value) for layer, value in candidates if value is not None]
            return max(present, key=lambda pair: pair[0])[1] if present else None

        max_sessions = pick("max_sessions", declared.max_sessions)
        return PortalConfig(
            portal=portal_id,
            url=pick("url"),
            max_sessions=max_sessions,
            sessions=min(self.sessions or max_sessions, max_sessions),
            min_interval_ms=pick("min_interval_ms", declared.min_interval_ms),
            max_requests_per_minute=pick("max_requests_per_minute", declared.max_requests_per_minute),
            mode=pick("mode", global_name="mode"),
            retry=pick("retry", global_name="retry"),
        )

    def payer(self, payer_id: str) -> PayerSettings:
        """A payer's facts: config file, then `RPA_<PAYER>_FILING_LIMIT_DAYS`."""
        configured = self.payers.get(payer_id, PayerSettings())
        value = os.environ.get(_prefix(payer_id) + "FILING_LIMIT_DAYS")
        if not value:
            return configured
        try:
            return configured.model_copy(update={"filing_limit_days": PayerSettings(filing_limit_days=value).filing_limit_days})
        except ValidationError as error:
            raise ConfigError(f"environment {_prefix(payer_id)}FILING_LIMIT_DAYS: {_describe(error)}") from None


ENVIRONMENT = {
    "RPA_RUNS_DIR": "runs_dir",
    "RPA_STATE_DIR": "state_dir",
    "RPA_SESSIONS": "sessions",
    "RPA_MODE": "mode",
    "RPA_TRACE": "trace",
    "RPA_HEADLESS": "headless",
}
PORTAL_ENVIRONMENT = {
    "URL": "url",
    "MAX_SESSIONS": "max_sessions",
    "MIN_INTERVAL_MS": "min_interval_ms",
    "MAX_RPM": "max_requests_per_minute",
    "MODE": "mode",
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
    """The global settings: defaults < config file < environment < command line (None: not given)."""
    layers: list[tuple[Layer, dict[str, Any]]] = []
    path = config_path()
    if path is not None:
        layers.append((Layer.CONFIG, _read_config(path)))
    layers.append((Layer.ENVIRONMENT, {name: os.environ[env] for env, name in ENVIRONMENT.items() if os.environ.get(env)}))
    layers.append((Layer.COMMAND_LINE, {name: value for name, value in command_line.items() if value is not None}))
    data: dict[str, Any] = {}
    for _, values in layers:
        data.update(values)
    try:
        settings = Settings(**data)
    except ValidationError as error:
        where = f"config file {path}" if path else "settings"
        raise ConfigError(f"{where}: {_describe(error)}") from None
    for layer, values in layers:
        for name in values:
            settings._origins[name] = (layer, getattr(settings, name))
    return settings


def _read_config(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(f"config file {path} (from RPA_CONFIG) does not exist")
    try:
        loaded = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        raise ConfigError(f"config file {path} is not valid YAML: {error}") from None
    if not isinstance(loaded, dict):
        raise ConfigError(f"config file {path} must be a mapping of settings")
    return loaded


def _portal_environment(portal_id: str) -> PortalSettings:
    prefix = _prefix(portal_id)
    values = {name: os.environ[prefix + env] for env, name in PORTAL_ENVIRONMENT.items() if os.environ.get(prefix + env)}
    try:
        return PortalSettings(**values)
    except ValidationError as error:
        raise ConfigError(f"environment {prefix}*: {_describe(error)}") from None


def _prefix(identifier: str) -> str:
    return f"RPA_{identifier.upper().replace('-', '_')}_"


def _describe(error: ValidationError) -> str:
    problem = error.errors()[0]
    location = ".".join(str(part) for part in problem["loc"])
    return f"{location}: {problem['msg']}"
