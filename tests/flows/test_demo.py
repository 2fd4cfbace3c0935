"""`rpa demo`: the main job on both sandbox portals, every answer checked against their ground truth."""

from __future__ import annotations

from typer.testing import CliRunner

from rpa.cli import app


def test_demo_answers_every_sample_claim_and_member_as_the_ground_truth_says(engine):
    result = CliRunner().invoke(app, ["demo", "--runs-dir", str(engine.runs_dir), "--sessions", "2"])

    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "sandbox: 32/32 answers agree" in output and "sandbox: 9/9 answers agree" in output
    assert "clearinghouse: 33/33 answers agree" in output and "1 rightly left to a person" in output
    assert "clearinghouse: 17/17 answers agree" in output
    assert output.count("2 bad rows rejected") == 2 and "eligibility: found" in output
