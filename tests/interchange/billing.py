"""A billing system's side of the round trip: 276 and 270 interchanges written the way a
practice-management system writes them, straight from text (never through the tool's writer)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass
class ClaimAsk:
    trace: str
    member_id: str
    last_name: str
    first_name: str
    dob: date
    service_from: date
    service_to: date
    billed: Decimal
    payer_claim_number: str | None = None
    patient_control_number: str | None = None
    lines: list[tuple[str, Decimal, date]] = field(default_factory=list)
    """(procedure code, charge, date) per service line, with one unit each."""


@dataclass
class MemberAsk:
    trace: str
    member_id: str
    last_name: str
    first_name: str
    dob: date
    service_date: date | None
    service_type: str = "30"


def claim_status_request(
    claims_by_provider: dict[str, list[ClaimAsk]],
    *,
    payer_name: str = "SANDBOX HEALTH",
    payer_id: str = "SANDBOX",
    control: int = 1,
    usage: str = "T",
    separators: str = "*:^~",
    line_break: str = "\n",
) -> str:
    """A 276: one payer, one receiver, a 2000C per provider NPI, a 2000D per member, claims below."""
    element, component, repetition, terminator = separators
    body = [
        ["BHT", "0010", "13", f"REQ{control:06d}", "20261120", "0900"],
        ["HL", "1", "", "20", "1"],
        ["NM1", "PR", "2", payer_name, "", "", "", "", "PI", payer_id],
        ["HL", "2", "1", "21", "1"],
        ["NM1", "41", "2", "BILLING DESK", "", "", "", "", "46", "BILL01"],
    ]
    hl = 2
    for npi, claims in claims_by_provider.items():
        hl += 1
        provider = hl
        body += [["HL", str(hl), "2", "19", "1"], ["NM1", "1P", "2", "CLINIC", "", "", "", "", "XX", npi]]
        members: dict[str, list[ClaimAsk]] = {}
        for claim in claims:
            members.setdefault(claim.member_id, []).append(claim)
        for member_claims in members.values():
            first = member_claims[0]
            hl += 1
            body += [
                ["HL", str(hl), str(provider), "22", "0"],
                ["DMG", "D8", f"{first.dob:%Y%m%d}"],
                ["NM1", "IL", "1", first.last_name, first.first_name, "", "", "", "MI", first.member_id],
            ]
            for claim in member_claims:
                body.append(["TRN", "1", claim.trace])
                if claim.payer_claim_number:
                    body.append(["REF", "1K", claim.payer_claim_number])
                if claim.patient_control_number:
                    body.append(["REF", "EJ", claim.patient_control_number])
                body.append(["AMT", "T3", f"{claim.billed}"])
                body.append(["DTP", "472", "RD8", f"{claim.service_from:%Y%m%d}-{claim.service_to:%Y%m%d}"])
                for code, charge, day in claim.lines:
                    body += [
                        ["SVC", f"HC{component}{code}", f"{charge}", "", "", "", "", "1"],
                        ["DTP", "472", "D8", f"{day:%Y%m%d}"],
                    ]
    return _interchange("HR", "276", "005010X212", body, control, usage, separators, line_break)


def eligibility_request(
    members: list[MemberAsk],
    *,
    npi: str,
    payer_name: str = "SANDBOX HEALTH",
    payer_id: str = "SANDBOX",
    control: int = 1,
    separators: str = "*:^~",
    line_break: str = "\n",
) -> str:
    """A 270: one payer, one provider asking, a 2000C per member with its trace and one EQ."""
    body = [
        ["BHT", "0022", "13", f"ELG{control:06d}", "20261120", "0900"],
        ["HL", "1", "", "20", "1"],
        ["NM1", "PR", "2", payer_name, "", "", "", "", "PI", payer_id],
        ["HL", "2", "1", "21", "1"],
        ["NM1", "1P", "2", "CLINIC", "", "", "", "", "XX", npi],
    ]
    for index, member in enumerate(members, start=3):
        body += [
            ["HL", str(index), "2", "22", "0"],
            ["TRN", "1", member.trace, "9BILLDESK1"],
            ["NM1", "IL", "1", member.last_name, member.first_name, "", "", "", "MI", member.member_id],
            ["DMG", "D8", f"{member.dob:%Y%m%d}"],
        ]
        if member.service_date:
            body.append(["DTP", "291", "D8", f"{member.service_date:%Y%m%d}"])
        body.append(["EQ", member.service_type])
    return _interchange("HS", "270", "005010X279A1", body, control, "T", separators, line_break)


def _interchange(functional, set_id, guide, body, control, usage, separators, line_break) -> str:
    element, component, repetition, terminator = separators
    isa = [
        "ISA", "00", " " * 10, "00", " " * 10, "ZZ", "BILLDESK".ljust(15), "ZZ", "PORTALRPA".ljust(15),
        "261120", "0900", repetition, "00501", f"{control:09d}", "0", usage, component,
    ]  # fmt: skip
    transaction = [["ST", set_id, "0001", guide], *body]
    transaction.append(["SE", str(len(transaction) + 1), "0001"])
    segments = [
        isa,
        ["GS", functional, "BILLDESK", "PORTALRPA", "20261120", "0900", str(control), "X", guide],
        *transaction,
        ["GE", "1", str(control)],
        ["IEA", "1", f"{control:09d}"],
    ]
    return "".join(element.join(_trimmed(segment)) + terminator + line_break for segment in segments)


def _trimmed(segment: list[str]) -> list[str]:
    while segment and segment[-1] == "":
        segment = segment[:-1]
    return segment
