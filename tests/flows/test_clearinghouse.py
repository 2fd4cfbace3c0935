"""The multi-payer clearinghouse portal end to end, pages only: claims of every payer and status
kind, corrected-claim families, member searches that page, not-found answers and eligibility,
all agreeing field by field with the portal's ground truth at 1 and 4 sessions."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from rpa.core.worklist import write_worklist
from rpa.engine.jobs import run_worklist
from rpa.runs.scoring import index_truth, score
from rpa.runs.store import RunStore

QUERY_FIELDS = ("payer", "member_id", "patient_dob", "provider_npi", "provider_tax_id", "service_date_from", "service_date_to")


def by_number(record: dict) -> dict:
    query = record["query"]
    return {name: query[name] for name in ("payer", "claim_number", "provider_npi", "provider_tax_id")}


def by_member(record: dict, *, billed: bool = True) -> dict:
    row = {name: record["query"][name] for name in QUERY_FIELDS}
    return {**row, "billed_amount": record["query"]["billed_amount"] if billed else ""}


def claim_worklist(clearinghouse, truth: list[dict], per_kind: int) -> tuple[list[dict], set[int]]:
    """Every payer's every status kind, corrected-claim families both ways, member searches that
    page, claims not on file, an unknown patient, and member searches whose dates match nothing
    (row numbers of the last returned: they need a person, who is told what the portal listed)."""
    by_kind: dict[tuple, list[dict]] = defaultdict(list)
    for record in truth:
        by_kind[(record["query"]["payer"], record["answer"]["status_text"])].append(record)
    rows = []
    for records in by_kind.values():
        rows += [by_number(record) if index % 3 else by_member(record) for index, record in enumerate(records[:per_kind])]
    in_families = {
        claim.claim_number for family in clearinghouse.data.families for claim in (family.original, family.replacement)
    }
    families = [record for record in truth if record["query"]["claim_number"] in in_families]
    rows += [by_member(record) for record in families[:24]] + [by_number(record) for record in families[24:32]]
    data = clearinghouse.data
    seen_with: Counter = Counter((claim.member.member_id, claim.provider.npi) for claim in data.claims)
    paging = [
        r
        for r in truth
        if r["query"]["payer"] == "prairie" and seen_with[(r["query"]["member_id"], r["query"]["provider_npi"])] > 10
    ]
    rows += [by_member(record) for record in paging[:12]]
    for index, payer in enumerate(("summit", "lakeshore", "prairie")):
        sample = next(record for record in truth if record["query"]["payer"] == payer)
        rows += [{**by_number(sample), "claim_number": f"CLM9{index}{n:06d}"} for n in range(2)]
    unknown = by_member(truth[0], billed=False)
    rows.append({**unknown, "member_id": "SHP000000001"})
    no_such_day = {"service_date_from": "2026-10-31", "service_date_to": "2026-10-31"}
    listed_none = [{**by_member(record, billed=False), **no_such_day} for record in paging[12:15]]
    rows = list({tuple(sorted(row.items())): row for row in rows}.values())
    first_listed_none = len(rows) + 2
    rows += listed_none
    return rows, set(range(first_listed_none, first_listed_none + len(listed_none)))


def eligibility_worklist(truth: list[dict], count: int) -> list[dict]:
    """Members of every payer, plan and coverage, then two the payers do not know."""
    ordered = sorted(truth, key=lambda record: (record["answer"]["plan_name"], record["answer"]["coverage_active"]))
    step = max(1, len(ordered) // count)
    rows = [{**record["query"]} for record in ordered[::step][:count]]
    rows += [{**rows[0], "member_id": "SHP999999999"}, {**rows[-1], "member_id": "PMI999999999"}]
    return rows


@pytest.mark.timeout(900)
@pytest.mark.parametrize("sessions", [4, 1])
def test_claims_of_every_payer_agree_with_the_ground_truth(clearinghouse, clearinghouse_engine, tmp_path, sessions):
    truth = clearinghouse.truth_claims()
    rows, listed_none = claim_worklist(clearinghouse, truth, per_kind=9)
    assert len(rows) >= 300

    summary = run_worklist(
        write_worklist(tmp_path / "claims.csv", rows), settings=clearinghouse_engine.model_copy(update={"sessions": sessions})
    )

    results = RunStore(summary.run_dir).results()
    tally = score(results, index_truth(truth))
    assert len(results) == len(rows) and summary.pending == 0
    assert tally.wrong == []
    assert tally.expected_needs_human >= 10 and tally.expected_not_found == 7
    unanswered = {result.row_number: result for result in results if result.item_id in tally.unanswered}
    assert set(unanswered) == listed_none
    assert all(
        "lists" in result.error.message and "none for service dates 2026-10-31" in result.error.message
        for result in unanswered.values()
    )
    assert {result.portal for result in results} == {"clearinghouse"}
    assert {result.payer for result in results} == {"summit", "lakeshore", "prairie"}
    assert summary.stats["dialogs"] == {} or set(summary.stats["dialogs"]) <= {"confirm/accept"}


@pytest.mark.timeout(600)
@pytest.mark.parametrize("sessions", [4, 1])
def test_eligibility_of_every_payer_agrees_with_the_ground_truth(clearinghouse, clearinghouse_engine, tmp_path, sessions):
    truth = clearinghouse.truth_eligibility(date="2026-11-01")
    rows = eligibility_worklist(truth, count=150)

    summary = run_worklist(
        write_worklist(tmp_path / "members.csv", rows), settings=clearinghouse_engine.model_copy(update={"sessions": sessions})
    )

    results = RunStore(summary.run_dir).results()
    tally = score(results, index_truth(truth))
    assert len(results) == len(rows) == 152
    assert tally.wrong == [] and tally.unanswered == [] and tally.expected_not_found == 2
    kinds = Counter((r.answer["coverage_active"], r.payer) for r in results if r.outcome.value == "found")
    assert {payer for _, payer in kinds} == {"summit", "lakeshore", "prairie"} and {active for active, _ in kinds} == {
        True,
        False,
    }
