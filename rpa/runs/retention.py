"""Retention: run folders hold PHI, so they are deleted once they are older than the policy allows.

Only folders that are plainly run folders are touched: a directory (not a link) directly under the
runs folder, with a readable manifest whose `run_id` is the folder's name and whose `started_at`
dates it. Anything else there (a stray file, a folder someone made by hand, a symlink to
elsewhere) is left alone, and so is a run whose process is still writing to it.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rpa.core.errors import InputError
from rpa.runs.store import MANIFEST, RunStore

AGE = re.compile(r"(\d+)\s*([dw])")
UNITS = {"d": 1, "w": 7}


@dataclass(frozen=True)
class PrunedRun:
    run_id: str
    path: Path
    started_at: str
    size_bytes: int

    def as_dict(self) -> dict:
        return {**self.__dict__, "path": str(self.path)}


def parse_age(text: str) -> timedelta:
    """`90d` or `12w` (a bare number means days)."""
    match = AGE.fullmatch(text.strip().lower()) or AGE.fullmatch(text.strip().lower() + "d")
    if not match or int(match.group(1)) < 1:
        raise InputError(f"--older-than {text!r}: give an age such as 90d or 12w")
    return timedelta(days=int(match.group(1)) * UNITS[match.group(2)])


def prune_runs(runs_dir: Path, older_than: timedelta, *, dry_run: bool = False, now: datetime | None = None) -> list[PrunedRun]:
    """Delete (or with `dry_run`, only list) the run folders started before now - `older_than`."""
    cutoff = (now or datetime.now(UTC)) - older_than
    runs_dir = Path(runs_dir)
    if not runs_dir.is_dir():
        return []
    pruned = []
    for folder in sorted(runs_dir.iterdir()):
        started, status = _run_started(folder)
        if started is None or started >= cutoff or (status == "running" and RunStore(folder).owner_alive()):
            continue
        size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())
        pruned.append(PrunedRun(folder.name, folder, _iso(started), size))
        if not dry_run:
            shutil.rmtree(folder)
    return pruned


def _run_started(folder: Path) -> tuple[datetime | None, str | None]:
    """When the run started and its status, or (None, None) when `folder` is not plainly a run folder."""
    if folder.is_symlink() or not folder.is_dir() or not (folder / MANIFEST).is_file():
        return None, None
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        if manifest.get("run_id") != folder.name:
            return None, None
        started = datetime.strptime(manifest["started_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None, None
    return started, manifest.get("status")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
