"""The portal's labels and words through the wording map into the one normalizer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rpa.core.errors import FlowError
from rpa.payers.normalize import claim_status, eligibility
from rpa.payers.wording import load_wording_map
from rpa.portal.reading import Cell

PORTAL = """
formats: {absent: ["--"], adjustments_negative: true}
fields:
  claim: {"Claim #": claim_number, "Status": status, "Dates of Service": service_dates, "Charges": billed_amount,
          "amounts.paid": paid_amount, "Adjustments": adjustments, "lines": lines}
  line: {"procedure": procedure_code, "line": line_number, "mods": modifiers}
  eligibility: {"Coverage": coverage_status, "Plan Type": plan_type, "Benefits": benefits}
  benefit: {"Benefit": benefit, "Amount": amount, "Remaining": remaining, "Period": time_period}
patterns:
  adjustment: '(?P<group>[A-Z]{2})-(?P<carc>\\w+) (?P<text>.+?)(?: \\((?P<rarc>[A-Z]\\d+)\\))? (?P<amount>\\(?\\$[\\d,.]+\\)?)'
claim_status:
  "Paid": {category: F1, code: "65"}
coverage_status:
  "Active": {active: true, code: "1"}
plan_type: {"PPO": PR}
benefit: {"Deductible": C}
time_period: {"Calendar Year": "23", "Remaining": "29"}
"""
PAYER = """
claim_status:
  "PROCESSED - PAYMENT ISSUED": {category: F1, code: "65"}
"""


@pytest.fixture
def wording(tmp_path):
    (tmp_path / "portal.yaml").write_text(PORTAL)
    (tmp_path / "payer.yaml").write_text(PAYER)
    return load_wording_map(tmp_path / "portal.yaml").extended_by(load_wording_map(tmp_path / "payer.yaml"))


def test_page_labels_json_keys_and_text_adjustments_make_one_claim(wording):
    page = {"Claim #": "CLM1", "Status": "Processed - Payment Issued", "Dates of Service": "09/01/2026 to 09/02/2026"}
    page["Charges"] = "$1,200.00"
    lines = ("CO-45 Charge exceeds fee schedule (N130) ($45.00)", "PR-2 Coinsurance $10.00")
    page["Adjustments"] = Cell("\n".join(lines), lines)
    json = {"amounts": {"paid": "1,145.00"}, "lines": [{"line": "1", "procedure": "99213", "mods": "25, 59"}]}
    record = wording.record("claim", {**page, **json})
    answer = claim_status(record, wording)
    assert (answer.claim_number, answer.status_category, answer.status_text) == ("CLM1", "F1", "Processed - Payment Issued")
    assert (answer.service_date_from, answer.service_date_to) == (date(2026, 9, 1), date(2026, 9, 2))
    assert (answer.billed_amount, answer.paid_amount) == (Decimal("1200.00"), Decimal("1145.00"))
    assert [(a.group, a.carc, a.rarc, a.amount) for a in answer.adjustments] == [
        ("CO", "45", "N130", Decimal("45.00")),
        ("PR", "2", None, Decimal("-10.00")),
    ]
    assert answer.lines[0].modifiers == ["25", "59"]


def test_words_no_table_knows_fail_loudly_quoting_them(wording):
    with pytest.raises(FlowError, match="'Gone Fishing'"):
        claim_status({"status": "Gone Fishing"}, wording)


def test_a_limit_with_what_remains_is_two_benefits(wording):
    record = wording.record("eligibility", {"Coverage": "Active", "Plan Type": "PPO"})
    record["benefits"] = [
        wording.record(
            "benefit", {"Benefit": "Deductible", "Amount": "$500.00", "Remaining": "$120.00", "Period": "Calendar Year"}
        )
    ]
    answer = eligibility(record, wording)
    assert (answer.coverage_active, answer.coverage_status_code, answer.plan_type) == (True, "1", "PR")
    assert [(b.benefit_code, b.time_period, b.amount) for b in answer.benefits] == [
        ("C", "23", Decimal("500.00")),
        ("C", "29", Decimal("120.00")),
    ]
