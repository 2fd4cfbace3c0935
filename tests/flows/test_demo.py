"""`rpa demo`: the main job on the sandbox, every answer checked against its ground truth."""

from __future__ import annotations

from typer.testing import CliRunner

from rpa.cli import app


def test_demo_answers_every_sample_claim_and_member_as_the_ground_truth_says(engine):
    result = CliRunner().invoke(app, ["demo", "--runs-dir", str(engine.runs_dir), "--sessions", "2"])

    assert result.exit_code == 0, result.output
    assert "32/32 answers agree" in result.output and "9/9 answers agree" in result.output
    assert "2 bad rows rejected" in result.output and "eligibility: found" in result.output
