"""The payers behind the clearinghouse, each in its own way: plans, member-ID format, whether it
knows providers by NPI or by Tax ID, how far its member search looks around the dates entered,
the order it lists claims in, and its own words for a claim's status.

The payer directory (what the Payer combobox offers) also lists payers that ClearPath carries
for other transactions only, as a real multi-payer portal does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from rpa.sandbox.plans import Plan, Terms, schedule
from rpa.sandbox.records import Claim
from rpa.sandbox.wording import ClaimStatusWords as Kind
from rpa.sandbox.wording import LineStatusWords as LineKind
from rpa.sandbox.wording import PlanTypeWords


class SearchKey(StrEnum):
    NPI = "npi"
    TAX_ID = "tax_id"


@dataclass(frozen=True)
class Payer:
    id: str
    name: str
    search_key: SearchKey
    """How the payer knows the provider in a claim-status inquiry."""
    plans: tuple[Plan, ...]
    member_id_format: str
    """`str.format` pattern for a 9-digit member number."""
    date_window_days: int | None
    """A member search lists claims whose service dates overlap the dates entered widened by this
    many days on either side; None: the dates entered are not used, every claim is listed."""
    order: Callable[[Claim], tuple]
    """Sort key of the payer's result lists."""
    status_words: Mapping[Kind, str]
    line_words: Mapping[LineKind, str]
    results_note: str | None = None
    """What the results page says about the payer's member search, if anything."""

    def member_id(self, number: int) -> str:
        return self.member_id_format.format(number)


def _copays(office: int, emergency: int, urgent: int, mental: int, chiro: int, pharmacy: int) -> dict[str, int]:
    return dict(zip(("98", "86", "UC", "MH", "33", "88"), (office, emergency, urgent, mental, chiro, pharmacy)))


def _newest_service_first(claim: Claim) -> tuple:
    return (-claim.service_from.toordinal(), claim.payer_claim_id)


def _payer_claim_number(claim: Claim) -> tuple:
    return (claim.payer_claim_id,)


def _latest_received_first(claim: Claim) -> tuple:
    return (-claim.received.toordinal(), claim.payer_claim_id)


SUMMIT = Payer(
    id="summit",
    name="Summit Health Plan",
    search_key=SearchKey.NPI,
    plans=(
        Plan(
            "summit-choice-ppo",
            "Summit Choice PPO",
            PlanTypeWords.PPO,
            "SHP-40117",
            180,
            schedule(Terms((750, 1500), (4000, 8000), 2, (20, 40), _copays(25, 250, 50, 25, 30, 10))),
        ),
        Plan(
            "summit-select-hmo",
            "Summit Select HMO",
            PlanTypeWords.HMO,
            "SHP-52208",
            90,
            schedule(Terms((300, 600), (3000, 6000), None, (10, 10), _copays(20, 200, 40, 20, 20, 10))),
        ),
        Plan(
            "summit-senior-advantage",
            "Summit Senior Advantage HMO",
            PlanTypeWords.MEDICARE_ADVANTAGE_HMO,
            "SHP-MA-0301",
            365,
            schedule(Terms((0, None), (5100, None), None, (20, 20), _copays(15, 95, 45, 20, 20, 5))),
        ),
    ),
    member_id_format="SHP{}",
    date_window_days=0,
    order=_newest_service_first,
    status_words={
        Kind.RECEIVED: "Received",
        Kind.IN_PROCESS: "In Process",
        Kind.PENDED: "Pending - Information Requested",
        Kind.PAID: "Paid",
        Kind.PARTIALLY_PAID: "Paid - Partial",
        Kind.DENIED: "Denied",
        Kind.ADJUSTED: "Adjusted",
        Kind.NO_PAYMENT: "Processed - No Payment",
        Kind.REJECTED_MISSING: "Rejected - Missing Information",
        Kind.REJECTED_INVALID: "Rejected - Invalid Information",
    },
    line_words={
        LineKind.PAID: "Paid",
        LineKind.DENIED: "Denied",
        LineKind.ADJUSTED: "Adjusted",
        LineKind.NO_PAYMENT: "No Payment",
    },
)

LAKESHORE = Payer(
    id="lakeshore",
    name="Lakeshore Community Health",
    search_key=SearchKey.TAX_ID,
    plans=(
        Plan(
            "lakeshore-community-ppo",
            "Lakeshore Community PPO",
            PlanTypeWords.PPO,
            "LCH-1100",
            120,
            schedule(Terms((1000, 2000), (5000, 10000), 2, (20, 40), _copays(30, 300, 60, 30, 35, 15))),
        ),
        Plan(
            "lakeshore-family-hmo",
            "Lakeshore Family HMO",
            PlanTypeWords.HMO,
            "LCH-2200",
            90,
            schedule(Terms((500, 1000), (4000, 8000), None, (15, 15), _copays(20, 175, 35, 20, 25, 10))),
        ),
        Plan(
            "lakeshore-medicaid-partners",
            "Lakeshore Medicaid Partners",
            PlanTypeWords.MEDICAID_MANAGED_CARE,
            None,
            365,
            schedule(Terms((0, None), None, None, None, {**_copays(0, 0, 0, 0, 0, 1), "48": 0, "50": 0})),
        ),
    ),
    member_id_format="{}01",
    date_window_days=30,
    order=_payer_claim_number,
    status_words={
        Kind.RECEIVED: "Acknowledged",
        Kind.IN_PROCESS: "Under Review",
        Kind.PENDED: "Suspended - Awaiting Information",
        Kind.PAID: "Finalized/Paid",
        Kind.PARTIALLY_PAID: "Finalized/Partially Paid",
        Kind.DENIED: "Finalized/Denied",
        Kind.ADJUSTED: "Finalized/Adjusted",
        Kind.NO_PAYMENT: "Finalized/Patient Responsibility",
        Kind.REJECTED_MISSING: "Returned - Incomplete",
        Kind.REJECTED_INVALID: "Returned - Invalid Data",
    },
    line_words={
        LineKind.PAID: "Paid",
        LineKind.DENIED: "Denied",
        LineKind.ADJUSTED: "Adjusted",
        LineKind.NO_PAYMENT: "Patient Responsibility",
    },
    results_note="Lakeshore Community Health returns claims with dates of service within 30 days of the dates entered.",
)

PRAIRIE = Payer(
    id="prairie",
    name="Prairie Mutual Insurance",
    search_key=SearchKey.NPI,
    plans=(
        Plan(
            "prairie-ppo-plus",
            "Prairie Mutual PPO Plus",
            PlanTypeWords.PPO,
            "PMI-77001",
            365,
            schedule(Terms((500, 1000), (3500, 7000), 2, (10, 30), _copays(20, 150, 40, 20, 25, 10))),
        ),
        Plan(
            "prairie-value-hmo",
            "Prairie Mutual Value HMO",
            PlanTypeWords.HMO,
            "PMI-77045",
            180,
            schedule(Terms((1500, 3000), (6000, 12000), None, (25, 25), _copays(35, 350, 75, 35, 40, 20))),
        ),
    ),
    member_id_format="PMI{}",
    date_window_days=None,
    order=_latest_received_first,
    status_words={
        Kind.RECEIVED: "Claim Received",
        Kind.IN_PROCESS: "Processing",
        Kind.PENDED: "On Hold - Additional Information Needed",
        Kind.PAID: "Approved",
        Kind.PARTIALLY_PAID: "Approved - Partial Payment",
        Kind.DENIED: "Not Approved",
        Kind.ADJUSTED: "Reprocessed",
        Kind.NO_PAYMENT: "Approved - No Payment Due",
        Kind.REJECTED_MISSING: "Rejected - Incomplete Claim",
        Kind.REJECTED_INVALID: "Rejected - Invalid Claim Data",
    },
    line_words={
        LineKind.PAID: "Approved",
        LineKind.DENIED: "Not Approved",
        LineKind.ADJUSTED: "Reprocessed",
        LineKind.NO_PAYMENT: "No Payment Due",
    },
    results_note=(
        "Prairie Mutual returns every claim on file for this member and provider; "
        "the dates of service entered are not used to narrow the results."
    ),
)

PAYERS = (SUMMIT, LAKESHORE, PRAIRIE)
"""The payers ClearPath carries claim status and eligibility for, with seeded data."""
PLAN_WEIGHTS = (20, 32, 40, 54, 65, 75, 90, 100)
"""Cumulative shares of members per plan, in the order of the payers' plans."""

DIRECTORY = (
    *((payer.id, payer.name) for payer in PAYERS),
    ("summit-dental", "Summit Dental Partners"),
    ("summit-vision", "Summit Vision Services"),
    ("lakeshore-workers-comp", "Lakeshore Workers' Compensation"),
    ("prairie-state-medicaid", "Prairie State Medicaid"),
    ("bluewater", "Bluewater Health Alliance"),
    ("cornerstone", "Cornerstone Benefits Administrators"),
    ("evergreen-medicare", "Evergreen Medicare Plans"),
    ("granite-mutual", "Granite Mutual Health"),
    ("harborview", "Harborview Health Plan"),
    ("keystone-care", "Keystone Care Network"),
    ("meridian-dental", "Meridian Dental Network"),
    ("northstar", "Northstar Health Insurance"),
    ("pinnacle-benefits", "Pinnacle Benefit Services"),
    ("riverside-tpa", "Riverside Third Party Administrators"),
    ("summerfield", "Summerfield Health Cooperative"),
)
"""Every payer the combobox offers (id, name); only PAYERS answer claim status and eligibility."""
