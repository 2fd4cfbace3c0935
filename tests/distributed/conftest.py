"""A real `redis-server` (free loopback port, password) and real `rpa worker` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rpa.distributed.testing import RedisServer

VISIBILITY_TIMEOUT_S = "20"
"""Short, so a killed worker's items come back within the test's patience (the default is 60 s)."""


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture
def workers(redis_server, tmp_path, monkeypatch) -> Iterator:
    """Start `rpa worker` processes (with the test's environment: URL, credential); stops them after."""
    monkeypatch.setenv("RPA_BROKER_URL", redis_server.url)
    monkeypatch.setenv("RPA_VISIBILITY_TIMEOUT", VISIBILITY_TIMEOUT_S)
    started: list[subprocess.Popen] = []

    def start(count: int, *, sessions: int = 4) -> list[subprocess.Popen]:
        for _ in range(count):
            number = len(started)
            env = {**os.environ, "RPA_STATE_DIR": str(tmp_path / f"worker-{number}")}  # each its own machine
            log = open(tmp_path / f"worker-{number}.out", "w")  # noqa: SIM115 (closed with the process)
            started.append(
                subprocess.Popen(
                    [sys.executable, "-m", "rpa", "worker", "--sessions", str(sessions), "--name", f"w{number}"],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        wait_for_workers(redis_server.url, len(started))
        return started

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in started:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for_workers(url: str, count: int, timeout: float = 60) -> None:
    import redis

    from rpa.distributed.registry import live_workers

    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + timeout
    while len(live_workers(client)) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"{count} workers did not register within {timeout} s")
        time.sleep(0.2)


def worker_log(tmp_path: Path, number: int) -> str:
    return (tmp_path / f"worker-{number}.out").read_text()
