"""The run folder: everything one invocation leaves behind, and nothing it could lose.

    runs/<UTC timestamp>-<task>-<short id>/
      manifest.json  items.jsonl  log.jsonl  results.jsonl  results.csv  rejects.csv
      artifacts/<item>/  report.html

`items.jsonl` holds the validated work items, so `--resume` needs nothing but the folder.
Results are appended and fsynced one line at a time; a line torn by `kill -9` is dropped when
the run is reopened, and its item simply runs again. The folder is 0700 and its files 0600.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import socket
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rpa.core.errors import InputError
from rpa.core.files import open_private, private_dir, write_private_bytes, write_private_text
from rpa.core.locks import RUN_LOCK, is_held
from rpa.core.models import Outcome, Task
from rpa.core.queries import QUERY_TYPES
from rpa.core.results import Result
from rpa.core.worklist import Reject, WorkItem
from rpa.runs.manifest import Manifest, RunStatus, utc_now

MANIFEST = "manifest.json"
ITEMS = "items.jsonl"
RESULTS = "results.jsonl"
RESULTS_CSV = "results.csv"
REJECTS = "rejects.csv"
LOG = "log.jsonl"
ARTIFACTS = "artifacts"
SOURCE = "request.x12"
"""The worklist as given when an answer must mirror it: a billing system's 276 or 270 interchange."""
FORMULA_PREFIXES = ("=", "+", "@", "\t", "\r", "-")


@dataclass
class RunStore:
    path: Path
    _append_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def run_id(self) -> str:
        return self.path.name

    @property
    def log_path(self) -> Path:
        return self.path / LOG

    # -- creating and reopening ---------------------------------------------------------

    @classmethod
    def create(
        cls,
        runs_dir: Path,
        *,
        task: Task,
        items: list[WorkItem],
        rejects: list[Reject],
        manifest: dict[str, Any],
        source: bytes | None = None,
    ) -> RunStore:
        """A new run folder; `manifest` holds what the run is (command, arguments, worklist, ...)."""
        started = utc_now()
        run_id = f"{started:%Y%m%dT%H%M%SZ}-{task.value}-{secrets.token_hex(3)}"
        private_dir(Path(runs_dir))
        store = cls(private_dir(Path(runs_dir) / run_id))
        with open_private(store.path / ITEMS, "w") as handle:
            for item in items:
                handle.write(json.dumps({"row_number": item.row_number, "query": item.query.model_dump(mode="json")}) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        store.write_rejects(rejects)
        if source is not None:
            write_private_bytes(store.path / SOURCE, source)
        open_private(store.path / RESULTS, "a").close()
        store.write_manifest(
            Manifest(
                run_id=run_id,
                task=task,
                started_at=started,
                status=RunStatus.RUNNING,
                pid=os.getpid(),
                host=socket.gethostname(),
                counts={"items": len(items), "rejected": len(rejects)},
                **manifest,
            )
        )
        return store

    @classmethod
    def open(cls, run: str | Path, runs_dir: Path) -> RunStore:
        """A run by folder path or by id (or a unique prefix of an id) under `runs_dir`."""
        candidate = Path(run)
        if not candidate.is_dir():
            candidate = Path(runs_dir) / str(run)
        if not candidate.is_dir():
            matches = sorted(p for p in Path(runs_dir).glob(f"{run}*") if p.is_dir()) if Path(runs_dir).is_dir() else []
            if len(matches) != 1:
                raise InputError(f"no run {run!r} in {runs_dir}" + (" (several match)" if matches else ""))
            candidate = matches[0]
        if not (candidate / MANIFEST).is_file():
            raise InputError(f"{candidate} is not a run folder (no {MANIFEST})")
        return cls(candidate)

    # -- reading ----------------------------------------------------------------------------

    def manifest(self) -> Manifest:
        return Manifest.model_validate_json((self.path / MANIFEST).read_text())

    def items(self) -> list[WorkItem]:
        task = self.manifest().task
        model = QUERY_TYPES[task]
        items = []
        with open(self.path / ITEMS, encoding="utf-8") as handle:
            for line in handle:
                data = json.loads(line)
                items.append(WorkItem(row_number=data["row_number"], query=model(**data["query"])))
        return items

    def results(self) -> list[Result]:
        """Every complete result line, first one per item. Reading never changes the folder: a
        line torn by `kill -9` (or one the writer is appending right now) is skipped, not cut."""
        path = self.path / RESULTS
        if not path.exists():
            return []
        raw = path.read_bytes()
        results: dict[str, Result] = {}
        for line in raw[: raw.rfind(b"\n") + 1].decode("utf-8").splitlines():
            if not line.strip():
                continue
            try:
                result = Result.model_validate_json(line)
            except ValueError:
                continue
            results.setdefault(result.item_id, result)
        return list(results.values())

    def repair(self) -> None:
        """Cut a torn last line before appending again. Only the run's owner (holding its lock)
        calls this, when it takes over a run that a killed process left."""
        path = self.path / RESULTS
        if not path.exists():
            return
        raw = path.read_bytes()
        if raw and not raw.endswith(b"\n"):
            with open(path, "r+b") as handle:
                handle.truncate(raw.rfind(b"\n") + 1)

    def source(self) -> bytes | None:
        """The interchange the run's worklist was, when it was one."""
        path = self.path / SOURCE
        return path.read_bytes() if path.exists() else None

    def pending(self) -> list[WorkItem]:
        done = {result.item_id for result in self.results()}
        return [item for item in self.items() if item.item_id not in done]

    def rejects(self) -> list[dict[str, str]]:
        path = self.path / REJECTS
        if not path.exists():
            return []
        with open(path, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    # -- writing ----------------------------------------------------------------------------

    def append(self, result: Result) -> None:
        """One line per finished item, on disk before the next item starts."""
        line = result.model_dump_json() + "\n"
        with self._append_lock, open_private(self.path / RESULTS, "a") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())

    def write_rejects(self, rejects: Iterable[Reject]) -> None:
        rejects = list(rejects)
        columns: list[str] = []
        for reject in rejects:
            columns.extend(key for key in reject.row if key not in columns)
        with open_private(self.path / REJECTS, "w") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row_number", "field", "reason", *columns])
            for reject in rejects:
                writer.writerow(
                    [reject.row_number, reject.field, reject.reason, *(safe_cell(reject.row.get(c, "")) for c in columns)]
                )

    def artifacts_dir(self, item_id: str) -> Path:
        return private_dir(self.path / ARTIFACTS / item_id)

    def write_manifest(self, manifest: Manifest) -> None:
        write_private_text(self.path / MANIFEST, manifest.model_dump_json(indent=2) + "\n")

    def update_manifest(self, **fields: Any) -> Manifest:
        """The manifest with `fields` replaced, validated before it is written."""
        manifest = Manifest.model_validate({**self.manifest().model_dump(), **fields})
        self.write_manifest(manifest)
        return manifest

    def write_results_csv(self) -> Path:
        results = self.results()
        rows = [flatten_result(result) for result in results]
        columns: list[str] = []
        for row in rows:
            columns.extend(key for key in row if key not in columns)
        path = self.path / RESULTS_CSV
        with open_private(path, "w") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({key: safe_cell(value) for key, value in row.items()})
        return path

    def owner_alive(self) -> bool:
        """Is a process working on this run now (holding its lock)? Runs from before run locks
        fall back to whether the manifest's process still exists."""
        if (self.path / f"{RUN_LOCK}.lock").exists():
            return is_held(self.path / f"{RUN_LOCK}.lock")
        pid = self.manifest().pid
        if not isinstance(pid, int) or pid == os.getpid():
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def outcome_counts(self) -> dict[str, int]:
        counts = Counter(result.outcome.value for result in self.results())
        return {outcome.value: counts.get(outcome.value, 0) for outcome in Outcome if outcome is not Outcome.REJECTED}


def flatten_result(result: Result) -> dict[str, Any]:
    """One flat row per item for spreadsheets; adjustments and benefits as compact text."""
    row: dict[str, Any] = {
        "item_id": result.item_id,
        "row_number": result.row_number,
        "task": result.task.value,
        "payer": result.payer,
        "outcome": result.outcome.value,
        "error_kind": result.error.kind if result.error else "",
        "error_message": result.error.message if result.error else "",
        "attempts": result.attempts,
        "duration_ms": result.duration_ms,
        "finished_at": result.model_dump(mode="json")["finished_at"],
        "mode": result.mode or "",
    }
    for key, value in result.query.items():
        if key == "extra":
            row.update({str(k): v for k, v in (value or {}).items()})
        elif key not in ("task", "payer"):
            row[f"query_{key}"] = value
    for key, value in (result.answer or {}).items():
        if key == "adjustments":
            row[key] = "; ".join(_adjustment_text(adjustment) for adjustment in value)
        elif key == "lines":
            row["line_count"] = len(value)
        elif key == "benefits":
            row["benefit_count"] = len(value)
        else:
            row[key] = value
    row["evidence"] = " ".join(result.evidence)
    return row


def safe_cell(value: Any) -> Any:
    """Neutralize spreadsheet formula injection (`=HYPERLINK(...)`) in any exported text cell."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        if value.startswith("-") and value[1:2].isdigit():
            return value
        return "'" + value
    return "" if value is None else value


def _adjustment_text(adjustment: dict[str, Any]) -> str:
    rarc = f"/{adjustment['rarc']}" if adjustment.get("rarc") else ""
    return f"{adjustment['group']}-{adjustment['carc']}{rarc} {adjustment['amount']}"
