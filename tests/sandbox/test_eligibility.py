"""Eligibility and benefits: found and active, inactive, not found, and the service-type filter."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from rpa.sandbox.clock import today
from rpa.sandbox.wording import SERVICE_TYPES

from .helpers import read_pairs, read_table, section

NOT_FOUND = "Member not found. Verify the member ID, date of birth and name and try again."


def _check(page: Page, member, *, service_type: str | None = None, first: str = "", last: str = "") -> None:
    page.get_by_label("Member ID").fill(member.member_id)
    page.get_by_label("Date of Birth").fill(member.date_of_birth.strftime("%m/%d/%Y"))
    page.get_by_label("First Name").fill(first)
    page.get_by_label("Last Name").fill(last)
    if service_type:
        page.get_by_label("Service Type").select_option(service_type)
    page.get_by_role("button", name="Check Eligibility").click()


def test_an_active_member_shows_coverage_and_the_service_types_benefits(portal, page: Page, sign_in):
    member = next(m for m in portal.data.members if m.active_on(today()) and m.plan.id == "ppo-silver")
    sign_in(page, path="/eligibility")
    expect(page.get_by_label("Service Type")).to_have_value("30")
    expect(page.get_by_label("Date of Service")).to_have_value(today().strftime("%m/%d/%Y"))
    assert page.get_by_label("Service Type").locator("option").all_inner_texts() == list(SERVICE_TYPES.values())
    _check(page, member, service_type="98", first=member.first_name.upper(), last=member.last_name)
    coverage = read_pairs(section(page, "Coverage Summary"))
    assert coverage["Member Name"] == member.name and coverage["Coverage Status"] == "Active Coverage"
    assert (coverage["Plan Name"], coverage["Plan Type"], coverage["Primary Care Provider"]) == ("Sandbox PPO Silver", "PPO", "—")
    rows = read_table(section(page, "Benefits").get_by_role("table"))
    plan_level = [row for row in rows if row["Service Type"] == "Health Benefit Plan Coverage"]
    office = [row for row in rows if row["Service Type"] == "Professional (Physician) Visit - Office"]
    assert len(plan_level) + len(office) == len(rows) and office
    assert {row["Benefit"] for row in plan_level} == {"Deductible", "Out-of-Pocket Maximum"}
    assert {(row["Benefit"], row["Amount"]) for row in office} == {("Co-Payment", "$35.00"), ("Co-Insurance", "40%")}


def test_terminated_coverage_is_inactive_without_benefits(portal, page: Page, sign_in):
    member = next(m for m in portal.data.members if m.coverage_end and m.coverage_end < today())
    sign_in(page, path="/eligibility")
    _check(page, member)
    coverage = read_pairs(section(page, "Coverage Summary"))
    assert coverage["Coverage Status"] == "Inactive"
    assert coverage["Termination Date"] == member.coverage_end.strftime("%m/%d/%Y")
    expect(section(page, "Benefits")).to_contain_text(
        "Benefits are not available because coverage is not active on the date of service."
    )


def test_an_unknown_member_or_a_wrong_name_is_not_found(portal, page: Page, sign_in):
    member = portal.data.members[0]
    sign_in(page, path="/eligibility")
    _check(page, member, last=member.last_name + "x")
    expect(page.get_by_role("alert")).to_have_text(NOT_FOUND)
    page.goto(portal.url + "/eligibility")
    page.get_by_role("button", name="Check Eligibility").click()
    expect(page.get_by_role("alert")).to_have_text("Enter the member ID and date of birth.")


def test_the_json_api_answers_with_portal_words_and_404_for_no_member(portal, api_session):
    member = next(m for m in portal.data.members if m.plan.id == "hmo-select" and m.active_on(today()))
    client = api_session()
    query = {"memberId": member.member_id, "dob": member.date_of_birth.isoformat(), "serviceType": "48"}
    answer = client.get("/api/eligibility", params=query).json()
    assert answer["coverage"]["planType"] == "HMO" and answer["coverage"]["pcp"] == member.pcp
    inpatient = [b for b in answer["benefits"] if b["serviceType"] == "Hospital - Inpatient"]
    assert inpatient == [
        {
            "serviceType": "Hospital - Inpatient",
            "benefit": "Co-Insurance",
            "coverageLevel": None,
            "network": "In-Network",
            "amount": None,
            "percent": "10",
            "timePeriod": None,
            "met": None,
            "remaining": None,
            "authorization": "Required",
            "notes": "Prior authorization required for non-emergency admissions.",
        }
    ]
    missing = client.get("/api/eligibility", params={**query, "memberId": "SBX000000000"})
    assert missing.status_code == 404 and missing.json() == {"error": "member_not_found", "message": NOT_FOUND}
