"""A run from start to finish: validated items in, a run folder and a summary out.

worklist -> validate (rows, then payers) -> run store -> one `PortalRun` per portal (all the
payers a portal serves share its credential and session pool), portals in parallel
-> results.csv + manifest + summary. One-off lookups are runs of one item, so every portal
access leaves the same audit trail. Exit codes are for schedulers: 0 every item answered,
1 some items failed, need a human or were rejected, 2 usage or input error, 3 stopped early
(authentication, CAPTCHA, portal down, configuration, or interrupted by SIGTERM or SIGINT)
with items left for `--resume`; 4 another process is already working on this worklist or run
(nothing was looked up).
"""

from __future__ import annotations

import asyncio
import os
import platform
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from rpa.core.errors import ConfigError, InputError
from rpa.core.logs import bind, close_logging, configure_logging, get_logger
from rpa.core.models import Outcome, Task
from rpa.core.results import Result
from rpa.core.settings import PortalConfig, Settings
from rpa.core.worklist import Reject, WorkItem, Worklist
from rpa.engine.portal_run import PortalRun
from rpa.payers.registry import PayerInfo, build_flow, get_payer, get_portal, wording_maps_for
from rpa.payers.setup import no_credentials_fix, no_url_fix, portal_credential, portal_url, unreachable
from rpa.portal.browser import BrowserHost
from rpa.portal.pacing import Pacer
from rpa.runs.manifest import Attempt, PortalStop, RunStats, RunStatus, StopKind, WorklistInfo, utc_now
from rpa.runs.store import RunStore


class ExitCode(IntEnum):
    OK = 0
    UNANSWERED = 1
    INPUT_ERROR = 2
    STOPPED = 3
    BUSY = 4


SIGNALS = (signal.SIGTERM, signal.SIGINT)
KILLED = "its process ended without closing the run (killed or crashed)"


@dataclass
class RunSummary:
    run_id: str
    run_dir: Path
    task: str
    items: int
    counts: dict[str, int]
    rejected: int
    pending: int
    stopped: list[PortalStop] = field(default_factory=list)
    exit_code: int = 0
    duration_s: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def resume_command(self) -> str | None:
        """What finishes this run, when it stopped with items left."""
        return f"rpa run --resume {self.run_id}" if self.exit_code == ExitCode.STOPPED and self.pending else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "run_dir": str(self.run_dir),
            "task": self.task,
            "items": self.items,
            "counts": self.counts,
            "rejected": self.rejected,
            "pending": self.pending,
            "stopped": [stop.model_dump(mode="json") for stop in self.stopped],
            "exit_code": self.exit_code,
            "duration_s": self.duration_s,
            "stats": self.stats,
            "resume": self.resume_command,
        }


def route_items(items: list[WorkItem], task: Task) -> tuple[list[WorkItem], list[Reject]]:
    """Rows naming an unknown payer, or one whose portal lacks the task, are rejected before anything runs."""
    runnable: list[WorkItem] = []
    rejects: list[Reject] = []
    for item in items:
        try:
            info = get_payer(item.payer)
        except ConfigError as error:
            rejects.append(Reject(item.row_number, "payer", error.message, _row_of(item)))
            continue
        if task not in info.flow.tasks:
            reason = f"payer {item.payer!r} (portal {info.portal_id}) does not support {task.value}"
            rejects.append(Reject(item.row_number, "payer", reason, _row_of(item)))
            continue
        problem = info.flow.query_problem(info.payer, item.query) or _unknown_service_type(info, item)
        if problem is not None:
            rejects.append(Reject(item.row_number, problem[0], problem[1], _row_of(item)))
            continue
        runnable.append(item)
    return runnable, rejects


def start_run(
    worklist: Worklist, settings: Settings, *, command: str, arguments: dict[str, Any]
) -> tuple[RunStore, list[WorkItem]]:
    """Create the run folder for a validated worklist; returns the store and the items to run."""
    items, payer_rejects = route_items(worklist.items, worklist.task)
    rejects = sorted([*worklist.rejects, *payer_rejects], key=lambda reject: reject.row_number)
    manifest = {
        "command": command,
        "arguments": arguments,
        "worklist": WorklistInfo(
            path=str(worklist.path) if worklist.path else None,
            digest=worklist.digest or None,
            encoding=worklist.encoding,
            rows=len(worklist.items) + len(worklist.rejects),
        ),
        "payers": sorted({item.payer for item in items}),
        "portals": sorted(_by_portal(items)),
        "versions": versions(),
        "settings": {
            "mode": settings.mode,
            "sessions": settings.sessions,
            "retry": settings.retry.model_dump(),
            "circuit_breaker_failures": settings.circuit_breaker_failures,
            "trace": settings.trace,
            "phi_in_logs": settings.phi_in_logs,
        },
    }
    first = Attempt(
        started_at=utc_now(),
        pid=os.getpid(),
        host=socket.gethostname(),
        command=command,
        arguments=arguments,
        pending_at_start=len(items),
    )
    try:
        store = RunStore.create(
            settings.runs_dir,
            task=worklist.task,
            items=items,
            rejects=rejects,
            manifest={**manifest, "attempts": [first]},
            source=worklist.source,
        )
    except OSError as error:
        raise InputError(f"cannot write run folders under {settings.runs_dir}: {error.strerror or error}") from None
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
    stops: list[PortalStop] = []
    portals: dict[str, dict[str, Any]] = {}
    interrupted: list[str] = []
    status = RunStatus.COMPLETED
    try:
        async with BrowserHost(headless=settings.headless) as host:
            runs: list[tuple[PortalRun, list[WorkItem]]] = []
            for portal_id, portal_items in _by_portal(items).items():
                portal_run, stop, config = _portal_run(portal_id, portal_items, settings, host, store, stats, on_result)
                if config is not None:
                    portals[portal_id] = _recorded(config)
                if stop is not None:
                    stops.append(stop)
                    log.error("portal_stopped", portal=portal_id, kind=stop.kind.value, reason=stop.message, fix=stop.fix)
                else:
                    runs.append((portal_run, portal_items))
            work = asyncio.ensure_future(asyncio.gather(*(run.run(run_items) for run, run_items in runs)))
            restore_signals = _stop_on_signals(work, interrupted, log)
            try:
                await work
            except asyncio.CancelledError:
                if not interrupted:
                    raise
                status = RunStatus.INTERRUPTED
            finally:
                restore_signals()
            stops.extend(run.stop for run, _ in runs if run.stop is not None)
            stats.browser_launches = host.launches
    except (KeyboardInterrupt, asyncio.CancelledError):
        status = RunStatus.INTERRUPTED
        raise
    finally:
        summary = finish(
            store, stops, stats, time.monotonic() - started, status, portals=portals, interrupted_by=next(iter(interrupted), None)
        )
        log.info("run_finished", exit_code=summary.exit_code, counts=summary.counts, pending=summary.pending)
        if store.manifest().command != "lookup":  # a one-off answer is on screen; its run is small
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


def finish(
    store: RunStore,
    stops: list[PortalStop],
    stats: RunStats,
    duration_s: float,
    status: RunStatus,
    *,
    portals: dict[str, dict[str, Any]] | None = None,
    interrupted_by: str | None = None,
) -> RunSummary:
    """Close this attempt: its own record in the history, and the run's totals over every attempt."""
    store.write_results_csv()
    manifest = store.manifest()
    counts = store.outcome_counts()
    pending = len(store.pending())
    rejected = manifest.counts.get("rejected", 0)
    if stops or pending or status == RunStatus.INTERRUPTED:
        exit_code = ExitCode.STOPPED
        status = status if status == RunStatus.INTERRUPTED else RunStatus.STOPPED
    elif counts[Outcome.FAILED] or counts[Outcome.NEEDS_HUMAN] or rejected:
        exit_code = ExitCode.UNANSWERED
    else:
        exit_code = ExitCode.OK
    now = utc_now()
    attempts = list(manifest.attempts) or [
        Attempt(started_at=manifest.started_at, pending_at_start=manifest.counts.get("items", 0))
    ]
    current = attempts[-1]
    attempts[-1] = current.model_copy(
        update={
            "finished_at": now,
            "status": status,
            "exit_code": int(exit_code),
            "stopped": stops,
            "interrupted_by": interrupted_by,
            "stats": stats,
            "duration_s": round(duration_s, 3),
            "answered": current.pending_at_start - pending,
            "portals": portals or current.portals,
        }
    )
    total = RunStats()
    for attempt in attempts:
        total = total.plus(attempt.stats)
    store.update_manifest(
        finished_at=now,
        status=status,
        exit_code=int(exit_code),
        counts={**manifest.counts, **counts, "pending": pending},
        stopped=stops,
        attempts=attempts,
        stats=total,
        duration_s=round(sum(attempt.duration_s or 0 for attempt in attempts), 3),
    )
    return RunSummary(
        run_id=store.run_id,
        run_dir=store.path,
        task=manifest.task.value,
        items=manifest.counts["items"],
        counts=counts,
        rejected=rejected,
        pending=pending,
        stopped=stops,
        exit_code=int(exit_code),
        duration_s=round(duration_s, 3),
        stats=total.as_dict(),
    )


def close_unusable(store: RunStore) -> InputError:
    """A worklist with no usable row: the run folder keeps its rejects, nothing is looked up."""
    rejects = store.rejects()
    store.write_results_csv()
    store.update_manifest(finished_at=utc_now(), status=RunStatus.REJECTED, exit_code=int(ExitCode.INPUT_ERROR))
    first = (
        "; ".join(f"row {r['row_number']} {r['field']}: {r['reason']}" for r in rejects[:3]) or "the worklist has no data rows"
    )
    more = f" (and {len(rejects) - 3} more)" if len(rejects) > 3 else ""
    return InputError(f"no usable rows: {first}{more}. Every row and its reason: {store.path / 'rejects.csv'}")


def prepare_resume(store: RunStore, arguments: dict[str, Any]) -> list[WorkItem]:
    """The items a resumed run still owes (nothing finished is looked up twice), and a new attempt
    in its history. The caller holds the run's lock, so no other process is appending."""
    store.repair()
    manifest = store.manifest()
    pending = store.pending()
    history = [
        attempt
        if attempt.status != RunStatus.RUNNING
        else attempt.model_copy(
            update={
                "status": RunStatus.INTERRUPTED,
                "interrupted_by": KILLED,
                "answered": attempt.pending_at_start - len(pending),
            }
        )
        for attempt in manifest.attempts
    ]
    attempt = Attempt(
        started_at=utc_now(),
        pid=os.getpid(),
        host=socket.gethostname(),
        command="resume",
        arguments=arguments,
        pending_at_start=len(pending),
    )
    store.update_manifest(attempts=[*history, attempt], status=RunStatus.RUNNING, pid=os.getpid(), host=attempt.host)
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


def _portal_run(
    portal_id: str,
    items: list[WorkItem],
    settings: Settings,
    host: BrowserHost,
    store: RunStore,
    stats: RunStats,
    on_result: Callable[[Result], None] | None,
) -> tuple[PortalRun | None, PortalStop | None, PortalConfig | None]:
    flow_type = get_portal(portal_id)
    payers = sorted({item.payer for item in items})
    config: PortalConfig | None = None

    def stop(message: str, fix: str, kind: StopKind = StopKind.CONFIG) -> tuple[None, PortalStop, PortalConfig | None]:
        return None, PortalStop(portal=portal_id, payers=payers, kind=kind, message=message, fix=fix), config

    try:
        config = settings.portal(portal_id, flow_type.limits)
        base_url = portal_url(flow_type, config)
    except ConfigError as error:
        return stop(error.message, "fix the setting named above")
    except Exception as error:  # a local portal that failed to start
        return stop(f"could not start the portal: {error}", "see the log")
    if not base_url:
        return stop(f"no URL configured for portal {portal_id}", no_url_fix(portal_id))
    credential = portal_credential(flow_type, base_url)
    if credential is None:
        problem = unreachable(base_url)
        if problem is not None:
            fix = "check the URL and that the portal is up, then rpa run --resume RUN"
            return stop(f"the portal at {base_url} does not answer ({problem})", fix, StopKind.PORTAL_DOWN)
        return stop(f"no credentials configured for portal {portal_id}", no_credentials_fix(flow_type))
    try:
        flow = build_flow(flow_type, base_url)
    except ConfigError as error:
        return stop(error.message, "fix the file named above, then rpa run --resume RUN")
    run = PortalRun(
        flow=flow,
        credential=credential,
        settings=settings,
        config=config,
        host=host,
        run_store=store,
        stats=stats,
        pacer=Pacer(
            config.min_interval_ms,
            config.max_requests_per_minute,
            shared=settings.state_dir / "pace" / portal_id / f"{credential.key}.json",
        ),
        on_result=on_result,
        interactive=store.manifest().command == "lookup",
    )
    return run, None, config


def _unknown_service_type(info: PayerInfo, item: WorkItem) -> tuple[str, str] | None:
    """An eligibility row asking for a service type its payer's portal does not offer is rejected
    here, not sent to the portal to fail there."""
    service_type = getattr(item.query, "service_type", None)
    known = {str(code) for code in wording_maps_for(info.flow)[info.payer_id].tables.get("service_type", {}).values()}
    if service_type is None or not known or service_type in known:
        return None
    return "service_type", f"{service_type!r} is not a service type {info.portal_id} offers ({', '.join(sorted(known))})"


def _recorded(config: PortalConfig) -> dict[str, Any]:
    """A portal's resolved settings as the run's history keeps them (no URL: it may move)."""
    return {
        "sessions": config.sessions,
        "max_sessions": config.max_sessions,
        "mode": config.mode,
        "min_interval_ms": config.min_interval_ms,
        "max_requests_per_minute": config.max_requests_per_minute,
    }


def _stop_on_signals(work: asyncio.Future, interrupted: list[str], log) -> Callable[[], None]:
    """SIGTERM (systemd, a cron wrapper) and SIGINT (Ctrl-C) stop the run cleanly: items in
    flight are abandoned and stay pending, the manifest and summary are written, exit 3. A
    second signal is not caught: it ends the process at once."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    loop = asyncio.get_running_loop()

    def restore() -> None:
        for number in SIGNALS:
            loop.remove_signal_handler(number)

    def stop(number: signal.Signals) -> None:
        interrupted.append(number.name)
        log.warning("run_interrupted", signal=number.name)
        restore()
        work.cancel()

    for number in SIGNALS:
        loop.add_signal_handler(number, stop, number)
    return restore


def _by_portal(items: list[WorkItem]) -> dict[str, list[WorkItem]]:
    grouped: dict[str, list[WorkItem]] = {}
    for item in items:
        grouped.setdefault(get_payer(item.payer).portal_id, []).append(item)
    return grouped


def _row_of(item: WorkItem) -> dict[str, str]:
    return {
        key: "" if value is None else str(value)
        for key, value in item.query.model_dump(mode="json", exclude={"task", "extra"}).items()
    }
