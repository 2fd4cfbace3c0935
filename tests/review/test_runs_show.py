"""`rpa runs show`: one run's summary, payers, failures by reason, retries, slow items, evidence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .conftest import rpa


def show(store, *options: str):
    return rpa("runs", "show", store.run_id, "--runs-dir", store.path.parent, *options)


def test_failures_are_grouped_by_reason_with_counts_and_retries_are_counted(review_runs):
    result = show(review_runs.failures, "--json")
    assert result.exit_code == 0, result.output
    details = json.loads(result.output)

    [reason] = details["failures_by_reason"]
    messages = {result.error.message for result in review_runs.failures.results()}
    assert reason["count"] == 3 and reason["outcome"] == "failed" and reason["kind"] == "transient"
    assert all(message.startswith(reason["reason"].split("N")[0]) for message in messages)
    assert details["per_payer"]["sandbox"]["failed"] == 3 and details["per_payer"]["sandbox"]["retries"] == 3
    retries = details["retries"]
    assert retries["items_retried"] == 3 and retries["recovered"] == 0 and retries["attempts"] == {"2": 3}
    assert retries["total"] == sum(retries["by_reason"].values()) == review_runs.failures.manifest().stats.retries >= 3
    assert len(details["slowest"]) == 3
    assert details["slowest"][0]["duration_ms"] >= details["slowest"][-1]["duration_ms"]


def test_the_summary_names_payers_rejects_and_the_slowest_items(review_runs):
    result = show(review_runs.claims)
    assert result.exit_code == 0, result.output
    text = result.output
    for expected in ("Per payer", "sandbox", "Slowest items", "Rejected rows", "is required without a claim_number"):
        assert expected in text
    assert "found 32" in text and "not found 3" in text and "rejected 1" in text

    details = json.loads(show(review_runs.claims, "--json").output)
    slowest = max(result.duration_ms for result in review_runs.claims.results())
    assert details["slowest"][0]["duration_ms"] == slowest
    assert details["rejects_by_reason"][0]["field"] == "member_id" and details["rejects_by_reason"][0]["count"] == 1


def test_a_stopped_run_says_what_stopped_it_and_how_to_go_on(review_runs):
    result = show(review_runs.needs_human)
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "stopped sandbox (needs_human)" in output and "no TOTP secret" in output
    assert f"to finish it: rpa run --resume {review_runs.needs_human.run_id}" in output
    assert "pending 2" in output and "History" in output and "stopped (exit 3); sandbox stopped (needs_human)" in output
    evidence = json.loads(show(review_runs.needs_human, "--json").output)["stopped"][0]["evidence"]
    assert any(path.endswith("screenshot.png") and (review_runs.needs_human.path / path).is_file() for path in evidence)


def test_failed_lists_failed_and_needs_human_items_with_evidence_on_disk(review_runs):
    failed = json.loads(show(review_runs.failures, "--failed", "--json").output)
    assert len(failed) == 3 and {item["outcome"] for item in failed} == {"failed"}
    for item in failed:
        names = {Path(path).name for path in item["evidence"]}
        assert {"screenshot.png", "trace.zip", "page.html"} <= names
        assert all(Path(path).is_file() for path in item["evidence"])
        assert item["error"]["kind"] == "transient" and item["attempts"] == 2

    assert json.loads(show(review_runs.needs_human, "--failed", "--json").output) == [], "the stop's items stay pending"

    table = show(review_runs.failures, "--failed")
    assert table.exit_code == 0
    assert table.output.count("trace.zip") == 3 and failed[0]["error"]["message"] in table.output


def test_an_unknown_run_is_a_usage_error(review_runs):
    result = rpa("runs", "show", "20990101T000000Z-nothing", "--runs-dir", review_runs.runs_dir)
    assert result.exit_code == 2 and "no run" in result.output


def test_showing_a_run_mid_append_never_changes_its_results(review_runs, tmp_path):
    run = shutil.copytree(review_runs.claims.path, tmp_path / review_runs.claims.run_id)
    torn = b'{"item_id": "abc", "task": "claim_st'  # the writer is half-way through a line
    with open(run / "results.jsonl", "ab") as results:
        results.write(torn)
    before = (run / "results.jsonl").read_bytes()

    for command in (("runs", "show", run.name), ("runs", "show", run.name, "--failed"), ("runs", "list"), ("followup", run.name)):
        assert rpa(*command, "--runs-dir", tmp_path).exit_code == 0

    assert (run / "results.jsonl").read_bytes() == before
