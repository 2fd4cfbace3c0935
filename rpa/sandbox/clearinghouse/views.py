"""What the clearinghouse's pages show, as values in portal words: the templates print them in US
formats, and the ground truth maps the very same values to X12 codes, so the two cannot drift.

Money and dates stay Decimal and date here; absent values are None.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import groupby

from rpa.sandbox.clearinghouse.data import ClearinghouseData
from rpa.sandbox.clearinghouse.formats import listed_name, us_date
from rpa.sandbox.clearinghouse.payers import Payer
from rpa.sandbox.clearinghouse.wording import (
    AUTHORIZATION_WORDS,
    BENEFIT_WORDS,
    CARC_SHORT,
    COVERAGE_WORDS,
    NETWORK_WORDS,
    PLAN_TYPE_WORDS,
    SERVICE_TYPES,
    TIME_PERIOD_WORDS,
    Text,
)
from rpa.sandbox.records import Claim, LineAdjustment, Member, ServiceLine
from rpa.sandbox.wording import GROUP_CODES, LineStatusWords


def result_row(data: ClearinghouseData, claim: Claim) -> dict:
    """One row of a claim-status results table."""
    member = claim.member
    return {
        "accountNumber": claim.claim_number,
        "payerClaimNumber": claim.payer_claim_id,
        "patientName": listed_name(member.first_name, member.last_name),
        "memberId": member.member_id,
        "serviceFrom": claim.service_from,
        "serviceTo": claim.service_to,
        "billed": claim.billed,
        "paid": claim.paid,
        "status": data.payer_of(member).status_words[claim.status],
        "ref": data.ref(claim),
    }


def claim_view(data: ClearinghouseData, claim: Claim) -> dict:
    """The claim detail window."""
    member, provider, payment = claim.member, claim.provider, claim.payment
    payer = data.payer_of(member)
    adjustments = [adjustment_view(adjustment) for adjustment in claim.adjustments]
    return {
        "payer": payer.name,
        "payerClaimNumber": claim.payer_claim_id,
        "accountNumber": claim.claim_number,
        "patientName": listed_name(member.first_name, member.last_name),
        "memberId": member.member_id,
        "dateOfBirth": member.date_of_birth,
        "provider": provider.name,
        "providerNpi": provider.npi,
        "providerTaxId": provider.tax_id,
        "serviceFrom": claim.service_from,
        "serviceTo": claim.service_to,
        "received": claim.received,
        "finalized": claim.processed,
        "status": payer.status_words[claim.status],
        "statusReason": claim.status_detail,
        "billed": claim.billed,
        "allowed": claim.allowed,
        "paid": claim.paid,
        "patientResponsibility": claim.patient_responsibility,
        "adjustmentsTotal": sum((a["amount"] for a in adjustments), Decimal("0.00")) if claim.adjudicated else None,
        "paymentMethod": None if payment is None else str(payment.method),
        "paymentNumber": None if payment is None else payment.number,
        "paymentDate": None if payment is None else payment.date,
        "adjustments": adjustments,
        "lines": [_line_view(payer, claim, line) for line in claim.lines],
    }


def adjustment_view(adjustment: LineAdjustment) -> dict:
    """An adjustment as the portal writes it, `CO-45 Charge exceeds fee schedule (N130)`, and its
    parts; the amount is what the adjustment takes off the payment."""
    group = GROUP_CODES[adjustment.group]
    description = CARC_SHORT[adjustment.carc]
    remark = f" ({adjustment.rarc})" if adjustment.rarc else ""
    return {
        "text": f"{group}-{adjustment.carc} {description}{remark}",
        "group": group,
        "carc": adjustment.carc,
        "rarc": adjustment.rarc,
        "description": description,
        "amount": adjustment.amount,
    }


def eligibility_view(data: ClearinghouseData, member: Member, service_type: str, as_of: date) -> dict:
    """The eligibility results: coverage, and when active a tab per service type with its rows
    (the requested type's own rows, plus the plan's deductible and out-of-pocket limits)."""
    plan = member.plan
    if member.active_on(as_of):
        state, alert = "active", None
    elif member.coverage_start > as_of:
        state, alert = "future", Text.COVERAGE_NOT_STARTED.format(date=us_date(member.coverage_start))
    else:
        state, alert = "terminated", Text.COVERAGE_TERMINATED.format(date=us_date(member.coverage_end))
    rows = plan.rows_for(service_type) if state == "active" else []
    return {
        "patientName": listed_name(member.first_name, member.last_name),
        "memberId": member.member_id,
        "dateOfBirth": member.date_of_birth,
        "payer": data.payer_of(member).name,
        "coverage": {
            "status": COVERAGE_WORDS[state],
            "planName": plan.name,
            "planType": PLAN_TYPE_WORDS[plan.plan_type],
            "groupNumber": plan.group_number,
            "start": member.coverage_start,
            "end": member.coverage_end,
            "pcp": member.pcp,
            "asOf": as_of,
        },
        "alert": alert,
        "tabs": [
            {"code": code, "title": SERVICE_TYPES[code], "rows": [_benefit_view(member, row) for row in tab_rows]}
            for code, tab_rows in groupby(rows, key=lambda row: row.service_type)
        ],
    }


def _line_view(payer: Payer, claim: Claim, line: ServiceLine) -> dict:
    status = payer.line_words[LineStatusWords(line.status)] if claim.adjudicated else payer.status_words[claim.status]
    return {
        "number": line.number,
        "serviceDate": line.service_date,
        "procedure": line.procedure_code,
        "modifiers": list(line.modifiers),
        "billed": line.billed,
        "allowed": line.allowed,
        "paid": line.paid,
        "status": status,
        "adjustments": [adjustment_view(adjustment) for adjustment in line.adjustments],
    }


def _benefit_view(member: Member, row) -> dict:
    met = member.met(row)
    return {
        "benefit": BENEFIT_WORDS[row.benefit],
        "coverageLevel": None if row.coverage_level is None else str(row.coverage_level),
        "network": NETWORK_WORDS[row.network],
        "amount": row.amount,
        "percent": row.percent,
        "timePeriod": None if row.time_period is None else TIME_PERIOD_WORDS[row.time_period],
        "remaining": None if met is None else row.amount - met,
        "authorization": AUTHORIZATION_WORDS.get(row.authorization),
        "notes": row.notes,
    }
