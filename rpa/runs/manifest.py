"""The run's manifest (`manifest.json`): the contract `runs show`, the report and `--resume` read.

One typed model, written in one place (`RunStore`), so every reader sees the same fields with
the same meaning: what was run and how, its status and exit code, the counts, every stop with
its fix, the engine's counters, and the history of every attempt (the first run and each
resume: when, by which process, with which arguments and portal settings, how it ended, what
stopped it and what it cost), so an interruption is never hidden by the resume that followed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, model_validator

from rpa.core.models import Task

UtcTime = Annotated[
    datetime, PlainSerializer(lambda moment: moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), return_type=str)
]


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class RunStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    STOPPED = "stopped"
    """A portal stopped (authentication, CAPTCHA, down, configuration): items left pending."""
    INTERRUPTED = "interrupted"
    REJECTED = "rejected"
    """No row of the worklist was usable; nothing was looked up."""


class StopKind(StrEnum):
    AUTHENTICATION = "authentication"
    NEEDS_HUMAN = "needs_human"
    PORTAL_DOWN = "portal_down"
    SIGN_IN_STORM = "sign_in_storm"
    CONFIG = "config"
    LAYOUT = "layout"
    """The portal's pages no longer have an element the selector map names (several items in a row)."""
    RATE_LIMITED = "rate_limited"
    """The portal kept answering "too many requests" however long the engine waited."""
    SESSIONS_BUSY = "sessions_busy"
    """Every session the credential may have is in use by other processes (a lookup could not borrow one)."""


class PortalStop(BaseModel):
    """A portal that stopped before its items were done: its items stay pending for `--resume`."""

    model_config = ConfigDict(extra="ignore")

    portal: str
    payers: list[str] = Field(default_factory=list)
    kind: StopKind
    message: str
    fix: str
    evidence: list[str] = Field(default_factory=list)
    """What the portal showed when it stopped (a CAPTCHA's screenshot), relative to the run folder."""

    @model_validator(mode="before")
    @classmethod
    def _from_payer_stop(cls, data: Any) -> Any:
        """Manifests written before portals were a noun named the stop's payer alone."""
        if isinstance(data, dict) and "portal" not in data and "payer" in data:
            return {**data, "portal": data["payer"], "payers": [data["payer"]]}
        return data


class WorklistInfo(BaseModel):
    path: str | None = None
    digest: str | None = None
    encoding: str | None = None
    rows: int = 0


class RunStats(BaseModel):
    """The engine's counters, in Scrapy's `retry/reason_count` spirit; summed over resumes."""

    model_config = ConfigDict(extra="allow")

    retries_by_reason: dict[str, int] = Field(default_factory=dict)
    sign_in_attempts: dict[str, int] = Field(default_factory=dict)
    session_renewals: int = 0
    api_fallbacks: int = 0
    circuit_opened: list[str] = Field(default_factory=list)
    browser_launches: int = 0
    dialogs: dict[str, int] = Field(default_factory=dict)
    """JavaScript dialogs answered, by `<type>/<answer>`."""
    rate_limited: dict[str, int] = Field(default_factory=dict)
    """429s (too many requests) the portal answered, by portal; waited out, never failures."""
    rate_limited_wait_s: float = 0.0
    layout_errors: dict[str, int] = Field(default_factory=dict)
    """Expected elements missing from settled pages, by selector-map key."""

    @property
    def retries(self) -> int:
        return sum(self.retries_by_reason.values())

    def count(self, table: str, key: str) -> None:
        counts = getattr(self, table)
        counts[key] = counts.get(key, 0) + 1

    def plus(self, other: RunStats) -> RunStats:
        """These counters and `other`'s together (a resumed run reports its whole history)."""

        def summed(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
            return {key: a.get(key, 0) + b.get(key, 0) for key in {**a, **b}}

        return RunStats(
            retries_by_reason=summed(self.retries_by_reason, other.retries_by_reason),
            sign_in_attempts=summed(self.sign_in_attempts, other.sign_in_attempts),
            session_renewals=self.session_renewals + other.session_renewals,
            api_fallbacks=self.api_fallbacks + other.api_fallbacks,
            circuit_opened=[*self.circuit_opened, *other.circuit_opened],
            browser_launches=self.browser_launches + other.browser_launches,
            dialogs=summed(self.dialogs, other.dialogs),
            rate_limited=summed(self.rate_limited, other.rate_limited),
            rate_limited_wait_s=round(self.rate_limited_wait_s + other.rate_limited_wait_s, 1),
            layout_errors=summed(self.layout_errors, other.layout_errors),
        )

    def as_dict(self) -> dict[str, Any]:
        return {**self.model_dump(mode="json"), "retries": self.retries}


class WorkerCount(BaseModel):
    """What one `rpa worker` answered for a run (a run on a broker): from the results it sent."""

    model_config = ConfigDict(extra="allow")

    host: str | None = None
    pid: int | None = None
    items: int = 0
    outcomes: dict[str, int] = Field(default_factory=dict)
    busy_s: float = 0.0
    """From its first item's start to its last item's end, in this attempt (summed over attempts on the run)."""

    @property
    def items_per_min(self) -> float:
        return round(self.items / self.busy_s * 60, 2) if self.busy_s else 0.0


class Attempt(BaseModel):
    """One process's go at the run: the first run, or a resume."""

    model_config = ConfigDict(extra="allow")

    started_at: UtcTime
    finished_at: UtcTime | None = None
    pid: int | None = None
    host: str | None = None
    command: str = "run"
    arguments: dict[str, Any] = Field(default_factory=dict)
    """What this attempt ran with: the arguments it was given, resolved (sessions, mode, ...)."""
    portals: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Each portal's settings as resolved for this attempt (sessions, mode, pacing)."""
    pending_at_start: int = 0
    answered: int = 0
    """Items this attempt finished (found, not found, failed or parked for a person)."""
    status: RunStatus = RunStatus.RUNNING
    exit_code: int | None = None
    stopped: list[PortalStop] = Field(default_factory=list)
    interrupted_by: str | None = None
    """The signal that stopped it (SIGTERM, SIGINT), if one did."""
    stats: RunStats = Field(default_factory=RunStats)
    duration_s: float | None = None
    broker: str | None = None
    """The broker (without its password) when workers looked the items up."""
    workers: dict[str, WorkerCount] = Field(default_factory=dict)
    duplicates_dropped: int = 0
    """Results a worker sent for an item that already had one (a message delivered twice)."""


class Manifest(BaseModel):
    model_config = ConfigDict(extra="allow")

    run_id: str
    task: Task
    started_at: UtcTime
    finished_at: UtcTime | None = None
    status: RunStatus = RunStatus.RUNNING
    pid: int | None = None
    host: str | None = None
    command: str = "run"
    arguments: dict[str, Any] = Field(default_factory=dict)
    worklist: WorklistInfo | None = None
    payers: list[str] = Field(default_factory=list)
    portals: list[str] = Field(default_factory=list)
    versions: dict[str, str] = Field(default_factory=dict)
    settings: dict[str, Any] = Field(default_factory=dict)
    attempts: list[Attempt] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict)
    stopped: list[PortalStop] = Field(default_factory=list)
    """What stopped the latest attempt (each attempt keeps its own in `attempts`)."""
    stats: RunStats = Field(default_factory=RunStats)
    """Every attempt's counters summed."""
    duration_s: float | None = None
    exit_code: int | None = None
    broker: str | None = None
    workers: dict[str, WorkerCount] = Field(default_factory=dict)
    """Every attempt's per-worker counts summed."""

    @property
    def resumes(self) -> int:
        return max(0, len(self.attempts) - 1)

    @property
    def original_arguments(self) -> dict[str, Any]:
        """What the run was first started with (a resume reuses it unless told otherwise)."""
        return self.attempts[0].arguments if self.attempts else self.arguments
