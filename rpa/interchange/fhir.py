"""A run's answers as a FHIR R4 (4.0.1) Bundle: `ClaimResponse` per claim, `CoverageEligibilityResponse`
per member, one per request of the run, in the request's order.

Codes keep their X12 meanings under X12's code-list URIs (claim status category and status codes,
CARC, RARC, service type codes) beside the FHIR terminology where R4 has one (adjudication
categories, benefit types, networks, units, terms), and the portal's own words ride in
`disposition` and `description`. A request the run did not answer gets `outcome: error` with the
same codes the 277 or 271 carries. Money stays Decimal until the JSON is written (as a number).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from rpa.core.models import Task
from rpa.interchange.responses import Answer, RunAnswers
from rpa.interchange.x12_271 import REJECT_REASONS, UNABLE
from rpa.interchange.x12_277 import NOT_ANSWERED
from rpa.interchange.x12_values import answer_amount, first_known

STATUS_CATEGORY = "https://x12.org/codes/claim-status-category-codes"
STATUS_CODE = "https://x12.org/codes/claim-status-codes"
CARC = "https://x12.org/codes/claim-adjustment-reason-codes"
RARC = "https://x12.org/codes/remittance-advice-remark-codes"
SERVICE_TYPE = "https://x12.org/codes/service-type-codes"
ADJUSTMENT_GROUP = "urn:x12:element:1033"
BENEFIT_CODE = "urn:x12:element:1390"
REJECT_REASON = "urn:x12:element:901"
ADJUDICATION = "http://terminology.hl7.org/CodeSystem/adjudication"
CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type"
PAYMENT_TYPE = "http://terminology.hl7.org/CodeSystem/ex-paymenttype"
BENEFIT_TYPE = "http://terminology.hl7.org/CodeSystem/benefit-type"
BENEFIT_NETWORK = "http://terminology.hl7.org/CodeSystem/benefit-network"
BENEFIT_UNIT = "http://terminology.hl7.org/CodeSystem/benefit-unit"
BENEFIT_TERM = "http://terminology.hl7.org/CodeSystem/benefit-term"
NPI = "http://hl7.org/fhir/sid/us-npi"
STATUS_EXTENSION = "urn:rpa:fhir:StructureDefinition:x12-claim-status"
TRACE_SYSTEM = "urn:rpa:x12:trace-number"
FHIR_BENEFIT_TYPES = {"B": "copay", "C": "deductible", "A": "copay-percent"}
BENEFIT_UNITS = {"IND": "individual", "FAM": "family"}
TERMS = {"23": ("annual", "Calendar year"), "27": (None, "Per visit"), "29": (None, "Remaining")}
BENEFIT_WORDS = {"A": "Co-insurance", "B": "Co-payment", "C": "Deductible", "G": "Out-of-pocket (stop loss)"}


def fhir_bundle(answers: RunAnswers, task: Task, *, now: datetime) -> dict[str, Any]:
    entries = []
    for request in answers.interchange.requests():
        answer = answers.of(request)
        resource = _claim_response(answer, now) if task is Task.CLAIM_STATUS else _eligibility_response(answer, now)
        key = uuid.uuid5(uuid.NAMESPACE_URL, f"rpa:{answers.run_id}:{request.position}")
        resource["id"] = str(key)
        entries.append({"fullUrl": f"urn:uuid:{key}", "resource": resource})
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"rpa:{answers.run_id}")),
        "type": "collection",
        "timestamp": _instant(now),
        "entry": entries,
    }


# -- claim status ---------------------------------------------------------------------------


def _claim_response(answer: Answer, now: datetime) -> dict[str, Any]:
    request, claim = answer.request, answer.answer
    level = request.level
    answered = answer.outcome not in NOT_ANSWERED
    resource: dict[str, Any] = {
        "resourceType": "ClaimResponse",
        "status": "active",
        "type": _concept(CLAIM_TYPE, "institutional" if request.references.get("BLT") else "professional"),
        "use": "claim",
        "patient": _patient(claim.get("member_id") or level.ancestor("22").name.get(9), claim.get("patient_name")),
        "created": _instant(answer.result.finished_at if answer.result else now),
        "insurer": _payer(level),
        "request": {"identifier": {"system": TRACE_SYSTEM, "value": request.trace}},
        "outcome": "complete" if answered else "error",
    }
    identifiers = [(claim.get("payer_claim_id") or request.references.get("1K"), "Payer claim control number")]
    identifiers += [(request.references.get("EJ"), "Patient control number"), (claim.get("claim_number"), "Claim number")]
    resource["identifier"] = [{"type": {"text": text}, "value": value} for value, text in identifiers if value]
    provider = level.ancestor("19")
    if provider is not None and provider.name.get(8) == "XX":
        resource["requestor"] = {"identifier": {"system": NPI, "value": provider.name.get(9)}}
    if not answered:
        category, code = NOT_ANSWERED[answer.outcome]
        resource["disposition"] = answer.reason or answer.outcome.replace("_", " ")
        resource["error"] = [{"code": _status_concept(category, code, answer.reason or None)}]
        return _without_empty(resource)
    resource["disposition"] = claim.get("status_text")
    resource["extension"] = [
        {
            "url": STATUS_EXTENSION,
            "valueCodeableConcept": _status_concept(claim["status_category"], claim.get("status_code"), claim.get("status_text")),
        }
    ]
    billed = first_known(answer_amount(claim.get("billed_amount")), request.billed_amount)
    resource["total"] = _amounts(
        [("submitted", billed), ("eligible", claim.get("allowed_amount")), ("benefit", claim.get("paid_amount"))]
    )
    resource["adjudication"] = [_adjustment(item) for item in claim.get("adjustments") or []]
    resource["item"] = [_line(line) for line in claim.get("lines") or []]
    paid = answer_amount(claim.get("paid_amount"))
    if paid is not None and (claim.get("payment_date") or claim.get("check_number")):
        payment: dict[str, Any] = {"type": _concept(PAYMENT_TYPE, "complete"), "amount": _money(paid)}
        if claim.get("payment_date"):
            payment["date"] = claim["payment_date"]
        if claim.get("check_number"):
            payment["identifier"] = {"value": claim["check_number"]}
        resource["payment"] = payment
    return _without_empty(resource)


def _line(line: dict[str, Any]) -> dict[str, Any]:
    adjudication = _amounts(
        [("submitted", line.get("billed_amount")), ("eligible", line.get("allowed_amount")), ("benefit", line.get("paid_amount"))]
    )
    adjudication = [{"category": entry["category"], "amount": entry["amount"]} for entry in adjudication]
    adjudication += [_adjustment(item) for item in line.get("adjustments") or []]
    if not adjudication:
        adjudication = [{"category": _concept(STATUS_CATEGORY, line.get("status_category") or "")}]
    item: dict[str, Any] = {"itemSequence": int(line["line_number"]), "adjudication": adjudication}
    if line.get("status_category"):
        item["extension"] = [
            {"url": STATUS_EXTENSION, "valueCodeableConcept": _concept(STATUS_CATEGORY, line["status_category"])}
        ]
    return item


def _adjustment(item: dict[str, Any]) -> dict[str, Any]:
    reason = {"coding": [{"system": CARC, "code": item["carc"]}]}
    if item.get("rarc"):
        reason["coding"].append({"system": RARC, "code": item["rarc"]})
    if item.get("text"):
        reason["text"] = item["text"]
    return {
        "category": _concept(ADJUSTMENT_GROUP, item["group"]),
        "reason": reason,
        "amount": _money(answer_amount(item["amount"])),
    }


def _amounts(pairs: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"category": _concept(ADJUDICATION, code), "amount": _money(amount)}
        for code, value in pairs
        if (amount := value if isinstance(value, Decimal) else answer_amount(value)) is not None
    ]


def _status_concept(category: str, code: str | None, text: str | None) -> dict[str, Any]:
    concept: dict[str, Any] = {"coding": [{"system": STATUS_CATEGORY, "code": category}]}
    if code:
        concept["coding"].append({"system": STATUS_CODE, "code": code})
    if text:
        concept["text"] = text
    return concept


# -- eligibility ----------------------------------------------------------------------------


def _eligibility_response(answer: Answer, now: datetime) -> dict[str, Any]:
    request, eligibility = answer.request, answer.answer
    level = request.level
    member_id = level.ancestor("22").name.get(9)
    found = answer.outcome == "found"
    resource: dict[str, Any] = {
        "resourceType": "CoverageEligibilityResponse",
        "status": "active",
        "purpose": ["validation", "benefits"],
        "patient": _patient(eligibility.get("member_id") or member_id, eligibility.get("patient_name") or _asked_name(level)),
        "created": _instant(answer.result.finished_at if answer.result else now),
        "request": {"identifier": {"system": TRACE_SYSTEM, "value": request.trace}},
        "outcome": "complete" if found else "error",
        "insurer": _payer(level),
    }
    service_date = answer.query.get("service_date")
    if service_date:
        resource["servicedDate"] = service_date
    receiver = level.ancestor("21")
    if receiver is not None and receiver.name.get(8) == "XX":
        resource["requestor"] = {"identifier": {"system": NPI, "value": receiver.name.get(9)}}
    if not found:
        resource["disposition"] = eligibility.get("coverage_status_text") or answer.reason or answer.outcome.replace("_", " ")
        resource["error"] = [{"code": _reject_concept(answer)}]
        return _without_empty(resource)
    resource["disposition"] = eligibility.get("coverage_status_text")
    coverage = {"display": eligibility.get("plan_name") or "coverage"}
    if eligibility.get("group_number"):
        coverage["identifier"] = {"type": {"text": "Group number"}, "value": eligibility["group_number"]}
    insurance: dict[str, Any] = {"coverage": coverage, "inforce": bool(eligibility.get("coverage_active"))}
    period = {"start": eligibility.get("coverage_start"), "end": eligibility.get("coverage_end")}
    if any(period.values()):
        insurance["benefitPeriod"] = {key: value for key, value in period.items() if value}
    insurance["item"] = [_benefit_item(benefit) for benefit in eligibility.get("benefits") or []]
    resource["insurance"] = [insurance]
    return _without_empty(resource)


def _benefit_item(benefit: dict[str, Any]) -> dict[str, Any]:
    code = benefit["benefit_code"]
    kind: dict[str, Any] = {"coding": [{"system": BENEFIT_CODE, "code": code}], "text": BENEFIT_WORDS.get(code, code)}
    if code in FHIR_BENEFIT_TYPES:
        kind["coding"].insert(0, {"system": BENEFIT_TYPE, "code": FHIR_BENEFIT_TYPES[code]})
    entry: dict[str, Any] = {"type": kind}
    amount, percent = answer_amount(benefit.get("amount")), answer_amount(benefit.get("percent"))
    if amount is not None:
        entry["allowedMoney"] = _money(amount)
    elif percent is not None:
        whole = percent * 100
        entry["allowedUnsignedInt" if whole == whole.to_integral_value() else "allowedString"] = (
            int(whole) if whole == whole.to_integral_value() else f"{whole.normalize():f}%"
        )
    item: dict[str, Any] = {"benefit": [entry]}
    if benefit.get("service_type_code"):
        item["category"] = _concept(SERVICE_TYPE, benefit["service_type_code"])
    if benefit.get("network") in ("in", "out"):
        item["network"] = _concept(BENEFIT_NETWORK, benefit["network"])
    if benefit.get("coverage_level") in BENEFIT_UNITS:
        item["unit"] = _concept(BENEFIT_UNIT, BENEFIT_UNITS[benefit["coverage_level"]])
    term = TERMS.get(benefit.get("time_period") or "")
    if term:
        item["term"] = {"coding": [{"system": BENEFIT_TERM, "code": term[0]}], "text": term[1]} if term[0] else {"text": term[1]}
    if benefit.get("authorization_required") is not None:
        item["authorizationRequired"] = benefit["authorization_required"]
    if benefit.get("text"):
        item["description"] = benefit["text"]
    return item


def _reject_concept(answer: Answer) -> dict[str, Any]:
    if answer.outcome == "not_found":
        code = "75"
    elif answer.outcome in UNABLE:
        code = "42"
    else:
        code = next((codes[0] for name, codes in REJECT_REASONS.items() if f"({name})" in answer.reject_field), "15")
    concept: dict[str, Any] = {"coding": [{"system": REJECT_REASON, "code": code}]}
    text = answer.answer.get("coverage_status_text") or answer.reason
    if text:
        concept["text"] = text
    return concept


# -- shared ---------------------------------------------------------------------------------


def _patient(member_id: str | None, name: str | None) -> dict[str, Any]:
    reference: dict[str, Any] = {}
    if member_id:
        reference["identifier"] = {"type": {"text": "Member ID"}, "value": member_id}
    if name:
        reference["display"] = name
    return reference or {"display": "unknown"}


def _payer(level) -> dict[str, Any]:
    source = level.ancestor("20").name
    reference: dict[str, Any] = {"display": source.get(3) or source.get(9)}
    if source.get(9):
        reference["identifier"] = {"value": source.get(9)}
    return reference


def _asked_name(level) -> str | None:
    name = " ".join(part for part in (level.name.get(4), level.name.get(3)) if part)
    return name or None


def _concept(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


def _money(amount: Decimal | None) -> dict[str, Any]:
    return {"value": amount, "currency": "USD"}


def _instant(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _without_empty(resource: dict[str, Any]) -> dict[str, Any]:
    """FHIR has no empty arrays or nulls: drop them (a claim without adjustments has no `adjudication`)."""
    return {key: value for key, value in resource.items() if value not in (None, [], {}, "")}


def json_default(value: Any) -> Any:
    """Decimal as a JSON number (FHIR decimals are JSON numbers)."""
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")
