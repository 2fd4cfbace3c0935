"""A specialist's lookups in the browser: the sandbox's ground truth on the page, the 277 and 271
codes beside the portal's words, a run recorded like every CLI lookup, and no PHI in any URL,
title or access-log line."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from rpa.core.readout import benefit_rows
from rpa.runs.review import list_runs
from rpa.runs.store import RunStore

from .conftest import ConsoleServer, Exposure, shot, sign_in


@pytest.fixture
def page_mode_console(engine, accounts):
    """The console reading the portal's pages, as a deployment without the portal's JSON does."""
    server = ConsoleServer(engine.model_copy(update={"mode": "page"}))
    yield server
    server.stop()


def a_denied_claim(sandbox) -> dict:
    truth = {record["answer"]["claim_number"]: record["answer"] for record in sandbox.truth_claims()}
    for claim in sandbox.data.claims:
        answer = truth[claim.claim_number]
        if answer["status_category"] == "F2" and len(answer["adjustments"]) >= 1 and answer["status_code"]:
            return answer
    raise AssertionError("no denied claim in the sandbox's data")


def test_a_claim_looked_up_by_number_shows_the_sandboxs_status_in_its_words_and_as_277_codes(
    page: Page, page_mode_console, sandbox, engine, caplog
):
    caplog.set_level(logging.INFO, logger="rpa.console.access")
    truth = a_denied_claim(sandbox)
    seen = Exposure().watch(page)
    sign_in(page, page_mode_console, "ana")

    page.goto(page_mode_console.url + "/lookup")
    shot(page, "lookup-form")
    claim_form = page.get_by_role("form", name="Claim status")
    claim_form.get_by_label("Payer").select_option("sandbox")
    claim_form.get_by_label("Claim number").fill(truth["claim_number"])
    claim_form.get_by_role("button", name="Look up").click()

    expect(page.get_by_role("heading", name="Looking up…")).to_be_visible()
    shot(page, "lookup-progress")
    expect(page.get_by_role("heading", name="Claim status")).to_be_visible(timeout=60_000)
    answer = page.locator(".answer")
    expect(answer.locator(".status-words")).to_have_text(truth["status_text"])
    expect(answer.locator(".status-codes")).to_contain_text(f"277 category {truth['status_category']}")
    expect(answer.locator(".status-codes")).to_contain_text(f"status code {truth['status_code']}")
    expect(answer).to_contain_text(f"${Decimal(truth['billed_amount']):,.2f}")
    for adjustment in truth["adjustments"]:
        row = answer.locator("table").first.locator("tr", has_text=adjustment["text"])
        expect(row).to_contain_text(adjustment["carc"])
        expect(row).to_contain_text(f"${Decimal(adjustment['amount']):,.2f}")
    shot(page, "lookup-claim-answer")

    [run] = [run for run in list_runs(engine.runs_dir) if run.command == "lookup"]
    [result] = RunStore(run.path).results()
    assert result.answer["status_text"] == truth["status_text"] and result.mode == "page"
    expect(answer).to_contain_text(run.run_id)

    seen.assert_free_of(truth["claim_number"], truth["member_id"], truth["patient_name"])
    logged = "\n".join(record.getMessage() for record in caplog.records if record.name == "rpa.console.access")
    assert "POST /lookup/claim 303" in logged and "user=ana" in logged
    assert truth["claim_number"] not in logged and truth["member_id"] not in logged


def test_an_eligibility_lookup_shows_coverage_and_benefits_with_met_and_remaining(page: Page, console_server, sandbox):
    member = next(m for m in sandbox.data.members if m.active_on(date.today()))
    [truth] = [
        record["answer"]
        for record in sandbox.truth_eligibility(date=date.today())
        if record["answer"]["member_id"] == member.member_id
    ]
    seen = Exposure().watch(page)
    sign_in(page, console_server, "ana")

    page.goto(console_server.url + "/lookup")
    form = page.get_by_role("form", name="Eligibility")
    form.get_by_label("Payer").select_option("sandbox")
    form.get_by_label("Member ID").fill(member.member_id)
    form.get_by_label("Date of birth").fill(member.date_of_birth.isoformat())
    form.get_by_role("button", name="Check eligibility").click()

    expect(page.get_by_role("heading", name="Eligibility and benefits")).to_be_visible(timeout=60_000)
    answer = page.locator(".answer")
    expect(answer.locator(".status-words")).to_have_text(truth["coverage_status_text"])
    expect(answer.locator(".status-codes")).to_contain_text(f"271 EB01 {truth['coverage_status_code']}")
    expect(answer).to_contain_text(truth["plan_name"])
    rows = [row for row in benefit_rows(truth["benefits"]) if row.met and row.remaining]
    assert rows, "the member has deductibles or out-of-pocket amounts met in part"
    table = answer.locator("table")
    for row in rows:
        line = table.locator("tr", has_text=row.benefit_name).filter(has_text=row.amount).filter(has_text=row.remaining)
        expect(line.first).to_contain_text(row.met)
    shot(page, "lookup-eligibility-answer")
    seen.assert_free_of(member.member_id, member.date_of_birth.isoformat(), truth["patient_name"])


def test_the_form_names_the_field_a_lookup_needs_before_any_portal_is_asked(page: Page, console_server, engine):
    sign_in(page, console_server, "ana")
    page.goto(console_server.url + "/lookup")
    claim_form = page.get_by_role("form", name="Claim status")
    claim_form.get_by_label("Payer").select_option("sandbox")
    claim_form.get_by_label("Member ID").fill("SBX410965605")
    claim_form.get_by_role("button", name="Look up").click()
    expect(page.get_by_role("alert")).to_contain_text("is required without a claim_number")
    expect(page.get_by_role("form", name="Claim status").get_by_label("Date of birth")).to_have_attribute("aria-invalid", "true")

    claim_form = page.get_by_role("form", name="Claim status")
    claim_form.get_by_label("Payer").select_option("summit")
    claim_form.get_by_label("Claim number").fill("CLM20529438")
    claim_form.get_by_role("button", name="Look up").click()
    expect(page.get_by_role("alert")).to_contain_text("looks Summit")
    expect(page.get_by_role("form", name="Claim status").get_by_label("Provider NPI")).to_have_attribute("aria-invalid", "true")
    shot(page, "lookup-form-error")
    assert list_runs(engine.runs_dir) == []


def test_a_portal_in_maintenance_shows_why_the_lookup_stopped_and_the_fix(page: Page, console_server, sandbox):
    sandbox.configure(maintenance=True)
    sign_in(page, console_server, "ben")
    page.goto(console_server.url + "/lookup")
    form = page.get_by_role("form", name="Claim status")
    form.get_by_label("Payer").select_option("sandbox")
    form.get_by_label("Claim number").fill(sandbox.data.claims[0].claim_number)
    form.get_by_role("button", name="Look up").click()
    expect(page.get_by_role("heading", name="The portal stopped")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("alert")).to_contain_text("maintenance")
    page.get_by_text("For a supervisor").click()
    expect(page.locator("section")).to_contain_text("Fix: wait for the portal to come back")
    shot(page, "lookup-stopped")
