"""A minimal correct flow for the tests: read the portal's pages and map their words to X12 codes
through the contract's tables, so the ground truth can be checked against what a page shows."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from playwright.sync_api import Page

from rpa.core.models import Adjustment, Benefit, ClaimStatus, Eligibility, ServiceLine
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

from .helpers import read_pairs, read_table, section

ABSENT = "—"
_LINE_ADJUSTMENT = re.compile(
    r"^(?P<group>[^–]+) – CARC (?P<carc>\w+): (?P<text>.+?)(?: – RARC (?P<rarc>\w+))? – (?P<amount>\$[\d,.]+)$"
)


def claim_from_page(page: Page) -> ClaimStatus:
    summary = read_pairs(section(page, "Claim Summary"))
    financial = read_pairs(section(page, "Financial Summary"))
    payment = read_pairs(section(page, "Payment Information"))
    adjustments = section(page, "Claim Adjustments")
    adjustment_rows = read_table(adjustments.get_by_role("table")) if adjustments.get_by_role("table").count() else []
    lines = read_table(section(page, "Service Lines").get_by_role("table"))
    category, code = CLAIM_STATUS_CODES[summary["Claim Status"]]
    service_from, _, service_to = summary["Service Dates"].partition(" - ")
    return ClaimStatus(
        claim_number=summary["Claim Number"],
        payer_claim_id=summary["Payer Claim ID"],
        member_id=summary["Member ID"],
        patient_name=summary["Patient Name"],
        service_date_from=_date(service_from),
        service_date_to=_date(service_to or service_from),
        status_category=category,
        status_code=code,
        status_text=summary["Claim Status"],
        status_detail=_text(summary["Status Detail"]),
        received_date=_date(summary["Received Date"]),
        adjudicated_date=_date(summary["Processed Date"]),
        billed_amount=_money(financial["Total Billed"]),
        allowed_amount=_money(financial["Allowed Amount"]),
        paid_amount=_money(financial["Paid Amount"]),
        patient_responsibility=_money(financial["Patient Responsibility"]),
        check_number=_text(payment["Check/EFT Number"]),
        payment_date=_date(payment["Payment Date"]),
        adjustments=[
            Adjustment(
                group=GROUP_CODES[row["Group"]],
                carc=row["Reason Code"],
                rarc=_text(row["Remark Code"]),
                amount=_money(row["Amount"]),
                text=row["Description"],
            )
            for row in adjustment_rows
        ],
        lines=[
            ServiceLine(
                line_number=int(row["Line"]),
                procedure_code=row["Procedure"],
                modifiers=[] if row["Modifiers"] == ABSENT else row["Modifiers"].split(", "),
                service_date=_date(row["Service Date"]),
                billed_amount=_money(row["Billed"]),
                allowed_amount=_money(row["Allowed"]),
                paid_amount=_money(row["Paid"]),
                status_category=LINE_STATUS_CATEGORIES[row["Status"]],
                adjustments=[_line_adjustment(item) for item in row["Adjustments"]]
                if isinstance(row["Adjustments"], list)
                else [],
            )
            for row in lines
        ],
    )


def eligibility_from_page(page: Page) -> Eligibility:
    coverage = read_pairs(section(page, "Coverage Summary"))
    benefits = section(page, "Benefits")
    rows = read_table(benefits.get_by_role("table")) if benefits.get_by_role("table").count() else []
    active, code = COVERAGE_STATUS_CODES[coverage["Coverage Status"]]
    return Eligibility(
        member_id=coverage["Member ID"],
        patient_name=coverage["Member Name"],
        date_of_birth=_date(coverage["Date of Birth"]),
        coverage_active=active,
        coverage_status_code=code,
        coverage_status_text=coverage["Coverage Status"],
        plan_name=coverage["Plan Name"],
        plan_type=PLAN_TYPE_CODES[coverage["Plan Type"]],
        group_number=_text(coverage["Group Number"]),
        coverage_start=_date(coverage["Effective Date"]),
        coverage_end=_date(coverage["Termination Date"]),
        pcp_name=_text(coverage["Primary Care Provider"]),
        benefits=[benefit for row in rows for benefit in _benefits(row)],
    )


def _benefits(row: dict) -> list[Benefit]:
    common = {
        "benefit_code": BENEFIT_CODES[row["Benefit"]],
        "coverage_level": COVERAGE_LEVEL_CODES.get(row["Coverage Level"]),
        "service_type_code": SERVICE_TYPE_CODES[row["Service Type"]],
        "network": NETWORK_CODES[row["Network"]],
        "authorization_required": AUTHORIZATION_CODES.get(row["Authorization"]),
        "text": _text(row["Notes"]),
    }
    amount = row["Amount"]
    percent = Decimal(amount[:-1]) / 100 if amount.endswith("%") else None
    benefits = [
        Benefit(
            **common,
            time_period=TIME_PERIOD_CODES.get(row["Time Period"]),
            amount=None if percent is not None else _money(amount),
            percent=percent,
        )
    ]
    if row["Remaining"] != ABSENT:
        benefits.append(Benefit(**common, time_period=REMAINING_TIME_PERIOD, amount=_money(row["Remaining"])))
    return benefits


def _line_adjustment(text: str) -> Adjustment:
    parts = _LINE_ADJUSTMENT.match(text)
    assert parts, text
    return Adjustment(
        group=GROUP_CODES[parts["group"]],
        carc=parts["carc"],
        rarc=parts["rarc"],
        amount=_money(parts["amount"]),
        text=parts["text"],
    )


def _money(text: str) -> Decimal | None:
    return None if text == ABSENT else Decimal(text.replace("$", "").replace(",", ""))


def _date(text: str) -> date | None:
    return None if text == ABSENT else datetime.strptime(text, "%m/%d/%Y").date()


def _text(text: str) -> str | None:
    return None if text == ABSENT else text
