"""Reading run folders back for the supervisor: what ran, what failed, why, with evidence.

Everything here reads only the run folder (manifest, results, rejects), so a run can be reviewed
on another machine, or after the tool that made it has changed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from rpa.core.models import Outcome
from rpa.core.results import Result
from rpa.runs.store import MANIFEST, RunStore

UNANSWERED = (Outcome.FAILED, Outcome.NEEDS_HUMAN)


@dataclass
class RunOverview:
    run_id: str
    path: Path
    started_at: str
    task: str
    command: str
    payers: list[str]
    items: int
    counts: dict[str, int]
    duration_s: float | None
    status: str
    exit_code: int | None

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "path": str(self.path)}


RESUMABLE = ("stopped", "interrupted")


def list_runs(
    runs_dir: Path,
    *,
    since: date | None = None,
    until: date | None = None,
    payer: str | None = None,
    status: str | None = None,
    limit: int | None = None,
) -> list[RunOverview]:
    """Runs under `runs_dir`, newest first, filtered by start date (both ends inclusive), payer and status."""
    runs_dir = Path(runs_dir)
    if not runs_dir.is_dir():
        return []
    overviews = []
    for folder in sorted((p for p in runs_dir.iterdir() if (p / MANIFEST).is_file()), reverse=True):
        overview = overview_of(RunStore(folder))
        if since and overview.started_at[:10] < since.isoformat():
            continue
        if until and overview.started_at[:10] > until.isoformat():
            continue
        if payer and payer not in overview.payers:
            continue
        if status and overview.status != status:
            continue
        overviews.append(overview)
        if limit and len(overviews) >= limit:
            break
    return overviews


def overview_of(store: RunStore) -> RunOverview:
    manifest = store.manifest()
    counts = dict(manifest.counts)
    status = manifest.status.value
    if status == "running" and not store.owner_alive():
        status = "interrupted"
        counts.update(store.outcome_counts())
        counts["pending"] = len(store.pending())
    return RunOverview(
        run_id=store.run_id,
        path=store.path,
        started_at=manifest.model_dump(mode="json")["started_at"],
        task=manifest.task.value,
        command=manifest.command,
        payers=manifest.payers,
        items=counts.get("items", 0),
        counts=counts,
        duration_s=manifest.duration_s,
        status=status,
        exit_code=manifest.exit_code,
    )


def run_details(store: RunStore, *, slowest: int = 5) -> dict[str, Any]:
    """The supervisor's view of one run: summary, payers, failures by reason, retries, slow items."""
    results = store.results()
    manifest = store.manifest()
    reasons: Counter = Counter()
    for result in results:
        if result.outcome in UNANSWERED and result.error:
            reasons[(result.outcome.value, result.error.kind, _reason_key(result.error.message))] += 1
    rejects = store.rejects()
    return {
        "overview": overview_of(store).as_dict(),
        "manifest": manifest.model_dump(mode="json"),
        "per_payer": per_payer(results),
        "failures_by_reason": [
            {"outcome": outcome, "kind": kind, "reason": reason, "count": count}
            for (outcome, kind, reason), count in reasons.most_common()
        ],
        "retries": retry_stats(results, manifest.stats.as_dict()),
        "stopped": [stop.model_dump(mode="json") for stop in manifest.stopped],
        "history": history(store),
        "per_worker": per_worker(manifest),
        "resume": f"rpa run --resume {store.run_id}" if overview_of(store).status in RESUMABLE else None,
        "slowest": [_item_brief(result) for result in sorted(results, key=lambda r: r.duration_ms, reverse=True)[:slowest]],
        "rejects_by_reason": [
            {"field": field, "reason": reason, "count": count}
            for (field, reason), count in Counter((r["field"], _reason_key(r["reason"])) for r in rejects).most_common()
        ],
        "rejects": rejects,
    }


def per_worker(manifest) -> list[dict[str, Any]]:
    """A run on a broker: what each `rpa worker` answered and how fast (items a minute while busy)."""
    return [
        {"worker": name, "host": count.host, "items": count.items, "outcomes": count.outcomes,
         "busy_s": count.busy_s, "items_per_min": count.items_per_min}
        for name, count in manifest.workers.items()
    ]  # fmt: skip


def history(store: RunStore) -> list[dict[str, Any]]:
    """Every attempt at the run (the first run and each resume), oldest first: a timeline in
    which an interruption, a stop, a storm of sign-ins or a renewal stays visible after the
    resume that finished the run."""
    rows = []
    for number, attempt in enumerate(store.manifest().attempts, start=1):
        data = attempt.model_dump(mode="json")
        stats = attempt.stats
        rows.append(
            {
                "attempt": number,
                "command": attempt.command,
                "started_at": data["started_at"],
                "finished_at": data["finished_at"],
                "status": attempt.status.value,
                "exit_code": attempt.exit_code,
                "interrupted_by": attempt.interrupted_by,
                "pending_at_start": attempt.pending_at_start,
                "answered": attempt.answered,
                "arguments": {key: value for key, value in attempt.arguments.items() if key in ("sessions", "mode")},
                "portals": data["portals"],
                "stopped": data["stopped"],
                "retries": stats.retries,
                "sign_ins": sum(stats.sign_in_attempts.values()),
                "session_renewals": stats.session_renewals,
                "circuit_opened": stats.circuit_opened,
                "dialogs": sum(stats.dialogs.values()),
                "duration_s": attempt.duration_s,
            }
        )
    return rows


def per_payer(results: list[Result]) -> dict[str, dict[str, Any]]:
    """Outcomes, retries and timing per payer: one slow or failing portal stands out."""
    by_payer: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        by_payer[result.payer].append(result)
    table = {}
    for payer, payer_results in sorted(by_payer.items()):
        counts = Counter(result.outcome.value for result in payer_results)
        durations = sorted(result.duration_ms for result in payer_results)
        table[payer] = {
            "items": len(payer_results),
            **{outcome.value: counts.get(outcome.value, 0) for outcome in Outcome if outcome is not Outcome.REJECTED},
            "retries": sum(max(result.attempts - 1, 0) for result in payer_results),
            "median_ms": durations[len(durations) // 2],
            "p95_ms": durations[min(len(durations) - 1, int(len(durations) * 0.95))],
        }
    return table


def retry_stats(results: list[Result], stats: dict[str, Any]) -> dict[str, Any]:
    """What retrying cost: the engine's counters from the manifest plus attempts per item."""
    attempts = Counter(result.attempts for result in results)
    return {
        "total": stats.get("retries", sum(max(result.attempts - 1, 0) for result in results)),
        "by_reason": stats.get("retries_by_reason", {}),
        "items_retried": sum(1 for result in results if result.attempts > 1),
        "recovered": sum(1 for result in results if result.attempts > 1 and result.outcome not in UNANSWERED),
        "attempts": {str(count): attempts[count] for count in sorted(attempts)},
        "sign_in_attempts": sum((stats.get("sign_in_attempts") or {}).values()),
        "session_renewals": stats.get("session_renewals", 0),
        "api_fallbacks": stats.get("api_fallbacks", 0),
        "circuit_opened": stats.get("circuit_opened", []),
    }


def unanswered_items(store: RunStore) -> list[dict[str, Any]]:
    """Failed and needs-human items with their error and evidence paths."""
    return [
        {**_item_brief(result), "error": result.error.model_dump() if result.error else None, "evidence": result.evidence}
        for result in store.results()
        if result.outcome in UNANSWERED
    ]


def _item_brief(result: Result) -> dict[str, Any]:
    query = result.query
    reference = query.get("claim_number") or query.get("member_id") or ""
    return {
        "item_id": result.item_id,
        "row_number": result.row_number,
        "payer": result.payer,
        "reference": reference,
        "outcome": result.outcome.value,
        "attempts": result.attempts,
        "duration_ms": result.duration_ms,
        "finished_at": result.model_dump(mode="json")["finished_at"],
    }


def _reason_key(message: str) -> str:
    """Group messages that differ only in numbers and quoted values."""
    return re.sub(r"\d+", "N", re.sub(r"'[^']*'", "'…'", message))[:160]
