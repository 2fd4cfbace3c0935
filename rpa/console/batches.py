"""Batches for the supervisor: how far a running run has got, and resuming one that stopped.

Progress is read from the run folder alone (manifest and results, which the engine appends and
fsyncs one line per item), so a batch started by cron, by a person at a terminal or by this
console's Resume button looks the same. Resuming starts `rpa run --resume RUN` as a process of
its own, in its own session: a batch can run for hours, must outlive a restart of the console,
and the engine sets up logging and signal handling per process.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rpa.core.errors import InputError
from rpa.core.files import open_private, private_dir
from rpa.core.settings import Settings
from rpa.runs.review import overview_of
from rpa.runs.store import RunStore

RESUMABLE = ("interrupted", "stopped")


def progress(store: RunStore) -> dict[str, Any]:
    """Items done of all, outcomes so far, failures so far, the rate of the current attempt and
    the time it needs for the rest at that rate."""
    overview = overview_of(store)
    manifest = store.manifest()
    results = store.results()
    counts = Counter(result.outcome.value for result in results)
    attempt_start = manifest.attempts[-1].started_at if manifest.attempts else manifest.started_at
    this_attempt = [result for result in results if result.finished_at >= attempt_start]
    finished_at = manifest.finished_at if overview.status != "running" else None
    elapsed = ((finished_at or datetime.now(UTC)) - attempt_start).total_seconds()
    items = manifest.counts.get("items", 0)
    rate = len(this_attempt) / elapsed * 60 if elapsed > 0 and this_attempt else 0.0
    left = max(items - len(results), 0)
    return {
        "run_id": store.run_id,
        "status": overview.status,
        "exit_code": overview.exit_code,
        "items": items,
        "done": len(results),
        "left": left,
        "counts": dict(counts),
        "failures": counts.get("failed", 0) + counts.get("needs_human", 0),
        "rate_per_min": round(rate, 1),
        "elapsed_s": round(max(elapsed, 0)),
        "eta_s": round(left / rate * 60) if rate and overview.status == "running" else None,
    }


class BatchLauncher:
    """Starts resumes as child processes and reaps them when they end."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._children: dict[str, subprocess.Popen] = {}
        self._lock = threading.Lock()

    def resume(self, store: RunStore) -> int:
        """Start finishing the run; returns the process id. Refused unless the run stopped or was interrupted."""
        status = overview_of(store).status
        if status not in RESUMABLE:
            raise InputError(f"run {store.run_id} is {status}: only a stopped or interrupted run can be resumed")
        with self._lock:
            running = self._children.get(store.run_id)
            if running is not None and running.poll() is None:
                raise InputError(f"run {store.run_id} is being resumed already (process {running.pid})")
            log_dir = private_dir(Path(self.settings.state_dir) / "console" / "resumes")
            with open_private(log_dir / f"{store.run_id}.log", "a") as output:
                child = subprocess.Popen(
                    [sys.executable, "-m", "rpa", "run", "--resume", str(store.path), "--runs-dir", str(self.settings.runs_dir)],
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=output,
                    start_new_session=True,
                )
            self._children[store.run_id] = child
        threading.Thread(target=child.wait, name=f"rpa-console-reap-{child.pid}", daemon=True).start()
        return child.pid

    def resuming(self, run_id: str) -> bool:
        """Is a resume this console started for the run still going?"""
        with self._lock:
            child = self._children.get(run_id)
        return child is not None and child.poll() is None
