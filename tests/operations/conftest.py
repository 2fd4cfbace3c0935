"""Helpers for driving the tool as real processes, the way cron and systemd run it."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path


def rpa_process(*args: str) -> subprocess.Popen:
    """`rpa ARGS` as a child process (it inherits the test's environment: URL, credentials, state)."""
    return subprocess.Popen(
        [sys.executable, "-m", "rpa", *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def rpa_run(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rpa", *map(str, args)], capture_output=True, text=True, timeout=timeout)


def wait_for_results(runs_dir: Path, count: int, timeout: float = 90) -> Path:
    """The run folder under `runs_dir` once it holds `count` results."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for results in Path(runs_dir).glob("*/results.jsonl"):
            if results.read_bytes().count(b"\n") >= count:
                return results.parent
        time.sleep(0.1)
    raise AssertionError(f"no run under {runs_dir} reached {count} results in {timeout} s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def result_lines(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "results.jsonl").read_text().splitlines() if line.strip()]
