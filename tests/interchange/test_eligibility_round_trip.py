"""270 in, 271 out: 58 members through `rpa run` and `rpa runs export --format x12`, checked by
x12sdk (005010X279A1 models) and pyx12 (envelope, code lists) against the run's own results."""

from __future__ import annotations

from decimal import Decimal

from tests.interchange.validators import eligibility_models, envelope_problems, external_codes, segments

NETWORK = {"in": "Y", "out": "N"}


def _members(round_trip):
    """(trace, 2100C loop) for every subscriber of the 271, in order, read by x12sdk."""
    members = []
    for model in eligibility_models(round_trip.response):
        for source in model.loop_2000a:
            for receiver in source.loop_2000b:
                for subscriber in receiver.loop_2000c:
                    members.append((subscriber.trn_segment[0].reference_identification_1, subscriber.loop_2100c))
    return members


def test_a_270_of_over_50_members_becomes_a_271_that_x12sdk_accepts_with_every_trace_in_order(eligibility_round_trip):
    members = _members(eligibility_round_trip)

    assert len(eligibility_round_trip.traces) >= 50
    assert [trace for trace, _ in members] == eligibility_round_trip.traces


def test_every_members_coverage_and_benefits_agree_with_the_runs_result(eligibility_round_trip):
    results = {result.query["extra"]["trace_number"]: result for result in eligibility_round_trip.store.results()}
    found = 0
    for trace, member in _members(eligibility_round_trip):
        result = results.get(trace)
        if result is None or result.outcome.value != "found":
            continue
        answer = result.answer
        eb = [loop.eb_segment for loop in member.loop_2110c]
        coverage, benefits = eb[0], eb[1:]
        assert coverage.eligibility_benefit_information == answer["coverage_status_code"]
        assert coverage.service_type_code == [result.query["service_type"]]
        assert (coverage.insurance_type_code, coverage.plan_coverage_description) == (answer["plan_type"], answer["plan_name"])
        assert len(benefits) == len(answer["benefits"])
        for segment, benefit in zip(benefits, answer["benefits"]):
            assert segment.eligibility_benefit_information == benefit["benefit_code"]
            assert segment.coverage_level_code == benefit["coverage_level"]
            assert segment.service_type_code == [benefit["service_type_code"]]
            assert segment.time_period_qualifier == benefit["time_period"]
            assert segment.benefit_amount == (Decimal(benefit["amount"]) if benefit["amount"] is not None else None)
            assert segment.benefit_percent == (Decimal(benefit["percent"]) if benefit["percent"] is not None else None)
            assert segment.inplan_network_indicator == NETWORK.get(benefit["network"])
        references = {ref.reference_identification_qualifier: ref.reference_identification for ref in member.ref_segment or []}
        assert references.get("6P") == answer["group_number"]
        found += 1
    assert found >= 50


def test_found_members_agree_with_the_portals_ground_truth(eligibility_round_trip, sandbox):
    results = [result for result in eligibility_round_trip.store.results() if result.outcome.value == "found"]
    day = results[0].query["service_date"]
    for service_type in ("30", "98"):
        truth = {
            record["answer"]["member_id"]: record["answer"]
            for record in sandbox.truth_eligibility(date=day, service_type=service_type)
        }
        for result in results:
            if result.query["service_type"] == service_type:
                expected = truth[result.query["member_id"]]
                assert result.answer["coverage_status_code"] == expected["coverage_status_code"]
                assert result.answer["benefits"] == expected["benefits"]


def test_members_not_found_and_bad_requests_get_aaa_rejections(eligibility_round_trip):
    members = dict(_members(eligibility_round_trip))
    rejects = {row["trace_number"]: row for row in eligibility_round_trip.store.rejects()}

    for trace in eligibility_round_trip.unknown_traces:
        aaa = members[trace].aaa_segment[0]
        assert (aaa.response_code, aaa.reject_reason_code, aaa.follow_up_action_code) == ("Y", "75", "C")
        assert not members[trace].loop_2110c
    assert set(rejects) == eligibility_round_trip.bad_traces
    assert "patient_dob" in rejects["BAD00001"]["field"] and "(trace BAD00001)" in rejects["BAD00001"]["reason"]
    aaa = members["BAD00001"].aaa_segment[0]
    assert (aaa.response_code, aaa.reject_reason_code, aaa.follow_up_action_code) == ("N", "58", "C")


def test_the_271_envelope_mirrors_the_270_and_its_counts_and_codes_check_out(eligibility_round_trip):
    text = eligibility_round_trip.response.read_text()
    request = segments(eligibility_round_trip.request.read_text())
    response = segments(text)

    assert envelope_problems(text) == []
    assert text.index("~") == 105
    isa, gs = response[0], response[1]
    assert (isa[6], isa[8], gs[1], gs[8]) == (request[0][8], request[0][6], "HB", "005010X279A1")
    assert response[3][:4] == ["BHT", "0022", "11", request[3][3]]
    codes = external_codes()
    for segment in response:
        if segment[0] == "EB" and len(segment) > 3 and segment[3]:
            assert codes.isValid("service_type", segment[3]), segment
