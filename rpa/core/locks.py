"""Locks in the state folder, so overlapping processes on one machine cannot double the work.

- A **worklist lock** (`<state>/locks/worklist-<digest>.lock`): cron starting tonight's job
  again while last night's still runs must not look every claim up twice.
- A **run lock** (`runs/<run>/run.lock`): one process at a time owns a run folder, so two
  `--resume`s of one run cannot both append to it, and a reader can tell a live run from one
  whose process died.

Locks are `flock`s on owner-only files: the kernel releases them when
the process ends however it ends (kill -9 included), so a crashed run never leaves a stale lock.
The file says who holds it, so a refusal can name the run in progress.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rpa.core.errors import RpaError
from rpa.core.files import private_dir

POLL_S = 0.5


class RunInProgress(RpaError):
    """Another process holds the lock: the run it names is still going."""

    kind = "run_in_progress"

    def __init__(self, message: str, holder: dict):
        super().__init__(message)
        self.holder = holder


@dataclass
class Lock:
    path: Path
    descriptor: int

    def describe(self, **holder: object) -> None:
        """Write who holds the lock now (a run id known only after the lock was taken)."""
        os.ftruncate(self.descriptor, 0)
        os.pwrite(self.descriptor, json.dumps({"pid": os.getpid(), **holder}).encode(), 0)

    def release(self) -> None:
        if self.descriptor >= 0:
            fcntl.flock(self.descriptor, fcntl.LOCK_UN)
            os.close(self.descriptor)
            self.descriptor = -1


def acquire(
    folder: Path,
    key: str,
    *,
    what: str,
    wait: bool = False,
    on_wait: Callable[[dict], None] | None = None,
    **holder: object,
) -> Lock:
    """Take the lock `key`, or raise RunInProgress naming its holder (with `wait`: wait for it).

    `what` says in the refusal what is locked ("this worklist", "run X").
    """
    path = private_dir(Path(folder)) / f"{key}.lock"
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    told = False
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            current = holder_of(path)
            if not wait:
                os.close(descriptor)
                run = current.get("run_id", "another run")
                raise RunInProgress(
                    f"{what} is being worked on by run {run} (pid {current.get('pid', '?')}, since {current.get('since', '?')}); "
                    "nothing was looked up. Wait for it (or pass --wait), or stop it first",
                    current,
                ) from None
            if not told and on_wait is not None:
                on_wait(current)
                told = True
            time.sleep(POLL_S)
    lock = Lock(path, descriptor)
    lock.describe(since=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **holder)
    return lock


def is_held(path: Path) -> bool:
    """Does a process (this one included) hold the lock at `path` now?"""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def holder_of(path: Path) -> dict:
    try:
        return json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return {}


RUN_LOCK = "run"


def worklist_key(digest: str) -> str:
    return "worklist-" + digest.removeprefix("sha256:")[:24]
