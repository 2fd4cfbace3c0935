"""Ground truth: what a correct lookup returns for every claim and member.

Built from the very JSON the portal's pages render, mapped to X12 codes through the contract's
tables, the way a correct flow maps what it reads; so truth and pages cannot drift apart.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import IO, Literal

from rpa.core.models import Adjustment, Benefit, ClaimStatus, Eligibility, ServiceLine
from rpa.sandbox.clock import today
from rpa.sandbox.records import Claim, Member, PortalData
from rpa.sandbox.views import claim_detail_json, eligibility_json
from rpa.sandbox.wording import (
    AUTHORIZATION_CODES,
    BENEFIT_CODES,
    CLAIM_STATUS_CODES,
    COVERAGE_LEVEL_CODES,
    COVERAGE_STATUS_CODES,
    GROUP_CODES,
    LINE_STATUS_CATEGORIES,
    NETWORK_CODES,
    PLAN_TYPE_CODES,
    REMAINING_TIME_PERIOD,
    SERVICE_TYPE_CODES,
    TIME_PERIOD_CODES,
)

PAYER = "sandbox"
TruthKind = Literal["claims", "eligibility"]


def claim_truth(claim: Claim) -> ClaimStatus:
    view = claim_detail_json(claim)
    category, code = CLAIM_STATUS_CODES[view["status"]]
    amounts = view["amounts"]
    payment = view["payment"] or {}
    return ClaimStatus(
        claim_number=view["claimNumber"],
        payer_claim_id=view["claimId"],
        member_id=view["patient"]["memberId"],
        patient_name=view["patient"]["name"],
        service_date_from=view["serviceDateFrom"],
        service_date_to=view["serviceDateTo"],
        status_category=category,
        status_code=code,
        status_text=view["status"],
        status_detail=view["statusDetail"],
        received_date=view["receivedDate"],
        adjudicated_date=view["processedDate"],
        billed_amount=amounts["billed"],
        allowed_amount=amounts["allowed"],
        paid_amount=amounts["paid"],
        patient_responsibility=amounts["patientResponsibility"],
        check_number=payment.get("number"),
        payment_date=payment.get("date"),
        adjustments=[_adjustment(item) for item in view["adjustments"]],
        lines=[
            ServiceLine(
                line_number=line["lineNumber"],
                procedure_code=line["procedureCode"],
                modifiers=line["modifiers"],
                service_date=line["serviceDate"],
                billed_amount=line["billed"],
                allowed_amount=line["allowed"],
                paid_amount=line["paid"],
                status_category=LINE_STATUS_CATEGORIES[line["status"]],
                adjustments=[_adjustment(item) for item in line["adjustments"]],
            )
            for line in view["lines"]
        ],
    )


def eligibility_truth(member: Member, service_type: str = "30", on_date: date | None = None) -> Eligibility:
    """The answer for `member` on `on_date` (default today, as the portal's form)."""
    view = eligibility_json(member, service_type, on_date or today())
    coverage = view["coverage"]
    active, code = COVERAGE_STATUS_CODES[coverage["status"]]
    return Eligibility(
        member_id=view["member"]["memberId"],
        patient_name=view["member"]["name"],
        date_of_birth=view["member"]["dateOfBirth"],
        coverage_active=active,
        coverage_status_code=code,
        coverage_status_text=coverage["status"],
        plan_name=coverage["planName"],
        plan_type=PLAN_TYPE_CODES[coverage["planType"]],
        group_number=coverage["groupNumber"],
        coverage_start=coverage["effectiveDate"],
        coverage_end=coverage["terminationDate"],
        pcp_name=coverage["pcp"],
        benefits=[benefit for row in view["benefits"] for benefit in _benefits(row)],
    )


def truth_records(
    data: PortalData,
    kind: TruthKind | None = None,
    on_date: date | None = None,
    service_type: str = "30",
) -> Iterator[dict]:
    """The export's records: one per claim, then one per member (or only those of `kind`)."""
    if kind in (None, "claims"):
        for claim in data.claims:
            yield claim_record(claim)
    if kind in (None, "eligibility"):
        on_date = on_date or today()
        for member in data.members:
            yield eligibility_record(member, service_type, on_date)


def claim_record(claim: Claim) -> dict:
    member = claim.member
    return {
        "kind": "claim_status",
        "outcome": "found",
        "query": {
            "payer": PAYER,
            "claim_number": claim.claim_number,
            "member_id": member.member_id,
            "patient_dob": member.date_of_birth.isoformat(),
            "provider_npi": claim.provider.npi,
            "service_date_from": claim.service_from.isoformat(),
            "service_date_to": claim.service_to.isoformat(),
            "billed_amount": f"{claim.billed:.2f}",
        },
        "answer": claim_truth(claim).model_dump(mode="json"),
    }


def eligibility_record(member: Member, service_type: str, on_date: date) -> dict:
    return {
        "kind": "eligibility",
        "outcome": "found",
        "query": {
            "payer": PAYER,
            "member_id": member.member_id,
            "patient_first_name": member.first_name,
            "patient_last_name": member.last_name,
            "patient_dob": member.date_of_birth.isoformat(),
            "service_date": on_date.isoformat(),
            "service_type": service_type,
        },
        "answer": eligibility_truth(member, service_type, on_date).model_dump(mode="json"),
    }


def write_truth(records: Iterable[dict], stream: IO[str], fmt: Literal["jsonl", "json"] = "jsonl") -> None:
    if fmt == "json":
        json.dump(list(records), stream, indent=2)
        stream.write("\n")
        return
    for record in records:
        stream.write(json.dumps(record) + "\n")


def _adjustment(item: dict) -> Adjustment:
    return Adjustment(
        group=GROUP_CODES[item["group"]],
        carc=item["reasonCode"],
        rarc=item["remarkCode"],
        amount=item["amount"],
        text=item["reasonText"],
    )


def _benefits(row: dict) -> list[Benefit]:
    """A table row's benefits: a limit row yields its amount for the year, then what remains."""
    common = {
        "benefit_code": BENEFIT_CODES[row["benefit"]],
        "coverage_level": COVERAGE_LEVEL_CODES.get(row["coverageLevel"]),
        "service_type_code": SERVICE_TYPE_CODES[row["serviceType"]],
        "network": NETWORK_CODES[row["network"]],
        "authorization_required": AUTHORIZATION_CODES.get(row["authorization"]),
        "text": row["notes"],
    }
    percent = None if row["percent"] is None else (Decimal(row["percent"]) / 100).quantize(Decimal("0.01"))
    benefits = [Benefit(**common, time_period=TIME_PERIOD_CODES.get(row["timePeriod"]), amount=row["amount"], percent=percent)]
    if row["remaining"] is not None:
        benefits.append(Benefit(**common, time_period=REMAINING_TIME_PERIOD, amount=row["remaining"]))
    return benefits
