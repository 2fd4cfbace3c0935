"""A settled page without an element the map names is a changed page, not a slow one: the portal
stops within a few items, naming the key, with the items pending and evidence kept."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from rpa.cli import app
from tests.portal.clearinghouse_runs import altered_rows, run


def test_a_selector_that_never_matches_stops_the_portal_within_three_items_naming_the_key(
    clearinghouse, clearinghouse_engine, altered_flow, tmp_path
):
    suffix = altered_flow("cs.claim_number", '{label: "Claim Reference Number", exact: true}')
    truth = clearinghouse.truth_claims()

    summary, results = run(
        clearinghouse_engine.model_copy(update={"sessions": 2}), altered_rows(truth, suffix, 6, 1400), tmp_path
    )

    assert summary.exit_code == 3 and results == [] and summary.pending == 6
    (stop,) = summary.stopped
    assert stop.kind == "layout"
    assert stop.message.startswith("the portal's pages changed: cs.claim_number not found (3 items in a row)")
    assert "selectors.yaml" in stop.fix and "rpa payers check --sign-in" in stop.fix
    assert any(path.endswith("screenshot.png") for path in stop.evidence)
    assert all((summary.run_dir / path).is_file() for path in stop.evidence)
    events = [json.loads(line) for line in (summary.run_dir / "log.jsonl").read_text().splitlines()]
    names = [event["event"] for event in events]
    assert names.count("item_started") == 3 and "attempt_failed" not in names, "a changed page is not retried as slow"
    assert summary.stats["layout_errors"] == {"cs.claim_number": 3} and not summary.stats["circuit_opened"]


def test_payers_check_with_sign_in_catches_a_changed_page_before_the_overnight_run(
    clearinghouse, clearinghouse_engine, altered_flow, tmp_path
):
    altered_flow("cs.claim_number", '{label: "Claim Reference Number", exact: true}')
    arguments = ["payers", "check", "clearinghouse_altered", "--sign-in", "--json", "--runs-dir", str(tmp_path / "runs")]

    outcome = CliRunner().invoke(app, arguments)

    (report,) = json.loads(outcome.stdout)
    assert outcome.exit_code == 1 and report["ready"] is False
    found = {finding["check"]: finding for finding in report["findings"]}
    assert found["portal"]["ok"] and found["credentials"]["ok"]
    assert not found["pages"]["ok"] and "the portal's pages changed: cs.claim_number not found" in found["pages"]["detail"]
    assert not found["test cases"]["ok"]
