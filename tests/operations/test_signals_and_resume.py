"""SIGTERM (systemd, a cron wrapper) and SIGINT (Ctrl-C) stop a run cleanly, and the resume that
follows runs with the run's own arguments, on a portal that allows only two sessions."""

from __future__ import annotations

import json
import signal
import time

import pytest

from rpa.core.worklist import write_worklist
from rpa.runs.scoring import index_truth, score
from rpa.runs.store import RunStore

from .conftest import result_lines, rpa_process, rpa_run, wait_for_results


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_run_cleanly_and_the_resume_keeps_its_arguments(sandbox, engine_as, tmp_path, number):
    engine_as("clinic3")
    sandbox.configure(latency_ms=120, max_sessions=2)
    claims = sandbox.data.claims[800:830]
    worklist = write_worklist(tmp_path / "w.csv", [{"payer": "sandbox", "claim_number": c.claim_number} for c in claims])
    runs = tmp_path / "runs"

    process = rpa_process("run", worklist, "--runs-dir", runs, "--sessions", "2", "--mode", "page", "--json")
    run_dir = wait_for_results(runs, 3)
    sent = time.monotonic()
    process.send_signal(number)
    out, err = process.communicate(timeout=60)
    took = time.monotonic() - sent

    assert process.returncode == 3 and took < 15, err
    summary = json.loads(out)
    assert summary["resume"] == f"rpa run --resume {run_dir.name}" and summary["pending"] > 0
    manifest = RunStore(run_dir).manifest()
    assert manifest.status == "interrupted" and manifest.exit_code == 3
    assert manifest.attempts[0].interrupted_by == number.name and manifest.attempts[0].portals["sandbox"]["sessions"] == 2
    lines = result_lines(run_dir)
    assert len(lines) == len({line["item_id"] for line in lines}) == len(claims) - summary["pending"]

    resumed = rpa_run("run", "--resume", run_dir.name, "--runs-dir", runs, "--json")

    assert resumed.returncode == 0, resumed.stderr
    manifest = RunStore(run_dir).manifest()
    second = manifest.attempts[1]
    assert second.command == "resume" and second.arguments["mode"] == "page" and second.arguments["sessions"] == 2
    assert second.portals["sandbox"]["sessions"] == 2 and second.portals["sandbox"]["mode"] == "page"
    assert sandbox.stats()["sessions"]["clinic3"]["ended_by_limit"] == 0
    tally = score(RunStore(run_dir).results(), index_truth(sandbox.truth_claims()))
    assert tally.correct == len(claims) and len(result_lines(run_dir)) == len(claims)
    assert [attempt.status for attempt in manifest.attempts] == ["interrupted", "completed"]
