"""An answer as a person reads it: labelled fields, and benefits with met and remaining.

The terminal (`rpa/cli/render.py`, Rich) and the web console (`rpa/console`, HTML) show the same
content from these rows, so a specialist reads the same words and amounts in either place.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

BENEFIT_NAMES = {"A": "Co-insurance", "B": "Co-payment", "C": "Deductible", "G": "Out-of-pocket max"}
# X12 EB03 service type codes (a standard list, not any payer's words), for people reading a table.
SERVICE_TYPE_NAMES = {
    "1": "Medical care", "4": "Diagnostic X-ray", "5": "Diagnostic lab", "30": "Plan coverage",
    "33": "Chiropractic", "35": "Dental", "47": "Hospital", "48": "Hospital inpatient", "50": "Hospital outpatient",
    "86": "Emergency", "88": "Pharmacy", "98": "Office visit", "AL": "Vision", "MH": "Mental health", "UC": "Urgent care",
}  # fmt: skip


def claim_status_line(claim: dict[str, Any]) -> str:
    """The 277 codes and the portal's own words: `F2 / 65  Denied`."""
    return f"{claim['status_category']} / {claim.get('status_code') or '—'}  {claim['status_text']}"


def claim_fields(claim: dict[str, Any]) -> list[tuple[str, str]]:
    """The claim's labelled values after its status, those with a value only."""
    return _present(
        ("Detail", claim.get("status_detail")),
        ("Claim number", claim.get("claim_number")),
        ("Payer claim ID", claim.get("payer_claim_id")),
        ("Patient", claim.get("patient_name")),
        ("Member ID", claim.get("member_id")),
        ("Service dates", dates(claim.get("service_date_from"), claim.get("service_date_to"))),
        ("Received", claim.get("received_date")),
        ("Adjudicated", claim.get("adjudicated_date")),
        ("Billed", money(claim.get("billed_amount"))),
        ("Allowed", money(claim.get("allowed_amount"))),
        ("Paid", money(claim.get("paid_amount"))),
        ("Patient responsibility", money(claim.get("patient_responsibility"))),
        ("Check/EFT", join(claim.get("check_number"), claim.get("payment_date"))),
    )


def coverage_line(elig: dict[str, Any]) -> str:
    """Active or not, the 271 code and the portal's own words: `active (1)  Active Coverage`."""
    active = "active" if elig["coverage_active"] else "NOT active"
    return f"{active} ({elig.get('coverage_status_code') or '—'})  {elig.get('coverage_status_text') or ''}".rstrip()


def eligibility_fields(elig: dict[str, Any]) -> list[tuple[str, str]]:
    """The member's labelled values after the coverage line, those with a value only."""
    return _present(
        ("Member", join(elig.get("patient_name"), elig.get("member_id"))),
        ("Date of birth", elig.get("date_of_birth")),
        ("Plan", join(elig.get("plan_name"), elig.get("plan_type"))),
        ("Group", elig.get("group_number")),
        ("Coverage dates", dates(elig.get("coverage_start"), elig.get("coverage_end"), open_end=True)),
        ("PCP", elig.get("pcp_name")),
    )


@dataclass(frozen=True)
class BenefitRow:
    """One benefit for one service type, network and level: its amount with met and remaining."""

    service_code: str
    network: str
    benefit_code: str
    level: str
    amount: str
    """`$1,500.00`, `20%`, or a co-payment's amount (see `per_visit`)."""
    per_visit: bool
    met: str
    remaining: str
    authorization_required: bool | None
    text: str

    @property
    def service_name(self) -> str:
        return f"{self.service_code} {SERVICE_TYPE_NAMES.get(self.service_code, '')}".strip()

    @property
    def benefit_name(self) -> str:
        return BENEFIT_NAMES.get(self.benefit_code, self.benefit_code)


def benefit_rows(benefits: list[dict[str, Any]]) -> list[BenefitRow]:
    """The 271's EB segments grouped: a total (EB06 other than 29) and its remaining (EB06 29)
    become one row, with met = total - remaining."""
    grouped: dict[tuple, dict[str, Any]] = {}
    for benefit in benefits:
        key = (
            benefit.get("service_type_code") or "",
            benefit.get("network") or "",
            benefit["benefit_code"],
            benefit.get("coverage_level") or "",
        )
        row = grouped.setdefault(key, {"auth": benefit.get("authorization_required"), "text": benefit.get("text")})
        if benefit.get("time_period") == "29":
            row["remaining"] = benefit.get("amount")
        elif benefit.get("percent") is not None:
            row["amount"] = f"{Decimal(str(benefit['percent'])) * 100:.0f}%"
        else:
            row["amount"] = money(benefit.get("amount"))
            row["per_visit"] = benefit.get("time_period") == "27"
            row["total"] = benefit.get("amount")
    rows = []
    for (service, network, code, level), row in sorted(grouped.items()):
        met = ""
        if row.get("total") is not None and row.get("remaining") is not None:
            met = money(Decimal(str(row["total"])) - Decimal(str(row["remaining"])))
        rows.append(
            BenefitRow(
                service_code=service,
                network=network,
                benefit_code=code,
                level=level,
                amount=row.get("amount", ""),
                per_visit=row.get("per_visit", False),
                met=met,
                remaining=money(row.get("remaining")),
                authorization_required=row.get("auth"),
                text=row.get("text") or "",
            )
        )
    return rows


def money(value: Any) -> str:
    if value is None or value == "":
        return ""
    return f"${Decimal(str(value)):,.2f}"


def dates(start: Any, end: Any, *, open_end: bool = False) -> str:
    if not start and not end:
        return ""
    if open_end and not end:
        return f"{start} – (open)"
    return str(start) if start == end or not end else f"{start} – {end}"


def join(*values: Any) -> str:
    return "  ".join(str(value) for value in values if value)


def _present(*pairs: tuple[str, Any]) -> list[tuple[str, str]]:
    return [(label, str(value)) for label, value in pairs if value]
