"""A minimal correct flow for the tests: read the clearinghouse's pages as they print (US formats,
`--`, names `Last, First`, adjustments `CO-45 Charge exceeds fee schedule (N130) ($45.00)`) and
map the words to X12 codes through the contract's tables."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from playwright.sync_api import Page

from rpa.core.models import Adjustment, Benefit, ClaimStatus, Eligibility, ServiceLine
from rpa.sandbox.clearinghouse.payers import PAYERS
from rpa.sandbox.clearinghouse.truth import line_status_categories, status_codes
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

from .helpers import read_sections

ABSENT = "--"
_ADJUSTMENT = re.compile(
    r"^(?P<group>[A-Z]{2})-(?P<carc>\w+) (?P<text>[^()]+?)(?: \((?P<rarc>\w+)\))?(?: (?P<amount>\(?\$[\d,.]+\)?))?$"
)
_PAYERS = {payer.name: payer for payer in PAYERS}


def money(text: str) -> Decimal | None:
    if text == ABSENT:
        return None
    negative = text.startswith("(")
    value = Decimal(text.strip("()").replace("$", "").replace(",", ""))
    return -value if negative else value


def us_date(text: str) -> date | None:
    return None if text == ABSENT else datetime.strptime(text, "%m/%d/%Y").date()


def date_range(text: str) -> tuple[date | None, date | None]:
    start, end = text.split(" to ")
    return us_date(start), us_date(end)


def first_last(listed: str) -> str:
    last, first = listed.split(", ", 1)
    return f"{first} {last}"


def words(text: str) -> str | None:
    return None if text == ABSENT else text


def adjustment(text: str, amount: str | None = None) -> Adjustment:
    parts = _ADJUSTMENT.match(text).groupdict()
    printed = money(amount or parts["amount"])
    return Adjustment(group=parts["group"], carc=parts["carc"], rarc=parts["rarc"], amount=-printed, text=parts["text"])


def claim_from_detail(page: Page) -> ClaimStatus:
    sections = read_sections(page)
    info = sections["Claim Information"]["pairs"]
    status = sections["Claim Status"]["pairs"]
    payment = sections["Payment Information"]["pairs"]
    adjustments = sections["Claim Adjustments"]["tables"]
    payer = _PAYERS[info["Payer"]]
    category, code = status_codes(payer)[status["Status"]]
    start, end = date_range(info["Dates of Service"])
    return ClaimStatus(
        claim_number=info["Patient Account Number"],
        payer_claim_id=info["Payer Claim Number"],
        member_id=info["Member ID"],
        patient_name=first_last(info["Patient Name"]),
        service_date_from=start,
        service_date_to=end,
        status_category=category,
        status_code=code,
        status_text=status["Status"],
        status_detail=words(status["Status Reason"]),
        received_date=us_date(info["Date Received"]),
        adjudicated_date=us_date(info["Date Finalized"]),
        billed_amount=money(payment["Billed Amount"]),
        allowed_amount=money(payment["Allowed Amount"]),
        paid_amount=money(payment["Paid Amount"]),
        patient_responsibility=money(payment["Patient Responsibility"]),
        check_number=words(payment["Check/EFT Number"]),
        payment_date=us_date(payment["Payment Date"]),
        adjustments=[adjustment(row["Adjustment"], row["Amount"]) for table in adjustments for row in table],
        lines=[
            ServiceLine(
                line_number=int(line["Line #"]),
                procedure_code=line["Procedure"],
                modifiers=[] if line["Modifiers"] == ABSENT else line["Modifiers"].split(", "),
                service_date=us_date(line["Date of Service"]),
                billed_amount=money(line["Billed"]),
                allowed_amount=money(line["Allowed"]),
                paid_amount=money(line["Paid"]),
                status_category=line_status_categories(payer)[line["Line Status"]],
                adjustments=[adjustment(item) for item in line["Adjustments"]] if isinstance(line["Adjustments"], list) else [],
            )
            for line in sections["Service Lines"]["tables"][0]
        ],
    )


def eligibility_from_page(page: Page) -> Eligibility:
    sections = read_sections(page)
    patient = sections["Patient Information"]["pairs"]
    coverage = sections["Coverage Information"]["pairs"]
    active, code = COVERAGE_STATUS_CODES[coverage["Coverage Status"]]
    start, end = date_range(coverage["Coverage Period"])
    tabs = sections.get("Benefits", {"tabs": []})["tabs"]
    return Eligibility(
        member_id=patient["Member ID"],
        patient_name=first_last(patient["Patient Name"]),
        date_of_birth=us_date(patient["Date of Birth"]),
        coverage_active=active,
        coverage_status_code=code,
        coverage_status_text=coverage["Coverage Status"],
        plan_name=coverage["Plan Name"],
        plan_type=PLAN_TYPE_CODES[coverage["Plan Type"]],
        group_number=words(coverage["Group Number"]),
        coverage_start=start,
        coverage_end=end,
        pcp_name=words(coverage["Primary Care Provider"]),
        benefits=[benefit for tab in tabs for row in tab["rows"] for benefit in _benefits(tab["title"], row)],
    )


def _benefits(title: str, row: dict) -> list[Benefit]:
    amount = row["Amount"]
    common = {
        "benefit_code": BENEFIT_CODES[row["Benefit"]],
        "coverage_level": COVERAGE_LEVEL_CODES.get(row["Coverage Level"]),
        "service_type_code": SERVICE_TYPE_CODES[title],
        "network": NETWORK_CODES[row["Network"]],
        "authorization_required": AUTHORIZATION_CODES.get(row["Prior Authorization"]),
        "text": words(row["Notes"]),
    }
    if amount.endswith("%"):
        first = Benefit(**common, time_period=TIME_PERIOD_CODES.get(row["Time Period"]), percent=Decimal(amount[:-1]) / 100)
    else:
        first = Benefit(**common, time_period=TIME_PERIOD_CODES.get(row["Time Period"]), amount=money(amount))
    remaining = money(row["Remaining"])
    return [first] if remaining is None else [first, Benefit(**common, time_period=REMAINING_TIME_PERIOD, amount=remaining)]
