"""Claims of every status kind, placed on members' covered days and priced and adjudicated the
way a payer's claim system would: contractual write-off, patient share, denials, reprocessing."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from rpa.sandbox.codes import PROCEDURES
from rpa.sandbox.records import Claim, LineAdjustment, Member, Payment, Provider, ServiceLine
from rpa.sandbox.wording import (
    FINALIZED,
    INVALID_INFORMATION_REASONS,
    MISSING_INFORMATION_REASONS,
    PEND_REASONS,
    LineStatusWords,
    PlanTypeWords,
)
from rpa.sandbox.wording import (
    AdjustmentGroupWords as Group,
)
from rpa.sandbox.wording import (
    ClaimStatusWords as Status,
)

STATUS_SHARES = {
    # The contract's approximate shares of each status kind, in percent.
    Status.PAID: 35,
    Status.PARTIALLY_PAID: 10,
    Status.DENIED: 15,
    Status.IN_PROCESS: 10,
    Status.RECEIVED: 7,
    Status.PENDED: 8,
    Status.REJECTED_MISSING: 4,
    Status.REJECTED_INVALID: 3,
    Status.ADJUSTED: 4,
    Status.NO_PAYMENT: 4,
}


class _Timing(NamedTuple):
    service_days_ago: tuple[int, int]
    """Service end between these many days before the anchor."""
    received_after: tuple[int, int]
    """Received this many days after the service end."""
    processed_after: tuple[int, int] | None = None


_FINALIZED_TIMING = _Timing((40, 540), (3, 20), (5, 25))
_TIMING = {
    Status.RECEIVED: _Timing((2, 20), (1, 4)),
    Status.IN_PROCESS: _Timing((5, 40), (2, 10)),
    Status.PENDED: _Timing((15, 75), (3, 14)),
    Status.REJECTED_MISSING: _Timing((3, 120), (1, 10)),
    Status.REJECTED_INVALID: _Timing((3, 120), (1, 10)),
    Status.ADJUSTED: _Timing((60, 540), (3, 20), (30, 90)),
}
_STATUS_DETAILS = {
    Status.PENDED: PEND_REASONS,
    Status.REJECTED_MISSING: MISSING_INFORMATION_REASONS,
    Status.REJECTED_INVALID: INVALID_INFORMATION_REASONS,
}
_LINE_STATUS = {
    Status.PAID: LineStatusWords.PAID,
    Status.PARTIALLY_PAID: LineStatusWords.PAID,
    Status.ADJUSTED: LineStatusWords.ADJUSTED,
    Status.NO_PAYMENT: LineStatusWords.NO_PAYMENT,
    Status.DENIED: LineStatusWords.DENIED,
}
_PAID = frozenset({Status.PAID, Status.PARTIALLY_PAID, Status.ADJUSTED})
_TIMELY_FILING = (Group.CONTRACTUAL_OBLIGATION, "29", "N211")
_CLAIM_DENIALS = (
    (Group.CONTRACTUAL_OBLIGATION, "50", None),
    (Group.CONTRACTUAL_OBLIGATION, "197", "N54"),
    (Group.OTHER_ADJUSTMENT, "18", "M86"),
    _TIMELY_FILING,
    (Group.CONTRACTUAL_OBLIGATION, "96", "N130"),
    (Group.CONTRACTUAL_OBLIGATION, "204", "N130"),
)
_LINE_DENIALS = (
    (Group.CONTRACTUAL_OBLIGATION, "97", "M15"),
    (Group.CONTRACTUAL_OBLIGATION, "151", "N362"),
    (Group.CONTRACTUAL_OBLIGATION, "204", "N130"),
    (Group.CONTRACTUAL_OBLIGATION, "96", None),
)
_EXCLUSIVE_MODIFIERS = ({"26", "TC"}, {"RT", "LT"}, {"90", "QW"})
_COPAYS = (10, 15, 20, 25, 30, 35, 40, 50)
_LINE_COUNT_WEIGHTS = (45, 75, 90, 100)
"""Cumulative: 45% of claims have one line, 30% two, 15% three, 10% four."""
_SHARE_KINDS = ("none", "copay", "coinsurance", "deductible")
_SHARE_WEIGHTS = (25, 55, 80, 100)
"""Cumulative: how a line's patient share arises."""
_DOLLAR = Decimal(1)
_CENTS = Decimal("0.01")


class ClaimMaker:
    """Makes claims one status at a time; a member never has two claims on the same day."""

    def __init__(self, rng: random.Random, anchor: date, members: tuple[Member, ...], providers: tuple[Provider, ...]):
        self.rng = rng
        self.anchor = anchor
        self.members = [member for member in members if member.coverage_start < anchor]
        self.providers = providers
        self.busy_days: dict[str, set[date]] = defaultdict(set)
        self.payment_numbers: dict[tuple[str, date], str] = {}

    def make(self, statuses: list[Status]) -> tuple[Claim, ...]:
        """One claim per status, in that order."""
        if statuses and not self.members:
            raise ValueError("claims need at least one member covered before the anchor date")
        numbers = self.rng.sample(range(10**7, 10**8), len(statuses))
        sequences = self.rng.sample(range(10**8), len(statuses))
        return tuple(self._claim(*claim) for claim in zip(statuses, numbers, sequences))

    def _claim(self, status: Status, number: int, sequence: int) -> Claim:
        rng = self.rng
        timing = _TIMING.get(status, _FINALIZED_TIMING)
        line_count = rng.choices((1, 2, 3, 4), cum_weights=_LINE_COUNT_WEIGHTS)[0]
        if status == Status.PARTIALLY_PAID:
            line_count = max(line_count, 2)
        span = rng.randint(1, 4) if line_count > 1 and rng.random() < 0.15 else 0
        needs_deductible = status == Status.NO_PAYMENT
        member, start = self._place(timing.service_days_ago, span, lambda m: not needs_deductible or m.plan.has_deductible())
        end = start + timedelta(days=span)
        received = min(end + timedelta(days=rng.randint(*timing.received_after)), self.anchor)
        denial = rng.choice(_CLAIM_DENIALS) if status == Status.DENIED else None
        if denial == _TIMELY_FILING:
            late = end + timedelta(days=member.plan.timely_filing_days + rng.randint(5, 60))
            if late <= self.anchor - timedelta(days=20):
                received = late
            else:
                denial = rng.choice(_CLAIM_DENIALS[:3])
        processed = None
        if timing.processed_after:
            processed = min(received + timedelta(days=rng.randint(*timing.processed_after)), self.anchor - timedelta(days=7))
        provider = self.provider_for(member)
        lines = self._lines(status, member, provider, start, end, line_count, denial)
        payment = self._payment(provider, processed) if status in _PAID else None
        details = _STATUS_DETAILS.get(status)
        return Claim(
            claim_number=f"CLM{number}",
            payer_claim_id=f"{received:%y}{received.timetuple().tm_yday:03d}{sequence:08d}",
            member=member,
            provider=provider,
            service_from=start,
            service_to=end,
            received=received,
            processed=processed,
            status=status,
            status_detail=rng.choice(details) if details else None,
            lines=lines,
            payment=payment,
        )

    def provider_for(self, member: Member) -> Provider:
        """The practice billing a claim for `member`: any of them here; a portal whose patients
        keep to their own doctors overrides this."""
        return self.rng.choice(self.providers)

    def _place(self, days_ago: tuple[int, int], span: int, eligible: Callable[[Member], bool]) -> tuple[Member, date]:
        """A member and a first service day: covered, born, and free for the whole span."""
        earliest = self.anchor - timedelta(days=days_ago[1])
        latest = self.anchor - timedelta(days=days_ago[0] + span)
        for _ in range(200):
            member = self.rng.choice(self.members)
            low = max(earliest, member.coverage_start, member.date_of_birth)
            high = min(latest, (member.coverage_end or latest) - timedelta(days=span))
            if low > high or not eligible(member):
                continue
            start = low + timedelta(days=self.rng.randint(0, (high - low).days))
            days = {start + timedelta(days=offset) for offset in range(span + 1)}
            if days.isdisjoint(self.busy_days[member.member_id]):
                self.busy_days[member.member_id] |= days
                return member, start
        raise ValueError("too many claims for the members: no free covered service day left")

    def _lines(self, status, member, provider, start, end, count, denial) -> tuple[ServiceLine, ...]:
        rng = self.rng
        codes = rng.sample(provider.procedures, min(count, len(provider.procedures)))
        days = [start] + sorted(start + timedelta(days=rng.randint(0, (end - start).days)) for _ in codes[1:])
        if len(codes) > 1:
            days[-1] = end
        denied = set()
        if status == Status.PARTIALLY_PAID:
            denied = set(rng.sample(range(len(codes)), rng.randint(1, len(codes) - 1)))
        lines = []
        for index, (code, day) in enumerate(zip(codes, days)):
            billed = _cents((PROCEDURES[code].fee * provider.markup).quantize(_DOLLAR))
            line_status = _LINE_STATUS.get(Status.DENIED if index in denied else status, status)
            if status not in FINALIZED:
                allowed = paid = None
                adjustments: tuple[LineAdjustment, ...] = ()
            elif line_status == LineStatusWords.DENIED:
                group, carc, rarc = denial or rng.choice(_LINE_DENIALS)
                allowed = paid = Decimal("0.00")
                adjustments = (LineAdjustment(group, carc, rarc, billed),)
            else:
                allowed, paid, adjustments = self._adjudicate(member, billed, line_status)
            lines.append(
                ServiceLine(index + 1, code, self._modifiers(code), day, billed, allowed, paid, line_status, adjustments)
            )
        return tuple(lines)

    def _adjudicate(self, member: Member, billed: Decimal, line_status: str):
        """Allowed, paid and adjustments: contractual write-off, then the patient's share."""
        rng = self.rng
        allowed = _cents(billed * rng.randint(45, 85) / 100)
        adjustments = [
            LineAdjustment(Group.CONTRACTUAL_OBLIGATION, "45", "N381" if rng.random() < 0.1 else None, billed - allowed)
        ]
        if line_status == LineStatusWords.ADJUSTED:
            reduction = _cents(allowed * rng.randint(10, 40) / 100)
            allowed -= reduction
            adjustments.append(LineAdjustment(Group.PAYER_INITIATED_REDUCTION, "59", "MA67", reduction))
        if line_status == LineStatusWords.NO_PAYMENT:
            shares = [("1", allowed)]
        else:
            shares = self._patient_shares(member, allowed)
        shares = [(carc, amount) for carc, amount in shares if amount > 0]
        adjustments += [LineAdjustment(Group.PATIENT_RESPONSIBILITY, carc, None, amount) for carc, amount in shares]
        paid = allowed - sum((amount for _, amount in shares), Decimal("0.00"))
        return allowed, paid, tuple(adjustments)

    def _patient_shares(self, member: Member, allowed: Decimal) -> list[tuple[str, Decimal]]:
        rng = self.rng
        if member.plan.plan_type == PlanTypeWords.MEDICAID_MANAGED_CARE:
            return [("3", _cents(Decimal(rng.randint(1, 4))))] if rng.random() < 0.2 else []
        kind = rng.choices(_SHARE_KINDS, cum_weights=_SHARE_WEIGHTS)[0]
        if kind == "copay":
            return [("3", _cents(min(Decimal(rng.choice(_COPAYS)), allowed / 2)))]
        if kind == "coinsurance":
            return [("2", _cents(allowed / 5))]
        if kind == "deductible" and member.plan.has_deductible():
            deductible = _cents(allowed * rng.randint(10, 60) / 100)
            return [("1", deductible), ("2", _cents((allowed - deductible) / 5))]
        return []

    def _modifiers(self, code: str) -> tuple[str, ...]:
        options = PROCEDURES[code].modifiers
        count = min(len(options), self.rng.choice((0, 0, 1, 1, 2)))
        if not count:
            return ()
        chosen: list[str] = []
        for modifier in self.rng.sample(options, count):
            if not any(modifier in pair and pair & set(chosen) for pair in _EXCLUSIVE_MODIFIERS):
                chosen.append(modifier)
        return tuple(chosen)

    def _payment(self, provider: Provider, processed: date) -> Payment:
        """Payments go out in a weekly Friday run: one check or EFT per practice per run."""
        paid_on = processed + timedelta(days=(4 - processed.weekday()) % 7)
        key = (provider.npi, paid_on)
        if key not in self.payment_numbers:
            self.payment_numbers[key] = f"{self.rng.randrange(10**9):09d}"
        return Payment(provider.payment_method, self.payment_numbers[key], paid_on)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENTS, rounding=ROUND_HALF_UP)
