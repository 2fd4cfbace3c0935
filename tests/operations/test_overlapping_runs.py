"""Cron starting the same worklist again while it runs: the second refuses at once, naming the run
in progress and looking nothing up (exit 4), as does a second resume; `--wait` waits its turn."""

from __future__ import annotations

import json
from pathlib import Path

from rpa.core.worklist import write_worklist
from rpa.runs.store import RunStore

from .conftest import rpa_process, rpa_run, wait_for_results


def test_the_same_worklist_twice_refuses_at_once_and_wait_waits_its_turn(sandbox, engine_as, tmp_path):
    engine_as("clinic4")
    sandbox.configure(latency_ms=120)
    claims = sandbox.data.claims[840:856]
    worklist = write_worklist(tmp_path / "w.csv", [{"payer": "sandbox", "claim_number": c.claim_number} for c in claims])
    runs = tmp_path / "runs"
    first = rpa_process("run", worklist, "--runs-dir", runs, "--sessions", "1", "--mode", "page")
    run_dir = wait_for_results(runs, 1)
    before = sandbox.stats()["requests"]

    second = rpa_run("run", worklist, "--runs-dir", runs, timeout=30)
    second_resume = rpa_run("run", "--resume", run_dir.name, "--runs-dir", runs, timeout=30)

    assert second.returncode == 4 and run_dir.name in second.stderr and "nothing was looked up" in second.stderr
    assert second_resume.returncode == 4 and run_dir.name in second_resume.stderr
    assert sorted(path.name for path in runs.iterdir() if path.is_dir()) == [run_dir.name]
    waiting = rpa_process("run", worklist, "--runs-dir", runs, "--wait", "--json")
    assert first.wait(timeout=120) == 0
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert f"waiting for run {run_dir.name}" in err
    later = RunStore(Path(json.loads(out)["run_dir"])).manifest()
    assert later.started_at >= RunStore(run_dir).manifest().finished_at
    assert sandbox.stats()["requests"]["page"] >= before["page"]
