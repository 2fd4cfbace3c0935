"""A 276 or 270 interchange as a worklist: each request a work item, or a reject with its trace.

Every request becomes the same query a CSV row would (`rpa.core.queries`), so the checks on input
stay in one place; what the query has no field for (the trace number, the patient control number,
the payer as the interchange named it) rides in `extra` and is carried into the results. A
request's row number is the position of its TRN (276) or EQ (270) segment in the interchange.

Payers: the 2100A NM1*PR names the payer; it maps to a payer the registry knows by its id in
NM109 (`PI*SUMMIT`), else by its declared name in NM103 (`Summit Health Plan`), both ignoring
case and punctuation, else to `--payer` when given; an unknown payer is a reject naming it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rpa.core.errors import InputError
from rpa.core.models import Task
from rpa.core.queries import QUERY_TYPES
from rpa.core.worklist import Reject, WorkItem, Worklist, first_problem
from rpa.interchange.model import Interchange, Level, Request
from rpa.interchange.x12_read import parse_period, read_interchange

SERVICE_DATE_QUALIFIERS = ("291", "307", "472")
"""DTP01 of a 270 member's date of service: 291 (plan) is the guide's, the others are tolerated."""
ELEMENTS = {
    Task.CLAIM_STATUS: {
        "payer": "2100A NM1*PR",
        "claim_number": "2200D REF*1K",
        "member_id": "2100D NM109",
        "patient_dob": "DMG02",
        "provider_npi": "2100C NM109",
        "provider_tax_id": "2100C NM109",
        "service_date_from": "DTP*472",
        "service_date_to": "DTP*472",
        "billed_amount": "AMT*T3",
    },
    Task.ELIGIBILITY: {
        "payer": "2100A NM1*PR",
        "member_id": "2100C NM109",
        "patient_dob": "DMG02",
        "patient_first_name": "NM104",
        "patient_last_name": "NM103",
        "service_date": "DTP*291",
        "service_type": "EQ01",
        "provider_npi": "2100B NM109",
    },
}
"""Which X12 element a query field came from, so a reject names what the billing system sent."""


@dataclass(frozen=True)
class PayerIndex:
    """The registry's payers by id and by declared name, squashed for comparison."""

    by_key: dict[str, str]
    known: tuple[str, ...]

    @classmethod
    def from_registry(cls) -> PayerIndex:
        from rpa.payers.registry import discover

        by_key: dict[str, str] = {}
        payers = discover().payers
        for payer_id, info in payers.items():
            by_key.setdefault(_squash(payer_id), payer_id)
            if info.payer.name:
                by_key.setdefault(_squash(info.payer.name), payer_id)
        return cls(by_key, tuple(sorted(payers)))

    def resolve(self, name_segment: Any, default_payer: str | None) -> str | None:
        identifier, name = name_segment.get(9), name_segment.get(3)
        for key in (identifier, name):
            if key and _squash(key) in self.by_key:
                return self.by_key[_squash(key)]
        return default_payer


def load_interchange_worklist(path: Path, raw: bytes, *, task: Task | None = None, default_payer: str | None = None) -> Worklist:
    """`rpa run it.x12`: the interchange's requests as work items and rejects."""
    interchange = read_interchange(raw, str(path))
    if task is not None and task is not interchange.task:
        kind = "276 (claim status)" if interchange.task is Task.CLAIM_STATUS else "270 (eligibility)"
        raise InputError(f"{path}: is a {kind} interchange, but --task {task.value} was given")
    worklist = build_interchange_worklist(interchange, default_payer=default_payer, path=path)
    worklist.digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    worklist.encoding = "x12"
    worklist.source = raw
    return worklist


def build_interchange_worklist(
    interchange: Interchange, *, default_payer: str | None = None, path: Path | None = None, payers: PayerIndex | None = None
) -> Worklist:
    payers = payers or PayerIndex.from_registry()
    task = interchange.task
    model = QUERY_TYPES[task]
    worklist = Worklist(path=path, task=task)
    seen: dict[str, int] = {}
    for request in interchange.requests():
        data, extra = request_fields(request, task)
        row = {**{key: "" if value is None else str(value) for key, value in data.items()}, **extra}
        problem = request.problems[0] if request.problems else None
        payer = payers.resolve(request.level.ancestor("20").name, default_payer)
        if problem is None and payer is None:
            name = request.level.ancestor("20").name
            known = ", ".join(payers.known) or "none"
            problem = ("2100A NM1*PR", f"unknown payer {name.get(3)!r} (NM109 {name.get(9)!r}); known payers: {known}")
        query = None
        if problem is None:
            try:
                query = model(**data, payer=payer, extra=extra)
            except ValidationError as error:
                field, reason = first_problem(error)
                problem = (f"{ELEMENTS[task].get(field, field)} ({field})", reason)
        if problem is not None:
            trace = f" (trace {request.trace})" if request.trace else ""
            worklist.rejects.append(Reject(request.position, problem[0], f"{problem[1]}{trace}", row))
            continue
        if query.item_id in seen:
            original = seen[query.item_id]
            row["duplicate_of_row"] = str(original)
            worklist.rejects.append(Reject(request.position, "row", f"duplicate of row {original}; answered with it", row))
            continue
        seen[query.item_id] = request.position
        worklist.items.append(WorkItem(row_number=request.position, query=query))
    return worklist


def request_fields(request: Request, task: Task) -> tuple[dict[str, Any], dict[str, str]]:
    """The query fields a request gives (before validation) and the facts it carries beside them."""
    level = request.level
    source = level.ancestor("20").name
    extra = {"trace_number": request.trace, "x12_payer_name": source.get(3), "x12_payer_id": source.get(9)}
    if task is Task.CLAIM_STATUS:
        data = _claim_fields(request, level)
        extra["patient_control_number"] = request.references.get("EJ", "")
    else:
        data = _member_fields(request, level)
    return data, {key: value for key, value in extra.items() if value}


def _claim_fields(request: Request, level: Level) -> dict[str, Any]:
    provider = level.ancestor("19").name
    subscriber = level.ancestor("22").name
    qualifier = provider.get(8)
    return {
        "claim_number": request.references.get("1K") or None,
        "member_id": subscriber.get(9) or None,
        "patient_dob": _birth_date(level),
        "provider_npi": provider.get(9) if qualifier == "XX" else None,
        "provider_tax_id": provider.get(9) if qualifier == "FI" else None,
        "service_date_from": request.service_date_from,
        "service_date_to": request.service_date_to,
        "billed_amount": request.billed_amount,
    }


def _member_fields(request: Request, level: Level) -> dict[str, Any]:
    receiver = level.ancestor("21").name
    subscriber = level.ancestor("22").name
    service_date = None
    for seg in level.dates:
        if seg.get(1) in SERVICE_DATE_QUALIFIERS:
            try:
                service_date = parse_period(seg.get(2), seg.get(3))[0]
            except ValueError as error:
                request.problems.append(("DTP03", f"date of service: {error}"))
            break
    return {
        "member_id": subscriber.get(9) or None,
        "patient_dob": _birth_date(level),
        "patient_first_name": level.name.get(4) or None,
        "patient_last_name": level.name.get(3) or None,
        "service_date": service_date,
        "service_type": request.service_type,
        "provider_npi": receiver.get(9) if receiver.get(8) == "XX" else None,
    }


def _birth_date(level: Level) -> str | None:
    """DMG02 as the query reads dates (CCYYMMDD); the query's validation names a bad one."""
    demographics = level.demographics
    if demographics is None or not demographics.get(2):
        return None
    return demographics.get(2)


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())
