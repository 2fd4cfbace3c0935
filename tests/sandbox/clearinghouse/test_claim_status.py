"""Claim status inside the shell's iframe: the payer combobox, providers by NPI or Tax ID, the
Member and Claim number tabs, results posted back ten a page, and the detail in a new window."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import FrameLocator, Page, expect

from rpa.sandbox.clearinghouse.truth import claim_truth, member_search
from rpa.sandbox.wording import ClaimStatusWords as Kind

from .helpers import choose_payer, choose_provider, claim_app, read_table, us
from .reading import claim_from_detail

PAYER_NAMES = {"summit": "Summit Health Plan", "lakeshore": "Lakeshore Community Health", "prairie": "Prairie Mutual Insurance"}


def _open_app(page: Page, portal, payer_id: str) -> FrameLocator:
    page.goto(portal.url + "/claims/status")
    app = claim_app(page)
    choose_payer(app, PAYER_NAMES[payer_id][:6], PAYER_NAMES[payer_id])
    return app


def _search_member(app: FrameLocator, identifier: str, member, start, end) -> None:
    choose_provider(app, identifier)
    app.get_by_label("Member ID").fill(member.member_id)
    app.get_by_label("Patient Date of Birth").fill(us(member.date_of_birth))
    app.get_by_label("Service Date From").fill(us(start))
    app.get_by_label("Service Date To").fill(us(end))
    app.get_by_role("button", name="Submit").click()
    expect(app.get_by_role("heading", name="Claim Status Results")).to_be_visible()


def _rows(app: FrameLocator) -> list[dict]:
    return read_table(app.get_by_role("table", name="Claims"))


def test_the_payer_combobox_offers_what_was_typed_and_loads_that_payers_form(clearinghouse, reader: Page):
    reader.goto(clearinghouse.url + "/claims/status")
    app = claim_app(reader)
    combobox = app.get_by_role("combobox", name="Payer")
    combobox.press_sequentially("summ", delay=20)
    options = app.get_by_role("listbox", name="Payers").get_by_role("option")
    expect(options).to_have_text(
        ["Summerfield Health Cooperative", "Summit Dental Partners", "Summit Health Plan", "Summit Vision Services"]
    )
    expect(combobox).to_have_attribute("aria-expanded", "true")
    options.filter(has_text="Summit Dental Partners").click()
    expect(app.get_by_role("alert")).to_have_text(
        "Claim status inquiries are not available for Summit Dental Partners through ClearPath. Contact the payer directly."
    )
    combobox.fill("")
    combobox.press_sequentially("lakesh", delay=20)
    expect(options).to_have_text(["Lakeshore Community Health", "Lakeshore Workers' Compensation"])
    combobox.press("ArrowDown")
    combobox.press("Enter")
    expect(app.get_by_label("Provider Tax ID")).to_be_visible()
    labels = app.get_by_label("Provider", exact=True).locator("option").all_inner_texts()
    assert labels[0] == "Select a provider" and all(" - Tax ID " in label for label in labels[1:])
    expect(app.get_by_role("tab", name="Member")).to_have_attribute("aria-selected", "true")
    expect(app.get_by_label("Claim Number", exact=True)).to_be_hidden()


def test_a_member_search_by_npi_lists_the_claim_and_its_detail_opens_in_a_new_window(clearinghouse, reader: Page):
    data = clearinghouse.data
    family_claims = {c.claim_number for f in data.families for c in (f.original, f.replacement)}
    claim = max(
        (c for c in data.claims if data.payer_of(c.member).id == "summit" and c.claim_number not in family_claims),
        key=lambda c: (c.status == Kind.PARTIALLY_PAID, len(c.lines), len(c.adjustments)),
    )
    app = _open_app(reader, clearinghouse, "summit")
    expect(app.get_by_text("Summit Health Plan identifies providers by NPI.")).to_be_visible()
    _search_member(app, claim.provider.npi, claim.member, claim.service_from, claim.service_to)
    rows = _rows(app)
    row = next(row for row in rows if row["Patient Account #"] == claim.claim_number)
    assert row["Dates of Service"] == f"{us(claim.service_from)} to {us(claim.service_to)}"
    assert row["Billed"] == f"${claim.billed:,.2f}" and row["Status"] == "Paid - Partial"
    assert row["Patient Name"] == f"{claim.member.last_name}, {claim.member.first_name}"
    with reader.expect_popup() as opened:
        app.get_by_role("row").filter(has_text=claim.claim_number).get_by_role("link", name="View").click()
    detail = opened.value
    expect(detail.get_by_role("heading", name="Claim Detail")).to_be_visible()
    assert claim_from_detail(detail) == claim_truth(data, claim)
    assert detail.get_by_role("region", name="Claim Adjustments").get_by_role("cell", name="($").count() > 0
    with detail.expect_event("close"):
        try:
            detail.get_by_role("button", name="Close Window").click(no_wait_after=True)
        except PlaywrightError:  # the window closed before the click was reported done: what it is for
            pass
    assert detail.is_closed()


def test_a_claim_number_search_by_tax_id_finds_the_claim_by_either_number(clearinghouse, reader: Page):
    data = clearinghouse.data
    claim = next(c for c in data.claims if data.payer_of(c.member).id == "lakeshore" and c.status == Kind.DENIED)
    app = _open_app(reader, clearinghouse, "lakeshore")
    for number in (claim.claim_number, claim.payer_claim_id):
        choose_provider(app, claim.provider.tax_id)
        expect(app.get_by_label("Provider Tax ID")).to_have_value(claim.provider.tax_id)
        app.get_by_role("tab", name="Claim number").click()
        expect(app.get_by_label("Member ID")).to_be_hidden()
        app.get_by_label("Claim Number", exact=True).fill(number)
        app.get_by_role("button", name="Submit").click()
        assert [row["Payer Claim #"] for row in _rows(app)] == [claim.payer_claim_id]
        assert _rows(app)[0]["Status"] == "Finalized/Denied" and _rows(app)[0]["Paid"] == "$0.00"
        app.get_by_role("link", name="New Search").click()
        expect(app.get_by_role("heading", name="Claim Status Inquiry")).to_be_visible()


def test_a_long_member_list_comes_ten_a_page_and_next_shows_the_rest(clearinghouse, reader: Page):
    data = clearinghouse.data
    visits: dict = {}
    for claim in data.claims:
        if data.payer_of(claim.member).id == "prairie":
            visits.setdefault((claim.member.member_id, claim.provider.npi), []).append(claim)
    claims = max(visits.values(), key=len)
    assert len(claims) > 20, "a frequent patient of one provider lists more than two pages"
    listed = sorted(claims, key=data.payer_of(claims[0].member).order)
    target = listed[-1]
    app = _open_app(reader, clearinghouse, "prairie")
    _search_member(app, target.provider.npi, target.member, target.service_from, target.service_to)
    expect(app.get_by_text("the dates of service entered are not used to narrow the results")).to_be_visible()
    pages = -(-len(claims) // 10)
    seen = []
    for page_number in range(1, pages + 1):
        expect(app.get_by_text(f"Page {page_number} of {pages}")).to_be_visible()
        expect(app.locator("#resultRange")).to_have_text(
            f"Results {page_number * 10 - 9} - {min(page_number * 10, len(claims))} of {len(claims)}"
        )
        seen += [row["Patient Account #"] for row in _rows(app)]
        if page_number < pages:
            app.get_by_role("button", name="Next").click()
    expect(app.get_by_role("button", name="Next")).to_be_disabled()
    assert seen == [claim.claim_number for claim in listed]
    assert target.claim_number not in seen[:10]


def test_a_corrected_claim_family_lists_both_claims_for_the_same_visit(clearinghouse, reader: Page):
    data = clearinghouse.data
    family = next(f for f in data.families if f.same_charges and data.payer_of(f.original.member).id == "summit")
    original, replacement = family.original, family.replacement
    assert (
        member_search(data, original)
        == member_search(data, replacement)
        == {
            "outcome": "needs_human",
            "claim_numbers": sorted([original.claim_number, replacement.claim_number]),
        }
    )
    app = _open_app(reader, clearinghouse, "summit")
    _search_member(app, original.provider.npi, original.member, original.service_from, original.service_to)
    rows = {row["Patient Account #"]: row for row in _rows(app)}
    assert {original.claim_number, replacement.claim_number} <= set(rows)
    assert rows[original.claim_number]["Billed"] == rows[replacement.claim_number]["Billed"]
    assert rows[original.claim_number]["Dates of Service"] == rows[replacement.claim_number]["Dates of Service"]
    assert rows[original.claim_number]["Status"] != rows[replacement.claim_number]["Status"]


def test_a_member_search_near_but_not_on_the_dates_of_a_claim_lists_it_anyway(clearinghouse, reader: Page):
    data = clearinghouse.data
    claim = next(
        c
        for c in data.claims
        if data.payer_of(c.member).id == "lakeshore"
        and c.service_from > data.anchor - timedelta(days=300)
        and not any(abs((o.service_from - c.service_from).days) < 40 for o in data.claims_of(c.member.member_id) if o is not c)
    )
    day = claim.service_from + timedelta(days=12)
    app = _open_app(reader, clearinghouse, "lakeshore")
    _search_member(app, claim.provider.tax_id, claim.member, day, day)
    expect(app.get_by_text("within 30 days of the dates entered")).to_be_visible()
    assert [row["Patient Account #"] for row in _rows(app)] == [claim.claim_number]


def test_the_form_says_what_to_fix_and_an_unknown_patient_is_not_a_claim_list(clearinghouse, reader: Page):
    member = next(m for m in clearinghouse.data.members if clearinghouse.data.payer_of(m).id == "summit")
    app = _open_app(reader, clearinghouse, "summit")
    app.get_by_label("Service Date From").fill("2026-01-05")
    app.get_by_role("button", name="Submit").click()
    expect(app.get_by_role("alert")).to_have_text("Please correct the errors below.")
    for message in ("Select a provider.", "Member ID is required.", "Enter Service Date From as MM/DD/YYYY."):
        expect(app.get_by_text(message)).to_be_visible()
    choose_provider(app, clearinghouse.data.providers[0].npi)
    app.get_by_label("Member ID").fill(member.member_id)
    app.get_by_label("Patient Date of Birth").fill(us(member.date_of_birth + timedelta(days=1)))
    app.get_by_label("Service Date From").fill("01/05/2026")
    app.get_by_label("Service Date To").fill("01/06/2026")
    app.get_by_role("button", name="Submit").click()
    expect(app.get_by_role("alert")).to_have_text("Patient not found. Check the Member ID and Patient Date of Birth.")
