"""Answers for runs that did not come from a 276 or 270, runs that could not answer, and the
envelope options: every request still answered, in the standard's own terms, never invented."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from rpa.core.models import Outcome, Task
from rpa.core.results import Result, ResultError
from rpa.core.settings import Settings
from rpa.core.worklist import load_worklist, write_worklist
from rpa.engine.run import start_run
from rpa.interchange.envelope import Separators
from rpa.interchange.export import export_interchange
from rpa.runs.store import RunStore
from tests.interchange.billing import ClaimAsk, MemberAsk, claim_status_request, eligibility_request
from tests.interchange.conftest import rpa
from tests.interchange.validators import claim_status_models, eligibility_models, envelope_problems, segments


def test_a_csv_run_gets_a_277_with_fresh_trace_numbers(engine, sandbox):
    claims = sandbox.data.claims[40:43]
    rows = [{"payer": "sandbox", "claim_number": claim.claim_number} for claim in claims]
    rows.append({"payer": "sandbox", "claim_number": "", "member_id": "SBX1"})
    ran = rpa("run", write_worklist(engine.runs_dir.parent / "claims.csv", rows), "--mode", "api", "--json")
    summary = json.loads(ran.output[ran.output.index("{") :])
    store = RunStore(engine.runs_dir.parent / summary["run_dir"])

    path = export_interchange(store, "x12")
    traces = [claim.trace_number for model in claim_status_models(path) for claim in model.claims()]
    items = {result.item_id.upper(): result for result in store.results()}
    assert traces[:3] == [item.item_id.upper() for item in store.items()]
    assert traces[3] == "ROW5" and set(traces[:3]) == set(items)
    for claim in claim_status_models(path)[0].claims():
        if claim.trace_number in items:
            answer = items[claim.trace_number].answer
            assert (
                claim.status.stc_segment[0].health_care_claim_status_1 == f"{answer['status_category']}:{answer['status_code']}"
            )
    assert envelope_problems(path.read_text()) == []


def test_a_stopped_run_answers_every_request_resubmit_later(engine, sandbox, tmp_path):
    claims = sandbox.data.claims[50:52]
    asks = [
        ClaimAsk(f"P{index}", c.member.member_id, c.member.last_name, c.member.first_name, c.member.date_of_birth,
                 c.service_from, c.service_to, c.billed, payer_claim_number=c.claim_number)
        for index, c in enumerate(claims)
    ]  # fmt: skip
    request = tmp_path / "down.x12"
    request.write_text(claim_status_request({claims[0].provider.npi: asks}))
    sandbox.configure(maintenance=True)
    ran = rpa("run", request, "--mode", "api", "--json")
    sandbox.configure()
    assert ran.exit_code == 3, ran.output
    summary = json.loads(ran.output[ran.output.index("{") :])

    path = export_interchange(RunStore(tmp_path / summary["run_dir"]), "x12")
    statuses = {claim.trace_number: claim.status.stc_segment[0] for claim in claim_status_models(path)[0].claims()}
    assert {trace: stc.health_care_claim_status_1 for trace, stc in statuses.items()} == {"P0": "E2:0", "P1": "E2:0"}
    assert statuses["P0"].total_claim_charge_amount == claims[0].billed


def test_failed_and_needs_a_person_items_say_a_response_was_not_possible(tmp_path):
    asks = [
        ClaimAsk(
            trace, "SBX100", "DOE", "JANE", date(1970, 1, 2), date(2026, 5, n), date(2026, 5, n), Decimal("10"), f"CLM0000000{n}"
        )
        for n, trace in enumerate(("FAILED", "PERSON", "LEFT"), start=1)
    ]
    store = _run_folder(tmp_path, claim_status_request({"1234567893": asks}))
    items = store.items()
    for item, outcome, kind in ((items[0], Outcome.FAILED, "portal_down"), (items[1], Outcome.NEEDS_HUMAN, "needs_human")):
        error = ResultError(kind=kind, message="the portal showed an error page")
        query = item.query.model_dump(mode="json")
        store.append(
            Result(
                item_id=item.item_id,
                task=item.task,
                payer=item.payer,
                outcome=outcome,
                query=query,
                error=error,
                row_number=item.row_number,
            )
        )

    text = export_interchange(store, "x12", separators=Separators.parse("|>!#", line_break="")).read_text()
    stcs = {segment[2]: next_segment for segment, next_segment in zip(segments(text), segments(text)[1:]) if segment[0] == "TRN"}
    assert {trace: stc[1] for trace, stc in stcs.items()} == {"FAILED": "E1>0", "PERSON": "E1>0", "LEFT": "E2>0"}
    assert text[3] == "|" and text[104] == ">" and text[105] == "#" and "\n" not in text
    assert envelope_problems(text) == []


def test_a_271_answers_members_it_could_not_look_up_with_unable_to_respond(tmp_path):
    members = [MemberAsk("M1", "SBX100", "DOE", "JANE", date(1970, 1, 2), date(2026, 11, 2)),
               MemberAsk("M2", "SBX101", "ROE", "RICH", date(1971, 1, 2), date(2026, 11, 2))]  # fmt: skip
    store = _run_folder(tmp_path, eligibility_request(members, npi="1234567893"))
    item = store.items()[0]
    store.append(Result(item_id=item.item_id, task=item.task, payer=item.payer, outcome=Outcome.NEEDS_HUMAN,
                        query=item.query.model_dump(mode="json"), row_number=item.row_number))  # fmt: skip

    path = export_interchange(store, "x12")
    validations = []
    for model in eligibility_models(path):
        for subscriber in model.loop_2000a[0].loop_2000b[0].loop_2000c:
            aaa = subscriber.loop_2100c.aaa_segment[0]
            validations.append(
                (subscriber.trn_segment[0].reference_identification_1, aaa.reject_reason_code, aaa.follow_up_action_code)
            )
    assert validations == [("M1", "42", "R"), ("M2", "42", "R")]


def _run_folder(tmp_path, text: str) -> RunStore:
    """A run folder made by the engine's own start, for a run that then answers as a test says."""
    request = tmp_path / "request.x12"
    request.write_text(text)
    worklist = load_worklist(request)
    store, _ = start_run(
        worklist, Settings(runs_dir=tmp_path / "runs", state_dir=tmp_path / "state"), command="run", arguments={}
    )
    return store


def test_a_claim_asked_twice_gets_the_same_answer_under_both_traces(tmp_path):
    ask = ClaimAsk(
        "FIRST", "SBX100", "DOE", "JANE", date(1970, 1, 2), date(2026, 5, 1), date(2026, 5, 1), Decimal("10"), "CLM00000001"
    )
    store = _run_folder(tmp_path, claim_status_request({"1234567893": [ask, ClaimAsk(**{**ask.__dict__, "trace": "AGAIN"})]}))
    (item,) = store.items()
    answer = {"claim_number": "CLM00000001", "payer_claim_id": "2612300000001", "status_category": "F1", "status_code": "65",
              "status_text": "Finalized - Paid", "billed_amount": "10.00", "paid_amount": "8.00",
              "adjudicated_date": "2026-05-20"}  # fmt: skip
    store.append(Result(item_id=item.item_id, task=item.task, payer=item.payer, outcome=Outcome.FOUND,
                        query=item.query.model_dump(mode="json"), answer=answer, row_number=item.row_number))  # fmt: skip

    claims = list(claim_status_models(export_interchange(store, "x12"))[0].claims())
    assert [(claim.trace_number, claim.status.stc_segment[0].health_care_claim_status_1) for claim in claims] == [
        ("FIRST", "F1:65"),
        ("AGAIN", "F1:65"),
    ]
    assert claims[1].status.stc_segment[0].claim_payment_amount == Decimal("8")


def test_members_of_an_unknown_payer_are_rejected_in_the_271_naming_the_payer_loop(tmp_path):
    members = [MemberAsk("M1", "SBX100", "DOE", "JANE", date(1970, 1, 2), date(2026, 11, 2))]
    store = _run_folder(tmp_path, eligibility_request(members, npi="1234567893", payer_name="ACME CARE", payer_id="99999"))

    path = export_interchange(store, "x12")
    source = eligibility_models(path)[0].loop_2000a[0]
    assert (source.loop_2100a.aaa_segment[0].reject_reason_code, source.loop_2100a.aaa_segment[0].follow_up_action_code) == (
        "79",
        "C",
    )
    subscriber = source.loop_2000b[0].loop_2000c[0]
    assert subscriber.trn_segment[0].reference_identification_1 == "M1"
    assert subscriber.loop_2100c.aaa_segment[0].response_code == "N"


def test_a_csv_eligibility_run_not_yet_looked_up_gets_a_271_of_unable_to_respond(tmp_path):
    rows = [
        {"payer": "sandbox", "member_id": f"SBX10{n}", "patient_dob": "1970-01-02", "provider_npi": "1234567893"}
        for n in range(3)
    ]
    worklist = load_worklist(write_worklist(tmp_path / "members.csv", rows), task=Task.ELIGIBILITY)
    store, _ = start_run(
        worklist, Settings(runs_dir=tmp_path / "runs", state_dir=tmp_path / "state"), command="run", arguments={}
    )

    path = export_interchange(store, "x12")
    subscribers = eligibility_models(path)[0].loop_2000a[0].loop_2000b[0].loop_2000c
    assert [s.trn_segment[0].reference_identification_1 for s in subscribers] == [item.item_id.upper() for item in store.items()]
    assert {s.loop_2100c.aaa_segment[0].reject_reason_code for s in subscribers} == {"42"}
    assert envelope_problems(path.read_text()) == []
