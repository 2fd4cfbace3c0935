"""What the page kit does on a portal written apart from it (the clearinghouse sandbox): session
warnings answered, error pages inside the iframe retried, a failure in a pop-up photographed in
every window, a locator the browser refuses reported at once as configuration."""

from __future__ import annotations

import json
from pathlib import Path

from rpa.core.settings import RetrySettings
from rpa.runs.scoring import index_truth, score
from tests.portal.clearinghouse_runs import altered_rows, claim_rows, run

NO_RETRY = RetrySettings(attempts=1, initial_s=0, max_s=0, jitter_s=0)


def test_session_warnings_are_answered_and_never_end_a_session_during_a_run(clearinghouse, clearinghouse_engine, tmp_path):
    truth = clearinghouse.truth_claims()
    clearinghouse.configure(session_warning_s=1.5, session_warning_grace_s=20)
    before = clearinghouse.stats()

    summary, results = run(clearinghouse_engine.model_copy(update={"sessions": 2}), claim_rows(truth, 40, 1000), tmp_path)

    after = clearinghouse.stats()
    assert score(results, index_truth(truth)).correct == 40 and summary.exit_code == 0
    shown = after["session_warnings"]["shown"] - before["session_warnings"]["shown"]
    continued = after["session_warnings"]["continued"] - before["session_warnings"]["continued"]
    # A warning that pops up as the run closes its last pages is never answered; one per session at most.
    assert shown >= 3 and shown - 2 <= continued <= shown
    assert after["sessions_ended_by_warning"] == before["sessions_ended_by_warning"] == {"dismissed": 0, "too_late": 0}
    assert summary.stats["dialogs"].get("confirm/accept", 0) >= shown and summary.stats["session_renewals"] == 0
    events = [json.loads(line) for line in (summary.run_dir / "log.jsonl").read_text().splitlines()]
    answered = [event for event in events if event["event"] == "dialog_answered"]
    assert answered and all(event["dialog"] == "confirm" and event["answer"] == "accept" for event in answered)
    assert "session is about to expire" in answered[0]["message"]


def test_error_pages_inside_the_iframe_and_the_pop_up_are_retried_to_the_right_answer(
    clearinghouse, clearinghouse_engine, tmp_path
):
    truth = clearinghouse.truth_claims()
    clearinghouse.configure(error_rate=0.05)
    fast_retry = RetrySettings(attempts=8, initial_s=0.05, max_s=0.3, jitter_s=0.05)

    summary, results = run(
        clearinghouse_engine.model_copy(update={"sessions": 2, "retry": fast_retry}), claim_rows(truth, 30, 1100), tmp_path
    )

    tally = score(results, index_truth(truth))
    assert tally.correct == 30 and not tally.unanswered and summary.exit_code == 0
    assert sum(summary.stats["retries_by_reason"].values()) >= 1
    assert any(reason.endswith("server_error") for reason in summary.stats["retries_by_reason"])


def test_a_locator_the_browser_refuses_stops_the_portal_at_once_naming_file_and_key(
    clearinghouse, clearinghouse_engine, altered_flow, tmp_path
):
    suffix = altered_flow("cs.results", '{css: "table[[[claims"}')
    truth = clearinghouse.truth_claims()

    summary, results = run(
        clearinghouse_engine.model_copy(update={"sessions": 1}), altered_rows(truth, suffix, 5, 1200), tmp_path
    )

    assert summary.exit_code == 3 and results == [] and summary.pending == 5
    (stop,) = summary.stopped
    assert stop.kind == "config" and "selectors.yaml: cs.results: the browser refuses the locator" in stop.message
    events = [json.loads(line)["event"] for line in (summary.run_dir / "log.jsonl").read_text().splitlines()]
    assert events.count("item_started") == 1 and "attempt_failed" not in events, "the map, not the portal, was wrong"


def test_a_failure_in_a_pop_up_leaves_a_screenshot_of_every_open_window(
    clearinghouse, clearinghouse_engine, altered_flow, tmp_path
):
    suffix = altered_flow("claim.lines", '{role: table, name: "Service Lines Renamed"}')
    truth = clearinghouse.truth_claims()
    impatient = clearinghouse_engine.model_copy(
        update={"retry": NO_RETRY, "action_timeout_ms": 1500, "navigation_timeout_ms": 3000}
    )

    summary, results = run(impatient, altered_rows(truth, suffix, 2, 1300), tmp_path)

    assert [result.outcome.value for result in results] == ["failed", "failed"]
    names = {Path(path).name for path in results[0].evidence}
    assert {"screenshot.png", "page.html", "screenshot-window-2.png", "page-window-2.html"} <= names
    detail = (summary.run_dir / next(p for p in results[0].evidence if p.endswith("page-window-2.html"))).read_text()
    assert "Claim Detail" in detail and "Service Lines" in detail
