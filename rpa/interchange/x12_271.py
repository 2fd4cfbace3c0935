"""An eligibility run as a 271 (005010X279A1): every 270 member answered, in order, with its trace.

The 271 mirrors the 270's tree (payer, provider, subscriber, dependent). A member the portal
answered gets its group number, date of birth, plan dates and EB loops: the coverage status for
the service type asked about (EB01 1 or 6, with the plan type and name), then every benefit as the
portal listed it (EB01 A co-insurance, B co-payment, C deductible, G out-of-pocket) with coverage
level, service type, time period, amount or percent, authorization and network, and the portal's
note in an MSG. Anything else is an AAA request validation in the standard's own terms:

- `AAA*Y**75*C` subscriber not found (`67` patient not found for a dependent);
- `AAA*Y**42*R` unable to respond now, resubmission allowed: failed, needs a person, or never
  reached by a stopped run;
- `AAA*N**<reason>*C` a rejected request: 72 member ID, 73 name, 58 date of birth, 57 date of
  service, 43 provider, 15 anything else; and `AAA*N**79*C` in 2100A when the payer itself is not
  one the tool knows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rpa.core.models import Task
from rpa.interchange.envelope import InterchangeWriter, Separators
from rpa.interchange.model import ELIGIBILITY_GUIDE, RESPONSES, Level, Request
from rpa.interchange.responses import PENDING, REJECTED, Answer, RunAnswers
from rpa.interchange.x12_values import answer_amount, answer_date, d8, decimal_text

ORIGINATOR = "9PORTALRPA"
"""TRN03 of a trace number this tool assigns: `9` and nine characters, as the guide asks."""
UNABLE = frozenset({"failed", "needs_human", PENDING})
"""Outcomes answered with AAA03 42 (unable to respond at current time), AAA04 R (resubmission allowed)."""
REJECT_REASONS = {
    "member_id": ("72", "15"),
    "patient_last_name": ("73", "65"),
    "patient_first_name": ("73", "65"),
    "patient_dob": ("58", "58"),
    "service_date": ("57", "57"),
    "provider_npi": ("43", "43"),
}
"""A rejected field -> AAA03 for a subscriber (2100C) and for a dependent (2100D)."""
NETWORK = {"in": "Y", "out": "N"}
YES_NO = {True: "Y", False: "N"}


def write_271(answers: RunAnswers, *, separators: Separators, control_number: int, now: datetime) -> str:
    interchange = answers.interchange
    writer = InterchangeWriter(interchange.envelope.reply(), separators, control_number=control_number, now=now)
    set_id, functional = RESPONSES[Task.ELIGIBILITY]
    for group in interchange.groups:
        with writer.group(functional, ELIGIBILITY_GUIDE):
            for transaction in group.transactions:
                with writer.transaction(set_id, ELIGIBILITY_GUIDE):
                    writer.segment("BHT", "0022", "11", transaction.reference or answers.run_id, f"{now:%Y%m%d}", f"{now:%H%M}")
                    numbers = iter(range(1, 1_000_000))
                    for source in transaction.sources:
                        _level(writer, source, None, numbers, answers)
    return writer.text()


def _level(writer: InterchangeWriter, level: Level, parent: str | None, numbers, answers: RunAnswers) -> None:
    number = str(next(numbers))
    writer.segment("HL", number, parent or "", level.code, "1" if level.children else "0")
    if level.code in ("22", "23"):
        _member(writer, level, [answers.of(request) for request in level.requests])
    else:
        writer.segment("NM1", *level.name.elements[1:10])
        if level.code == "20" and _payer_unknown(level, answers):
            writer.segment("AAA", "N", None, "79", "C")
    for child in level.children:
        _level(writer, child, number, numbers, answers)


def _member(writer: InterchangeWriter, level: Level, answers: list[Answer]) -> None:
    for trace in level.traces:
        if trace.get(1) == "1":
            writer.segment("TRN", "2", trace.get(2), trace.get(3) or ORIGINATOR, trace.get(4) or None)
    if not any(trace.get(1) == "1" for trace in level.traces):
        writer.segment("TRN", "1", _fresh_trace(level), ORIGINATOR)
    writer.segment("NM1", *level.name.elements[1:10])
    found = [answer for answer in answers if answer.outcome == "found"]
    eligibility = found[0].answer if found else {}
    if eligibility.get("group_number"):
        writer.segment("REF", "6P", eligibility["group_number"])
    problem = next((answer for answer in answers if answer.outcome != "found"), None)
    if problem is not None:
        writer.segment("AAA", *_validation(problem, dependent=level.code == "23"))
    birth = answer_date(eligibility.get("date_of_birth"))
    if birth:
        writer.segment("DMG", "D8", d8(birth))
    elif level.demographics is not None:
        writer.segment("DMG", *level.demographics.elements[1:4])
    for qualifier, value in (("346", eligibility.get("coverage_start")), ("347", eligibility.get("coverage_end"))):
        if answer_date(value):
            writer.segment("DTP", qualifier, "D8", d8(answer_date(value)))
    for answer in found:
        _benefits(writer, answer.request, answer.answer)


def _benefits(writer: InterchangeWriter, request: Request, eligibility: dict[str, Any]) -> None:
    if eligibility.get("coverage_status_code"):
        writer.segment(
            "EB",
            eligibility["coverage_status_code"],
            None,
            request.service_type,
            eligibility.get("plan_type"),
            eligibility.get("plan_name"),
        )
    for benefit in eligibility.get("benefits") or []:
        writer.segment(
            "EB",
            benefit["benefit_code"],
            benefit.get("coverage_level"),
            benefit.get("service_type_code"),
            None,
            None,
            benefit.get("time_period"),
            decimal_text(answer_amount(benefit.get("amount"))),
            decimal_text(answer_amount(benefit.get("percent"))),
            None,
            None,
            YES_NO.get(benefit.get("authorization_required")),
            NETWORK.get(benefit.get("network") or ""),
        )
        if benefit.get("text"):
            writer.segment("MSG", str(benefit["text"])[:264])


def _validation(answer: Answer, *, dependent: bool) -> tuple[str, None, str, str]:
    """AAA01-04 for a member the run did not answer with coverage."""
    if answer.outcome == "not_found":
        return "Y", None, "67" if dependent else "75", "C"
    if answer.outcome in UNABLE:
        return "Y", None, "42", "R"
    field = answer.reject_field
    for name, (subscriber_code, dependent_code) in REJECT_REASONS.items():
        if f"({name})" in field or field == name:
            return "N", None, dependent_code if dependent else subscriber_code, "C"
    return "N", None, "15", "C"


def _payer_unknown(source: Level, answers: RunAnswers) -> bool:
    """Every request below this payer was rejected because the payer is not one the tool knows."""
    below = [answers.of(request) for level in source.walk() for request in level.requests]
    return bool(below) and all(answer.outcome == REJECTED and answer.reject_field.startswith("2100A") for answer in below)


def _fresh_trace(level: Level) -> str:
    return level.requests[0].trace if level.requests and level.requests[0].trace else f"ROW{level.position}"
