"""`rpa run --broker URL`: the run folder written from what the workers send back.

The coordinator validates and creates the run exactly as an in-process run does (`start_run`),
enqueues one Celery message per pending item (the item and the run's settings, no secret), then
reads the run's Redis stream and, for each result, appends it to `results.jsonl` (fsync) unless
the item already has one there: a message delivered twice, or a result sent again after a
worker died before its acknowledgement, never yields a second line. A stop a worker reports
(refused password, CAPTCHA, portal down, configuration) ends that portal's part of the attempt;
its items stay pending. SIGTERM and SIGINT mark the attempt interrupted (workers drop its queued
messages), write the manifest and exit 3, as in-process. A resume reads the whole stream first
(results of items finished while no coordinator was running are kept), then enqueues only the
items still pending.
"""

from __future__ import annotations

import base64
import json
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import redis

from rpa.core.logs import bind, close_logging, configure_logging, get_logger
from rpa.core.results import Result
from rpa.core.settings import Settings
from rpa.core.worklist import WorkItem
from rpa.distributed.broker import QUEUE, TASK, RunKeys, celery_app, connect, redacted
from rpa.distributed.registry import live_workers
from rpa.engine.run import SIGNALS, RunSummary, _recorded, _write_report, finish
from rpa.payers.registry import get_payer, get_portal
from rpa.runs.manifest import PortalStop, RunStats, RunStatus, WorkerCount
from rpa.runs.store import ARTIFACTS, RunStore

READ_BLOCK_MS = 1000
NO_WORKERS_SAY_EVERY_S = 60
KEEP_UNFINISHED_S = 14 * 86_400
"""How long Redis keeps an unfinished run's stream (for `--resume`)."""


def execute_distributed(
    store: RunStore,
    items: list[WorkItem],
    settings: Settings,
    broker_url: str,
    *,
    on_result: Callable[[Result], None] | None = None,
    verbose: bool = False,
) -> RunSummary:
    started = time.monotonic()
    configure_logging(store.log_path, phi_in_logs=settings.phi_in_logs, verbose=verbose)
    bind(run_id=store.run_id)
    log = get_logger()
    client = connect(broker_url)
    keys = RunKeys(store.run_id)
    attempt = max(1, len(store.manifest().attempts))
    client.set(keys.attempt, attempt)
    log.info("run_started", items=len(items), broker=redacted(broker_url), attempt=attempt)
    collector = Collector(store, client, keys, on_result, log)
    stops: dict[str, PortalStop] = {}
    portals = _portals(items, settings)
    interrupted: list[str] = []
    status = RunStatus.COMPLETED
    restore = _catch_signals(interrupted, log)
    try:
        collector.drain(stops, block_ms=None)  # a resume: what workers finished meanwhile
        outstanding = {item.item_id: item for item in items if item.item_id not in collector.written}
        _enqueue(broker_url, store.run_id, attempt, list(outstanding.values()), settings)
        log.info("items_enqueued", items=len(outstanding))
        quiet_since = time.monotonic()
        while outstanding and not interrupted:
            for item_id in collector.drain(stops, block_ms=READ_BLOCK_MS):
                outstanding.pop(item_id, None)
                quiet_since = time.monotonic()
            for stop in stops.values():
                for item_id in [i for i, item in outstanding.items() if _portal_of(item) == stop.portal]:
                    outstanding.pop(item_id)
            if time.monotonic() - quiet_since > NO_WORKERS_SAY_EVERY_S:
                quiet_since = time.monotonic()
                log.warning("waiting_for_workers", live=len(live_workers(client)), outstanding=len(outstanding))
        if interrupted:
            client.sadd(keys.cancelled, attempt)
            status = RunStatus.INTERRUPTED
        else:
            collector.drain(stops, block_ms=None)
    finally:
        restore()
        stats = collector.stats
        summary = finish(
            store,
            list(stops.values()),
            stats,
            time.monotonic() - started,
            status,
            portals=portals,
            interrupted_by=next(iter(interrupted), None),
        )
        _record_workers(store, collector, redacted(broker_url))
        if summary.pending:
            for key in keys.all(attempt):
                client.expire(key, KEEP_UNFINISHED_S)
        else:
            client.delete(*keys.all(attempt))
        log.info("run_finished", exit_code=summary.exit_code, counts=summary.counts, pending=summary.pending)
        _write_report(store, settings, log)
        close_logging()
    return summary


class Collector:
    """Reads the run's stream from its start and writes each item's first result, once."""

    def __init__(self, store: RunStore, client: redis.Redis, keys: RunKeys, on_result, log):
        self.store = store
        self.client = client
        self.keys = keys
        self.on_result = on_result
        self.log = log
        self.written = {result.item_id for result in store.results()}
        self.last_id = "0"
        self.stats = RunStats()
        self.workers: dict[str, dict[str, Any]] = {}
        self.duplicates = 0

    def drain(self, stops: dict[str, PortalStop], *, block_ms: int | None) -> list[str]:
        """Write what the stream holds past the last entry read; returns the items answered now.
        Without `block_ms`, reads until the stream has nothing more; with it, waits that long once."""
        answered: list[str] = []
        while True:
            batch = self.client.xread({self.keys.events: self.last_id}, count=500, block=block_ms)
            if not batch:
                return answered
            for entry_id, fields in batch[0][1]:
                self.last_id = entry_id
                fields = {key.decode(): value.decode() for key, value in fields.items()}
                if fields["type"] == "stop":
                    stop = PortalStop.model_validate_json(fields["stop"])
                    if stop.portal not in stops:
                        stops[stop.portal] = stop
                        self.log.error("portal_stopped", portal=stop.portal, kind=stop.kind.value, reason=stop.message,
                                       fix=stop.fix, worker=fields["worker"])  # fmt: skip
                elif self._write(fields):
                    answered.append(fields["item"])
            if block_ms is not None:
                return answered

    def _write(self, fields: dict[str, str]) -> bool:
        result = Result.model_validate_json(fields["result"])
        if result.item_id in self.written:
            self.duplicates += 1
            self.log.info("duplicate_result_dropped", item=result.item_id, worker=fields["worker"])
            return False
        self._evidence(json.loads(fields.get("files") or "{}"))
        self.store.append(result)
        self.written.add(result.item_id)
        self.stats = self.stats.plus(RunStats.model_validate(json.loads(fields.get("stats") or "{}")))
        self._tally(fields, result)
        self.log.info("item_finished", item=result.item_id, outcome=result.outcome.value, ms=result.duration_ms,
                      attempts=result.attempts, worker=fields["worker"])  # fmt: skip
        if self.on_result is not None:
            self.on_result(result)
        return True

    def _evidence(self, files: dict[str, str]) -> None:
        """An item's screenshots and trace, under the run's artifacts folder and nowhere else."""
        root = (self.store.path / ARTIFACTS).resolve()
        for relative, encoded in files.items():
            target = (self.store.path / relative).resolve()
            if not target.is_relative_to(root):
                self.log.warning("evidence_refused", path=relative)
                continue
            self.store.artifacts_dir(target.parent.relative_to(root).as_posix())
            target.write_bytes(base64.b64decode(encoded))
            target.chmod(0o600)

    def _tally(self, fields: dict[str, str], result: Result) -> None:
        worker = self.workers.setdefault(
            fields["worker"], {"host": fields.get("host"), "pid": int(fields.get("pid") or 0), "items": 0, "outcomes": {}}
        )
        worker["items"] += 1
        worker["outcomes"][result.outcome.value] = worker["outcomes"].get(result.outcome.value, 0) + 1
        moment = result.finished_at.timestamp()
        worker["first_at"] = min(worker.get("first_at", moment), moment - result.duration_ms / 1000)
        worker["last_at"] = max(worker.get("last_at", moment), moment)


def _record_workers(store: RunStore, collector: Collector, broker: str) -> None:
    """Per-worker counts and busy time on this attempt and, summed, on the run."""
    workers = {
        name: WorkerCount(
            host=data["host"],
            pid=data["pid"],
            items=data["items"],
            outcomes=data["outcomes"],
            busy_s=round(max(0.001, data["last_at"] - data["first_at"]), 3),
        )
        for name, data in sorted(collector.workers.items())
    }
    manifest = store.manifest()
    attempts = list(manifest.attempts)
    if attempts:
        attempts[-1] = attempts[-1].model_copy(
            update={"broker": broker, "workers": workers, "duplicates_dropped": collector.duplicates}
        )
    total: dict[str, WorkerCount] = {}
    for attempt in attempts:
        for name, count in attempt.workers.items():
            into = total.setdefault(name, WorkerCount(host=count.host, pid=count.pid))
            into.items += count.items
            into.busy_s = round(into.busy_s + count.busy_s, 3)
            for outcome, number in count.outcomes.items():
                into.outcomes[outcome] = into.outcomes.get(outcome, 0) + number
    store.update_manifest(attempts=attempts, workers=total, broker=broker)


def _enqueue(broker_url: str, run_id: str, attempt: int, items: list[WorkItem], settings: Settings) -> None:
    """One message per item: the item and the settings that matter, never a credential."""
    app = celery_app(broker_url)
    options = {"mode": settings.mode, "trace": settings.trace, "phi_in_logs": settings.phi_in_logs}
    with app.producer_or_acquire() as producer:
        for item in sorted(items, key=lambda item: (item.payer, item.row_number)):
            message = {
                "run_id": run_id,
                "attempt": attempt,
                "item_id": item.item_id,
                "portal": _portal_of(item),
                "task": item.task.value,
                "row_number": item.row_number,
                "query": item.query.model_dump(mode="json"),
                "settings": options,
            }
            app.send_task(TASK, args=[message], queue=QUEUE, producer=producer)


def _portal_of(item: WorkItem) -> str:
    return get_payer(item.payer).portal_id


def _portals(items: list[WorkItem], settings: Settings) -> dict[str, dict[str, Any]]:
    """Each portal's settings as this machine resolves them (the workers resolve their own)."""
    recorded = {}
    for portal_id in sorted({_portal_of(item) for item in items}):
        try:
            recorded[portal_id] = _recorded(settings.portal(portal_id, get_portal(portal_id).limits))
        except Exception:  # the coordinator needs no portal configuration of its own
            continue
    return recorded


def _catch_signals(interrupted: list[str], log) -> Callable[[], None]:
    """SIGTERM and SIGINT end the wait for results; a second signal ends the process at once."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {number: signal.getsignal(number) for number in SIGNALS}

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    def stop(number: int, _frame) -> None:
        interrupted.append(signal.Signals(number).name)
        log.warning("run_interrupted", signal=signal.Signals(number).name)
        restore()

    for number in SIGNALS:
        signal.signal(number, stop)
    return restore
