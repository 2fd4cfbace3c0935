"""The clearinghouse's data, deterministic from a seed: the organization's registered providers,
members of three payers, their claims (patients keep to their own doctors, and some patients
are seen far more often than others), and corrected-claim families as real A/R has them.

All dates are placed relative to `anchor`, so a seed gives the same portal whatever the day.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from rpa.sandbox.claim_maker import STATUS_SHARES, ClaimMaker
from rpa.sandbox.clearinghouse.payers import PAYERS, PLAN_WEIGHTS, Payer
from rpa.sandbox.data import ANCHOR, make_members, shares
from rpa.sandbox.npi import npi_check_digit
from rpa.sandbox.records import Claim, LineAdjustment, Member, PortalData, Provider, ServiceLine
from rpa.sandbox.wording import INVALID_INFORMATION_REASONS, MISSING_INFORMATION_REASONS, LineStatusWords, PaymentMethod
from rpa.sandbox.wording import AdjustmentGroupWords as Group
from rpa.sandbox.wording import ClaimStatusWords as Kind

FAMILY_SHARE = 0.035
"""Corrected-claim families per claim: each family is two claims, so about 7% of claims."""
FREQUENT_SHARE, FREQUENT_WEIGHT = 0.05, 8
"""The share of members seen far more often (therapy, chronic care), and how much more often."""
HOME_PROVIDER_SHARE = 0.85
"""How often a patient's claim comes from one of the patient's own providers."""

_FAMILY = ("99203", "99213", "99214", "99395", "90471", "90686", "36415", "85025", "81002")
_PEDIATRICS = ("99392", "99213", "90460", "90707", "90700", "87880")
_URGENT = ("99203", "99214", "87880", "87804", "99051", "12001", "29125")
_CARDIOLOGY = ("99214", "93000", "93306", "93350", "93880")
_BEHAVIORAL = ("90791", "90834", "90837", "90847")
_ORTHOPEDICS = ("99204", "99213", "20610", "73562", "73030", "J1030")
_THERAPY = ("97161", "97110", "97140", "97530", "97035")
_IMAGING = ("71046", "70450", "74177", "72148", "76700")
_LABORATORY = ("80053", "85025", "83036", "80061", "84443", "36415", "87086")
_REGISTERED = (
    # The organization's registered providers: name, procedures billed, which of its Tax IDs.
    ("Riverbend Family Medicine", _FAMILY, 0),
    ("Angela Brooks MD", _FAMILY, 0),
    ("Riverbend Pediatrics", _PEDIATRICS, 0),
    ("Riverbend Urgent Care", _URGENT, 0),
    ("Riverbend Heart and Vascular", _CARDIOLOGY, 1),
    ("Marcus Bell MD", _CARDIOLOGY, 1),
    ("Riverbend Behavioral Health", _BEHAVIORAL, 1),
    ("Riverbend Orthopedics", _ORTHOPEDICS, 2),
    ("Pinecrest Physical Therapy", _THERAPY, 2),
    ("Riverbend Imaging", _IMAGING, 3),
    ("Riverbend Laboratory Services", _LABORATORY, 3),
)
_TAX_IDS = 4
_PCPS = (
    "Angela Brooks MD",
    "Samuel Ortiz MD",
    "Priya Raman MD",
    "Helen Cho DO",
    "Kwame Mensah MD",
    "Rebecca Stone NP",
    "Lucia Moreno MD",
)
_REPLACEMENT_KINDS = frozenset({Kind.PAID, Kind.PARTIALLY_PAID, Kind.IN_PROCESS, Kind.PENDED, Kind.RECEIVED})
_ORIGINAL_KINDS = (Kind.DENIED, Kind.REJECTED_MISSING, Kind.REJECTED_INVALID)
_CORRECTABLE_DENIALS = ("M51", "N290", "MA130")
"""Remark codes of a CO-16 denial that a corrected claim fixes."""
_MIN_GAP_DAYS = 6
"""Days between service and the replacement's receipt that an original needs to fit in."""


@dataclass(frozen=True)
class Family:
    """A corrected claim: the original (denied or rejected) and its replacement, same patient and dates."""

    original: Claim
    replacement: Claim

    @property
    def same_charges(self) -> bool:
        return self.original.billed == self.replacement.billed


@dataclass
class ClearinghouseData(PortalData):
    """Everything one seed generates, with the look-ups the clearinghouse needs."""

    payers: tuple[Payer, ...] = PAYERS
    families: tuple[Family, ...] = ()
    home_providers: dict[str, tuple[Provider, ...]] = field(default_factory=dict)
    """Each member's own providers, by member ID."""
    _payers_by_plan: dict[str, Payer] = field(init=False, repr=False, compare=False)
    _claims_by_ref: dict[str, Claim] = field(init=False, repr=False, compare=False)
    _claims_by_visit: dict[tuple, list[Claim]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self._payers_by_plan = {plan.id: payer for payer in self.payers for plan in payer.plans}
        self._claims_by_ref = {self.ref(claim): claim for claim in self.claims}
        self._claims_by_visit = {}
        for claim in self.claims:
            self._claims_by_visit.setdefault(_visit(claim), []).append(claim)

    def payer(self, payer_id: str) -> Payer | None:
        return next((payer for payer in self.payers if payer.id == payer_id), None)

    def payer_of(self, member: Member) -> Payer:
        return self._payers_by_plan[member.plan.id]

    def same_visit(self, claim: Claim) -> list[Claim]:
        """The claims a search without claim number cannot tell from `claim`: same member, exact
        service dates and billed charges (the claim itself among them)."""
        return self._claims_by_visit[_visit(claim)]

    def ref(self, claim: Claim) -> str:
        """The opaque key of a claim's detail page."""
        return hashlib.blake2s(f"{self.seed}:{claim.payer_claim_id}".encode(), digest_size=9).hexdigest()

    def claim_by_ref(self, ref: str) -> Claim | None:
        return self._claims_by_ref.get(ref)

    @staticmethod
    def provider_key(provider: Provider) -> str:
        """The provider menu's option value: the portal's own key, not an identifier a biller knows."""
        return "PRV" + hashlib.blake2s(provider.npi.encode(), digest_size=4).hexdigest().upper()

    def provider_by_key(self, key: str) -> Provider | None:
        return next((provider for provider in self.providers if self.provider_key(provider) == key), None)


def generate(seed: int = 7, members: int = 600, claims: int = 4000, anchor: date = ANCHOR) -> ClearinghouseData:
    """The clearinghouse's data for a seed; the same arguments always give equal data."""
    rng = random.Random(f"clearinghouse-{seed}")
    providers = _registered_providers(rng)
    plans = tuple(plan for payer in PAYERS for plan in payer.plans)
    payer_of_plan = {plan.id: payer for payer in PAYERS for plan in payer.plans}
    member_list = make_members(
        rng,
        members,
        anchor,
        plans=plans,
        plan_weights=PLAN_WEIGHTS,
        member_id=lambda number, plan: payer_of_plan[plan.id].member_id(number),
        pcps=_PCPS,
    )
    homes = {member.member_id: tuple(rng.sample(providers, rng.choice((1, 2)))) for member in member_list}
    frequent = set(rng.sample(range(len(member_list)), round(len(member_list) * FREQUENT_SHARE)))
    visits = [m for i, m in enumerate(member_list) for _ in range(FREQUENT_WEIGHT if i in frequent else 1)]
    family_count = round(claims * FAMILY_SHARE)
    statuses = shares(claims - family_count, STATUS_SHARES)
    rng.shuffle(statuses)
    maker = _PatientsOwnDoctors(rng, anchor, tuple(visits), providers, homes)
    claim_list = maker.make(statuses)
    families = _FamilyMaker(rng, claim_list).make(family_count)
    all_claims = claim_list + tuple(family.original for family in families)
    return ClearinghouseData(seed, anchor, plans, providers, member_list, all_claims, PAYERS, tuple(families), homes)


def _visit(claim: Claim) -> tuple:
    return (claim.member.member_id, claim.service_from, claim.service_to, claim.billed)


def _registered_providers(rng: random.Random) -> tuple[Provider, ...]:
    tax_ids = [f"{rng.randint(10, 99)}-{rng.randrange(10**7):07d}" for _ in range(_TAX_IDS)]
    providers = []
    for index, (name, procedures, tax_id) in enumerate(_REGISTERED):
        first_nine = str(rng.choice("12")) + f"{rng.randrange(10**8):08d}"
        providers.append(
            Provider(
                npi=first_nine + npi_check_digit(first_nine),
                name=name,
                procedures=procedures,
                markup=Decimal(rng.randint(100, 140)) / 100,
                payment_method=PaymentMethod.CHECK if index % 4 == 3 else PaymentMethod.EFT,
                tax_id=tax_ids[tax_id],
            )
        )
    return tuple(providers)


class _PatientsOwnDoctors(ClaimMaker):
    """Claims mostly from the patient's own providers, so one provider has many of a patient's claims."""

    def __init__(self, rng, anchor, members, providers, homes: dict[str, tuple[Provider, ...]]):
        super().__init__(rng, anchor, members, providers)
        self.homes = homes

    def provider_for(self, member: Member) -> Provider:
        if self.rng.random() < HOME_PROVIDER_SHARE:
            return self.rng.choice(self.homes[member.member_id])
        return self.rng.choice(self.providers)


class _FamilyMaker:
    """Originals for some claims: the denied or rejected claim that the claim itself corrected."""

    def __init__(self, rng: random.Random, claims: tuple[Claim, ...]):
        self.rng = rng
        self.claims = claims
        self.numbers = {claim.claim_number for claim in claims}
        self.claim_ids = {claim.payer_claim_id for claim in claims}

    def make(self, count: int) -> list[Family]:
        """Up to `count` families; alternately with the same charges and with changed charges."""
        candidates = [
            claim
            for claim in self.claims
            if claim.status in _REPLACEMENT_KINDS and (claim.received - claim.service_to).days >= _MIN_GAP_DAYS
        ]
        chosen = self.rng.sample(candidates, min(count, len(candidates)))
        return [Family(self._original(claim, same_charges=index % 2 == 0), claim) for index, claim in enumerate(chosen)]

    def _original(self, replacement: Claim, same_charges: bool) -> Claim:
        rng = self.rng
        kind = rng.choice(_ORIGINAL_KINDS)
        gap = (replacement.received - replacement.service_to).days
        received = replacement.service_to + timedelta(days=rng.randint(1, gap - 4))
        processed = None
        if kind == Kind.DENIED:
            processed = received + timedelta(days=rng.randint(1, (replacement.received - received).days - 1))
        lines = []
        for line in replacement.lines:
            billed = line.billed * 2 if not same_charges and line.number == 1 else line.billed
            lines.append(self._original_line(line, billed, kind))
        reasons = {Kind.REJECTED_MISSING: MISSING_INFORMATION_REASONS, Kind.REJECTED_INVALID: INVALID_INFORMATION_REASONS}
        return replace(
            replacement,
            claim_number=self._unused(self.numbers, lambda: f"CLM{rng.randrange(10**7, 10**8)}"),
            payer_claim_id=self._unused(
                self.claim_ids, lambda: f"{received:%y}{received.timetuple().tm_yday:03d}{rng.randrange(10**8):08d}"
            ),
            received=received,
            processed=processed,
            status=kind,
            status_detail=rng.choice(reasons[kind]) if kind in reasons else None,
            lines=tuple(lines),
            payment=None,
        )

    def _original_line(self, line: ServiceLine, billed: Decimal, kind: Kind) -> ServiceLine:
        if kind != Kind.DENIED:
            return replace(line, billed=billed, allowed=None, paid=None, status=kind, adjustments=())
        denial = LineAdjustment(Group.CONTRACTUAL_OBLIGATION, "16", self.rng.choice(_CORRECTABLE_DENIALS), billed)
        zero = Decimal("0.00")
        return replace(line, billed=billed, allowed=zero, paid=zero, status=LineStatusWords.DENIED, adjustments=(denial,))

    @staticmethod
    def _unused(used: set[str], draw) -> str:
        value = draw()
        while value in used:
            value = draw()
        used.add(value)
        return value
