"""One-off lookups from the console: through the engine, recorded as runs, with progress.

A lookup is `rpa.engine.jobs.lookup`, the call behind `rpa lookup`, so it leaves the same run
folder. It runs on the console's lookup worker, one at a time (the engine's log configuration
is per process), while the page polls for progress: the place in the line, then the run's own
log events (signing in, retrying, reading) as they are written. A job is known by a random id
that carries no PHI, belongs to the person who asked, and is forgotten after `KEEP_MINUTES`.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rpa.core.errors import RpaError
from rpa.core.queries import ClaimStatusQuery, Query
from rpa.core.results import Result
from rpa.core.settings import Settings
from rpa.engine.jobs import lookup
from rpa.engine.run import RunSummary
from rpa.runs.store import LOG

KEEP_MINUTES = 30
STAGES = {
    "run_started": "Starting the lookup",
    "portal_started": "Asking the portal",
    "sign_in_started": "Signing in to the portal",
    "sign_in_done": "Signed in; asking for the answer",
    "session_expired": "The portal's session ended; signing in again",
    "attempt_failed": "The portal did not answer; trying again",
    "api_fallback": "Reading the portal's pages instead of its data feed",
    "window_opened": "Reading the claim's detail",
    "portal_finished": "Recording the answer",
    "run_finished": "Recording the answer",
}


@dataclass
class LookupJob:
    id: str
    user: str
    query: Query
    submitted: float = field(default_factory=time.time)
    state: str = "queued"
    """queued, running, done (a result, or a stop in `summary`) or refused (`problem` says why)."""
    started: float | None = None
    finished: float | None = None
    run_dir: Path | None = None
    result: Result | None = None
    summary: RunSummary | None = None
    problem: str | None = None

    @property
    def task(self) -> str:
        return self.query.task.value

    @property
    def finished_state(self) -> bool:
        return self.state in ("done", "refused")


class LookupDesk:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rpa-console-lookup")
        self._jobs: dict[str, LookupJob] = {}
        self._lock = threading.Lock()

    def submit(self, user: str, query: Query) -> LookupJob:
        job = LookupJob(id=secrets.token_urlsafe(12), user=user, query=query)
        with self._lock:
            self._forget_old()
            self._jobs[job.id] = job
        self._pool.submit(self._run, job)
        return job

    def get(self, job_id: str, user: str) -> LookupJob | None:
        """The job, to the person who asked for it only."""
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.user == user else None

    def progress(self, job: LookupJob) -> dict[str, Any]:
        moment = time.time()
        if job.state == "queued":
            with self._lock:
                ahead = sum(
                    1 for other in self._jobs.values() if other.state in ("queued", "running") and other.submitted < job.submitted
                )
            stage = f"Waiting for {ahead} lookup{'s' if ahead != 1 else ''} ahead of yours" if ahead else "Starting the lookup"
        elif job.state == "running":
            stage = _stage(job.run_dir)
        else:
            stage = "Done"
        elapsed = (job.finished or moment) - (job.started or job.submitted)
        return {"state": job.state, "done": job.finished_state, "stage": stage, "elapsed_s": round(max(elapsed, 0), 1)}

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, job: LookupJob) -> None:
        job.state, job.started = "running", time.time()

        def started(store, _items) -> None:
            job.run_dir = store.path

        try:
            job.result, job.summary = lookup(job.query, settings=self.settings, on_start=started)
            job.state = "done"
        except RpaError as error:  # rejected before the portal was asked (a field the portal needs), or configuration
            job.problem, job.state = error.message, "refused"
        except Exception as error:  # the page must say so rather than spin for ever
            job.problem, job.state = f"the lookup failed: {type(error).__name__}: {error}", "refused"
        finally:
            job.finished = time.time()

    def _forget_old(self) -> None:
        cutoff = time.time() - KEEP_MINUTES * 60
        for job_id in [key for key, job in self._jobs.items() if job.finished_state and (job.finished or 0) < cutoff]:
            del self._jobs[job_id]


def subject_of(query: Query) -> str:
    """What the audit log names for a query: the claim, else the member."""
    if isinstance(query, ClaimStatusQuery) and query.claim_number:
        return f"claim {query.claim_number} ({query.payer})"
    return f"member {query.member_id} ({query.payer})"


def _stage(run_dir: Path | None) -> str:
    """The newest log event of the run that has a name for people."""
    if run_dir is None:
        return STAGES["run_started"]
    try:
        lines = (run_dir / LOG).read_text(encoding="utf-8").splitlines()
    except OSError:
        return STAGES["run_started"]
    for line in reversed(lines):
        try:
            event = json.loads(line).get("event")
        except ValueError:
            continue
        if event in STAGES:
            return STAGES[event]
    return STAGES["run_started"]
