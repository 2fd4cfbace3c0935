"""One credential, several processes: the overnight batch and a specialist's one-off lookups
never hold more sessions together than the portal allows; a lookup borrows one of the batch's."""

from __future__ import annotations

import json
import time

from rpa.core.worklist import write_worklist

from .conftest import rpa_process, rpa_run, wait_for_results


def test_a_batch_and_one_off_lookups_share_a_credential_within_the_portals_limit(sandbox, engine_as, tmp_path, monkeypatch):
    engine_as("clinic2")
    sandbox.configure(latency_ms=100, max_sessions=2)  # the portal ends the oldest session past two
    monkeypatch.setenv("RPA_SANDBOX_MAX_SESSIONS", "2")  # and the deployment knows it
    claims = sandbox.data.claims[950:990]
    worklist = write_worklist(tmp_path / "w.csv", [{"payer": "sandbox", "claim_number": c.claim_number} for c in claims])
    runs = tmp_path / "runs"
    batch = rpa_process("run", worklist, "--runs-dir", runs, "--sessions", "2", "--mode", "page")
    wait_for_results(runs, 2)

    answers, waits = [], []
    for claim in sandbox.data.claims[991:994]:
        started = time.monotonic()
        looked_up = rpa_run(
            "lookup", "claim", "--payer", "sandbox", "--claim-number", claim.claim_number, "--json", "--runs-dir", runs
        )
        waits.append(time.monotonic() - started)
        assert looked_up.returncode == 0, looked_up.stderr
        answers.append(json.loads(looked_up.stdout))

    assert batch.wait(timeout=240) == 0
    assert [answer["answer"]["claim_number"] for answer in answers] == [c.claim_number for c in sandbox.data.claims[991:994]]
    sessions = sandbox.stats()["sessions"]["clinic2"]
    assert sessions["ended_by_limit"] == 0 and sessions["peak"] <= 2
    assert max(waits) < 60
    lent = [line for path in runs.glob("*/log.jsonl") for line in path.read_text().splitlines() if '"session_lent"' in line]
    assert len(lent) >= len(answers), "each lookup borrowed one of the batch's sessions"
