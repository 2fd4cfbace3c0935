"""Eligibility and benefits end to end: answers agree with the sandbox's ground truth (X12 271)."""

from __future__ import annotations

import json
from collections import defaultdict

from typer.testing import CliRunner

from rpa.cli import app
from rpa.core.worklist import write_worklist
from rpa.engine.jobs import run_worklist
from rpa.runs.scoring import index_truth, score
from rpa.runs.store import RunStore
from rpa.sandbox.data import ANCHOR


def coverage_state(member, on) -> str:
    if member.coverage_start > on:
        return "future"
    if member.coverage_end is not None and member.coverage_end < on:
        return "terminated"
    return "active"


def member_sample(data, count: int, on=ANCHOR) -> list:
    """Members of every plan type in every coverage state, round robin until `count`."""
    groups = defaultdict(list)
    for member in data.members:
        groups[(member.plan.plan_type, coverage_state(member, on))].append(member)
    picked, index = [], 0
    while len(picked) < count:
        for members in groups.values():
            if index < len(members) and len(picked) < count:
                picked.append(members[index])
        index += 1
    return picked


def member_rows(members, on=ANCHOR, service_type="30") -> list[dict]:
    return [
        {
            "Payer": "sandbox",
            "Member ID": member.member_id,
            "Patient First Name": member.first_name if index % 2 else "",
            "Patient Last Name": member.last_name if index % 2 else "",
            "Patient DOB": member.date_of_birth.isoformat(),
            "Service Date": on.isoformat(),
            "Service Type": service_type,
        }
        for index, member in enumerate(members)
    ]


def unknown_rows() -> list[dict]:
    return [
        {
            "Payer": "sandbox",
            "Member ID": "SBX999999990",
            "Patient DOB": "1970-01-01",
            "Service Date": ANCHOR.isoformat(),
            "Service Type": "30",
        },
        {
            "Payer": "sandbox",
            "Member ID": "SBX999999991",
            "Patient DOB": "1985-05-05",
            "Service Date": ANCHOR.isoformat(),
            "Service Type": "30",
        },
    ]


def test_answers_agree_field_by_field_with_ground_truth_over_200_members(sandbox, engine, tmp_path):
    members = member_sample(sandbox.data, 210)
    states = {(m.plan.plan_type, coverage_state(m, ANCHOR)) for m in members}
    assert {state for _, state in states} == {"active", "terminated", "future"} and len({t for t, _ in states}) == 4
    rows = member_rows(members) + unknown_rows()

    summary = run_worklist(
        write_worklist(tmp_path / "members.csv", rows), settings=engine.model_copy(update={"sessions": 4, "mode": "api"})
    )

    results = RunStore(summary.run_dir).results()
    tally = score(results, index_truth(sandbox.truth_eligibility(date=ANCHOR)))
    assert tally.wrong == [] and tally.unanswered == []
    assert tally.correct == len(rows) and tally.expected_not_found == 2
    inactive = [r for r in results if r.answer and r.outcome.value == "found" and not r.answer["coverage_active"]]
    assert inactive and all(r.answer["coverage_status_code"] == "6" and r.answer["benefits"] == [] for r in inactive)
    assert summary.exit_code == 0


def test_pages_and_json_agree_for_a_service_type_and_a_wrong_name_is_not_found(sandbox, engine, tmp_path):
    members = member_sample(sandbox.data, 14)
    rows = member_rows(members, service_type="98")
    wrong_name = {**rows[1], "Patient Last Name": "Somebodyelse"}
    rows.append(wrong_name)

    page = run_worklist(
        write_worklist(tmp_path / "p.csv", rows), settings=engine.model_copy(update={"sessions": 2, "mode": "page"})
    )
    api = run_worklist(
        write_worklist(tmp_path / "a.csv", rows), settings=engine.model_copy(update={"sessions": 2, "mode": "api"})
    )

    page_results, api_results = RunStore(page.run_dir).results(), RunStore(api.run_dir).results()
    tally = score(page_results, index_truth(sandbox.truth_eligibility(date=ANCHOR, service_type="98")))
    assert tally.correct == len(rows) - 1 and len(tally.wrong) == 1  # the wrong name is not the member
    by_item = {r.item_id: (r.outcome, r.answer) for r in api_results}
    assert all(by_item[r.item_id] == (r.outcome, r.answer) for r in page_results)
    mismatch = next(r for r in page_results if r.query["patient_last_name"] == "Somebodyelse")
    assert mismatch.outcome.value == "not_found" and mismatch.answer["coverage_status_code"] is None


def test_one_off_eligibility_lookup_shows_coverage_and_benefits(sandbox, engine):
    member = next(m for m in sandbox.data.members if coverage_state(m, ANCHOR) == "active" and m.plan.plan_type.value == "PPO")
    arguments = [
        "lookup",
        "eligibility",
        "--payer",
        "sandbox",
        "--member-id",
        member.member_id,
        "--dob",
        member.date_of_birth.isoformat(),
    ]
    arguments += ["--date", ANCHOR.isoformat(), "--runs-dir", str(engine.runs_dir)]

    shown = CliRunner().invoke(app, arguments)
    as_json = CliRunner().invoke(app, [*arguments, "--json"])

    assert shown.exit_code == 0, shown.output
    assert "Active Coverage" in shown.output and member.plan.name in shown.output and "Deductible" in shown.output
    truth = index_truth(sandbox.truth_eligibility(date=ANCHOR))[("member", "sandbox", member.member_id, ANCHOR.isoformat(), "30")]
    assert json.loads(as_json.output)["answer"] == truth["answer"]
