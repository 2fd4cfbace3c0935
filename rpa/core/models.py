"""The normalized answers: claim status (X12 277 meanings) and eligibility (X12 271 meanings).

These field names are a contract shared with the sandbox's ground truth, `results.jsonl`, the CSV
export and the tests (docs/architecture.md, "Shapes other tools rely on"): extend, never rename.
Money is Decimal (a decimal string in JSON), dates are ISO dates, absent values are null.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer

# Decimal in Python, "125.00" in JSON: floats would lose cents on the way to a spreadsheet.
Money = Annotated[Decimal, PlainSerializer(lambda value: f"{value:.2f}", return_type=str, when_used="json")]
Ratio = Annotated[Decimal, PlainSerializer(lambda value: f"{value:.2f}", return_type=str, when_used="json")]


class Task(StrEnum):
    CLAIM_STATUS = "claim_status"
    ELIGIBILITY = "eligibility"


class Outcome(StrEnum):
    """How a work item ended; each item ends in exactly one of these."""

    FOUND = "found"
    NOT_FOUND = "not_found"
    NEEDS_HUMAN = "needs_human"
    FAILED = "failed"
    REJECTED = "rejected"


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Adjustment(Answer):
    group: str
    """CAS group: CO, PR, OA or PI."""
    carc: str
    rarc: str | None = None
    amount: Money
    text: str | None = None
    """The portal's description of the reason, kept beside the code."""


class ServiceLine(Answer):
    line_number: int
    procedure_code: str
    modifiers: list[str] = []
    service_date: date | None = None
    billed_amount: Money | None = None
    allowed_amount: Money | None = None
    paid_amount: Money | None = None
    status_category: str | None = None
    adjustments: list[Adjustment] = []


class ClaimStatus(Answer):
    claim_number: str | None = None
    payer_claim_id: str | None = None
    member_id: str | None = None
    patient_name: str | None = None
    service_date_from: date | None = None
    service_date_to: date | None = None
    status_category: str
    """X12 507 claim status category code, e.g. F1."""
    status_code: str | None = None
    """X12 508 claim status code, e.g. 65."""
    status_text: str
    """The portal's own words for the status."""
    status_detail: str | None = None
    """The portal's reason for a pend or rejection, in its words."""
    received_date: date | None = None
    adjudicated_date: date | None = None
    billed_amount: Money | None = None
    allowed_amount: Money | None = None
    paid_amount: Money | None = None
    patient_responsibility: Money | None = None
    check_number: str | None = None
    payment_date: date | None = None
    adjustments: list[Adjustment] = []
    lines: list[ServiceLine] = []


class Benefit(Answer):
    benefit_code: str
    """X12 271 EB01: A co-insurance, B co-payment, C deductible, G out-of-pocket."""
    coverage_level: str | None = None
    service_type_code: str | None = None
    network: str | None = None
    time_period: str | None = None
    amount: Money | None = None
    percent: Ratio | None = None
    authorization_required: bool | None = None
    text: str | None = None


class Eligibility(Answer):
    member_id: str | None = None
    patient_name: str | None = None
    date_of_birth: date | None = None
    coverage_active: bool
    coverage_status_code: str | None = None
    """X12 271 EB01: 1 active, 6 inactive; null when the member was not found."""
    coverage_status_text: str | None = None
    """The portal's own words for the coverage status (or its not-found message)."""
    plan_name: str | None = None
    plan_type: str | None = None
    group_number: str | None = None
    coverage_start: date | None = None
    coverage_end: date | None = None
    pcp_name: str | None = None
    benefits: list[Benefit] = []


ANSWER_TYPES: dict[Task, type[Answer]] = {Task.CLAIM_STATUS: ClaimStatus, Task.ELIGIBILITY: Eligibility}
