"""What the page kit does on a portal written apart from it (the clearinghouse sandbox): session
warnings answered, error pages inside the iframe retried, a failure in a pop-up photographed in
every window, a locator the browser refuses reported at once as configuration."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from rpa.core.settings import RetrySettings
from rpa.core.worklist import write_worklist
from rpa.engine.jobs import run_worklist
from rpa.flows.clearinghouse.flow import ClearinghouseFlow
from rpa.payers.registry import discover, selector_map_for, wording_maps_for
from rpa.runs.scoring import index_truth, score
from rpa.runs.store import RunStore

NO_RETRY = RetrySettings(attempts=1, initial_s=0, max_s=0, jitter_s=0)


def claim_rows(truth: list[dict], count: int, start: int = 0) -> list[dict]:
    fields = ("payer", "claim_number", "provider_npi", "provider_tax_id")
    return [{name: record["query"][name] for name in fields} for record in truth[start : start + count]]


def run(settings, rows: list[dict], folder: Path, name: str = "claims.csv"):
    summary = run_worklist(write_worklist(folder / name, rows), settings=settings)
    return summary, RunStore(summary.run_dir).results()


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


@pytest.fixture
def altered_flow(tmp_path, monkeypatch):
    """The clearinghouse flow with one selector changed, as an out-of-tree flow of another portal id."""

    def install(element: str, spec: str) -> str:
        folder = tmp_path / "more-flows" / "clearinghouse_altered"
        (folder / "payers").mkdir(parents=True)
        original = ClearinghouseFlow.folder()
        selectors = (original / "selectors.yaml").read_text()
        block = re.compile(rf"^  {re.escape(element)}:\n(    - .*\n)+", re.M)
        assert block.search(selectors), element
        (folder / "selectors.yaml").write_text(block.sub(f"  {element}:\n    - {spec}\n", selectors))
        (folder / "wording.yaml").write_text((original / "wording.yaml").read_text())
        for payer in ("summit", "lakeshore", "prairie"):
            (folder / "payers" / f"{payer}.yaml").write_text((original / "payers" / f"{payer}.yaml").read_text())
        (folder / "flow.py").write_text(
            "from rpa.flows.clearinghouse.flow import ClearinghouseFlow\n"
            "from rpa.payers.flow import Payer\n\n\n"
            "class Altered(ClearinghouseFlow):\n"
            "    portal_id = 'clearinghouse_altered'\n"
            "    payers = tuple(\n"
            "        Payer(p.id + '_altered', p.name, wording=p.wording, facts=p.facts) for p in ClearinghouseFlow.payers\n"
            "    )\n"
        )
        monkeypatch.setenv("RPA_FLOWS_PATH", str(folder.parent))
        for name in ("URL", "USERNAME", "PASSWORD", "TOTP_SECRET", "SECURITY_ANSWER"):
            monkeypatch.setenv(f"RPA_CLEARINGHOUSE_ALTERED_{name}", os.environ[f"RPA_CLEARINGHOUSE_{name}"])
        for cached in (discover, selector_map_for, wording_maps_for):
            cached.cache_clear()
        return "_altered"

    yield install
    for cached in (discover, selector_map_for, wording_maps_for):
        cached.cache_clear()


def altered_rows(truth: list[dict], suffix: str, count: int, start: int) -> list[dict]:
    return [{**row, "payer": row["payer"] + suffix} for row in claim_rows(truth, count, start)]


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
