"""A portal that disappears (connection refused, not a maintenance page) is the portal's problem,
not the claims': its items stay pending, the run stops (exit 3), and the resume finishes them."""

from __future__ import annotations

import json

from rpa.core.worklist import write_worklist
from rpa.runs.scoring import index_truth, score
from rpa.runs.store import RunStore
from rpa.sandbox.client import SandboxAdmin
from rpa.sandbox.server import SandboxProcess

from .conftest import free_port, result_lines, rpa_process, rpa_run, wait_for_results


def test_a_portal_that_stops_answering_leaves_items_pending_and_resume_finishes_them(tmp_path, monkeypatch):
    port = free_port()
    portal = SandboxProcess("--port", str(port), "--latency-ms", "100").start()
    admin = SandboxAdmin(portal.url)
    user = admin.user("clinic1")
    truth = admin.truth_claims()
    admin.close()
    for name, value in (("URL", portal.url), ("USERNAME", user["username"]), ("PASSWORD", user["password"])):
        monkeypatch.setenv(f"RPA_SANDBOX_{name}", value)
    monkeypatch.setenv("RPA_SANDBOX_TOTP_SECRET", user["totp_secret"])
    monkeypatch.setenv("RPA_STATE_DIR", str(tmp_path / "state"))
    rows = [{"payer": "sandbox", "claim_number": record["query"]["claim_number"]} for record in truth[900:940]]
    worklist = write_worklist(tmp_path / "w.csv", rows)
    runs = tmp_path / "runs"

    process = rpa_process("run", worklist, "--runs-dir", runs, "--sessions", "2", "--mode", "page", "--json")
    try:
        run_dir = wait_for_results(runs, 4)
    finally:
        portal.stop()
    out, err = process.communicate(timeout=180)

    assert process.returncode == 3, err
    summary = json.loads(out)
    (stop,) = summary["stopped"]
    assert stop["kind"] == "portal_down" and "does not answer" in stop["message"]
    assert {line["outcome"] for line in result_lines(run_dir)} == {"found"}, "an outage failed an item"
    assert summary["pending"] == len(rows) - len(result_lines(run_dir)) > 0

    back = SandboxProcess("--port", str(port)).start()
    try:
        resumed = rpa_run("run", "--resume", run_dir.name, "--runs-dir", runs, "--json", timeout=240)
    finally:
        back.stop()

    assert resumed.returncode == 0, resumed.stderr
    tally = score(RunStore(run_dir).results(), index_truth(truth))
    assert tally.correct == len(rows) and len(result_lines(run_dir)) == len(rows)
