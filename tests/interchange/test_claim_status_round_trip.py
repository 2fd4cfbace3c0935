"""276 in, 277 out: 114 requests through `rpa run` and `rpa runs export --format x12`, checked by
x12sdk (005010X212 models) and pyx12 (envelope, code lists) against the run's own results."""

from __future__ import annotations

from decimal import Decimal

from tests.interchange.validators import claim_status_models, envelope_problems, external_codes, segments


def test_a_276_of_over_100_claims_becomes_a_277_that_x12sdk_accepts_with_every_trace_in_order(claim_round_trip):
    claims = [claim for model in claim_status_models(claim_round_trip.response) for claim in model.claims()]

    assert len(claim_round_trip.traces) >= 100
    assert [claim.trace_number for claim in claims] == claim_round_trip.traces


def test_every_claims_status_codes_and_amounts_agree_with_the_runs_result(claim_round_trip):
    results = {result.query["extra"]["trace_number"]: result for result in claim_round_trip.store.results()}
    claims = {claim.trace_number: claim for model in claim_status_models(claim_round_trip.response) for claim in model.claims()}
    answered = 0
    for trace, result in results.items():
        status = claims[trace].status
        stc = status.stc_segment[0]
        answer = result.answer
        assert stc.health_care_claim_status_1.split(":")[:2] == [answer["status_category"], answer["status_code"]], trace
        assert stc.total_claim_charge_amount == Decimal(answer["billed_amount"] or result.query["billed_amount"]), trace
        if answer.get("paid_amount") is not None:
            assert stc.claim_payment_amount == Decimal(answer["paid_amount"]), trace
            assert stc.adjudication_finalized_date.isoformat() == answer["adjudicated_date"], trace
        if answer.get("check_number"):
            assert stc.remittance_trace_number == answer["check_number"]
            assert stc.remittance_date.isoformat() == answer["payment_date"]
        references = {ref.reference_identification_qualifier: ref.reference_identification for ref in status.ref_segment or []}
        if answer.get("payer_claim_id"):
            assert references["1K"] == answer["payer_claim_id"]
            answered += 1
        assert references.get("EJ") == result.query["extra"].get("patient_control_number")
    assert answered >= 100


def test_found_answers_agree_with_the_portals_ground_truth(claim_round_trip, sandbox):
    truth = {record["answer"]["payer_claim_id"]: record["answer"] for record in sandbox.truth_claims()}
    claims = [claim for model in claim_status_models(claim_round_trip.response) for claim in model.claims()]
    checked = 0
    for claim in claims:
        references = {
            ref.reference_identification_qualifier: ref.reference_identification for ref in claim.status.ref_segment or []
        }
        expected = truth.get(references.get("1K"))
        if expected is None:
            continue
        category, code = claim.status.stc_segment[0].health_care_claim_status_1.split(":")[:2]
        assert (category, code) == (expected["status_category"], expected["status_code"])
        assert claim.status.stc_segment[0].total_claim_charge_amount == Decimal(expected["billed_amount"])
        checked += 1
    assert checked >= 100


def test_requests_the_run_could_not_answer_are_answered_in_the_standards_terms(claim_round_trip):
    claims = {claim.trace_number: claim for model in claim_status_models(claim_round_trip.response) for claim in model.claims()}
    rejects = {row["trace_number"]: row for row in claim_round_trip.store.rejects()}

    assert set(rejects) == claim_round_trip.bad_traces
    assert "AMT02" in rejects["BAD00001"]["field"] and "(trace BAD00001)" in rejects["BAD00001"]["reason"]
    assert "provider_npi" in rejects["BAD00002"]["field"]
    assert claims["BAD00001"].status.stc_segment[0].health_care_claim_status_1 == "E0:21"
    assert claims["BAD00002"].status.stc_segment[0].health_care_claim_status_1 == "E0:21:1P"
    for trace in claim_round_trip.unknown_traces:
        assert claims[trace].status.stc_segment[0].health_care_claim_status_1 == "A4:35"


def test_the_277_envelope_mirrors_the_276_and_its_counts_and_codes_check_out(claim_round_trip):
    text = claim_round_trip.response.read_text()
    request = segments(claim_round_trip.request.read_text())
    response = segments(text)

    assert envelope_problems(text) == []
    assert text.index("~") == 105, "ISA is 106 characters, its elements at fixed widths"
    isa, gs, iea, ge = response[0], response[1], response[-1], response[-2]
    assert (isa[5], isa[6], isa[7], isa[8]) == (request[0][7], request[0][8], request[0][5], request[0][6])
    assert (isa[12], isa[15], gs[1], gs[8]) == ("00501", "T", "HN", "005010X212")
    assert iea[2] == isa[13] and ge[2] == gs[6] and (iea[1], ge[1]) == ("1", "1")
    codes = external_codes()
    for segment in response:
        if segment[0] == "STC":
            category, code = segment[1].split(":")[:2]
            assert codes.isValid("claim_status_cat", category), segment
            assert codes.isValid("claim_status", code), segment


def test_service_lines_asked_about_come_back_with_their_own_status(claim_round_trip):
    text = claim_round_trip.response.read_text()
    lines = [index for index, segment in enumerate(segments(text)) if segment[0] == "SVC"]
    response = segments(text)

    assert len(lines) >= 25
    for index in lines:
        svc, stc, dtp = response[index], response[index + 1], response[index + 2]
        assert svc[1].startswith("HC:") and svc[7] == "1"
        assert stc[0] == "STC" and ":" in stc[1] and dtp[:2] == ["DTP", "472"]
