"""The one normalizer: a portal record in the portal's words -> the X12-meaning answer.

A flow reads a portal (its pages, or its JSON) into a *record*: a mapping keyed by our field
names (`WordingMap.record` does the renaming from the portal's labels) whose values are still
what the portal printed. This module turns a record into `ClaimStatus` or `Eligibility` through
the flow's wording map and formats, so page mode and API mode, and every portal, share one
definition of what a status, an amount, a date or an adjustment means.

Claim record fields: `claim_number, payer_claim_id, member_id, patient_name, service_dates` (a
range) or `service_date_from, service_date_to, status, status_detail, received_date,
adjudicated_date, billed_amount, allowed_amount, paid_amount, patient_responsibility,
check_number, payment_date, adjustments, lines`. An adjustment is a record (`group, carc, rarc,
amount, text`) or one text read with `patterns.adjustment`; a line has `line_number,
procedure_code, modifiers, service_date, billed_amount, allowed_amount, paid_amount, status,
adjustments`. Eligibility record fields: `member_id, patient_name, date_of_birth,
coverage_status, plan_name, plan_type, group_number, coverage_start, coverage_end` (or
`coverage_dates`), `pcp_name, benefits`; a benefit has `benefit, coverage_level, service_type,
network, amount` (or `percent`), `time_period, remaining, authorization, notes`.
"""

from __future__ import annotations

from typing import Any

from rpa.core.errors import FlowError
from rpa.core.models import Adjustment, Benefit, ClaimStatus, Eligibility, ServiceLine
from rpa.payers.wording import WordingMap
from rpa.portal.reading import Cell

CAS_GROUPS = {"CO", "PR", "OA", "PI", "CR"}


def claim_status(record: dict[str, Any], wording: WordingMap) -> ClaimStatus:
    read = _Reader(record, wording)
    status_words = read.text("status")
    if status_words is None:
        raise_missing(wording, "status")
    status = wording.lookup("claim_status", status_words)
    start, end = read.dates("service_dates", "service_date_from", "service_date_to")
    return ClaimStatus(
        claim_number=read.text("claim_number"),
        payer_claim_id=read.text("payer_claim_id"),
        member_id=read.text("member_id"),
        patient_name=wording.formats.person(read.raw("patient_name")),
        service_date_from=start,
        service_date_to=end,
        status_category=status["category"],
        status_code=status.get("code"),
        status_text=status_words,
        status_detail=read.text("status_detail"),
        received_date=read.date("received_date"),
        adjudicated_date=read.date("adjudicated_date"),
        billed_amount=read.money("billed_amount"),
        allowed_amount=read.money("allowed_amount"),
        paid_amount=read.money("paid_amount"),
        patient_responsibility=read.money("patient_responsibility"),
        check_number=read.text("check_number"),
        payment_date=read.date("payment_date"),
        adjustments=[adjustment(item, wording) for item in read.items("adjustments")],
        lines=[service_line(line, wording) for line in record.get("lines") or []],
    )


def service_line(record: dict[str, Any], wording: WordingMap) -> ServiceLine:
    read = _Reader(record, wording)
    modifiers = record.get("modifiers")
    if not isinstance(modifiers, list):
        modifiers = [part for part in (read.text("modifiers") or "").replace(",", " ").split() if part]
    return ServiceLine(
        line_number=int(read.text("line_number") or 0),
        procedure_code=read.text("procedure_code") or "",
        modifiers=modifiers,
        service_date=read.date("service_date"),
        billed_amount=read.money("billed_amount"),
        allowed_amount=read.money("allowed_amount"),
        paid_amount=read.money("paid_amount"),
        status_category=wording.optional("line_status", read.text("status")),
        adjustments=[adjustment(item, wording) for item in read.items("adjustments")],
    )


def adjustment(item: dict[str, Any] | str, wording: WordingMap) -> Adjustment:
    """An adjustment record, or one printed as text and read with `patterns.adjustment` (a
    record's `adjustment` field is such a text, its other fields say the rest)."""
    if isinstance(item, str):
        record = wording.parse("adjustment", item)
    elif item.get("adjustment") is not None:
        text = item["adjustment"]
        record = {
            **wording.parse("adjustment", getattr(text, "text", text)),
            **{k: v for k, v in item.items() if k != "adjustment"},
        }
    else:
        record = item
    read = _Reader(record, wording)
    group = read.text("group") or ""
    amount = read.money("amount")
    if amount is None:
        raise_missing(wording, "amount of an adjustment")
    return Adjustment(
        group=group.upper() if group.upper() in CAS_GROUPS else wording.lookup("adjustment_group", group),
        carc=read.text("carc") or "",
        rarc=read.text("rarc"),
        amount=-amount if wording.formats.adjustments_negative else amount,
        text=read.text("text"),
    )


def eligibility(record: dict[str, Any], wording: WordingMap) -> Eligibility:
    read = _Reader(record, wording)
    status_words = read.text("coverage_status")
    if status_words is None:
        raise_missing(wording, "coverage_status")
    status = wording.lookup("coverage_status", status_words)
    start, end = read.dates("coverage_dates", "coverage_start", "coverage_end", open_ended=True)
    return Eligibility(
        member_id=read.text("member_id"),
        patient_name=wording.formats.person(read.raw("patient_name")),
        date_of_birth=read.date("date_of_birth"),
        coverage_active=status["active"],
        coverage_status_code=status["code"],
        coverage_status_text=status_words,
        plan_name=read.text("plan_name"),
        plan_type=wording.optional("plan_type", read.text("plan_type")),
        group_number=read.text("group_number"),
        coverage_start=start,
        coverage_end=end,
        pcp_name=read.text("pcp_name"),
        benefits=[benefit for row in record.get("benefits") or [] for benefit in benefits(row, wording)],
    )


def benefits(record: dict[str, Any], wording: WordingMap) -> list[Benefit]:
    """A benefit row: its amount or percent for its period, then what remains (EB06 29) if shown."""
    read = _Reader(record, wording)
    common = {
        "benefit_code": wording.lookup("benefit", read.text("benefit") or ""),
        "coverage_level": wording.optional("coverage_level", read.text("coverage_level")),
        "service_type_code": wording.optional("service_type", read.text("service_type")),
        "network": wording.optional("network", read.text("network")),
        "authorization_required": wording.optional("authorization", read.text("authorization")),
        "text": read.text("notes"),
    }
    amount_text = read.text("amount")
    is_percent = read.text("percent") is not None or (amount_text or "").endswith("%")
    found = [
        Benefit(
            **common,
            time_period=wording.optional("time_period", read.text("time_period")),
            amount=None if is_percent else read.money("amount"),
            percent=wording.formats.percent(read.text("percent") or amount_text) if is_percent else None,
        )
    ]
    if read.text("remaining") is not None:
        remaining_period = wording.lookup("time_period", "Remaining") if "Remaining" in wording.words("time_period") else "29"
        found.append(Benefit(**common, time_period=remaining_period, amount=read.money("remaining")))
    return found


def raise_missing(wording: WordingMap, what: str) -> None:
    raise FlowError(f"the portal's page has no {what} (or {wording.path.name} fields do not name it)")


class _Reader:
    """One record's values through the portal's formats; cells read as their text."""

    def __init__(self, record: dict[str, Any], wording: WordingMap):
        self.record = record
        self.formats = wording.formats

    def raw(self, name: str) -> Any:
        value = self.record.get(name)
        return value.text if isinstance(value, Cell) else value

    def text(self, name: str) -> str | None:
        return self.formats.text(self.raw(name))

    def money(self, name: str):
        value = self.raw(name)
        return self.formats.money(value if not isinstance(value, (int, float)) else str(value))

    def date(self, name: str):
        return self.formats.date(self.raw(name))

    def dates(self, range_name: str, start_name: str, end_name: str, *, open_ended: bool = False):
        """A range printed as one text or as two fields; one date alone is a single day, unless the
        range is `open_ended` (coverage without an end date)."""
        if self.raw(range_name) is not None:
            return self.formats.date_range(self.raw(range_name))
        start, end = self.date(start_name), self.date(end_name)
        return start, end if open_ended else end or start

    def items(self, name: str) -> list[Any]:
        """A list of records or texts: a list as it is, a cell's list items or lines, text by lines."""
        value = self.record.get(name)
        if value is None:
            return []
        if isinstance(value, list):
            return value
        if isinstance(value, Cell):
            return list(value.items or value.lines) if not self.formats.is_absent(value.text) else []
        return [line.strip() for line in str(value).split("\n") if not self.formats.is_absent(line)]
