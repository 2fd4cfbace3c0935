"""Ground truth agrees with what the pages show, for every status kind, plan type and coverage state."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page

from rpa.core.models import ClaimStatus, Eligibility
from rpa.sandbox.claim_maker import STATUS_SHARES
from rpa.sandbox.clock import today
from rpa.sandbox.data import generate
from rpa.sandbox.truth import claim_record, claim_truth, eligibility_record, eligibility_truth
from rpa.sandbox.wording import PlanTypeWords

from .helpers import Codes, enter_password
from .reading import claim_from_page, eligibility_from_page

COVERAGE_STATES = {
    "active": lambda member, day: member.active_on(day),
    "terminated": lambda member, day: member.coverage_end is not None and member.coverage_end < day,
    "future": lambda member, day: member.coverage_start > day,
}


@pytest.fixture(scope="module")
def signed_in(sandbox, browser) -> Page:
    """One signed-in page for the whole module: these tests only read."""
    context = browser.new_context()
    context.set_default_timeout(5000)
    page = context.new_page()
    page.goto(sandbox.url + "/home")
    enter_password(page, sandbox, "clinic5")
    page.get_by_label("Verification code").fill(Codes(sandbox).next("clinic5"))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/home")
    yield page
    context.close()


@pytest.mark.parametrize("status", list(STATUS_SHARES))
def test_a_claims_detail_page_maps_to_its_ground_truth(sandbox, signed_in: Page, status):
    claims = [claim for claim in sandbox.data.claims if claim.status == status]
    claim = max(claims, key=lambda c: (len(c.lines), sum(len(line.adjustments) for line in c.lines)))
    signed_in.goto(f"{sandbox.url}/claims/{claim.payer_claim_id}")
    assert claim_from_page(signed_in) == claim_truth(claim)


@pytest.mark.parametrize("state", list(COVERAGE_STATES))
@pytest.mark.parametrize("plan_type", list(PlanTypeWords))
def test_an_eligibility_page_maps_to_its_ground_truth(sandbox, signed_in: Page, plan_type, state):
    day = today()
    member = next(m for m in sandbox.data.members if m.plan.plan_type == plan_type and COVERAGE_STATES[state](m, day))
    signed_in.goto(f"{sandbox.url}/eligibility")
    signed_in.get_by_label("Member ID").fill(member.member_id)
    signed_in.get_by_label("Date of Birth").fill(member.date_of_birth.strftime("%m/%d/%Y"))
    signed_in.get_by_role("button", name="Check Eligibility").click()
    truth = eligibility_truth(member, "30", day)
    assert eligibility_from_page(signed_in) == truth
    assert truth.coverage_active == (state == "active") and bool(truth.benefits) == truth.coverage_active


def test_the_admin_export_is_the_in_process_truth(sandbox):
    data = sandbox.data
    claims = sandbox.truth_claims()
    assert len(claims) == len(data.claims)
    assert claims[::500] == [claim_record(claim) for claim in data.claims[::500]]
    eligibility = sandbox.truth_eligibility(date="2026-11-01", service_type="MH")
    assert eligibility[::50] == [eligibility_record(m, "MH", date(2026, 11, 1)) for m in data.members[::50]]


def test_truth_answers_use_exactly_the_design_shapes():
    data = generate(7, 30, 200)
    record = claim_record(data.claims[0])
    assert set(record) == {"kind", "outcome", "query", "answer"}
    assert set(record["query"]) == {
        "payer",
        "claim_number",
        "member_id",
        "patient_dob",
        "provider_npi",
        "service_date_from",
        "service_date_to",
        "billed_amount",
    }
    assert set(record["answer"]) == set(ClaimStatus.model_fields)
    record = eligibility_record(data.members[0], "30", data.anchor)
    assert set(record["query"]) == {
        "payer",
        "member_id",
        "patient_first_name",
        "patient_last_name",
        "patient_dob",
        "service_date",
        "service_type",
    }
    assert set(record["answer"]) == set(Eligibility.model_fields)


def test_limits_yield_their_amount_then_what_remains_and_percent_is_a_ratio():
    data = generate(7, 30, 0)
    member = next(m for m in data.members if m.plan.id == "ppo-gold" and m.active_on(data.anchor))
    benefits = eligibility_truth(member, "30", data.anchor).benefits
    deductible, remaining = benefits[0], benefits[1]
    assert (deductible.benefit_code, deductible.time_period, deductible.amount) == ("C", "23", 500)
    assert (remaining.time_period, remaining.amount) == (
        "29",
        500 - member.accumulators[("Deductible", "Individual", "In-Network")],
    )
    coinsurance = next(b for b in benefits if b.benefit_code == "A")
    assert str(coinsurance.percent) == "0.10" and coinsurance.time_period is None
