"""The six plans the portal serves and their benefit schedules, as a payer's plan catalogue holds them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from rpa.sandbox.wording import (
    PLAN_LEVEL_SERVICE_TYPE,
    BenefitWords,
    CoverageLevelWords,
    NetworkWords,
    PlanTypeWords,
    TimePeriodWords,
)

ACCUMULATING = frozenset({BenefitWords.DEDUCTIBLE, BenefitWords.OUT_OF_POCKET})
"""Benefits with a yearly limit, so a member has an amount met and remaining."""


@dataclass(frozen=True)
class BenefitRow:
    """One row of a plan's benefits table; met and remaining come from the member."""

    service_type: str
    benefit: BenefitWords
    coverage_level: CoverageLevelWords | None
    network: NetworkWords
    amount: Decimal | None
    percent: Decimal | None
    time_period: TimePeriodWords | None
    authorization: bool | None
    notes: str | None

    @property
    def accumulator_key(self) -> tuple[str, str | None, str] | None:
        if self.benefit not in ACCUMULATING:
            return None
        return (self.benefit, self.coverage_level, self.network)


@dataclass(frozen=True)
class Plan:
    id: str
    """The plan menu's option value."""
    name: str
    plan_type: PlanTypeWords
    group_number: str | None
    timely_filing_days: int
    benefits: tuple[BenefitRow, ...]

    def has_deductible(self) -> bool:
        return any(row.benefit == BenefitWords.DEDUCTIBLE and row.amount for row in self.benefits)

    def rows_for(self, service_type: str) -> list[BenefitRow]:
        """The rows a portal shows for a service type: its own plus the plan-level limits."""
        if service_type == PLAN_LEVEL_SERVICE_TYPE:
            return list(self.benefits)
        return [
            row
            for row in self.benefits
            if row.service_type == service_type or (row.service_type == PLAN_LEVEL_SERVICE_TYPE and row.accumulator_key)
        ]


class Terms(NamedTuple):
    deductible: tuple[int, int | None]
    """Individual and family in-network deductible (family None: individual coverage only)."""
    out_of_pocket: tuple[int, int | None] | None
    out_of_network_factor: int | None
    """Out-of-network limits are this multiple of in-network ones; None: no out-of-network benefit."""
    coinsurance: tuple[int, int] | None
    """In- and out-of-network co-insurance percent."""
    copays: dict[str, int]


_AUTHORIZATION = {"48": True, "50": True}
_NOTES = {
    "86": "Co-payment waived if admitted.",
    "48": "Prior authorization required for non-emergency admissions.",
    "50": "Prior authorization required for advanced imaging (CT, MRI, PET).",
    "33": "Limited to 20 visits per calendar year.",
    "88": "Generic drugs; preferred brand drugs cost more.",
}
_OUT_OF_NETWORK_COINSURED = ("98", "MH", "48", "50", "33")
_SERVICE_TYPES = ("98", "86", "UC", "MH", "48", "50", "33", "88")


def schedule(terms: Terms) -> tuple[BenefitRow, ...]:
    """A plan's benefits table from its terms, rows in the order a portal lists them."""
    networks = [NetworkWords.IN] + ([NetworkWords.OUT] if terms.out_of_network_factor else [])
    rows: list[BenefitRow] = []
    limits = [(BenefitWords.DEDUCTIBLE, terms.deductible)]
    if terms.out_of_pocket:
        limits.append((BenefitWords.OUT_OF_POCKET, terms.out_of_pocket))
    for benefit, (individual, family) in limits:
        levels = [(CoverageLevelWords.INDIVIDUAL, individual)]
        if family is not None:
            levels.append((CoverageLevelWords.FAMILY, family))
        for level, amount in levels:
            for network in networks:
                factor = terms.out_of_network_factor if network == NetworkWords.OUT else 1
                no_deductible = benefit == BenefitWords.DEDUCTIBLE and not amount
                notes = "No deductible applies." if no_deductible else None
                rows.append(_row("30", benefit, level, network, amount=amount * factor, notes=notes))
    if terms.coinsurance:
        for network, percent in zip(networks, terms.coinsurance):
            rows.append(_row("30", BenefitWords.CO_INSURANCE, None, network, percent=percent))
    for service_type in _SERVICE_TYPES:
        if service_type in terms.copays:
            rows.append(_row(service_type, BenefitWords.CO_PAYMENT, None, NetworkWords.IN, amount=terms.copays[service_type]))
        elif terms.coinsurance:
            rows.append(_row(service_type, BenefitWords.CO_INSURANCE, None, NetworkWords.IN, percent=terms.coinsurance[0]))
        if NetworkWords.OUT in networks and service_type in _OUT_OF_NETWORK_COINSURED:
            rows.append(_row(service_type, BenefitWords.CO_INSURANCE, None, NetworkWords.OUT, percent=terms.coinsurance[1]))
    return tuple(rows)


def _row(service_type, benefit, level, network, *, amount=None, percent=None, notes=None) -> BenefitRow:
    accumulates = benefit in ACCUMULATING
    if accumulates:
        period = TimePeriodWords.CALENDAR_YEAR
    elif benefit == BenefitWords.CO_PAYMENT:
        period = TimePeriodWords.PER_VISIT
    else:
        period = None
    return BenefitRow(
        service_type=service_type,
        benefit=benefit,
        coverage_level=level,
        network=network,
        amount=None if amount is None else Decimal(amount).quantize(Decimal("0.01")),
        percent=None if percent is None else Decimal(percent),
        time_period=period,
        authorization=None if accumulates or service_type == "30" else _AUTHORIZATION.get(service_type, False),
        notes=notes if accumulates else _NOTES.get(service_type),
    )


_COMMERCIAL_COPAYS = ("98", "86", "UC", "MH", "33", "88")

PLANS = (
    Plan(
        "ppo-gold",
        "Sandbox PPO Gold",
        PlanTypeWords.PPO,
        "GRP100245",
        180,
        schedule(Terms((500, 1000), (3000, 6000), 2, (10, 30), dict(zip(_COMMERCIAL_COPAYS, (20, 150, 40, 20, 25, 10))))),
    ),
    Plan(
        "ppo-silver",
        "Sandbox PPO Silver",
        PlanTypeWords.PPO,
        "GRP100871",
        180,
        schedule(Terms((1500, 3000), (5000, 10000), 2, (20, 40), dict(zip(_COMMERCIAL_COPAYS, (35, 300, 60, 35, 40, 15))))),
    ),
    Plan(
        "hmo-select",
        "Sandbox HMO Select",
        PlanTypeWords.HMO,
        "GRP220416",
        90,
        schedule(Terms((250, 500), (2500, 5000), None, (10, 10), dict(zip(_COMMERCIAL_COPAYS, (15, 150, 30, 15, 20, 10))))),
    ),
    Plan(
        "hmo-value",
        "Sandbox HMO Value",
        PlanTypeWords.HMO,
        "GRP220932",
        90,
        schedule(Terms((1000, 2000), (4500, 9000), None, (20, 20), dict(zip(_COMMERCIAL_COPAYS, (30, 250, 50, 30, 30, 15))))),
    ),
    Plan(
        "medicare-advantage-hmo",
        "Sandbox Medicare Advantage HMO",
        PlanTypeWords.MEDICARE_ADVANTAGE_HMO,
        "MA4471-001",
        365,
        schedule(Terms((0, None), (4900, None), None, (20, 20), dict(zip(_COMMERCIAL_COPAYS, (10, 90, 40, 20, 20, 5))))),
    ),
    Plan(
        "medicaid-managed-care",
        "Sandbox Medicaid Managed Care",
        PlanTypeWords.MEDICAID_MANAGED_CARE,
        None,
        365,
        schedule(Terms((0, None), None, None, None, dict(zip(_SERVICE_TYPES, (0, 0, 0, 0, 0, 0, 0, 1))))),
    ),
)
