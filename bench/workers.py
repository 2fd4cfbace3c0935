"""Scale-out on Celery + Redis: 1, 2 and 3 `rpa worker` processes, page and API mode, against
the floor, with what the coordinator and Redis cost per item.

Every configuration runs the same claims through `rpa run --broker` (the coordinator, a child
process) and W workers (`rpa worker --sessions 4`, each a machine of its own: its own state
folder) against a sandbox that waits L = 200 ms on every request and allows 8 sessions per
credential. The floor is what the portal allows: S sessions in all (S = min(4 W, 8)) can never
do better than S / (R x L) lookups a second, R requests per lookup. A warm-up run signs the
slots in before each measured run (their state is shared, encrypted, through Redis, so a new
worker takes over a signed-in slot). On one 2-core machine the workers share the cores: page
mode is CPU-bound there and stops scaling with W; the floor column says what more machines buy.

    .venv/bin/python bench/workers.py [--claims 150] [--workers-list 1,2,3] [--modes page,api]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import redis
from common import Workspace, correctness, duplicates_and_lost, rpa_command
from throughput import (
    TreeProfile,
    _load,
    _own_cpu,
    claim_worklist,
    claims_by_status_kind,
    code_under_test,
    portal_request_time,
    print_table,
    request_delta,
)

from rpa.distributed.registry import live_workers
from rpa.distributed.testing import RedisServer
from rpa.sandbox.client import SandboxAdmin
from rpa.sandbox.server import SandboxProcess

USER = "demo"
SESSIONS_PER_WORKER = 4
PORTAL_MAX_SESSIONS = 8


@dataclass
class Measurement:
    mode: str
    workers: int
    sessions: int
    lookups: int
    run_s: float
    wall_s: float
    requests: dict[str, int]
    latency_s: float
    score: dict
    duplicates: int
    lost: int
    worker_cpu_s: float
    coordinator_cpu_s: float
    redis_cpu_s: float
    per_worker: dict[str, int]

    @property
    def per_s(self) -> float:
        return self.lookups / self.run_s

    @property
    def requests_per_lookup(self) -> float:
        return sum(self.requests.values()) / self.lookups

    @property
    def floor_per_s(self) -> float:
        return self.sessions / (self.requests_per_lookup * self.latency_s)


def main() -> int:
    options = parse_options()
    print(f"Scale-out benchmark: {options.claims} claim lookups per configuration, {options.latency_ms} ms portal latency")
    print(f"machine: {psutil.cpu_count()} cores, load average {_load(os.getloadavg())}; code: {code_under_test()}")
    workspace = Workspace()
    results: list[Measurement] = []
    serve = ("--latency-ms", str(options.latency_ms), "--max-sessions", str(PORTAL_MAX_SESSIONS))
    with RedisServer() as broker, SandboxProcess(*serve) as sandbox:
        admin = SandboxAdmin(sandbox.url)
        user = admin.user(USER)
        request_ms = portal_request_time(sandbox.url) * 1000
        print(f"portal: a kept-alive request takes {request_ms:.0f} ms; redis on {broker.url.split('@')[1]}")
        truth = admin.truth_claims()
        claims, spares = claims_by_status_kind(truth, options.claims)
        worklist = claim_worklist(workspace.root / "claims.csv", claims)
        env = {
            **workspace.env(sandbox.url),
            "RPA_SANDBOX_USERNAME": user["username"],
            "RPA_SANDBOX_PASSWORD": user["password"],
            "RPA_SANDBOX_TOTP_SECRET": user["totp_secret"],
            "RPA_SANDBOX_MAX_SESSIONS": str(PORTAL_MAX_SESSIONS),
            "RPA_BROKER_URL": broker.url,
        }
        redis_pid = broker.process.pid
        for mode in options.modes:
            for count in options.workers_list:
                workers = start_workers(env, workspace, count, broker.url)
                try:
                    warm = claim_worklist(workspace.root / f"warm-{mode}-{count}.csv", spares[: 3 * SESSIONS_PER_WORKER * count])
                    coordinate(env, warm, workspace.root / "warm-up", mode)
                    results.append(measure(env, admin, workspace, worklist, mode, workers, redis_pid, truth, options))
                    print(progress_line(results[-1]))
                finally:
                    stop_workers(workers)
        admin.close()
    print()
    print_report(results, options.latency_ms)
    return 0 if all(m.score["wrong"] == 0 and m.score["unanswered"] == 0 and not m.duplicates for m in results) else 1


def start_workers(env: dict[str, str], workspace: Workspace, count: int, url: str) -> list[subprocess.Popen]:
    workers = []
    for number in range(count):
        worker_env = {**env, "RPA_STATE_DIR": str(workspace.root / f"worker-state-{number}")}
        command = rpa_command("worker", "--sessions", str(SESSIONS_PER_WORKER), "--name", f"w{number}")
        log = open(workspace.root / f"worker-{number}.out", "a")  # noqa: SIM115 (the child keeps it)
        workers.append(subprocess.Popen(command, env=worker_env, stdout=log, stderr=subprocess.STDOUT))
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 60
    while len(live_workers(client)) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{count} workers did not start; see {workspace.root}/worker-*.out")
        time.sleep(0.2)
    return workers


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for process in workers:
        process.send_signal(signal.SIGTERM)
    for process in workers:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


def coordinate(env: dict[str, str], worklist, runs_dir, mode: str) -> subprocess.Popen:
    command = rpa_command("run", str(worklist), "--mode", mode, "--runs-dir", str(runs_dir), "--json")
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"rpa run --broker exited {done.returncode}: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def measure(env, admin, workspace, worklist, mode, workers, redis_pid, truth, options) -> Measurement:
    runs_dir = workspace.root / f"runs-{mode}-{len(workers)}"
    command = rpa_command("run", str(worklist), "--mode", mode, "--runs-dir", str(runs_dir), "--json")
    redis_process = psutil.Process(redis_pid)
    profiles = [TreeProfile(worker.pid, since_now=True).start() for worker in workers]
    redis_before = _own_cpu(redis_process)
    before = admin.stats()
    started = time.monotonic()
    coordinator = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    coordinator_process = psutil.Process(coordinator.pid)
    coordinator_cpu = 0.0
    while coordinator.poll() is None:
        try:
            coordinator_cpu = _own_cpu(coordinator_process)
        except psutil.Error:
            break
        time.sleep(0.1)
    stdout, stderr = coordinator.communicate()
    wall_s = time.monotonic() - started
    after = admin.stats()
    redis_cpu = _own_cpu(redis_process) - redis_before
    for profile in profiles:
        profile.stop()
    if coordinator.returncode != 0:
        raise RuntimeError(f"rpa run --broker ({mode}, {len(workers)} workers) exited {coordinator.returncode}: {stderr[-2000:]}")
    summary = json.loads(stdout)
    run_dir = summary["run_dir"]
    duplicates, lost = duplicates_and_lost(Path(run_dir))
    manifest = json.loads((Path(run_dir) / "manifest.json").read_text())
    return Measurement(
        mode=mode,
        workers=len(workers),
        sessions=min(SESSIONS_PER_WORKER * len(workers), PORTAL_MAX_SESSIONS),
        lookups=summary["items"],
        run_s=summary["duration_s"],
        wall_s=wall_s,
        requests=request_delta(before, after),
        latency_s=options.latency_ms / 1000,
        score=correctness(Path(run_dir), truth),
        duplicates=duplicates,
        lost=lost,
        worker_cpu_s=sum(profile.cpu_seconds for profile in profiles),
        coordinator_cpu_s=coordinator_cpu,
        redis_cpu_s=redis_cpu,
        per_worker={name: data["items"] for name, data in manifest.get("workers", {}).items()},
    )


def progress_line(m: Measurement) -> str:
    return (
        f"  {m.mode} x{m.workers} workers ({m.sessions} sessions): {m.lookups} lookups in {m.run_s:.1f} s = {m.per_s:.2f}/s, "
        f"floor {m.floor_per_s:.2f}/s; {m.score['correct']}/{m.lookups} correct; load {_load(os.getloadavg())}"
    )


def print_report(results: list[Measurement], latency_ms: int) -> None:
    print(f"Throughput (floor = sessions / (requests per lookup x {latency_ms} ms); sessions = min(4 x workers, 8))")
    print_table(
        ["config", "lookups", "run", "lookups/s", "req/lookup", "floor/s", "efficiency", "vs 1 worker", "correct",
         "dup/lost", "per worker"],
        [
            [
                f"{m.mode} x{m.workers}",
                str(m.lookups),
                f"{m.run_s:.1f} s",
                f"{m.per_s:.2f}",
                f"{m.requests_per_lookup:.1f}",
                f"{m.floor_per_s:.2f}",
                f"{m.per_s / m.floor_per_s:.2f}",
                f"{m.per_s / next(b.per_s for b in results if b.mode == m.mode):.2f}x",
                f"{m.score['correct']}/{m.lookups}",
                f"{m.duplicates}/{m.lost}",
                " ".join(f"{name}:{count}" for name, count in sorted(m.per_worker.items())),
            ]
            for m in results
        ],
    )  # fmt: skip
    print("\nCost per lookup (CPU ms): the workers (engine + browser trees), the coordinator, redis-server")
    print_table(
        ["config", "workers", "coordinator", "redis", "coordinator+redis share"],
        [
            [
                f"{m.mode} x{m.workers}",
                f"{m.worker_cpu_s / m.lookups * 1000:,.1f}",
                f"{m.coordinator_cpu_s / m.lookups * 1000:,.1f}",
                f"{m.redis_cpu_s / m.lookups * 1000:,.2f}",
                f"{(m.coordinator_cpu_s + m.redis_cpu_s) / max(0.001, m.worker_cpu_s + m.coordinator_cpu_s + m.redis_cpu_s):.1%}",
            ]
            for m in results
        ],
    )
    print(
        "  coordinator: the whole `rpa run --broker` process, start-up (imports, validation, run folder) included;\n"
        "  redis: the broker's own CPU (messages, result stream, leases, heartbeats) during the run"
    )


def parse_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=150, help="claim lookups per configuration")
    parser.add_argument("--workers-list", type=lambda text: [int(p) for p in text.split(",")], default=[1, 2, 3])
    parser.add_argument("--modes", type=lambda text: text.split(","), default=["page", "api"])
    parser.add_argument("--latency-ms", type=int, default=200)
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main())
