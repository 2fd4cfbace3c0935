"""The clearinghouse's data: deterministic, three payers of realistic size, valid identifiers, the
organization's providers under shared Tax IDs, long member lists, and corrected-claim families."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from rpa.sandbox.claim_maker import STATUS_SHARES
from rpa.sandbox.clearinghouse.data import generate
from rpa.sandbox.clearinghouse.truth import member_search
from rpa.sandbox.npi import is_valid_npi
from rpa.sandbox.wording import ClaimStatusWords as Kind

MEMBER_IDS = {"summit": r"SHP\d{9}", "lakeshore": r"\d{9}01", "prairie": r"PMI\d{9}"}


@pytest.fixture(scope="module")
def data(clearinghouse):
    return clearinghouse.data


def test_same_seed_generates_equal_data_and_another_seed_other_data():
    assert generate(3, 40, 300) == generate(3, 40, 300)
    assert generate(3, 40, 300).claims != generate(4, 40, 300).claims


def test_three_payers_share_at_least_600_members_and_4000_claims_of_every_status_kind(data):
    assert len(data.members) >= 600 and len(data.claims) >= 4000
    members = Counter(data.payer_of(member).id for member in data.members)
    assert set(members) == {"summit", "lakeshore", "prairie"} and min(members.values()) > 100
    kinds = Counter((data.payer_of(claim.member).id, claim.status) for claim in data.claims)
    assert all(kinds[payer, kind] >= 5 for payer in members for kind in STATUS_SHARES)


def test_identifiers_have_their_payers_formats_and_are_unique(data):
    assert all(re.fullmatch(MEMBER_IDS[data.payer_of(m).id], m.member_id) for m in data.members)
    assert all(re.fullmatch(r"CLM\d{8}", c.claim_number) and re.fullmatch(r"\d{13}", c.payer_claim_id) for c in data.claims)
    assert len({c.claim_number for c in data.claims}) == len({c.payer_claim_id for c in data.claims}) == len(data.claims)


def test_registered_providers_have_valid_npis_and_share_a_few_tax_ids(data):
    assert all(is_valid_npi(provider.npi) for provider in data.providers)
    tax_ids = Counter(provider.tax_id for provider in data.providers)
    assert all(re.fullmatch(r"\d{2}-\d{7}", tax_id) for tax_id in tax_ids)
    assert len(tax_ids) == 4 and max(tax_ids.values()) > 1


def test_some_patients_of_one_provider_list_more_than_ten_claims(data):
    per_provider = Counter((claim.member.member_id, claim.provider.npi) for claim in data.claims)
    assert sum(count > 10 for count in per_provider.values()) >= 10


def test_corrected_claim_families_are_five_to_eight_percent_of_claims(data):
    in_families = 2 * len(data.families)
    assert 0.05 <= in_families / len(data.claims) <= 0.08
    assert Counter(family.same_charges for family in data.families) == {True: 70, False: 70}
    for family in data.families:
        original, replacement = family.original, family.replacement
        assert original.member == replacement.member and original.provider == replacement.provider
        assert (original.service_from, original.service_to) == (replacement.service_from, replacement.service_to)
        assert original.status in {Kind.DENIED, Kind.REJECTED_MISSING, Kind.REJECTED_INVALID}
        assert replacement.status in {Kind.PAID, Kind.PARTIALLY_PAID, Kind.IN_PROCESS, Kind.PENDED, Kind.RECEIVED}
        assert original.received < replacement.received and (original.processed or original.received) < replacement.received
        assert original.claim_number != replacement.claim_number


def test_a_search_without_claim_number_needs_a_person_only_where_two_claims_still_match(data):
    outcomes = Counter(member_search(data, claim)["outcome"] for claim in data.claims)
    assert outcomes["needs_human"] == 2 * sum(family.same_charges for family in data.families)
    changed = next(family for family in data.families if not family.same_charges)
    assert member_search(data, changed.original) == {"outcome": "found", "claim_numbers": [changed.original.claim_number]}
