"""The supervisor's runs pages: a batch killed in the night is listed as interrupted, resumed from
its page, watched to the end with live progress, and its report opened; and the payers'
readiness check as a page."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from playwright.sync_api import Page, expect

from rpa.core.worklist import write_worklist
from rpa.runs.review import list_runs, overview_of
from rpa.runs.store import RunStore

from .conftest import shot, sign_in

ITEMS = 16


def interrupted_batch(sandbox, settings, tmp_path) -> RunStore:
    """A real `rpa run` over the sandbox, killed with SIGKILL after a few items."""
    rows = [{"Payer": "sandbox", "Claim Number": claim.claim_number} for claim in sandbox.data.claims[1000 : 1000 + ITEMS]]
    worklist = write_worklist(tmp_path / "night.csv", rows)
    command = [
        sys.executable,
        "-m",
        "rpa",
        "run",
        str(worklist),
        "--runs-dir",
        str(settings.runs_dir),
        "--mode",
        "api",
        "--sessions",
        "1",
    ]
    batch = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    try:
        while True:
            assert time.monotonic() < deadline and batch.poll() is None, "the batch ended before it could be interrupted"
            runs = list_runs(settings.runs_dir)
            if runs and len(RunStore(runs[0].path).results()) >= 3:
                break
            time.sleep(0.1)
    finally:
        os.kill(batch.pid, signal.SIGKILL)
        batch.wait()
    return RunStore(runs[0].path)


def test_a_supervisor_resumes_an_interrupted_batch_and_watches_it_finish(
    page: Page, console_server, sandbox, api_engine, tmp_path
):
    sandbox.configure(latency_ms=200)
    store = interrupted_batch(sandbox, api_engine, tmp_path)
    assert overview_of(store).status == "interrupted"
    done_before = len(store.results())

    sign_in(page, console_server, "sue")
    page.goto(console_server.url + "/runs")
    row = page.locator("tr", has_text=store.run_id)
    expect(row).to_contain_text("interrupted")
    shot(page, "runs")
    row.get_by_role("link", name=store.run_id).click()
    expect(page.locator('[data-field="done"]')).to_have_text(str(done_before))
    page.get_by_role("button", name="Resume this run").click()
    expect(page.get_by_role("status")).to_contain_text("Resuming")

    page.wait_for_function(
        "([before, all]) => { const done = Number(document.querySelector('[data-field=done]').textContent);"
        " return done > before && done < all; }",
        arg=[done_before, ITEMS],
        timeout=60_000,
    )
    expect(page.locator('[data-field="rate_per_min"]')).not_to_have_text("0.0")
    shot(page, "run-progress")
    expect(page.locator("h1 .badge")).to_have_text("completed", timeout=90_000)
    expect(page.locator('[data-field="exit_code"]')).to_have_text("0")
    expect(page.locator('[data-field="done"]')).to_have_text(str(ITEMS))
    shot(page, "run-completed")
    results = store.results()
    assert len(results) == ITEMS == len({result.item_id for result in results})

    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Open the report").click()
    report = opened.value
    report.wait_for_load_state()
    expect(report.locator("body")).to_contain_text(store.run_id)
    shot(report, "run-report")


def test_the_payer_readiness_check_as_a_page(page: Page, console_server, monkeypatch):
    monkeypatch.setenv("RPA_CLEARINGHOUSE_URL", "http://127.0.0.1:9")
    sign_in(page, console_server, "sue")
    page.get_by_role("link", name="Payers").click()
    sandbox_card = page.locator("section.readiness", has_text="sandbox")
    expect(sandbox_card.get_by_role("heading")).to_contain_text("ready")
    expect(sandbox_card).to_contain_text("answered HTTP 200")
    clearinghouse = page.locator("section.readiness", has=page.get_by_role("heading", name="clearinghouse"))
    expect(clearinghouse.get_by_role("heading")).to_contain_text("not ready")
    expect(clearinghouse).to_contain_text("did not answer")
    shot(page, "readiness")
