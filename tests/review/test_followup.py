"""`rpa followup`: each claim that needs a person lands in one queue, with why, what next, and dollars."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from rpa.runs.followup import FILING_WARNING_DAYS

from .conftest import AS_OF, DENIAL_CARCS, NOT_ON_FILE_BILLED, rpa


def follow_up(store, *options: str) -> dict:
    result = rpa("followup", store.run_id, "--runs-dir", store.path.parent, "--as-of", AS_OF.isoformat(), "--json", *options)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def claims_in_run(sandbox, store) -> list:
    numbers = [result.query["claim_number"] for result in store.results() if result.query.get("claim_number")]
    return [claim for claim in map(sandbox.data.claim_by_number, numbers) if claim is not None]


def by_claim(listing: dict) -> dict[str, dict]:
    return {item["claim_number"]: item for item in listing["items"]}


def test_every_denied_claim_is_in_the_denial_queue_under_its_group_and_carc(sandbox, review_runs):
    truth = {record["answer"]["claim_number"]: record["answer"] for record in sandbox.truth_claims()}
    listing = follow_up(review_runs.claims)
    items = by_claim(listing)
    denied = [claim for claim in claims_in_run(sandbox, review_runs.claims) if claim.status.value == "Finalized - Denied"]

    assert len(denied) == 2 * len(DENIAL_CARCS)
    for claim in denied:
        primary = max(truth[claim.claim_number]["adjustments"], key=lambda adjustment: Decimal(adjustment["amount"]))
        item = items[claim.claim_number]
        assert item["queue"] == "denied" and item["code"] == f"{primary['group']}-{primary['carc']}"
        assert primary["carc"] in item["reason"]
    [queue] = [queue for queue in listing["queues"] if queue["queue"] == "denied"]
    steps = {group["code"]: group["step"] for group in queue["groups"]}
    assert {code.split("-")[1] for code in steps} == set(DENIAL_CARCS)
    assert steps["CO-50"] == "Appeal" and steps["CO-29"] == "Write off" and steps["CO-197"] == "Appeal"
    assert steps["OA-18"].startswith("Verify")
    assert all(group["count"] == 2 for group in queue["groups"])


def test_the_list_queues_and_denial_groups_are_ordered_by_dollars_at_stake(review_runs):
    listing = follow_up(review_runs.claims)

    amounts = [Decimal(item["at_stake"]) for item in listing["items"]]
    assert amounts == sorted(amounts, reverse=True) and amounts[0] > 0
    queues = [Decimal(queue["at_stake"]) for queue in listing["queues"]]
    assert queues == sorted(queues, reverse=True)
    [denied] = [queue for queue in listing["queues"] if queue["queue"] == "denied"]
    groups = [Decimal(group["at_stake"]) for group in denied["groups"]]
    assert groups == sorted(groups, reverse=True)
    assert Decimal(listing["at_stake"]) == sum(amounts)
    for item in listing["items"]:
        owed = Decimal(item["expected"] or item["billed"] or "0")
        assert Decimal(item["at_stake"]) == max(owed - Decimal(item["paid"] or "0"), Decimal(0))


def test_each_claim_is_in_one_queue_with_the_payers_reason(sandbox, review_runs):
    listing = follow_up(review_runs.claims)
    items = by_claim(listing)
    claims = claims_in_run(sandbox, review_runs.claims)

    assert len(items) == len(listing["items"])
    for claim in claims:
        status = claim.status.value
        if status.startswith("Pended"):
            assert items[claim.claim_number]["queue"] == "pended"
            assert items[claim.claim_number]["reason"] == claim.status_detail
        elif status.startswith("Rejected"):
            assert items[claim.claim_number]["queue"] == "rejected"
            assert items[claim.claim_number]["reason"] == claim.status_detail
        elif status in ("Finalized - Paid", "Finalized - Adjusted") and claim.claim_number not in review_runs.expected:
            assert claim.claim_number not in items
    assert items["CLM90000001"]["queue"] == items["CLM90000002"]["queue"] == "not_on_file"
    [late] = [item for item in listing["items"] if item["queue"] == "timely_filing"]
    assert late["claim_number"] is None and late["step"] == "Appeal or write off"
    assert "past the filing deadline" in late["reason"] and late["at_stake"] == NOT_ON_FILE_BILLED


def test_claims_paid_less_than_expected_show_the_shortfall(review_runs):
    items = by_claim(follow_up(review_runs.claims))

    assert review_runs.expected
    for number, expected in review_runs.expected.items():
        item = items[number]
        assert item["queue"] == "underpaid" and Decimal(item["expected"]) == expected
        assert Decimal(item["at_stake"]) == expected - Decimal(item["paid"]) > 0
        assert f"${Decimal(item['at_stake']):,.2f} short" in item["reason"]


def test_claims_in_process_longer_than_the_days_given_are_listed_with_their_age(sandbox, review_runs):
    claims = claims_in_run(sandbox, review_runs.claims)
    waiting = [claim for claim in claims if claim.status.value in ("In Process", "Received")]
    for days in (30, 40):
        items = by_claim(follow_up(review_runs.claims, "--days", str(days)))
        listed = {number for number, item in items.items() if item["queue"] == "in_process"}
        assert listed == {claim.claim_number for claim in waiting if (AS_OF - claim.received).days > days}
        assert all(items[number]["days_in_process"] > days for number in listed)
    assert any((AS_OF - claim.received).days > 30 for claim in waiting)


def test_timely_filing_follows_the_limit_configured_for_the_payer(sandbox, review_runs, monkeypatch):
    monkeypatch.setenv("RPA_SANDBOX_FILING_LIMIT_DAYS", "120")
    items = by_claim(follow_up(review_runs.claims))
    rejected = [claim for claim in claims_in_run(sandbox, review_runs.claims) if claim.status.value.startswith("Rejected")]

    at_risk = {c.claim_number for c in rejected if (c.service_from + timedelta(days=120) - AS_OF).days <= FILING_WARNING_DAYS}
    assert at_risk and at_risk != {claim.claim_number for claim in rejected}
    for claim in rejected:
        item = items[claim.claim_number]
        assert item["queue"] == ("timely_filing" if claim.claim_number in at_risk else "rejected")
        assert item["filing_deadline"] == (claim.service_from + timedelta(days=120)).isoformat()


def test_the_table_shows_each_queue_and_other_runs_say_what_is_missing(review_runs):
    table = rpa("followup", review_runs.claims.run_id, "--runs-dir", review_runs.runs_dir, "--as-of", AS_OF.isoformat())
    assert table.exit_code == 0, table.output
    for title in ("Denied", "Pended: information requested", "Paid less than expected", "Timely filing at risk"):
        assert title in table.output
    assert "CO-197" in table.output and "Appeal" in table.output

    failures = rpa("followup", review_runs.failures.run_id, "--runs-dir", review_runs.runs_dir)
    assert failures.exit_code == 0 and "0 claims" in failures.output and "3 items were not answered" in failures.output
    eligibility = rpa("followup", review_runs.eligibility.run_id, "--runs-dir", review_runs.runs_dir)
    assert eligibility.exit_code == 2 and "not a claim-status run" in eligibility.output
