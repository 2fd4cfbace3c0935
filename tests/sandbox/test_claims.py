"""Claim search (by claim number, by member with dates, paginated) and the v2 variant."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from rpa.sandbox.clock import today
from rpa.sandbox.truth import claim_truth, eligibility_truth
from rpa.sandbox.wording import CLAIM_RESULT_COLUMNS

from .helpers import read_table
from .reading import claim_from_page, eligibility_from_page


def _search(page: Page, **fields: str) -> None:
    for label, value in fields.items():
        page.get_by_label(label.replace("_", " "), exact=True).fill(value)
    page.get_by_role("button", name="Search").click()


def _member_with_most_claims(portal):
    members = {}
    for claim in portal.data.claims:
        members.setdefault(claim.member.member_id, []).append(claim)
    return max(members.values(), key=len)


def test_a_claim_number_or_payer_claim_id_alone_finds_its_claim(portal, page: Page, sign_in):
    claim = portal.data.claims[42]
    sign_in(page, path="/claims")
    expect(page.get_by_label("Plan")).to_have_value("")
    expect(page.get_by_label("Plan").locator("option").first).to_have_text("All plans")
    _search(page, Claim_Number=claim.claim_number)
    expect(page.get_by_text("Showing 1–1 of 1 claims")).to_be_visible()
    rows = read_table(page.get_by_role("table"))
    assert rows == [
        {
            "Claim Number": claim.claim_number,
            "Payer Claim ID": claim.payer_claim_id,
            "Patient": claim.member.name,
            "Member ID": claim.member.member_id,
            "Service Dates": _dates(claim),
            "Billed": f"${claim.billed:,.2f}",
            "Status": claim.status,
        }
    ]
    page.get_by_role("link", name=claim.claim_number).click()
    expect(page.get_by_role("heading", name=f"Claim {claim.claim_number}")).to_be_visible()
    page.goto(portal.url + "/claims")
    _search(page, Claim_Number=claim.payer_claim_id)
    expect(page.get_by_role("link", name=claim.claim_number)).to_be_visible()


def test_member_birth_date_and_exact_service_dates_identify_one_claim(portal, page: Page, sign_in):
    claim = next(c for c in portal.data.claims if c.service_from != c.service_to)
    member = claim.member
    sign_in(page, path="/claims")
    _search(
        page,
        Member_ID=member.member_id,
        Patient_Date_of_Birth=_us(member.date_of_birth),
        Service_Date_From=_us(claim.service_from),
        Service_Date_To=_us(claim.service_to),
    )
    rows = read_table(page.get_by_role("table"))
    assert [row["Claim Number"] for row in rows] == [claim.claim_number]
    assert rows[0]["Service Dates"] == f"{_us(claim.service_from)} - {_us(claim.service_to)}"


def test_a_wide_date_range_pages_ten_claims_at_a_time_newest_first(portal, page: Page, sign_in):
    claims = sorted(_member_with_most_claims(portal), key=lambda c: c.service_from, reverse=True)
    member = claims[0].member
    pages = -(-len(claims) // 10)
    sign_in(page, path="/claims")
    _search(
        page,
        Member_ID=member.member_id,
        Patient_Date_of_Birth=_us(member.date_of_birth),
        Service_Date_From="01/01/2020",
        Service_Date_To="12/31/2026",
    )
    pagination = page.get_by_role("navigation", name="Pagination")
    expect(pagination).to_contain_text(f"Page 1 of {pages}")
    expect(pagination).to_contain_text(f"Showing 1–10 of {len(claims)} claims")
    expect(pagination.get_by_role("button", name="Previous")).to_be_disabled()
    assert [r["Claim Number"] for r in read_table(page.get_by_role("table"))] == [c.claim_number for c in claims[:10]]
    pagination.get_by_role("button", name="Next").click()
    expect(pagination).to_contain_text(f"Page 2 of {pages}")
    expect(pagination).to_contain_text(f"Showing 11–{min(20, len(claims))} of {len(claims)} claims")
    assert [r["Claim Number"] for r in read_table(page.get_by_role("table"))] == [c.claim_number for c in claims[10:20]]
    pagination.get_by_role("button", name="Previous").click()
    expect(pagination).to_contain_text(f"Page 1 of {pages}")


def test_searches_that_cannot_run_or_find_nothing_say_so(portal, page: Page, sign_in):
    sign_in(page, path="/claims")
    _search(page, Member_ID="SBX000000001")
    expect(page.get_by_role("alert")).to_have_text("Enter a claim number, or a member ID with date of birth and service dates.")
    expect(page).to_have_url(re.compile(r"/claims$"))
    _search(page, Claim_Number="CLM00000000")
    expect(page.get_by_role("alert")).to_have_text("No claims found matching your search criteria.")
    page.goto(portal.url + "/claims/results?memberId=SBX1&dob=13/45/2020&from=01/01/2026&to=01/31/2026")
    expect(page.get_by_role("alert")).to_have_text("Enter the date as MM/DD/YYYY.")


def test_the_json_api_narrows_by_npi_and_plan_and_validates(portal, api_session):
    client = api_session()
    claim = portal.data.claims[7]
    query = {"claimNumber": claim.claim_number, "npi": claim.provider.npi, "plan": claim.member.plan.id}
    assert client.get("/api/claims/search", params=query).json()["totalResults"] == 1
    other_npi = next(p.npi for p in portal.data.providers if p.npi != claim.provider.npi)
    assert client.get("/api/claims/search", params={**query, "npi": other_npi}).json()["results"] == []
    bad = client.get("/api/claims/search", params={"npi": "1234567890", "claimNumber": "X"})
    assert bad.status_code == 400 and bad.json()["fields"] == {"npi": "Enter a valid 10-digit NPI."}
    assert client.get("/api/claims/0000000000000").status_code == 404
    detail = client.get(f"/api/claims/{claim.payer_claim_id}").json()
    assert set(detail) >= {
        "claimId",
        "claimNumber",
        "patient",
        "provider",
        "plan",
        "serviceDateFrom",
        "serviceDateTo",
        "status",
        "statusDetail",
        "receivedDate",
        "processedDate",
        "amounts",
        "payment",
        "adjustments",
        "lines",
    }
    assert client.get(f"/claims/{claim.payer_claim_id}9").status_code == 404


def test_v2_keeps_every_label_but_renames_ids_and_moves_things(portal, page: Page, sign_in):
    claim = portal.data.claims[3]
    sign_in(page, path="/claims")
    v1_fields = page.locator("form[data-portal-form] label").all_inner_texts()
    assert page.locator("#claimNumber, #field-claimNumber").count() == 1
    portal.configure(ui="v2")
    page.reload()
    v2_fields = page.locator("form[data-portal-form] label").all_inner_texts()
    assert sorted(v2_fields) == sorted(v1_fields) and v2_fields != v1_fields
    assert page.locator("#field-claimNumber, [data-testid='field-claimNumber']").count() == 0
    expect(page.get_by_role("complementary").get_by_role("navigation", name="Main")).to_be_visible()
    _search(page, Claim_Number=claim.claim_number)
    page.get_by_role("table").wait_for()
    headings = page.get_by_role("table").locator("thead th").all_inner_texts()
    assert sorted(headings) == sorted(CLAIM_RESULT_COLUMNS.values()) and headings != list(CLAIM_RESULT_COLUMNS.values())
    page.get_by_role("link", name=claim.claim_number).click()
    sections = page.get_by_role("region").locator("h2")
    expect(sections).to_have_count(5)
    assert page.locator("#summary, #section-summary, [data-testid='section-summary']").count() == 0
    assert sections.all_inner_texts()[:2] == ["Claim Summary", "Service Lines"]
    assert claim_from_page(page) == claim_truth(claim)


def test_v2_eligibility_reads_the_same_by_its_labels(portal, page: Page, sign_in):
    member = next(m for m in portal.data.members if m.plan.id == "hmo-value" and m.active_on(today()))
    portal.configure(ui="v2")
    sign_in(page, path="/eligibility")
    page.get_by_label("Member ID").fill(member.member_id)
    page.get_by_label("Date of Birth").fill(_us(member.date_of_birth))
    page.get_by_label("Service Type").select_option(label="Mental Health")
    page.get_by_role("button", name="Check Eligibility").click()
    assert eligibility_from_page(page) == eligibility_truth(member, "MH", today())
    assert page.get_by_role("region").locator("h2").all_inner_texts() == ["Benefits", "Coverage Summary"]


def _us(day) -> str:
    return day.strftime("%m/%d/%Y")


def _dates(claim) -> str:
    if claim.service_from == claim.service_to:
        return _us(claim.service_from)
    return f"{_us(claim.service_from)} - {_us(claim.service_to)}"
