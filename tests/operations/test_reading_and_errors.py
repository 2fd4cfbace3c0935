"""An unusable runs folder or an unreachable portal is one clear line; and the small things people hit."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from rpa.cli import app
from rpa.core.worklist import write_worklist

from .conftest import free_port


def rpa(*args: str):
    return CliRunner().invoke(app, [*map(str, args)])


def test_a_runs_folder_that_cannot_be_written_is_one_line_and_exit_2(engine, tmp_path):
    worklist = write_worklist(tmp_path / "w.csv", [{"payer": "sandbox", "claim_number": "CLM12345678"}])
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    for runs_dir in ("/sys/rpa-runs", a_file):
        result = rpa("run", worklist, "--runs-dir", runs_dir)
        assert result.exit_code == 2 and "cannot write run folders under" in result.output
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) <= 2


def test_an_unreachable_portal_is_named_as_such_not_as_missing_credentials(engine, tmp_path, monkeypatch):
    closed = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("RPA_SANDBOX_URL", closed)
    for name in ("USERNAME", "PASSWORD", "TOTP_SECRET"):
        monkeypatch.delenv(f"RPA_SANDBOX_{name}")
    worklist = write_worklist(tmp_path / "w.csv", [{"payer": "sandbox", "claim_number": "CLM12345678"}])

    result = rpa("run", worklist, "--runs-dir", tmp_path / "runs", "--json")

    assert result.exit_code == 3
    (stop,) = json.loads(result.stdout)["stopped"]
    assert stop["kind"] == "portal_down" and f"the portal at {closed} does not answer" in stop["message"]


def test_version_help_one_line_json_and_service_types_the_portal_does_not_offer(sandbox, engine, tmp_path):
    assert rpa("--version").output.startswith("rpa ")
    assert "Remove the portal's credential" in rpa("credentials", "delete", "--help").output
    assert "member ID" in " ".join(rpa("lookup", "claim", "--help").output.split())
    one = rpa(
        "lookup",
        "claim",
        "--payer",
        "sandbox",
        "--claim-number",
        sandbox.data.claims[4].claim_number,
        "--json",
        "--runs-dir",
        tmp_path,
    )
    assert one.exit_code == 0 and len(one.stdout.strip().splitlines()) == 1 and json.loads(one.stdout)["outcome"] == "found"
    unknown = rpa(
        "lookup", "eligibility", "--payer", "sandbox", "--member-id", "SBX1", "--dob", "1970-01-01", "--service-type", "ZZ"
    )
    assert unknown.exit_code == 2 and "service_type: 'ZZ' is not a service type sandbox offers" in unknown.output
