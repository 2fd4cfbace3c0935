"""`rpa runs list`: recent runs, newest first, filtered by date, payer and status."""

from __future__ import annotations

import json
from datetime import timedelta

from .conftest import rpa


def listed(review_runs, *options: str) -> list[dict]:
    result = rpa("runs", "list", "--runs-dir", review_runs.runs_dir, "--json", *options)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_every_run_is_listed_newest_first_with_its_outcome_counts(review_runs):
    runs = listed(review_runs)

    assert {run["run_id"] for run in runs} == {
        store.run_id for store in (review_runs.claims, review_runs.failures, review_runs.needs_human, review_runs.eligibility)
    }
    assert [run["started_at"] for run in runs] == sorted((run["started_at"] for run in runs), reverse=True)
    claims = next(run for run in runs if run["run_id"] == review_runs.claims.run_id)
    assert claims["task"] == "claim_status" and claims["payers"] == ["sandbox"]
    assert claims["counts"]["found"] + claims["counts"]["not_found"] == claims["items"]
    assert claims["counts"]["rejected"] == 1 and claims["status"] == "completed" and claims["exit_code"] == 1


def test_runs_are_filtered_by_status_payer_and_start_date(review_runs):
    day = review_runs.claims.manifest().started_at.date()

    stopped = listed(review_runs, "--status", "stopped")
    assert [run["run_id"] for run in stopped] == [review_runs.needs_human.run_id]
    assert stopped[0]["counts"]["pending"] == 2 and stopped[0]["exit_code"] == 3
    assert listed(review_runs, "--payer", "other-payer") == []
    assert len(listed(review_runs, "--payer", "SANDBOX", "--since", day.isoformat(), "--until", day.isoformat())) == 4
    assert listed(review_runs, "--since", (day + timedelta(days=1)).isoformat()) == []
    assert listed(review_runs, "--until", (day - timedelta(days=1)).strftime("%m/%d/%Y")) == []
    assert len(listed(review_runs, "--limit", "2")) == 2


def test_the_table_names_each_run_and_a_bad_filter_is_a_usage_error(review_runs):
    table = rpa("runs", "list", "--runs-dir", review_runs.runs_dir)
    assert table.exit_code == 0, table.output
    assert review_runs.claims.run_id in table.output and review_runs.eligibility.run_id in table.output
    assert "needs human" in table.output and "stopped" in table.output

    assert rpa("runs", "list", "--runs-dir", review_runs.runs_dir, "--since", "yesterday").exit_code == 2
    assert rpa("runs", "list", "--runs-dir", review_runs.runs_dir, "--status", "finished").exit_code == 2
