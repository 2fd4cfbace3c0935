"""What the benchmarks share: a sandbox in its own process, `rpa` runs as child processes,
process-tree CPU and memory sampling, and scoring against the sandbox's ground truth."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rpa.runs.scoring import index_truth, score  # noqa: E402
from rpa.runs.store import RunStore  # noqa: E402


@dataclass
class Workspace:
    """A private state folder and runs folder, so a benchmark never touches the user's."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="rpa-bench-")))

    @property
    def runs(self) -> Path:
        return self.root / "runs"

    @property
    def state(self) -> Path:
        return self.root / "state"

    def env(self, sandbox_url: str, **extra: str) -> dict[str, str]:
        return {**os.environ, "RPA_SANDBOX_URL": sandbox_url, "RPA_STATE_DIR": str(self.state), **extra}


def rpa_command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "rpa", *arguments]


def run_rpa(arguments: list[str], env: dict[str, str]) -> tuple[int, dict]:
    """Run `rpa ... --json` to the end; returns the exit code and its JSON summary."""
    done = subprocess.run(rpa_command(*arguments, "--json"), env=env, capture_output=True, text=True)
    try:
        return done.returncode, json.loads(done.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(f"rpa {' '.join(arguments)} failed ({done.returncode}): {done.stderr[-2000:]}") from None


class TreeSampler:
    """Peak memory of a process tree and its CPU seconds.

    Memory is the sum of each process's PSS (proportional set size): browser processes share
    most of their pages, and summing RSS would count those once per process.
    """

    def __init__(self, pid: int, interval: float = 0.1, pss_every: int = 5):
        self.root = psutil.Process(pid)
        self.interval = interval
        self.pss_every = pss_every  # reading smaps is costly: PSS every few samples, RSS every one
        self.peak_pss = 0
        self.peak_rss = 0  # the sum of RSS, which counts shared pages once per process: for comparison
        self._samples = 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> TreeSampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            time.sleep(self.interval)

    def sample(self) -> None:
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return
        read_pss = self._samples % self.pss_every == 0
        self._samples += 1
        rss = pss = 0
        for process in processes:
            try:
                rss += process.memory_info().rss
                if read_pss:
                    pss += _pss(process)
                times = process.cpu_times()
                self.cpu[process.pid] = (
                    times.user + times.system + getattr(times, "children_user", 0) + getattr(times, "children_system", 0)
                )
            except psutil.Error:
                continue
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)


def _pss(process: psutil.Process) -> int:
    try:
        return process.memory_full_info().pss
    except (AttributeError, psutil.AccessDenied):
        return process.memory_info().rss


def results_lines(run_dir: Path) -> list[dict]:
    """Complete lines of results.jsonl (a run may be writing its next line right now)."""
    path = run_dir / "results.jsonl"
    if not path.exists():
        return []
    text = path.read_text()
    complete = text if text.endswith("\n") else text[: text.rfind("\n") + 1]
    return [json.loads(line) for line in complete.splitlines() if line.strip()]


def duplicates_and_lost(run_dir: Path) -> tuple[int, int]:
    lines = results_lines(run_dir)
    counts = Counter(line["item_id"] for line in lines)
    items = {item.item_id for item in RunStore(run_dir).items()}
    return sum(count - 1 for count in counts.values() if count > 1), len(items - set(counts))


def correctness(run_dir: Path, truth: list[dict]) -> dict:
    tally = score(RunStore(run_dir).results(), index_truth(truth))
    return {"correct": tally.correct, "wrong": len(tally.wrong), "unanswered": len(tally.unanswered), "examples": tally.wrong[:3]}


def mib(value: float) -> str:
    return f"{value / 2**20:,.0f} MiB"
