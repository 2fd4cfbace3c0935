"""The portal's records: members, providers and claims, as a payer's claim system holds them.

Claim and line totals are computed from the lines and their adjustments, so the business rules
(billed = allowed + contractual adjustments, allowed = paid + patient responsibility, claim
amounts are line sums) hold by construction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from rpa.sandbox.plans import BenefitRow, Plan
from rpa.sandbox.wording import (
    FINALIZED,
    AdjustmentGroupWords,
    ClaimStatusWords,
    PaymentMethod,
)

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Member:
    member_id: str
    first_name: str
    last_name: str
    date_of_birth: date
    plan: Plan
    coverage_start: date
    coverage_end: date | None
    pcp: str | None
    accumulators: dict[tuple[str, str | None, str], Decimal]
    """Met to date, keyed like `BenefitRow.accumulator_key`."""

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def active_on(self, day: date) -> bool:
        return self.coverage_start <= day and (self.coverage_end is None or day <= self.coverage_end)

    def met(self, row: BenefitRow) -> Decimal | None:
        key = row.accumulator_key
        return None if key is None else self.accumulators[key]


@dataclass(frozen=True)
class Provider:
    npi: str
    name: str
    procedures: tuple[str, ...]
    """The procedure codes this practice bills."""
    markup: Decimal
    """The practice's charge master over the usual fee."""
    payment_method: PaymentMethod
    tax_id: str | None = None
    """The federal Tax ID (EIN) the practice bills under, `12-3456789`; several practices may share one."""


@dataclass(frozen=True)
class LineAdjustment:
    group: AdjustmentGroupWords
    carc: str
    rarc: str | None
    amount: Decimal


@dataclass(frozen=True)
class ServiceLine:
    number: int
    procedure_code: str
    modifiers: tuple[str, ...]
    service_date: date
    billed: Decimal
    allowed: Decimal | None
    paid: Decimal | None
    status: str
    """A line status word once finalized, else the claim's own status."""
    adjustments: tuple[LineAdjustment, ...]

    @property
    def patient_responsibility(self) -> Decimal | None:
        if self.allowed is None:
            return None
        return _total(a.amount for a in self.adjustments if a.group == AdjustmentGroupWords.PATIENT_RESPONSIBILITY)


@dataclass(frozen=True)
class Payment:
    method: PaymentMethod
    number: str
    date: date


@dataclass(frozen=True)
class Claim:
    claim_number: str
    payer_claim_id: str
    member: Member
    provider: Provider
    service_from: date
    service_to: date
    received: date
    processed: date | None
    status: ClaimStatusWords
    status_detail: str | None
    lines: tuple[ServiceLine, ...]
    payment: Payment | None

    @property
    def adjudicated(self) -> bool:
        return self.status in FINALIZED

    @property
    def billed(self) -> Decimal:
        return _total(line.billed for line in self.lines)

    @property
    def allowed(self) -> Decimal | None:
        return _total(line.allowed for line in self.lines) if self.adjudicated else None

    @property
    def paid(self) -> Decimal | None:
        return _total(line.paid for line in self.lines) if self.adjudicated else None

    @property
    def patient_responsibility(self) -> Decimal | None:
        return _total(line.patient_responsibility for line in self.lines) if self.adjudicated else None

    @cached_property
    def adjustments(self) -> tuple[LineAdjustment, ...]:
        """The line adjustments summed by group, CARC and RARC, in order of first appearance."""
        sums: dict[tuple[AdjustmentGroupWords, str, str | None], Decimal] = {}
        for line in self.lines:
            for adjustment in line.adjustments:
                key = (adjustment.group, adjustment.carc, adjustment.rarc)
                sums[key] = sums.get(key, ZERO) + adjustment.amount
        return tuple(LineAdjustment(group, carc, rarc, amount) for (group, carc, rarc), amount in sums.items())


@dataclass
class PortalData:
    """Everything one seed generates, with the look-ups the portal needs."""

    seed: int
    anchor: date
    plans: tuple[Plan, ...]
    providers: tuple[Provider, ...]
    members: tuple[Member, ...]
    claims: tuple[Claim, ...]
    _members_by_id: dict[str, Member] = field(init=False, repr=False, compare=False)
    _claims_by_id: dict[str, Claim] = field(init=False, repr=False, compare=False)
    _claims_by_number: dict[str, Claim] = field(init=False, repr=False, compare=False)
    _plans_by_key: dict[str, Plan] = field(init=False, repr=False, compare=False)
    _claims_by_member: dict[str, list[Claim]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._claims_by_member = {}
        for claim in self.claims:
            self._claims_by_member.setdefault(claim.member.member_id, []).append(claim)
        self._members_by_id = {member.member_id: member for member in self.members}
        self._claims_by_id = {claim.payer_claim_id: claim for claim in self.claims}
        self._claims_by_number = {claim.claim_number: claim for claim in self.claims}
        self._plans_by_key = {key: plan for plan in self.plans for key in (plan.id, plan.name.casefold())}

    def member(self, member_id: str) -> Member | None:
        return self._members_by_id.get(member_id.strip().upper())

    def claim(self, payer_claim_id: str) -> Claim | None:
        return self._claims_by_id.get(payer_claim_id.strip())

    def claim_by_number(self, number: str) -> Claim | None:
        """A claim by the provider's claim number or the payer's claim ID."""
        number = number.strip().upper()
        return self._claims_by_number.get(number) or self._claims_by_id.get(number)

    def claims_of(self, member_id: str) -> list[Claim]:
        return self._claims_by_member.get(member_id.strip().upper(), [])

    def plan(self, plan: str) -> Plan | None:
        """A plan by its menu value or, as a person might type it, its name."""
        return self._plans_by_key.get(plan) or self._plans_by_key.get(plan.strip().casefold())


def _total(amounts: Iterable[Decimal | None]) -> Decimal:
    return sum((amount or ZERO for amount in amounts), ZERO)
