"""Ground truth for the clearinghouse: what a correct lookup returns for every claim and member.

Built from the very values the pages print (`views.py`), mapped to X12 codes through the
contract's tables, the way a correct flow maps what it reads. Amounts follow X12, not the print:
an adjustment the page shows as `($45.00)` is a CAS amount of 45.00. Each claim record also says
what a search without the claim number (member ID, birth date, exact service dates and billed
charges) must yield: this claim, or a person's decision between every claim that still matches.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from rpa.core.models import Adjustment, Benefit, ClaimStatus, Eligibility, ServiceLine
from rpa.sandbox.clearinghouse.data import ClearinghouseData
from rpa.sandbox.clearinghouse.payers import Payer
from rpa.sandbox.clearinghouse.views import claim_view, eligibility_view
from rpa.sandbox.clearinghouse.wording import (
    AUTHORIZATION_CODES,
    BENEFIT_CODES,
    COVERAGE_LEVEL_CODES,
    COVERAGE_STATUS_CODES,
    NETWORK_CODES,
    PLAN_TYPE_CODES,
    REMAINING_TIME_PERIOD,
    SERVICE_TYPE_CODES,
    TIME_PERIOD_CODES,
)
from rpa.sandbox.clock import today
from rpa.sandbox.records import Claim, Member
from rpa.sandbox.wording import CLAIM_STATUS_CODES, LINE_STATUS_CATEGORIES


def status_codes(payer: Payer) -> dict[str, tuple[str, str]]:
    """The payer's claim-status words -> (277 category, status code)."""
    return {words: CLAIM_STATUS_CODES[kind] for kind, words in payer.status_words.items()}


def line_status_categories(payer: Payer) -> dict[str, str]:
    """The payer's line-status words (and claim-status words, which unfinalized lines carry) -> category."""
    lines = {words: LINE_STATUS_CATEGORIES[kind] for kind, words in payer.line_words.items()}
    return {**{words: codes[0] for words, codes in status_codes(payer).items()}, **lines}


def claim_truth(data: ClearinghouseData, claim: Claim) -> ClaimStatus:
    view = claim_view(data, claim)
    payer = data.payer_of(claim.member)
    category, code = status_codes(payer)[view["status"]]
    lines = line_status_categories(payer)
    return ClaimStatus(
        claim_number=view["accountNumber"],
        payer_claim_id=view["payerClaimNumber"],
        member_id=view["memberId"],
        patient_name=_first_last(view["patientName"]),
        service_date_from=view["serviceFrom"],
        service_date_to=view["serviceTo"],
        status_category=category,
        status_code=code,
        status_text=view["status"],
        status_detail=view["statusReason"],
        received_date=view["received"],
        adjudicated_date=view["finalized"],
        billed_amount=view["billed"],
        allowed_amount=view["allowed"],
        paid_amount=view["paid"],
        patient_responsibility=view["patientResponsibility"],
        check_number=view["paymentNumber"],
        payment_date=view["paymentDate"],
        adjustments=[_adjustment(item) for item in view["adjustments"]],
        lines=[
            ServiceLine(
                line_number=line["number"],
                procedure_code=line["procedure"],
                modifiers=line["modifiers"],
                service_date=line["serviceDate"],
                billed_amount=line["billed"],
                allowed_amount=line["allowed"],
                paid_amount=line["paid"],
                status_category=lines[line["status"]],
                adjustments=[_adjustment(item) for item in line["adjustments"]],
            )
            for line in view["lines"]
        ],
    )


def member_search(data: ClearinghouseData, claim: Claim) -> dict:
    """What a query without claim number yields: `found` (this claim) when member, birth date,
    exact service dates and billed charges match only it; otherwise `needs_human`, naming every
    claim that matches (sorted by claim number)."""
    matches = data.same_visit(claim)
    return {
        "outcome": "found" if len(matches) == 1 else "needs_human",
        "claim_numbers": sorted(match.claim_number for match in matches),
    }


def eligibility_truth(
    data: ClearinghouseData, member: Member, service_type: str = "30", on_date: date | None = None
) -> Eligibility:
    """The answer for `member` as of `on_date` (default today, as the portal's form)."""
    view = eligibility_view(data, member, service_type, on_date or today())
    coverage = view["coverage"]
    active, code = COVERAGE_STATUS_CODES[coverage["status"]]
    return Eligibility(
        member_id=view["memberId"],
        patient_name=_first_last(view["patientName"]),
        date_of_birth=view["dateOfBirth"],
        coverage_active=active,
        coverage_status_code=code,
        coverage_status_text=coverage["status"],
        plan_name=coverage["planName"],
        plan_type=PLAN_TYPE_CODES[coverage["planType"]],
        group_number=coverage["groupNumber"],
        coverage_start=coverage["start"],
        coverage_end=coverage["end"],
        pcp_name=coverage["pcp"],
        benefits=[benefit for tab in view["tabs"] for row in tab["rows"] for benefit in _benefits(tab["title"], row)],
    )


def truth_records(
    data: ClearinghouseData, kind: str | None = None, on_date: date | None = None, service_type: str = "30"
) -> Iterator[dict]:
    """The export's records: one per claim, then one per member (or only those of `kind`)."""
    if kind in (None, "claims"):
        for claim in data.claims:
            yield claim_record(data, claim)
    if kind in (None, "eligibility"):
        on_date = on_date or today()
        for member in data.members:
            yield eligibility_record(data, member, service_type, on_date)


def claim_record(data: ClearinghouseData, claim: Claim) -> dict:
    member, provider = claim.member, claim.provider
    return {
        "kind": "claim_status",
        "outcome": "found",
        "query": {
            "payer": data.payer_of(member).id,
            "claim_number": claim.claim_number,
            "member_id": member.member_id,
            "patient_dob": member.date_of_birth.isoformat(),
            "provider_npi": provider.npi,
            "provider_tax_id": provider.tax_id,
            "service_date_from": claim.service_from.isoformat(),
            "service_date_to": claim.service_to.isoformat(),
            "billed_amount": f"{claim.billed:.2f}",
        },
        "member_search": member_search(data, claim),
        "answer": claim_truth(data, claim).model_dump(mode="json"),
    }


def eligibility_record(data: ClearinghouseData, member: Member, service_type: str, on_date: date) -> dict:
    return {
        "kind": "eligibility",
        "outcome": "found",
        "query": {
            "payer": data.payer_of(member).id,
            "member_id": member.member_id,
            "patient_first_name": member.first_name,
            "patient_last_name": member.last_name,
            "patient_dob": member.date_of_birth.isoformat(),
            "provider_npi": data.home_providers[member.member_id][0].npi,
            "service_date": on_date.isoformat(),
            "service_type": service_type,
        },
        "answer": eligibility_truth(data, member, service_type, on_date).model_dump(mode="json"),
    }


def _first_last(listed: str) -> str:
    """`Last, First` as the pages print names -> `First Last` as the answers carry them."""
    last, first = listed.split(", ", 1)
    return f"{first} {last}"


def _adjustment(item: dict) -> Adjustment:
    return Adjustment(group=item["group"], carc=item["carc"], rarc=item["rarc"], amount=item["amount"], text=item["description"])


def _benefits(tab_title: str, row: dict) -> list[Benefit]:
    """A table row's benefits: a limit row yields its amount for the year, then what remains."""
    common = {
        "benefit_code": BENEFIT_CODES[row["benefit"]],
        "coverage_level": COVERAGE_LEVEL_CODES.get(row["coverageLevel"]),
        "service_type_code": SERVICE_TYPE_CODES[tab_title],
        "network": NETWORK_CODES[row["network"]],
        "authorization_required": AUTHORIZATION_CODES.get(row["authorization"]),
        "text": row["notes"],
    }
    percent = None if row["percent"] is None else (row["percent"] / 100).quantize(Decimal("0.01"))
    benefits = [Benefit(**common, time_period=TIME_PERIOD_CODES.get(row["timePeriod"]), amount=row["amount"], percent=percent)]
    if row["remaining"] is not None:
        benefits.append(Benefit(**common, time_period=REMAINING_TIME_PERIOD, amount=row["remaining"]))
    return benefits
