"""The portal's JSON: records turned into what the pages' scripts render, in portal words only.
Dates are ISO, money a decimal string, percent a string; absent values are null."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

from rpa.sandbox.codes import CARC_DESCRIPTIONS, PROCEDURES, RARC_DESCRIPTIONS
from rpa.sandbox.records import Claim, LineAdjustment, Member
from rpa.sandbox.search import PAGE_SIZE
from rpa.sandbox.wording import (
    AUTHORIZATION_WORDS,
    SERVICE_TYPES,
    CoverageStatusWords,
    Text,
)


def search_json(claims: list[Claim], page: int) -> dict:
    """One page of search results; a page past the end shows the last one."""
    pages = max(1, math.ceil(len(claims) / PAGE_SIZE))
    page = min(page, pages)
    shown = claims[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return {
        "results": [claim_summary_json(claim) for claim in shown],
        "page": page,
        "pageSize": PAGE_SIZE,
        "totalResults": len(claims),
        "totalPages": pages,
        "message": None if claims else Text.NO_CLAIMS,
    }


def claim_summary_json(claim: Claim) -> dict:
    return {
        "claimId": claim.payer_claim_id,
        "claimNumber": claim.claim_number,
        "patientName": claim.member.name,
        "memberId": claim.member.member_id,
        "serviceDateFrom": _iso(claim.service_from),
        "serviceDateTo": _iso(claim.service_to),
        "billedAmount": _money(claim.billed),
        "status": str(claim.status),
        "providerNpi": claim.provider.npi,
    }


def claim_detail_json(claim: Claim) -> dict:
    payment = claim.payment
    return {
        "claimId": claim.payer_claim_id,
        "claimNumber": claim.claim_number,
        "patient": {
            "name": claim.member.name,
            "memberId": claim.member.member_id,
            "dateOfBirth": _iso(claim.member.date_of_birth),
        },
        "provider": {"npi": claim.provider.npi, "name": claim.provider.name},
        "plan": {"name": claim.member.plan.name},
        "serviceDateFrom": _iso(claim.service_from),
        "serviceDateTo": _iso(claim.service_to),
        "status": str(claim.status),
        "statusDetail": claim.status_detail,
        "receivedDate": _iso(claim.received),
        "processedDate": _iso(claim.processed),
        "amounts": {
            "billed": _money(claim.billed),
            "allowed": _money(claim.allowed),
            "paid": _money(claim.paid),
            "patientResponsibility": _money(claim.patient_responsibility),
        },
        "payment": None
        if payment is None
        else {
            "method": str(payment.method),
            "number": payment.number,
            "date": _iso(payment.date),
        },
        "adjustments": [_adjustment_json(adjustment) for adjustment in claim.adjustments],
        "lines": [
            {
                "lineNumber": line.number,
                "procedureCode": line.procedure_code,
                "procedureDescription": PROCEDURES[line.procedure_code].description,
                "modifiers": list(line.modifiers),
                "serviceDate": _iso(line.service_date),
                "billed": _money(line.billed),
                "allowed": _money(line.allowed),
                "paid": _money(line.paid),
                "status": str(line.status),
                "adjustments": [_adjustment_json(adjustment) for adjustment in line.adjustments],
            }
            for line in claim.lines
        ],
    }


def eligibility_json(member: Member, service_type: str, on_date: date) -> dict:
    active = member.active_on(on_date)
    plan = member.plan
    benefits = []
    if active:
        for row in plan.rows_for(service_type):
            met = member.met(row)
            benefits.append(
                {
                    "serviceType": SERVICE_TYPES[row.service_type],
                    "benefit": str(row.benefit),
                    "coverageLevel": _words(row.coverage_level),
                    "network": str(row.network),
                    "amount": _money(row.amount),
                    "percent": None if row.percent is None else f"{row.percent:f}",
                    "timePeriod": _words(row.time_period),
                    "met": _money(met),
                    "remaining": None if met is None else _money(row.amount - met),
                    "authorization": AUTHORIZATION_WORDS.get(row.authorization),
                    "notes": row.notes,
                }
            )
    return {
        "member": {"name": member.name, "memberId": member.member_id, "dateOfBirth": _iso(member.date_of_birth)},
        "coverage": {
            "status": str(CoverageStatusWords.ACTIVE if active else CoverageStatusWords.INACTIVE),
            "planName": plan.name,
            "planType": str(plan.plan_type),
            "groupNumber": plan.group_number,
            "effectiveDate": _iso(member.coverage_start),
            "terminationDate": _iso(member.coverage_end),
            "pcp": member.pcp,
        },
        "inquiry": {"serviceType": SERVICE_TYPES[service_type], "dateOfService": _iso(on_date)},
        "benefits": benefits,
    }


def _adjustment_json(adjustment: LineAdjustment) -> dict:
    return {
        "group": str(adjustment.group),
        "reasonCode": adjustment.carc,
        "reasonText": CARC_DESCRIPTIONS[adjustment.carc],
        "remarkCode": adjustment.rarc,
        "remarkText": RARC_DESCRIPTIONS[adjustment.rarc] if adjustment.rarc else None,
        "amount": _money(adjustment.amount),
    }


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _words(words: str | None) -> str | None:
    return None if words is None else str(words)
