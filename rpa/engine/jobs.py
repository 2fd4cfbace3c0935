"""The tool's operations as plain Python calls: what the CLI does, a notebook can do too."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TypeVar

from rpa.core import locks
from rpa.core.errors import InputError
from rpa.core.models import Task
from rpa.core.queries import ClaimStatusQuery, EligibilityQuery, Query
from rpa.core.results import Result
from rpa.core.settings import Layer, PortalSettings, Settings, load_settings
from rpa.core.worklist import WorkItem, Worklist, load_worklist
from rpa.engine.run import RunSummary, close_unusable, execute, prepare_resume, start_run
from rpa.payers.cases import CaseResult
from rpa.runs.manifest import Manifest
from rpa.runs.store import RunStore

T = TypeVar("T")
RESUMED_SETTINGS = ("sessions", "mode", "trace", "phi_in_logs")
"""What a resume takes from the run's first attempt unless told otherwise."""


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run the engine's coroutine to the end, also from code that already has an event loop
    running (a notebook, a sync Playwright session): then in a worker thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rpa-run") as pool:
        return pool.submit(asyncio.run, coroutine).result()


def run_worklist(
    path: Path | str,
    *,
    task: Task | str | None = None,
    payer: str | None = None,
    settings: Settings | None = None,
    wait: bool = False,
    on_start: Callable[[RunStore, list[WorkItem]], None] | None = None,
    on_result: Callable[[Result], None] | None = None,
    on_wait: Callable[[dict], None] | None = None,
    verbose: bool = False,
    broker: str | None = None,
) -> RunSummary:
    """Validate a worklist, run every good row, and return the run's summary.

    Raises RunInProgress when another process is working on the same worklist (same content),
    unless `wait`, which waits for it to finish first. With `broker` (a Redis URL), `rpa worker`
    processes look the items up and this process writes the run folder (rpa/distributed).
    """
    settings = settings or load_settings()
    worklist = load_worklist(Path(path), task=Task(task) if task else None, default_payer=payer)
    arguments = {
        "worklist": str(path),
        "task": worklist.task.value,
        "payer": payer,
        **{name: getattr(settings, name) for name in RESUMED_SETTINGS},
        **_broker_argument(broker),
    }
    with ExitStack() as held:
        worklist_lock = locks.acquire(
            Path(settings.state_dir) / "locks",
            locks.worklist_key(worklist.digest),
            what=f"the worklist {path}",
            wait=wait,
            on_wait=on_wait,
        )
        held.callback(worklist_lock.release)
        store, items = start_run(worklist, settings, command="run", arguments=arguments)
        worklist_lock.describe(run_id=store.run_id)
        held.callback(locks.acquire(store.path, locks.RUN_LOCK, what=f"run {store.run_id}", run_id=store.run_id).release)
        if not items:
            raise close_unusable(store)
        if on_start is not None:
            on_start(store, items)
        return _execute(store, items, settings, broker, on_result=on_result, verbose=verbose)


def resume_run(
    run: str | Path,
    *,
    settings: Settings | None = None,
    wait: bool = False,
    on_start: Callable[[RunStore, list[WorkItem]], None] | None = None,
    on_result: Callable[[Result], None] | None = None,
    on_wait: Callable[[dict], None] | None = None,
    verbose: bool = False,
    broker: str | None = None,
) -> RunSummary:
    """Finish an interrupted or stopped run: only items without a result run again, with the
    arguments the run was started with unless `settings` says otherwise (a command line that
    names them). Raises RunInProgress while another process works on the run or its worklist.
    With `broker`, workers look the items up (a run started in-process may resume on workers
    and the other way round)."""
    settings = settings or load_settings()
    store = RunStore.open(run, settings.runs_dir)
    with ExitStack() as held:
        what = f"run {store.run_id}"
        held.callback(
            locks.acquire(store.path, locks.RUN_LOCK, what=what, wait=wait, on_wait=on_wait, run_id=store.run_id).release
        )
        manifest = store.manifest()
        if manifest.worklist is not None and manifest.worklist.digest:
            key = locks.worklist_key(manifest.worklist.digest)
            lock = locks.acquire(
                Path(settings.state_dir) / "locks", key, what=f"the worklist of {what}", wait=wait, on_wait=on_wait
            )
            lock.describe(run_id=store.run_id)
            held.callback(lock.release)
        settings = resumed_settings(settings, manifest)
        arguments = {name: getattr(settings, name) for name in RESUMED_SETTINGS}
        items = prepare_resume(store, {**arguments, **_broker_argument(broker)})
        if on_start is not None:
            on_start(store, items)
        return _execute(store, items, settings, broker, on_result=on_result, verbose=verbose)


def _execute(
    store: RunStore,
    items: list[WorkItem],
    settings: Settings,
    broker: str | None,
    *,
    on_result: Callable[[Result], None] | None,
    verbose: bool,
) -> RunSummary:
    """In this process, or on the broker's workers."""
    if broker:
        from rpa.distributed.coordinator import execute_distributed

        return execute_distributed(store, items, settings, broker, on_result=on_result, verbose=verbose)
    return run_async(execute(store, items, settings, on_result=on_result, verbose=verbose))


def _broker_argument(broker: str | None) -> dict[str, str]:
    """The broker as a run's arguments record it: without its password."""
    if not broker:
        return {}
    from rpa.distributed.broker import redacted

    return {"broker": redacted(broker)}


def resumed_settings(settings: Settings, manifest: Manifest) -> Settings:
    """The run's own arguments and each portal's settings as the run first resolved them, below
    whatever this resume's command line (or Python caller) sets explicitly."""
    original = manifest.attempts[0] if manifest.attempts else None
    if original is None:
        return settings
    updates: dict[str, Any] = {
        name: original.arguments[name]
        for name in RESUMED_SETTINGS
        if name in original.arguments and settings.layer_of(name) < Layer.COMMAND_LINE
    }
    portals = dict(settings.portals)
    for portal_id, recorded in original.portals.items():
        configured = portals.get(portal_id) or PortalSettings()
        first = {
            "max_sessions": recorded.get("sessions"),
            "mode": recorded.get("mode"),
            "min_interval_ms": recorded.get("min_interval_ms"),
            "max_requests_per_minute": recorded.get("max_requests_per_minute"),
        }
        portals[portal_id] = configured.model_copy(update={key: value for key, value in first.items() if value is not None})
    return settings.model_copy(update={**updates, "portals": portals})


def lookup(
    query: Query,
    *,
    settings: Settings | None = None,
    on_start: Callable[[RunStore, list[WorkItem]], None] | None = None,
    verbose: bool = False,
) -> tuple[Result | None, RunSummary]:
    """One query, recorded as a run of one item (every portal access leaves an audit trail);
    `on_start` is told the run's folder before the portal is asked (the console shows progress)."""
    settings = settings or load_settings()
    if settings.sessions is None:
        settings = settings.model_copy(update={"sessions": 1})
    worklist = Worklist(path=None, task=query.task, items=[WorkItem(row_number=1, query=query)])
    arguments = {"query": query.model_dump(mode="json", exclude={"task", "extra"}), "mode": settings.mode}
    store, items = start_run(worklist, settings, command="lookup", arguments=arguments)
    if not items:
        rejects = store.rejects()
        raise InputError(f"{rejects[0]['field']}: {rejects[0]['reason']}" if rejects else "the query was rejected")
    if on_start is not None:
        on_start(store, items)
    summary = run_async(execute(store, items, settings, verbose=verbose))
    results = store.results()
    return (results[0] if results else None), summary


def lookup_claim(payer: str, *, settings: Settings | None = None, **fields: Any) -> tuple[Result | None, RunSummary]:
    return lookup(ClaimStatusQuery(payer=payer, **fields), settings=settings)


def lookup_eligibility(payer: str, *, settings: Settings | None = None, **fields: Any) -> tuple[Result | None, RunSummary]:
    return lookup(EligibilityQuery(payer=payer, **fields), settings=settings)


def run_test_cases(portal: str, *, settings: Settings | None = None) -> tuple[list[CaseResult], list[RunSummary]]:
    """Run a flow's declared test cases (`cases.yaml`) against its configured portal, one run per
    task, and compare every answer with what the case expects."""
    from rpa.payers.cases import compare, load_cases
    from rpa.payers.registry import get_portal

    flow = get_portal(portal)
    settings = settings or load_settings()
    if settings.sessions is None:  # a handful of cases: one session, so no second sign-in is needed
        settings = settings.model_copy(update={"sessions": 1})
    cases = load_cases(flow.file_beside(flow.test_cases))
    outcomes: list[CaseResult] = []
    summaries: list[RunSummary] = []
    for task in dict.fromkeys(case.query.task for case in cases):
        chosen = [case for case in cases if case.query.task == task]
        items = [WorkItem(row_number=index + 1, query=case.query) for index, case in enumerate(chosen)]
        worklist = Worklist(path=None, task=task, items=items)
        store, runnable = start_run(worklist, settings, command="payers test", arguments={"portal": flow.portal_id})
        if not runnable:
            raise InputError(f"{flow.portal_id}: no case could run: {store.rejects()[0]['reason'] if store.rejects() else ''}")
        summaries.append(run_async(execute(store, runnable, settings)))
        results = {result.item_id: result for result in store.results()}
        for case, item in zip(chosen, items):
            result = results.get(item.item_id)
            if result is None:
                outcomes.append(compare(case, "pending", None, "the portal stopped before this case ran"))
                continue
            error = result.error.message if result.error else None
            outcomes.append(compare(case, result.outcome.value, result.answer, error))
    return outcomes, summaries
