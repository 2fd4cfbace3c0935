"""`rpa runs report`: one self-contained HTML file, checked in a real Chromium."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from .conftest import rpa


def write_report(store) -> Path:
    result = rpa("runs", "report", store.run_id, "--runs-dir", store.path.parent)
    assert result.exit_code == 0, result.output
    return Path(result.output.strip())


@pytest.fixture
def opened(page):
    """Open a report as a person would (file://), and record every request it makes."""
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    def open_report(path: Path):
        page.goto(path.as_uri())
        return requests

    return open_report


def test_the_report_is_one_file_that_needs_no_network(review_runs, page, opened):
    path = write_report(review_runs.claims)

    requests = opened(path)

    assert path == review_runs.claims.path / "report.html"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert requests == [path.as_uri()]
    html = path.read_text()
    assert 'src="http' not in html and 'href="http' not in html and "<link" not in html


def test_summary_cards_charts_and_per_payer_table_describe_the_run(review_runs, page, opened):
    opened(write_report(review_runs.claims))
    counts = review_runs.claims.manifest().counts

    assert page.locator('[data-card="Found"] .value').inner_text() == str(counts["found"])
    assert page.locator('[data-card="Rejected"] .value').inner_text() == "1"
    assert page.locator("#outcome-chart rect").count() == 3
    assert page.locator("#throughput-chart rect").count() >= 2
    assert page.locator("#payers tbody tr").first.inner_text().startswith("sandbox")
    assert page.locator("#followup").get_by_text("Denials by reason code").is_visible()
    assert page.locator("#followup-table tbody tr").count() > 20


def test_search_and_filters_narrow_the_items(review_runs, page, opened):
    opened(write_report(review_runs.claims))
    rows = page.locator("#items-table tbody tr")
    total = rows.count()
    number = next(r.query["claim_number"] for r in review_runs.claims.results() if r.answer["status_category"] == "F2")

    page.get_by_label("Search items").fill(number)
    assert rows.count() == 1 and number in rows.first.inner_text()
    assert page.locator("#followup-table tbody tr:visible").count() == 1

    page.get_by_label("Search items").fill("")
    page.get_by_label("Filter by outcome").select_option("not_found")
    assert rows.count() == 3 and all(row.get_attribute("data-outcome") == "not_found" for row in rows.all())
    page.get_by_label("Filter by outcome").select_option("")
    page.get_by_label("Filter by payer").select_option("sandbox")
    assert rows.count() == total


def test_a_failure_opens_with_its_screenshot_error_attempts_and_trace(review_runs, page, opened):
    store = review_runs.failures
    opened(write_report(store))
    failure = store.results()[1]
    rows = page.locator("#items-table tbody tr")

    page.get_by_label("Filter by outcome").select_option("failed")
    assert rows.count() == 3
    page.get_by_label("Search items").fill(failure.query["claim_number"])
    assert rows.count() == 1 and page.locator("details.failure:visible").count() == 1
    rows.first.click()

    card = page.locator(f"#item-{failure.item_id}")
    assert card.get_attribute("open") is not None
    screenshot = card.locator("img.screenshot")
    assert screenshot.is_visible()
    assert screenshot.evaluate("img => img.complete && img.naturalWidth") > 0
    assert failure.error.message in card.inner_text() and "Attempts: 2" in card.inner_text()
    trace = card.locator("a.trace").get_attribute("href")
    assert trace == f"artifacts/{failure.item_id}/trace.zip" and (store.path / trace).is_file()
    command = card.locator(".trace-command").inner_text()
    assert command == f"playwright show-trace {(store.path / trace).resolve()}"


def test_a_stopped_run_shows_the_stop_with_its_screenshot_its_history_and_how_to_finish_it(review_runs, page, opened):
    store = review_runs.needs_human
    opened(write_report(store))

    notice = page.get_by_role("alert")
    assert "sandbox stopped (needs_human)" in notice.inner_text() and "no TOTP secret" in notice.inner_text()
    assert notice.locator("img.stop-screenshot").evaluate("img => img.naturalWidth") > 0
    assert f"rpa run --resume {store.run_id}" in page.locator(".resume").inner_text()
    history = page.get_by_role("region", name="History").inner_text()
    assert "stopped (exit 3)" in history and "sandbox stopped (needs_human)" in history
