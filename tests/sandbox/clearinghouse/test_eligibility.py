"""Eligibility and benefits: a posted form; results with a tab per service type whose hidden
panels are really in the page; member not found; coverage terminated."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from rpa.sandbox.clearinghouse.truth import eligibility_truth
from rpa.sandbox.clock import today

from .helpers import read_table, us
from .reading import eligibility_from_page


def _inquire(page: Page, portal, member, *, service_type: str = "Health Benefit Plan Coverage", dob=None) -> None:
    data = portal.data
    page.goto(portal.url + "/eligibility")
    page.get_by_label("Payer").select_option(label=data.payer_of(member).name)
    page.get_by_label("Provider", exact=True).select_option(index=1)
    page.get_by_label("Member ID").fill(member.member_id)
    page.get_by_label("Patient Date of Birth").fill(us(dob or member.date_of_birth))
    page.get_by_label("Benefit / Service Type").select_option(label=service_type)
    expect(page.get_by_label("As of Date")).to_have_value(us(today()))
    page.get_by_role("button", name="Submit").click()


def test_benefits_come_in_a_tab_per_service_type_and_hidden_panels_hold_their_rows(clearinghouse, reader: Page):
    data = clearinghouse.data
    member = next(m for m in data.members if m.plan.id == "summit-choice-ppo" and m.active_on(today()))
    _inquire(reader, clearinghouse, member)
    tabs = reader.get_by_role("tablist", name="Benefits by service type").get_by_role("tab")
    expect(tabs.first).to_have_text("Health Benefit Plan Coverage")
    expect(tabs.first).to_have_attribute("aria-selected", "true")
    assert tabs.count() == 9
    office = reader.get_by_role("tabpanel", name="Professional (Physician) Visit - Office", include_hidden=True)
    expect(office).to_be_hidden()
    rows = read_table(office.locator("table"))
    assert [(row["Benefit"], row["Network"], row["Amount"]) for row in rows] == [
        ("Co-Payment", "In Network", "$25.00"),
        ("Co-Insurance", "Out of Network", "40%"),
    ]
    reader.get_by_role("tab", name="Professional (Physician) Visit - Office").click()
    expect(office).to_be_visible()
    expect(reader.get_by_role("tabpanel", name="Health Benefit Plan Coverage", include_hidden=True)).to_be_hidden()
    assert eligibility_from_page(reader) == eligibility_truth(data, member, "30", today())


def test_another_service_type_shows_its_own_tab_beside_the_plan_limits(clearinghouse, reader: Page):
    data = clearinghouse.data
    member = next(m for m in data.members if m.plan.id == "lakeshore-family-hmo" and m.active_on(today()))
    _inquire(reader, clearinghouse, member, service_type="Urgent Care")
    tabs = reader.get_by_role("tablist", name="Benefits by service type").get_by_role("tab")
    expect(tabs).to_have_text(["Health Benefit Plan Coverage", "Urgent Care"])
    truth = eligibility_truth(data, member, "UC", today())
    assert eligibility_from_page(reader) == truth
    assert {benefit.benefit_code for benefit in truth.benefits} == {"C", "G", "B"}


def test_a_wrong_birth_date_or_another_payers_member_is_not_found(clearinghouse, reader: Page):
    data = clearinghouse.data
    member = next(m for m in data.members if data.payer_of(m).id == "prairie")
    _inquire(reader, clearinghouse, member, dob=member.date_of_birth - timedelta(days=1))
    expect(reader.get_by_role("alert")).to_have_text(
        "Member not found. Check the Member ID and Patient Date of Birth and try again."
    )
    reader.get_by_label("Payer").select_option(label="Summit Health Plan")
    reader.get_by_label("Patient Date of Birth").fill(us(member.date_of_birth))
    reader.get_by_role("button", name="Submit").click()
    expect(reader.get_by_role("alert")).to_contain_text("Member not found.")


def test_terminated_coverage_is_found_inactive_without_benefits(clearinghouse, reader: Page):
    data = clearinghouse.data
    member = next(m for m in data.members if m.coverage_end and m.coverage_end < today() and data.payer_of(m).id == "lakeshore")
    _inquire(reader, clearinghouse, member)
    expect(reader.get_by_role("alert")).to_have_text(
        f"Coverage terminated on {us(member.coverage_end)}. Benefits are not available for the date of service."
    )
    expect(reader.get_by_role("tablist")).to_have_count(0)
    truth = eligibility_truth(data, member, "30", today())
    assert (truth.coverage_active, truth.coverage_status_code, truth.coverage_status_text) == (False, "6", "Terminated")
    assert eligibility_from_page(reader) == truth and truth.benefits == []
