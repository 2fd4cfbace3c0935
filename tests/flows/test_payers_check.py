"""`rpa payers check` against the sandbox: ready, in maintenance, refused password, never a sign-in."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from rpa.cli import app
from rpa.core.worklist import write_worklist
from rpa.engine.jobs import run_worklist


def check(*arguments: str) -> tuple[int, list[dict]]:
    outcome = CliRunner().invoke(app, ["payers", "check", *arguments, "--json"])
    return outcome.exit_code, json.loads(outcome.stdout) if outcome.stdout.strip() else []


def findings(report: dict) -> dict[str, dict]:
    return {finding["check"]: finding for finding in report["findings"]}


def test_a_configured_payer_whose_portal_answers_is_ready(sandbox, engine):
    code, (report,) = check("sandbox")

    assert code == 0 and report["ready"] is True
    found = findings(report)
    assert sandbox.url in found["portal"]["detail"] and "HTTP 200" in found["portal"]["detail"]
    assert "sandbox/clinic1" in found["credentials"]["detail"]
    assert found["selector map"]["ok"] and found["password"]["ok"]


def test_a_portal_in_maintenance_is_not_ready_and_the_check_never_signs_in(sandbox, engine):
    before = sandbox.stats()["sign_in"]
    sandbox.configure(maintenance=True)

    code, (report,) = check("sandbox")

    assert code == 1 and report["ready"] is False
    portal = findings(report)["portal"]
    assert not portal["ok"] and "HTTP 503" in portal["detail"] and "exit code 3" in portal["fix"]
    assert sandbox.stats()["sign_in"] == before


def test_a_password_the_portal_refused_is_reported_with_the_fix(sandbox, engine_as, second_payer, tmp_path):
    engine_as("clinic4", payer="sandbox_east", password="not-the-password")
    settings = engine_as("clinic1")
    rows = [{"payer": "sandbox_east", "claim_number": sandbox.data.claims[640].claim_number}]
    run_worklist(write_worklist(tmp_path / "w.csv", rows), settings=settings)

    code, reports = check()  # every known payer

    assert code == 1
    by_payer = {report["portal"]: report for report in reports}
    assert set(by_payer) >= {"sandbox", "sandbox_east"}
    password = findings(by_payer["sandbox_east"])["password"]
    assert not password["ok"] and "refused on" in password["detail"]
    assert "rpa credentials reset sandbox_east" in password["fix"]
    assert by_payer["sandbox"]["ready"] is True
    assert "not-the-password" not in json.dumps(reports)


def test_an_unknown_payer_is_a_usage_error_naming_the_known_ones(engine):
    outcome = CliRunner().invoke(app, ["payers", "check", "acme"])

    assert outcome.exit_code == 2 and "known payers: lakeshore, prairie, sandbox, summit" in outcome.output


def test_check_with_sign_in_runs_the_declared_test_cases_and_they_all_answer_as_declared(sandbox, engine, tmp_path):
    code, (report,) = check("sandbox", "--sign-in", "--runs-dir", str(tmp_path / "runs"))

    found = findings(report)
    assert code == 0 and report["ready"] is True, found
    assert found["test cases"]["ok"] and found["test cases"]["detail"].startswith("all 7 answered as declared")
