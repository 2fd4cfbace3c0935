"""A claim-status run as a 277 (005010X212): every 276 request answered, in its order, with its trace.

The 277 mirrors the 276's tree (payer, receiver, provider, subscriber, dependent) and answers each
2200D/2200E claim with the run's result:

- found or not found: the answer's own category and code (`F1:65`, `A4:35`), billed and paid
  amounts, adjudication date, payment date and check/EFT number, the payer's claim control number,
  and the service lines whose units the 276 gave (SVC07 is required and portals do not show units);
- not answered, in the standard's own terms (docs/x12-and-fhir.md): `E1:0` (response not possible,
  system status) for failed and needs-a-person items, `E2:0` (information holder not responding,
  resubmit later) for items a stopped run never reached, `E0:21` (error on submitted request data,
  missing or invalid information) with the entity at fault for rejected requests.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rpa.core.models import Task
from rpa.interchange.envelope import InterchangeWriter, Separators
from rpa.interchange.model import CLAIM_STATUS_GUIDE, RESPONSES, Level, Request, ServiceLineRequest
from rpa.interchange.responses import PENDING, REJECTED, Answer, RunAnswers
from rpa.interchange.x12_values import answer_amount, answer_date, d8, decimal_text, first_known, period

NOT_ANSWERED = {
    "failed": ("E1", "0"),
    "needs_human": ("E1", "0"),
    PENDING: ("E2", "0"),
    REJECTED: ("E0", "21"),
}
"""277 category and status code for requests the run did not answer (507 / 508 code lists)."""
ENTITY_AT_FAULT = {"2100A": "PR", "payer": "PR", "2100C": "1P", "provider": "1P", "2100D": "IL", "member": "IL", "DMG02": "QC"}
"""STC01-3 for a rejected request: the entity whose data the reject names (payer, provider, ...)."""
ECHOED_REFERENCES = ("BLT", "EJ", "XZ", "VV", "D9")
"""2200D references a 277 may carry back from the 276 (1K is the payer's, written from the answer)."""


def write_277(answers: RunAnswers, *, separators: Separators, control_number: int, now: datetime) -> str:
    interchange = answers.interchange
    writer = InterchangeWriter(interchange.envelope.reply(), separators, control_number=control_number, now=now)
    set_id, functional = RESPONSES[Task.CLAIM_STATUS]
    for group in interchange.groups:
        with writer.group(functional, CLAIM_STATUS_GUIDE):
            for transaction in group.transactions:
                with writer.transaction(set_id, CLAIM_STATUS_GUIDE):
                    writer.segment(
                        "BHT", "0010", "08", transaction.reference or answers.run_id, f"{now:%Y%m%d}", f"{now:%H%M}", "DG"
                    )
                    numbers = iter(range(1, 1_000_000))
                    for source in transaction.sources:
                        _level(writer, source, None, numbers, answers, now)
    return writer.text()


def _level(writer: InterchangeWriter, level: Level, parent: str | None, numbers, answers: RunAnswers, now: datetime) -> None:
    number = str(next(numbers))
    if level.code == "23":
        writer.segment("HL", number, parent, "23")
    else:
        writer.segment("HL", number, parent or "", level.code, "1" if level.children else "0")
    writer.segment("NM1", *level.name.elements[1:10])
    for request in level.requests:
        _claim(writer, answers.of(request), now)
    for child in level.children:
        _level(writer, child, number, numbers, answers, now)


def _claim(writer: InterchangeWriter, answer: Answer, now: datetime) -> None:
    request, claim = answer.request, answer.answer
    writer.segment("TRN", "2", request.trace)
    billed = first_known(answer_amount(claim.get("billed_amount")), request.billed_amount)
    if answer.outcome in NOT_ANSWERED:
        category, code = NOT_ANSWERED[answer.outcome]
        entity = _entity_at_fault(answer) if answer.outcome == REJECTED else ""
        effective = answer.result.finished_at.date() if answer.result else now.date()
        writer.segment("STC", [category, code, entity], d8(effective), None, decimal_text(billed))
    else:
        category, code = claim["status_category"], claim.get("status_code") or "0"
        effective = (
            answer_date(claim.get("adjudicated_date"))
            or answer_date(claim.get("received_date"))
            or answer.result.finished_at.date()
        )
        writer.segment(
            "STC",
            [category, code],
            d8(effective),
            None,
            decimal_text(billed),
            decimal_text(answer_amount(claim.get("paid_amount"))),
            d8(answer_date(claim.get("adjudicated_date"))),
            None,
            d8(answer_date(claim.get("payment_date"))),
            claim.get("check_number"),
        )
    payer_claim = claim.get("payer_claim_id") or request.references.get("1K")
    if payer_claim:
        writer.segment("REF", "1K", payer_claim)
    for qualifier in ECHOED_REFERENCES:
        if request.references.get(qualifier):
            writer.segment("REF", qualifier, request.references[qualifier])
    start = answer_date(claim.get("service_date_from")) or request.service_date_from
    end = answer_date(claim.get("service_date_to")) or request.service_date_to or start
    if start:
        writer.segment("DTP", "472", *period(start, end))
    if answer.outcome not in NOT_ANSWERED:
        _lines(writer, request, claim, effective)


def _lines(writer: InterchangeWriter, request: Request, claim: dict[str, Any], effective: date) -> None:
    """Service lines the 276 listed, answered with the portal's line of the same procedure and date."""
    unused = list(request.lines)
    for line in claim.get("lines") or []:
        asked = _asked_line(unused, line)
        if asked is None:
            continue
        unused.remove(asked)
        category = line.get("status_category") or claim["status_category"]
        code = (claim.get("status_code") or "0") if category == claim["status_category"] else "0"
        procedure = [asked.procedure[0] if asked.procedure else "HC", line["procedure_code"], *(line.get("modifiers") or [])]
        charge = first_known(answer_amount(line.get("billed_amount")), asked.charge, Decimal(0))
        writer.segment(
            "SVC",
            procedure,
            decimal_text(charge),
            decimal_text(answer_amount(line.get("paid_amount")) or Decimal(0)),
            asked.revenue_code,
            None,
            None,
            decimal_text(asked.units),
        )
        writer.segment("STC", [category, code], d8(effective))
        if asked.control_number:
            writer.segment("REF", "FJ", asked.control_number)
        day = answer_date(line.get("service_date")) or asked.service_date_from or request.service_date_from
        writer.segment("DTP", "472", *period(day, asked.service_date_to if asked.service_date_from == day else day))


def _asked_line(asked: list[ServiceLineRequest], line: dict[str, Any]) -> ServiceLineRequest | None:
    day = answer_date(line.get("service_date"))
    for candidate in asked:
        code = candidate.procedure[1] if len(candidate.procedure) > 1 else ""
        if (
            code == line.get("procedure_code")
            and candidate.units is not None
            and (day is None or candidate.service_date_from in (None, day))
        ):
            return candidate
    return None


def _entity_at_fault(answer: Answer) -> str:
    field = answer.reject_field
    for prefix, entity in ENTITY_AT_FAULT.items():
        if field.startswith(prefix):
            return entity
    return ""
