"""A run from start to finish: validated items in, a run folder and a summary out.

worklist -> validate (rows, then payers) -> run store -> one `PayerRun` per payer, in parallel
-> results.csv + manifest + summary. One-off lookups are runs of one item, so every portal
access leaves the same audit trail. Exit codes are for schedulers: 0 every item answered,
1 some items failed, need a human or were rejected, 2 usage or input error, 3 stopped early
(authentication, CAPTCHA, portal down, or interrupted) with items left for `--resume`.
"""

from __future__ import annotations

import asyncio
import os
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import IntEnum
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from rpa.portal.browser import BrowserHost
from rpa.engine.portal_run import PayerRun, PayerStop, RunStats
from rpa.core.errors import ConfigError, InputError
from rpa.core.logs import bind, close_logging, configure_logging, get_logger
from rpa.core.models import Outcome, Task
from rpa.portal.pacing import Pacer
from rpa.payers.setup import no_credentials_fix, no_url_fix, payer_credential, portal_url
from rpa.payers.registry import get_payer, selector_map_for
from rpa.core.results import Result
from rpa.runs.store import RunStore
from rpa.core.settings import Settings
from rpa.core.worklist import Reject, WorkItem, Worklist


class ExitCode(IntEnum):
    OK = 0
    UNANSWERED = 1
    INPUT_ERROR = 2
    STOPPED = 3


@dataclass
class RunSummary:
    run_id: str
    run_dir: Path
    task: str
    items: int
    counts: dict[str, int]
    rejected: int
    pending: int
    stopped: list[PayerStop] = field(default_factory=list)
    exit_code: int = 0
    duration_s: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["run_dir"] = str(self.run_dir)
        return data


def check_payers(items: list[WorkItem], task: Task) -> tuple[list[WorkItem], list[Reject]]:
    """Rows naming an unknown payer, or one without the task, are rejected before anything runs."""
    runnable: list[WorkItem] = []
    rejects: list[Reject] = []
    for item in items:
        try:
            flow = get_payer(item.payer)
        except ConfigError as error:
            rejects.append(Reject(item.row_number, "payer", error.message, _row_of(item)))
            continue
        if task not in flow.tasks:
            reason = f"payer {item.payer!r} does not support {task.value}"
            rejects.append(Reject(item.row_number, "payer", reason, _row_of(item)))
            continue
        runnable.append(item)
    return runnable, rejects


def start_run(
    worklist: Worklist, settings: Settings, *, command: str, arguments: dict[str, Any]
) -> tuple[RunStore, list[WorkItem]]:
    """Create the run folder for a validated worklist; returns the store and the items to run."""
    items, payer_rejects = check_payers(worklist.items, worklist.task)
    rejects = sorted([*worklist.rejects, *payer_rejects], key=lambda reject: reject.row_number)
    manifest = {
        "command": command,
        "arguments": arguments,
        "worklist": {
            "path": str(worklist.path) if worklist.path else None,
            "digest": worklist.digest or None,
            "encoding": worklist.encoding,
            "rows": len(worklist.items) + len(worklist.rejects),
        },
        "payers": sorted({item.payer for item in items}),
        "versions": versions(),
        "settings": {
            "mode": settings.mode,
            "sessions": settings.sessions,
            "retry": settings.retry.model_dump(),
            "circuit_breaker_failures": settings.circuit_breaker_failures,
            "trace": settings.trace,
            "phi_in_logs": settings.phi_in_logs,
        },
        "resumes": [],
    }
    store = RunStore.create(settings.runs_dir, task=worklist.task, items=items, rejects=rejects, manifest=manifest)
    return store, items


async def execute(
    store: RunStore,
    items: list[WorkItem],
    settings: Settings,
    *,
    on_result: Callable[[Result], None] | None = None,
    verbose: bool = False,
) -> RunSummary:
    """Run `items` into `store` and close the run with its summary."""
    started = time.monotonic()
    configure_logging(store.log_path, phi_in_logs=settings.phi_in_logs, verbose=verbose)
    bind(run_id=store.run_id)
    log = get_logger()
    log.info("run_started", items=len(items), payers=sorted({item.payer for item in items}))
    stats = RunStats()
    stops: list[PayerStop] = []
    status = "completed"
    try:
        async with BrowserHost(headless=settings.headless) as host:
            runs = []
            for payer_id, payer_items in _by_payer(items).items():
                payer_run, stop = _payer_run(payer_id, settings, host, store, stats, on_result)
                if stop is not None:
                    stops.append(stop)
                    log.error("payer_stopped", payer=payer_id, kind=stop.kind, reason=stop.message, fix=stop.fix)
                else:
                    runs.append(payer_run.run(payer_items))
            outcomes = await asyncio.gather(*runs)
            stops.extend(stop for stop in outcomes if stop is not None)
            stats.browser_launches = host.launches
    except (KeyboardInterrupt, asyncio.CancelledError):
        status = "interrupted"
        raise
    finally:
        summary = finish(store, stops, stats, time.monotonic() - started, status)
        log.info("run_finished", exit_code=summary.exit_code, counts=summary.counts, pending=summary.pending)
        if store.manifest().get("command") != "lookup":  # a one-off answer is on screen; its run is small
            _write_report(store, settings, log)
        close_logging()
    return summary


def _write_report(store: RunStore, settings: Settings, log) -> None:
    """The supervisor's report.html, refreshed at the end of every run and resume (best effort)."""
    from rpa.runs.report import write_report

    try:
        write_report(store, settings)
    except Exception as error:  # a report problem must never cost the run its results
        log.warning("report_failed", problem=f"{type(error).__name__}: {error}"[:300])


def finish(store: RunStore, stops: list[PayerStop], stats: RunStats, duration_s: float, status: str) -> RunSummary:
    store.write_results_csv()
    manifest = store.manifest()
    counts = store.outcome_counts()
    pending = len(store.pending())
    rejected = manifest["counts"].get("rejected", 0)
    if stops or pending or status == "interrupted":
        exit_code = ExitCode.STOPPED
        status = status if status == "interrupted" else "stopped"
    elif counts[Outcome.FAILED] or counts[Outcome.NEEDS_HUMAN] or rejected:
        exit_code = ExitCode.UNANSWERED
    else:
        exit_code = ExitCode.OK
    previous = manifest.get("stats") or {}
    merged_stats = _merge_stats(previous, stats.as_dict()) if manifest.get("resumes") else stats.as_dict()
    total_duration = manifest.get("duration_s", 0) + duration_s if manifest.get("resumes") else duration_s
    store.update_manifest(
        finished_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        status=status,
        exit_code=int(exit_code),
        counts={**manifest["counts"], **counts, "pending": pending},
        stopped=[asdict(stop) for stop in stops],
        stats=merged_stats,
        duration_s=round(total_duration, 3),
    )
    return RunSummary(
        run_id=store.run_id,
        run_dir=store.path,
        task=manifest["task"],
        items=manifest["counts"]["items"],
        counts=counts,
        rejected=rejected,
        pending=pending,
        stopped=stops,
        exit_code=int(exit_code),
        duration_s=round(duration_s, 3),
        stats=merged_stats,
    )


def close_unusable(store: RunStore) -> InputError:
    """A worklist with no usable row: the run folder keeps its rejects, nothing is looked up."""
    rejects = store.rejects()
    store.write_results_csv()
    store.update_manifest(
        finished_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), status="rejected", exit_code=int(ExitCode.INPUT_ERROR)
    )
    first = (
        "; ".join(f"row {r['row_number']} {r['field']}: {r['reason']}" for r in rejects[:3]) or "the worklist has no data rows"
    )
    more = f" (and {len(rejects) - 3} more)" if len(rejects) > 3 else ""
    return InputError(f"no usable rows: {first}{more}. Every row and its reason: {store.path / 'rejects.csv'}")


def prepare_resume(store: RunStore, arguments: dict[str, Any]) -> list[WorkItem]:
    """The items a resumed run still owes; nothing finished is looked up twice."""
    manifest = store.manifest()
    if manifest.get("status") == "running" and store.owner_alive():
        raise InputError(f"run {store.run_id} is still running (pid {manifest['pid']})")
    pending = store.pending()
    resumes = [
        *manifest.get("resumes", []),
        {"started_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "pending": len(pending), "arguments": arguments},
    ]
    store.update_manifest(resumes=resumes, status="running", pid=os.getpid())
    return pending


def versions() -> dict[str, str]:
    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "unknown"

    return {
        "rpa": installed("payer-portal-rpa"),
        "playwright": installed("playwright"),
        "python": platform.python_version(),
    }


def _payer_run(
    payer_id: str,
    settings: Settings,
    host: BrowserHost,
    store: RunStore,
    stats: RunStats,
    on_result: Callable[[Result], None] | None,
) -> tuple[PayerRun | None, PayerStop | None]:
    flow_type = get_payer(payer_id)
    payer_settings = settings.payer(payer_id)
    try:
        base_url = portal_url(flow_type, payer_settings)
    except Exception as error:  # a local portal that failed to start
        return None, PayerStop(payer_id, "config", f"could not start the portal: {error}", "see the log")
    if not base_url:
        return None, PayerStop(payer_id, "config", f"no URL configured for payer {payer_id}", no_url_fix(payer_id))
    credential = payer_credential(flow_type, base_url)
    if credential is None:
        message = f"no credentials configured for payer {payer_id}"
        return None, PayerStop(payer_id, "config", message, no_credentials_fix(payer_id))
    limit = payer_settings.max_sessions or flow_type.limits.max_sessions
    pacer = Pacer(
        payer_settings.min_interval_ms if payer_settings.min_interval_ms is not None else flow_type.limits.min_interval_ms,
        payer_settings.max_requests_per_minute or flow_type.limits.max_requests_per_minute,
    )
    flow = flow_type(base_url, selector_map_for(flow_type))
    run = PayerRun(
        flow=flow,
        credential=credential,
        settings=settings,
        payer_settings=payer_settings,
        host=host,
        run_store=store,
        stats=stats,
        pacer=pacer,
        sessions=min(settings.sessions or limit, limit),
        on_result=on_result,
    )
    return run, None


def _by_payer(items: list[WorkItem]) -> dict[str, list[WorkItem]]:
    grouped: dict[str, list[WorkItem]] = {}
    for item in items:
        grouped.setdefault(item.payer, []).append(item)
    return grouped


def _merge_stats(previous: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    merged = dict(current)
    for key in ("retries_by_reason", "sign_in_attempts"):
        combined = dict(previous.get(key, {}))
        for name, count in current.get(key, {}).items():
            combined[name] = combined.get(name, 0) + count
        merged[key] = combined
    for key in ("retries", "session_renewals", "api_fallbacks", "browser_launches"):
        merged[key] = previous.get(key, 0) + current.get(key, 0)
    merged["circuit_opened"] = [*previous.get("circuit_opened", []), *current.get("circuit_opened", [])]
    return merged


def _row_of(item: WorkItem) -> dict[str, str]:
    return {
        key: "" if value is None else str(value)
        for key, value in item.query.model_dump(mode="json", exclude={"task", "extra"}).items()
    }
