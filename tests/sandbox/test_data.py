"""The generated data: deterministic, valid identifiers, and amounts that balance like a payer's."""

from __future__ import annotations

import re
import time
from collections import Counter
from decimal import Decimal

import pytest

from rpa.sandbox.claim_maker import STATUS_SHARES
from rpa.sandbox.codes import CARC_DESCRIPTIONS, RARC_DESCRIPTIONS
from rpa.sandbox.data import generate
from rpa.sandbox.npi import is_valid_npi
from rpa.sandbox.wording import AdjustmentGroupWords as Group
from rpa.sandbox.wording import LineStatusWords, PlanTypeWords

CONTRACTUAL = {Group.CONTRACTUAL_OBLIGATION, Group.OTHER_ADJUSTMENT, Group.PAYER_INITIATED_REDUCTION}


@pytest.fixture(scope="module")
def data(sandbox):
    return sandbox.data


def test_same_seed_generates_equal_data_and_another_seed_other_data():
    assert generate(3, 40, 300) == generate(3, 40, 300)
    assert generate(3, 40, 300).claims != generate(4, 40, 300).claims


def test_default_size_generates_in_well_under_a_second():
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        generate()
        timings.append(time.perf_counter() - started)
    assert min(timings) < 1.0, "best of three, so a busy machine does not fail it"


def test_npis_pass_the_luhn_check_with_the_80840_prefix(data):
    assert is_valid_npi("1234567893") and not is_valid_npi("1234567890")
    assert len(data.providers) == 12
    assert all(is_valid_npi(provider.npi) for provider in data.providers)


def test_identifiers_have_their_formats_and_are_unique(data):
    assert all(re.fullmatch(r"SBX\d{9}", m.member_id) for m in data.members)
    assert all(re.fullmatch(r"CLM\d{8}", c.claim_number) for c in data.claims)
    assert all(re.fullmatch(r"\d{13}", c.payer_claim_id) for c in data.claims)
    assert len({m.member_id for m in data.members}) == len(data.members)
    assert len({c.claim_number for c in data.claims}) == len({c.payer_claim_id for c in data.claims}) == 5000


def test_status_kinds_come_in_the_contracts_shares(data):
    counts = Counter(claim.status for claim in data.claims)
    assert {status: counts[status] * 100 // len(data.claims) for status in STATUS_SHARES} == STATUS_SHARES


def test_coverage_states_come_in_the_contracts_shares(data):
    active = sum(m.active_on(data.anchor) for m in data.members)
    future = sum(m.coverage_start > data.anchor for m in data.members)
    assert (active, len(data.members) - active - future, future) == (400, 60, 40)


def test_only_hmo_medicare_and_medicaid_members_have_a_pcp(data):
    for member in data.members:
        assert (member.pcp is None) == (member.plan.plan_type == PlanTypeWords.PPO)


def test_a_member_never_has_two_claims_on_the_same_day(data):
    days: dict[str, set] = {}
    for claim in data.claims:
        span = {claim.service_from.toordinal() + n for n in range((claim.service_to - claim.service_from).days + 1)}
        assert days.setdefault(claim.member.member_id, set()).isdisjoint(span)
        days[claim.member.member_id] |= span


def test_claims_fall_within_coverage_and_in_date_order(data):
    for claim in data.claims:
        member = claim.member
        assert member.active_on(claim.service_from) and member.active_on(claim.service_to)
        assert claim.service_to < claim.received <= data.anchor
        assert (claim.processed is not None) == claim.adjudicated
        if claim.processed:
            assert claim.received <= claim.processed < data.anchor
        if claim.payment:
            assert claim.processed <= claim.payment.date <= data.anchor


def test_amounts_balance_on_every_line_and_claim(data):
    for claim in data.claims:
        for line in claim.lines:
            if not claim.adjudicated:
                assert line.allowed is line.paid is None and not line.adjustments
                continue
            contractual = sum(a.amount for a in line.adjustments if a.group in CONTRACTUAL)
            assert line.billed == line.allowed + contractual
            assert line.allowed == line.paid + line.patient_responsibility
            assert all(a.amount > 0 and a.amount == a.amount.quantize(Decimal("0.01")) for a in line.adjustments)
            if line.status == LineStatusWords.DENIED:
                assert line.paid == line.allowed == Decimal("0.00")
        if claim.adjudicated:
            assert claim.allowed == sum(line.allowed for line in claim.lines)
            assert claim.paid == sum(line.paid for line in claim.lines)
        summed = Counter()
        for line in claim.lines:
            for a in line.adjustments:
                summed[(a.group, a.carc, a.rarc)] += a.amount
        assert {(a.group, a.carc, a.rarc): a.amount for a in claim.adjustments} == dict(summed)


def test_each_status_kind_pays_as_its_words_say(data):
    for claim in data.claims:
        line_statuses = {line.status for line in claim.lines}
        match claim.status:
            case "Finalized - Paid":
                assert line_statuses == {LineStatusWords.PAID} and claim.paid > 0 and claim.payment
            case "Finalized - Partially Paid":
                assert line_statuses == {LineStatusWords.PAID, LineStatusWords.DENIED} and claim.payment
            case "Finalized - Denied":
                assert line_statuses == {LineStatusWords.DENIED} and claim.paid == 0 and not claim.payment
            case "Finalized - No Payment":
                assert claim.paid == 0 and claim.patient_responsibility == claim.allowed > 0 and not claim.payment
            case "Finalized - Adjusted":
                assert line_statuses == {LineStatusWords.ADJUSTED} and claim.payment
            case _:
                assert line_statuses == {claim.status} and claim.payment is None
        assert (claim.status_detail is not None) == (claim.status.startswith(("Pended", "Rejected")))


def test_descriptions_never_hold_the_adjustment_separator():
    assert all(" – " not in text for text in [*CARC_DESCRIPTIONS.values(), *RARC_DESCRIPTIONS.values()])
