"""Claim status end to end: the tool's answers agree with the sandbox's ground truth."""

from __future__ import annotations

import json
from collections import defaultdict

from rpa.core.worklist import write_worklist
from rpa.engine.jobs import run_worklist
from rpa.runs.scoring import index_truth, score
from rpa.runs.store import RunStore


def claim_sample(data, per_status: int) -> list:
    by_status = defaultdict(list)
    for claim in data.claims:
        by_status[claim.status].append(claim)
    return [claim for claims in by_status.values() for claim in claims[:per_status]]


def claim_rows(claims, *, by_member_every: int = 5) -> list[dict]:
    """Most rows by claim number; every fifth by member + date of birth + service dates."""
    rows = []
    for index, claim in enumerate(claims):
        if index % by_member_every == 0:
            rows.append(
                {
                    "Payer": "sandbox",
                    "Member ID": claim.member.member_id,
                    "Patient DOB": claim.member.date_of_birth.strftime("%m/%d/%Y"),
                    "Service Date From": claim.service_from.isoformat(),
                    "Service Date To": claim.service_to.isoformat(),
                    "Provider NPI": claim.provider.npi,
                }
            )
        else:
            rows.append({"Payer": "sandbox", "Claim Number": claim.claim_number})
    return rows


def run_and_score(sandbox, settings, rows, tmp_path, name="claims.csv"):
    summary = run_worklist(write_worklist(tmp_path / name, rows), settings=settings)
    results = RunStore(summary.run_dir).results()
    return summary, results, score(results, index_truth(sandbox.truth_claims()))


def test_answers_agree_field_by_field_with_ground_truth_over_300_claims_of_every_status_kind(sandbox, engine, tmp_path):
    claims = claim_sample(sandbox.data, per_status=32)
    assert len({claim.status for claim in claims}) == 10 and len(claims) >= 300
    rows = claim_rows(claims) + [{"Payer": "sandbox", "Claim Number": f"CLM9{n:07d}"} for n in range(5)]

    summary, results, tally = run_and_score(sandbox, engine.model_copy(update={"sessions": 4, "mode": "api"}), rows, tmp_path)

    assert len(results) == len(rows)
    assert tally.wrong == [] and tally.unanswered == []
    assert tally.correct == len(rows) and tally.expected_not_found == 5
    assert summary.exit_code == 0
    assert {result.mode for result in results} == {"api"}


def test_reading_pages_gives_the_same_answers_as_the_portal_json(sandbox, engine, tmp_path):
    claims = claim_sample(sandbox.data, per_status=5)
    rows = claim_rows(claims) + [{"Payer": "sandbox", "Claim Number": "CLM90000001"}]

    _, page_results, page_tally = run_and_score(
        sandbox, engine.model_copy(update={"sessions": 4, "mode": "page"}), rows, tmp_path, "p.csv"
    )
    _, api_results, _ = run_and_score(sandbox, engine.model_copy(update={"sessions": 4, "mode": "api"}), rows, tmp_path, "a.csv")

    assert page_tally.wrong == [] and page_tally.correct == len(rows)
    assert {r.mode for r in page_results} == {"page"} and {r.mode for r in api_results} == {"api"}
    by_item = {result.item_id: result.answer for result in api_results}
    assert all(result.answer == by_item[result.item_id] for result in page_results)


def test_ui_variant_v2_is_read_through_the_selector_map_alone(sandbox, engine, tmp_path):
    sandbox.configure(ui="v2")
    claims = claim_sample(sandbox.data, per_status=2)

    summary, _, tally = run_and_score(
        sandbox, engine.model_copy(update={"sessions": 2, "mode": "page"}), claim_rows(claims, by_member_every=2), tmp_path
    )

    assert tally.wrong == [] and tally.correct == len(claims)
    assert summary.exit_code == 0


def test_bad_rows_are_rejected_with_reasons_and_the_good_rows_still_run(sandbox, engine, tmp_path):
    good = sandbox.data.claims[0]
    rows = [
        {"payer": "sandbox", "claim_number": good.claim_number, "provider_npi": "", "patient_dob": ""},
        {"payer": "sandbox", "claim_number": "CLM1", "provider_npi": "1234567890", "patient_dob": ""},
        {"payer": "sandbox", "claim_number": "", "provider_npi": "", "patient_dob": "02/30/1980"},
        {"payer": "nobody", "claim_number": "CLM2", "provider_npi": "", "patient_dob": ""},
    ]
    summary = run_worklist(write_worklist(tmp_path / "w.csv", rows), settings=engine)

    store = RunStore(summary.run_dir)
    rejects = {int(reject["row_number"]): reject for reject in store.rejects()}
    assert sorted(rejects) == [3, 4, 5]
    assert rejects[3]["field"] == "provider_npi" and "check digit" in rejects[3]["reason"]
    assert rejects[4]["field"] == "patient_dob" and "not a date" in rejects[4]["reason"]
    assert rejects[5]["field"] == "payer" and "known payers: lakeshore, prairie, sandbox, summit" in rejects[5]["reason"]
    assert [result.row_number for result in store.results()] == [2]
    assert summary.exit_code == 1
    manifest = json.loads((summary.run_dir / "manifest.json").read_text())
    assert manifest["counts"]["rejected"] == 3 and manifest["counts"]["found"] == 1
