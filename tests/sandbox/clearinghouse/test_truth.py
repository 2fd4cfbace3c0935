"""Ground truth agrees with what the pages show, for every status kind of every payer and every
coverage state; its records keep the shared shapes, with the payer's id and the member search."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page

from rpa.core.models import ClaimStatus, Eligibility
from rpa.sandbox.claim_maker import STATUS_SHARES
from rpa.sandbox.clearinghouse.truth import claim_record, claim_truth, eligibility_record, eligibility_truth
from rpa.sandbox.clock import today

from .helpers import us
from .reading import claim_from_detail, eligibility_from_page

PAYERS = ("summit", "lakeshore", "prairie")
COVERAGE_STATES = {
    "active": lambda member, day: member.active_on(day),
    "terminated": lambda member, day: member.coverage_end is not None and member.coverage_end < day,
    "future": lambda member, day: member.coverage_start > day,
}


def _post_inquiry(page: Page, portal, member) -> None:
    """The eligibility form posted as it is (the form's own test drives it field by field)."""
    page.goto(portal.url + "/eligibility")
    fields = [portal.data.payer_of(member).id, member.member_id, us(member.date_of_birth)]
    with page.expect_navigation():
        page.evaluate(
            """([payer, memberId, dob]) => {
                const form = document.getElementById("eligibilityForm");
                form.elements.payer.value = payer;
                form.elements.provider.selectedIndex = 1;
                form.elements.memberId.value = memberId;
                form.elements.dob.value = dob;
                form.submit();
            }""",
            fields,
        )


@pytest.mark.parametrize("payer", PAYERS)
def test_every_status_kinds_detail_page_maps_to_its_ground_truth(clearinghouse, reader: Page, payer):
    data = clearinghouse.data
    for kind in STATUS_SHARES:
        claims = [c for c in data.claims if c.status == kind and data.payer_of(c.member).id == payer]
        claim = max(claims, key=lambda c: (len(c.lines), sum(len(line.adjustments) for line in c.lines)))
        reader.goto(f"{clearinghouse.url}/cs/claim-detail?ref={data.ref(claim)}")
        assert claim_from_detail(reader) == claim_truth(data, claim), (payer, kind)


def test_adjustments_print_as_negatives_and_are_positive_amounts_in_the_truth(clearinghouse, reader: Page):
    data = clearinghouse.data
    claim = next(c for c in data.claims if c.adjustments and data.payer_of(c.member).id == "summit")
    first = claim_truth(data, claim).adjustments[0]
    reader.goto(f"{clearinghouse.url}/cs/claim-detail?ref={data.ref(claim)}")
    row = reader.get_by_role("region", name="Claim Adjustments").get_by_role("row").nth(1)
    rarc = f" ({first.rarc})" if first.rarc else ""
    assert row.get_by_role("cell").all_inner_texts() == [
        f"{first.group}-{first.carc} {first.text}{rarc}",
        f"(${first.amount:,.2f})",
    ]
    assert first.amount > 0


@pytest.mark.parametrize("payer", PAYERS)
def test_every_coverage_states_eligibility_page_maps_to_its_ground_truth(clearinghouse, reader: Page, payer):
    data, day = clearinghouse.data, today()
    for state, applies in COVERAGE_STATES.items():
        member = next(m for m in data.members if data.payer_of(m).id == payer and applies(m, day))
        _post_inquiry(reader, clearinghouse, member)
        truth = eligibility_truth(data, member, "30", day)
        assert eligibility_from_page(reader) == truth, (payer, state)
        assert truth.coverage_status_code == ("1" if state == "active" else "6")


def test_the_admin_export_is_the_in_process_truth(clearinghouse):
    data = clearinghouse.data
    claims = clearinghouse.truth_claims()
    assert len(claims) == len(data.claims)
    assert claims[::400] == [claim_record(data, claim) for claim in data.claims[::400]]
    eligibility = clearinghouse.truth_eligibility(date="2026-11-01", service_type="MH")
    assert eligibility[::60] == [eligibility_record(data, m, "MH", date(2026, 11, 1)) for m in data.members[::60]]


def test_truth_records_keep_the_shared_shapes_with_the_payers_id_and_the_member_search(clearinghouse):
    data = clearinghouse.data
    family = next(f for f in data.families if f.same_charges)
    record = claim_record(data, family.original)
    assert set(record) == {"kind", "outcome", "query", "member_search", "answer"}
    assert set(record["query"]) == {
        "payer",
        "claim_number",
        "member_id",
        "patient_dob",
        "provider_npi",
        "provider_tax_id",
        "service_date_from",
        "service_date_to",
        "billed_amount",
    }
    assert record["query"]["payer"] in PAYERS and set(record["answer"]) == set(ClaimStatus.model_fields)
    assert record["member_search"] == {
        "outcome": "needs_human",
        "claim_numbers": sorted([family.original.claim_number, family.replacement.claim_number]),
    }
    record = eligibility_record(data, data.members[0], "30", data.anchor)
    assert set(record["query"]) == {
        "payer",
        "member_id",
        "patient_first_name",
        "patient_last_name",
        "patient_dob",
        "provider_npi",
        "service_date",
        "service_type",
    }
    assert set(record["answer"]) == set(Eligibility.model_fields)
