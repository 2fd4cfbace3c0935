"""One result per work item: the line written to `results.jsonl` (docs/architecture.md, "A run folder")."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from rpa.core.models import Outcome, Task

TERMINAL_OUTCOMES = frozenset(Outcome)


def utc_now() -> datetime:
    return datetime.now(UTC)


class ResultError(BaseModel):
    kind: str
    message: str


class Result(BaseModel):
    model_config = ConfigDict(extra="allow")

    item_id: str
    task: Task
    payer: str
    portal: str | None = None
    """The portal that answered for the payer (a multi-payer portal serves several)."""
    outcome: Outcome
    query: dict[str, Any]
    answer: dict[str, Any] | None = None
    error: ResultError | None = None
    attempts: int = 0
    duration_ms: int = 0
    finished_at: datetime = Field(default_factory=utc_now)
    evidence: list[str] = Field(default_factory=list)
    row_number: int | None = None
    mode: str | None = None
    """How the answer was read: `page` or `api` (null when nothing was looked up)."""

    @field_serializer("finished_at")
    def _utc_z(self, value: datetime) -> str:
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"
