"""Runs that lose nothing: resumed after kill -9, one-off lookups, stored sessions reused."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from rpa.cli import app
from rpa.core.worklist import write_worklist
from rpa.engine.jobs import resume_run, run_worklist
from rpa.runs.scoring import index_truth, score
from rpa.runs.store import RunStore


def wait_for_results(runs_dir: Path, count: int, process: subprocess.Popen, timeout: float = 120) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for results in runs_dir.glob("*/results.jsonl"):
            if sum(1 for line in results.read_text().splitlines() if line.strip()) >= count:
                return results.parent
        if process.poll() is not None:
            raise AssertionError(f"the run ended early with exit code {process.returncode}")
        time.sleep(0.05)
    raise AssertionError(f"no {count} results within {timeout} s")


def test_run_killed_three_times_and_resumed_has_no_item_twice_and_none_missing(sandbox, engine, tmp_path):
    claims = sandbox.data.claims[100:160]
    worklist = write_worklist(tmp_path / "w.csv", [{"payer": "sandbox", "claim_number": c.claim_number} for c in claims])
    runs_dir = engine.runs_dir
    command = [sys.executable, "-m", "rpa", "run", str(worklist), "--runs-dir", str(runs_dir), "--sessions", "2", "--json"]
    run_dir = None
    for kill_after in (10, 25, 40):
        process = subprocess.Popen(command, env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        run_dir = wait_for_results(runs_dir, kill_after, process)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        command = [sys.executable, "-m", "rpa", "run", "--resume", run_dir.name, "--runs-dir", str(runs_dir), "--json"]
        assert kill_after <= len(RunStore(run_dir).results()) < len(claims)

    summary = resume_run(run_dir.name, settings=engine)

    lines = [json.loads(line) for line in (run_dir / "results.jsonl").read_text().splitlines() if line.strip()]
    ids = [line["item_id"] for line in lines]
    assert len(ids) == len(set(ids)) == len(claims)
    assert {item.item_id for item in RunStore(run_dir).items()} == set(ids)
    assert summary.exit_code == 0 and summary.pending == 0
    tally = score(RunStore(run_dir).results(), index_truth(sandbox.truth_claims()))
    assert tally.correct == len(claims)
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["status"] == "completed" and len(manifest["attempts"]) == 4
    killed = manifest["attempts"][:3]
    assert all(attempt["status"] == "interrupted" and "killed" in attempt["interrupted_by"] for attempt in killed)
    assert sum(attempt["answered"] for attempt in manifest["attempts"]) == len(claims)


def test_one_off_lookup_prints_the_answer_and_is_recorded_as_a_run(sandbox, engine):
    claim = next(c for c in sandbox.data.claims if c.status.value == "Finalized - Denied")
    result = CliRunner().invoke(
        app, ["lookup", "claim", "--payer", "sandbox", "--claim-number", claim.claim_number, "--runs-dir", str(engine.runs_dir)]
    )
    assert result.exit_code == 0, result.output
    assert "F2" in result.output and "Finalized - Denied" in result.output and claim.payer_claim_id in result.output

    as_json = CliRunner().invoke(
        app, ["lookup", "claim", "-p", "sandbox", "-c", claim.claim_number, "--json", "--runs-dir", str(engine.runs_dir)]
    )
    data = json.loads(as_json.output)
    truth = index_truth(sandbox.truth_claims())[("claim", "sandbox", claim.claim_number)]
    assert data["answer"] == truth["answer"]
    assert Path(data["run_dir"], "results.jsonl").is_file()


def test_a_typo_in_the_payer_lists_the_known_payers(engine):
    result = CliRunner().invoke(app, ["lookup", "claim", "--payer", "sandbx", "--claim-number", "CLM1"])
    assert result.exit_code == 2
    assert "unknown payer 'sandbx'; known payers: lakeshore, prairie, sandbox, summit" in result.output


def test_later_runs_reuse_the_stored_session_without_signing_in(sandbox, engine, tmp_path):
    rows = [{"payer": "sandbox", "claim_number": c.claim_number} for c in sandbox.data.claims[200:203]]
    run_worklist(write_worklist(tmp_path / "a.csv", rows), settings=engine.model_copy(update={"sessions": 1}))
    before = sandbox.stats()["sign_in"].get("clinic1", {})

    summary = run_worklist(write_worklist(tmp_path / "b.csv", rows), settings=engine.model_copy(update={"sessions": 1}))

    assert summary.counts["found"] == 3
    assert sum(summary.stats["sign_in_attempts"].values()) == 0
    assert sandbox.stats()["sign_in"].get("clinic1", {}) == before


def test_a_stored_session_the_portal_ended_leads_to_one_fresh_sign_in(sandbox, engine, tmp_path):
    rows = [{"payer": "sandbox", "claim_number": c.claim_number} for c in sandbox.data.claims[210:212]]
    run_worklist(write_worklist(tmp_path / "a.csv", rows), settings=engine.model_copy(update={"sessions": 1}))
    sandbox.expire_sessions("clinic1")

    summary = run_worklist(write_worklist(tmp_path / "b.csv", rows), settings=engine.model_copy(update={"sessions": 1}))

    assert summary.counts["found"] == 2 and summary.exit_code == 0
    assert sum(summary.stats["sign_in_attempts"].values()) == 1
    assert summary.stats["session_renewals"] == 1
