"""Deterministic portal data: one seed always yields the same plans, providers, members and claims.

All dates are placed relative to `anchor`, so a seed gives the same portal whatever the day.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from rpa.sandbox.claim_maker import STATUS_SHARES, ClaimMaker
from rpa.sandbox.npi import npi_check_digit
from rpa.sandbox.plans import PLANS, BenefitRow, Plan
from rpa.sandbox.records import Member, PortalData, Provider
from rpa.sandbox.wording import BenefitWords, CoverageLevelWords, PaymentMethod, PlanTypeWords

ANCHOR = date(2026, 11, 1)
CENTS = Decimal("0.01")

_PRACTICES = (
    (
        "Riverside Family Medicine",
        ("99203", "99213", "99214", "99395", "90471", "90686", "36415", "85025", "80053", "83036", "81002"),
    ),
    ("Lakeside Behavioral Health", ("90791", "90834", "90837", "90847")),
    ("Summit Orthopedic Associates", ("99204", "99213", "20610", "73562", "73030", "J1030")),
    ("Harbor Chiropractic Center", ("98940", "98941", "97012", "97140")),
    ("Metro Emergency Physicians", ("99283", "99284", "99285", "12001", "93010")),
    ("Clearwater Imaging", ("71046", "70450", "74177", "72148", "76700")),
    ("Valley Cardiology Group", ("99214", "93000", "93306", "93350", "93880")),
    ("Bayview Pediatrics", ("99392", "99213", "90460", "90707", "90700", "87880")),
    ("Northside Urgent Care", ("99203", "99214", "87880", "87804", "99051", "12001", "29125")),
    ("Pinecrest Physical Therapy", ("97161", "97110", "97140", "97530", "97035")),
    ("Cedar Dermatology", ("99213", "11102", "17000", "17110", "11900")),
    ("Oakwood Laboratory Services", ("80053", "85025", "83036", "80061", "84443", "36415", "87086")),
)
_FIRST_NAMES = (
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Luis",
    "Ashley",
    "Steven",
    "Kimberly",
    "Andrew",
    "Emily",
    "Joshua",
    "Donna",
    "Kevin",
    "Michelle",
    "Brian",
    "Carol",
    "Wei",
    "Amanda",
    "Jose",
    "Melissa",
    "Ryan",
    "Deborah",
    "Jacob",
    "Stephanie",
    "Aisha",
    "Mei",
    "Priya",
    "Omar",
    "Fatima",
    "Hiroshi",
    "Ngozi",
    "Sofia",
    "Mateo",
    "Olga",
    "Dmitri",
    "Grace",
)
_LAST_NAMES = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Okafor",
    "Patel",
    "Kim",
    "Chen",
    "Singh",
    "O'Brien",
    "Kowalski",
    "Haddad",
    "Yamamoto",
    "Ivanova",
)
_PCPS = (
    "Angela Brooks, MD",
    "Samuel Ortiz, MD",
    "Priya Raman, MD",
    "Thomas Whitaker, DO",
    "Helen Cho, MD",
    "Marcus Bell, MD",
    "Rebecca Stone, NP",
    "Daniel Kaplan, MD",
    "Lucia Moreno, MD",
    "Kwame Mensah, DO",
)
_PLAN_WEIGHTS = (20, 40, 55, 70, 85, 100)
"""Cumulative shares of members per plan, in the order of PLANS."""
_HAS_PCP = {PlanTypeWords.HMO, PlanTypeWords.MEDICARE_ADVANTAGE_HMO, PlanTypeWords.MEDICAID_MANAGED_CARE}


def generate(seed: int = 7, members: int = 500, claims: int = 5000, anchor: date = ANCHOR) -> PortalData:
    """The portal's data for a seed; the same arguments always give equal data."""
    rng = random.Random(seed)
    providers = _providers(rng)
    member_list = make_members(rng, members, anchor)
    statuses = shares(claims, STATUS_SHARES)
    rng.shuffle(statuses)
    claim_list = ClaimMaker(rng, anchor, member_list, providers).make(statuses)
    return PortalData(seed, anchor, PLANS, providers, member_list, claim_list)


def _providers(rng: random.Random) -> tuple[Provider, ...]:
    providers = []
    for index, (name, procedures) in enumerate(_PRACTICES):
        first_nine = str(rng.choice("12")) + f"{rng.randrange(10**8):08d}"
        providers.append(
            Provider(
                npi=first_nine + npi_check_digit(first_nine),
                name=name,
                procedures=procedures,
                markup=Decimal(rng.randint(100, 140)) / 100,
                payment_method=PaymentMethod.CHECK if index % 4 == 3 else PaymentMethod.EFT,
            )
        )
    return tuple(providers)


def make_members(
    rng: random.Random,
    count: int,
    anchor: date,
    *,
    plans: tuple[Plan, ...] = PLANS,
    plan_weights: tuple[int, ...] = _PLAN_WEIGHTS,
    member_id: Callable[[int, Plan], str] = lambda number, plan: f"SBX{number}",
    pcps: tuple[str, ...] = _PCPS,
) -> tuple[Member, ...]:
    """Members of `plans` (cumulative `plan_weights`), about 80% active on the anchor date, 12%
    terminated before it and 8% starting after it; `member_id` spells a 9-digit number as the
    plan's payer writes member IDs."""
    ids = rng.sample(range(10**8, 10**9), count)
    coverage_kinds = rng.sample(shares(count, {"active": 80, "terminated": 12, "future": 8}), count)
    members = []
    for member_number, coverage in zip(ids, coverage_kinds):
        plan = rng.choices(plans, cum_weights=plan_weights)[0]
        birth = _birth_date(rng, plan, anchor)
        start, end = _coverage(rng, coverage, anchor, birth)
        members.append(
            Member(
                member_id=member_id(member_number, plan),
                first_name=rng.choice(_FIRST_NAMES),
                last_name=rng.choice(_LAST_NAMES),
                date_of_birth=birth,
                plan=plan,
                coverage_start=start,
                coverage_end=end,
                pcp=rng.choice(pcps) if plan.plan_type in _HAS_PCP else None,
                accumulators=_accumulators(rng if start <= anchor else None, plan),
            )
        )
    return tuple(members)


def shares(count: int, weights: dict) -> list:
    """`count` labels in the given proportions, rounded by largest remainder."""
    total = sum(weights.values())
    exact = {label: count * weight / total for label, weight in weights.items()}
    counts = {label: int(value) for label, value in exact.items()}
    by_remainder = sorted(exact, key=lambda label: exact[label] - counts[label], reverse=True)
    for label in by_remainder[: count - sum(counts.values())]:
        counts[label] += 1
    return [label for label, n in counts.items() for _ in range(n)]


def _birth_date(rng: random.Random, plan: Plan, anchor: date) -> date:
    if plan.plan_type == PlanTypeWords.MEDICARE_ADVANTAGE_HMO:
        age_days = rng.randint(65 * 365 + 20, 92 * 365)
    else:
        age_days = rng.randint(400, 64 * 365)
    return anchor - timedelta(days=age_days)


def _coverage(rng: random.Random, kind: str, anchor: date, birth: date) -> tuple[date, date | None]:
    if kind == "future":
        return _month_start(anchor, rng.randint(1, 3)), None
    start = max(_month_start(anchor, -rng.randint(13, 72)), birth)
    if kind == "terminated":
        return start, _month_start(anchor, -rng.randint(0, 11)) - timedelta(days=1)
    end = rng.choice((None, None, None, _month_start(anchor, 2) - timedelta(days=1), _month_start(anchor, 8) - timedelta(days=1)))
    return start, end


def _month_start(anchor: date, months: int) -> date:
    index = anchor.year * 12 + anchor.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _accumulators(rng: random.Random | None, plan: Plan) -> dict[tuple[str, str | None, str], Decimal]:
    """Met to date for every limit (nothing without `rng`, for coverage not yet begun): family at
    least individual, out-of-pocket at least deductible."""
    limits = {row.accumulator_key: row for row in plan.benefits if row.accumulator_key}
    met: dict[tuple[str, str | None, str], Decimal] = {}
    for key, row in sorted(limits.items(), key=lambda item: _fill_order(item[1])):
        floor = max((met[other] for other in _lower_bounds(key) if other in met), default=Decimal(0))
        share = Decimal(0) if rng is None else Decimal(rng.choice((0, 0, rng.randint(1, 99), 100))) / 100
        met[key] = min(row.amount, floor + (row.amount - floor) * share).quantize(CENTS)
    return met


def _fill_order(row: BenefitRow) -> tuple[int, int]:
    return (row.benefit != BenefitWords.DEDUCTIBLE, row.coverage_level != CoverageLevelWords.INDIVIDUAL)


def _lower_bounds(key: tuple[str, str | None, str]) -> list[tuple[str, str | None, str]]:
    benefit, level, network = key
    bounds = []
    if level == CoverageLevelWords.FAMILY:
        bounds.append((benefit, CoverageLevelWords.INDIVIDUAL, network))
    if benefit == BenefitWords.OUT_OF_POCKET:
        bounds.append((BenefitWords.DEDUCTIBLE, level, network))
    return bounds
