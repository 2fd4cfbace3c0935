"""Which listed claim is the one asked for: one rule for every portal, pages and JSON alike."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rpa.core.errors import NeedsHuman
from rpa.core.queries import ClaimStatusQuery
from rpa.payers.matching import ClaimRow, choose_claim

DAY = date(2026, 9, 6)


def row(number: str, *, billed: str = "100.00", day: date = DAY, member: str = "M1") -> ClaimRow:
    return ClaimRow(number, f"P{number}", member, day, day, Decimal(billed))


def by_member(billed: str | None = None) -> ClaimStatusQuery:
    return ClaimStatusQuery(payer="x", member_id="M1", patient_dob="1970-01-01", service_date_from=DAY, billed_amount=billed)


def test_a_claim_number_picks_its_row_or_the_payers_claim_id():
    rows = [row("CLM1"), row("CLM2")]
    assert choose_claim(rows, ClaimStatusQuery(payer="x", claim_number="clm2")).claim_number == "CLM2"
    assert choose_claim(rows, ClaimStatusQuery(payer="x", claim_number="PCLM1")).claim_number == "CLM1"


def test_a_claim_number_not_listed_is_not_on_file():
    assert choose_claim([row("CLM1")], ClaimStatusQuery(payer="x", claim_number="CLM9")) is None


def test_member_dates_and_billed_amount_tell_a_corrected_claim_from_its_original():
    rows = [row("ORIG", billed="100.00"), row("REPL", billed="120.00"), row("OTHER", day=date(2026, 9, 7))]
    assert choose_claim(rows, by_member("120.00")).claim_number == "REPL"


def test_equally_good_matches_need_a_person_who_is_told_which():
    with pytest.raises(NeedsHuman, match="ORIG, REPL"):
        choose_claim([row("ORIG"), row("REPL")], by_member())


def test_claims_listed_but_none_matching_is_not_not_on_file():
    with pytest.raises(NeedsHuman, match=r"lists 1 claim\(s\) for this member but none for service dates 2026-09-06") as error:
        choose_claim([row("OTHER", day=date(2026, 9, 7))], by_member())
    assert "OTHER (2026-09-07 to 2026-09-07, billed 100.00)" in error.value.message


def test_nothing_listed_is_not_on_file():
    assert choose_claim([], by_member()) is None
