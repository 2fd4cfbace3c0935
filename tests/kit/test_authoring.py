"""Adding a portal: `rpa payers new` writes a flow that runs and fails helpfully until filled in;
`rpa payers test` runs a flow's declared cases against its portal."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rpa.cli import app
from rpa.payers.registry import discover, selector_map_for, wording_maps_for


@pytest.fixture
def fresh_registry():
    def clear() -> None:
        for cached in (discover, selector_map_for, wording_maps_for):
            cached.cache_clear()

    clear()
    yield
    clear()


def rpa(*args: str):
    return CliRunner().invoke(app, list(args))


def test_the_sandbox_flows_declared_cases_pass_against_the_sandbox(engine):
    outcome = rpa("payers", "test", "sandbox", "--json", "--runs-dir", str(engine.runs_dir))

    report = json.loads(outcome.stdout)
    assert outcome.exit_code == 0, outcome.output
    assert report["failed"] == 0 and report["passed"] >= 7 and not report["stopped"]


def test_the_clearinghouse_flows_declared_cases_pass_against_the_clearinghouse(clearinghouse_engine):
    outcome = rpa("payers", "test", "clearinghouse", "--json", "--runs-dir", str(clearinghouse_engine.runs_dir))

    report = json.loads(outcome.stdout)
    assert outcome.exit_code == 0, outcome.output
    assert report["failed"] == 0 and report["passed"] >= 8 and not report["stopped"]


def test_a_new_portal_runs_and_says_what_to_fill_in_until_it_is_filled_in(sandbox, engine, fresh_registry, monkeypatch):
    written = rpa("payers", "new", "acme", "--name", "Acme Health")
    assert written.exit_code == 0, written.output
    assert {path.name for path in (engine.runs_dir.parent / "flows" / "acme").iterdir()} == {
        "flow.py", "selectors.yaml", "wording.yaml", "cases.yaml"
    }  # fmt: skip
    listed = json.loads(rpa("payers", "list", "--json").stdout)
    assert {"payer": "acme", "portal": "acme"}.items() <= next(row for row in listed if row["payer"] == "acme").items()

    untouched = rpa("payers", "test", "acme")
    assert untouched.exit_code == 2 and "cases.yaml: case(s)" in untouched.output and "still hold TODO" in untouched.output

    cases = engine.runs_dir.parent / "flows" / "acme" / "cases.yaml"
    text = cases.read_text().replace("claim_number: TODO", f"claim_number: {sandbox.data.claims[5].claim_number}", 1)
    cases.write_text(
        text.replace('paid_amount: "TODO"', 'paid_amount: "1.00"').replace("claim_number: TODO", "claim_number: CLM00000000")
    )
    no_url = rpa("payers", "test", "acme")
    assert no_url.exit_code == 1 and "no URL configured for portal acme" in no_url.output and "RPA_ACME_URL" in no_url.output

    user = sandbox.user("clinic5")
    for name, value in (("URL", sandbox.url), ("USERNAME", user["username"]), ("PASSWORD", user["password"])):
        monkeypatch.setenv(f"RPA_ACME_{name}", value)
    monkeypatch.setenv("RPA_ACME_TOTP_SECRET", user["totp_secret"])
    monkeypatch.setenv("RPA_ACME_MAX_SESSIONS", "1")
    against_a_portal = rpa("payers", "test", "acme", "--json")
    report = json.loads(against_a_portal.stdout)
    assert against_a_portal.exit_code == 1 and report["failed"] >= 1
    differences = " ".join(" ".join(case["differences"]) for case in report["cases"])
    assert "outcome: expected found" in differences and "claim_status is not written yet" in differences
    assert "does not map in 'claim_not_found'" in differences
