"""`rpa runs prune`: run folders (PHI) older than the retention period go, and nothing else does."""

from __future__ import annotations

import json
import shutil

from .conftest import rpa


def copy_runs(review_runs, tmp_path):
    runs = tmp_path / "runs"
    old = shutil.copytree(review_runs.failures.path, runs / review_runs.failures.run_id)
    recent = shutil.copytree(review_runs.needs_human.path, runs / review_runs.needs_human.run_id)
    manifest = json.loads((old / "manifest.json").read_text())
    (old / "manifest.json").write_text(json.dumps({**manifest, "started_at": "2020-01-01T02:00:00Z"}))
    return runs, old, recent


def test_only_runs_started_before_the_cutoff_are_deleted(review_runs, tmp_path):
    runs, old, recent = copy_runs(review_runs, tmp_path)

    result = rpa("runs", "prune", "--older-than", "90d", "--runs-dir", runs, "--json")

    assert result.exit_code == 0, result.output
    pruned = json.loads(result.output)
    assert pruned["dry_run"] is False
    assert [run["run_id"] for run in pruned["runs"]] == [old.name] and pruned["runs"][0]["size_bytes"] > 0
    assert not old.exists() and recent.is_dir()


def test_a_dry_run_lists_what_would_go_and_deletes_nothing(review_runs, tmp_path):
    runs, old, recent = copy_runs(review_runs, tmp_path)

    result = rpa("runs", "prune", "--older-than", "12w", "--dry-run", "--runs-dir", runs)

    assert result.exit_code == 0, result.output
    assert old.name in result.output and recent.name not in result.output and "would be deleted" in result.output
    assert old.is_dir() and recent.is_dir()


def test_folders_that_are_not_plainly_run_folders_are_left_alone(review_runs, tmp_path):
    runs, old, _ = copy_runs(review_runs, tmp_path)
    stranger = runs / "notes"
    stranger.mkdir()
    (stranger / "manifest.json").write_text(json.dumps({"run_id": "something-else", "started_at": "2020-01-01T00:00:00Z"}))
    bare = runs / "20200101T000000Z-claim_status-abcdef"
    bare.mkdir()
    linked = "20200101T000001Z-claim_status-linked"
    outside = shutil.copytree(old, tmp_path / "elsewhere" / linked)
    manifest = json.loads((outside / "manifest.json").read_text())
    (outside / "manifest.json").write_text(json.dumps({**manifest, "run_id": linked}))
    (runs / linked).symlink_to(outside)

    result = rpa("runs", "prune", "--older-than", "90d", "--runs-dir", runs, "--json")

    assert [run["run_id"] for run in json.loads(result.output)["runs"]] == [old.name]
    assert stranger.is_dir() and bare.is_dir() and (outside / "manifest.json").is_file()


def test_an_age_it_cannot_read_is_a_usage_error(tmp_path):
    for age in ("ninety days", "0d", "3m"):
        result = rpa("runs", "prune", "--older-than", age, "--runs-dir", tmp_path)
        assert result.exit_code == 2 and "90d" in result.output
