"""One run over two `rpa worker` processes and a real Redis: every item answered right and
exactly once in the run folder, within the portal's session limit, even when a worker is
killed with `kill -9` in the middle of its items, or the coordinator is."""

from __future__ import annotations

import json
import os
import signal
import time

from rpa.core.worklist import write_worklist
from rpa.runs.scoring import index_truth, score
from rpa.runs.store import RunStore

from ..operations.conftest import result_lines, rpa_process, rpa_run, wait_for_results


def test_two_workers_answer_every_item_once_within_the_session_limit_and_survive_a_kill_9(
    sandbox, engine_as, workers, tmp_path, monkeypatch
):
    engine_as("clinic4")
    sandbox.configure(latency_ms=100, max_sessions=4)  # the portal ends the oldest session past four
    monkeypatch.setenv("RPA_SANDBOX_MAX_SESSIONS", "4")  # and every worker knows it
    victim, survivor = workers(2, sessions=4)  # together they could open eight
    claims = sandbox.data.claims[1200:1250]
    worklist = write_worklist(tmp_path / "w.csv", [{"payer": "sandbox", "claim_number": c.claim_number} for c in claims])
    runs = tmp_path / "runs"

    coordinator = rpa_process("run", worklist, "--runs-dir", runs, "--mode", "page", "--json")
    run_dir = wait_for_results(runs, 12)
    wait_for_worker(run_dir, "w0")  # the victim has answered something: it dies with work of its own
    os.kill(victim.pid, signal.SIGKILL)  # mid-item: it holds up to four messages and two-ish sessions
    killed_at = time.monotonic()
    out, err = coordinator.communicate(timeout=240)

    assert coordinator.returncode == 0, err[-3000:]
    summary = json.loads(out)
    lines = result_lines(run_dir)
    assert len(lines) == len({line["item_id"] for line in lines}) == len(claims) == summary["items"]
    tally = score(RunStore(run_dir).results(), index_truth(sandbox.truth_claims()))
    assert tally.correct == len(claims), tally.wrong[:3]
    stats = sandbox.stats()
    assert stats["sessions"]["clinic4"]["peak"] <= 4 and stats["sessions_ended_by_limit"] == 0
    assert time.monotonic() - killed_at < 120, "the killed worker's items reached the survivor within two minutes"
    manifest = RunStore(run_dir).manifest()
    by_worker = manifest.model_dump()["workers"]
    assert set(by_worker) == {"w0", "w1"} and sum(w["items"] for w in by_worker.values()) == len(claims)
    assert by_worker["w1"]["items"] > by_worker["w0"]["items"] > 0 and survivor.poll() is None
    shown = rpa_run("runs", "show", run_dir.name, "--runs-dir", runs)
    assert "w0" in shown.stdout and "w1" in shown.stdout and "items/min" in shown.stdout


def wait_for_worker(run_dir, worker: str, timeout: float = 90) -> None:
    """Until the coordinator logged an item finished by `worker`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in (run_dir / "log.jsonl").read_text().splitlines():
            event = json.loads(line)
            if event["event"] == "item_finished" and event.get("worker") == worker:
                return
        time.sleep(0.2)
    raise AssertionError(f"{worker} finished no item within {timeout} s")


def test_a_killed_coordinator_resumes_and_keeps_what_the_workers_finished_meanwhile(
    sandbox, engine_as, workers, tmp_path, redis_server
):
    engine_as("clinic5")
    sandbox.configure(latency_ms=60)
    workers(1, sessions=2)
    claims = sandbox.data.claims[1300:1320]
    worklist = write_worklist(tmp_path / "w.csv", [{"payer": "sandbox", "claim_number": c.claim_number} for c in claims])
    runs = tmp_path / "runs"

    coordinator = rpa_process("run", worklist, "--runs-dir", runs, "--mode", "page", "--json")
    run_dir = wait_for_results(runs, 3)
    os.kill(coordinator.pid, signal.SIGKILL)
    coordinator.wait()
    time.sleep(3)  # the worker goes on with the queued items; their results wait in Redis

    resumed = rpa_run("run", "--resume", run_dir.name, "--runs-dir", runs, "--json", timeout=180)

    assert resumed.returncode == 0, resumed.stderr[-3000:]
    lines = result_lines(run_dir)
    assert len(lines) == len({line["item_id"] for line in lines}) == len(claims)
    tally = score(RunStore(run_dir).results(), index_truth(sandbox.truth_claims()))
    assert tally.correct == len(claims)
    manifest = RunStore(run_dir).manifest()
    assert [attempt.status for attempt in manifest.attempts] == ["interrupted", "completed"]
    assert manifest.attempts[1].arguments["broker"] == redis_server.url.replace(redis_server.password, "***")
