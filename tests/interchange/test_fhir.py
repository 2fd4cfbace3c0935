"""`rpa runs export RUN --format fhir`: R4 (4.0.1) Bundles that fhirclient's strict R4 models
accept, one resource per request in the request's order, codes and amounts as the run found them."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from fhirclient.models.bundle import Bundle
from fhirclient.models.claimresponse import ClaimResponse
from fhirclient.models.coverageeligibilityresponse import CoverageEligibilityResponse

from tests.interchange.conftest import rpa

STATUS_CATEGORY = "https://x12.org/codes/claim-status-category-codes"
STATUS_CODE = "https://x12.org/codes/claim-status-codes"


def _export_fhir(round_trip) -> dict:
    exported = rpa("runs", "export", round_trip.store.path, "--format", "fhir")
    assert exported.exit_code == 0, exported.output
    path = exported.output.strip()
    assert oct(__import__("os").stat(path).st_mode & 0o777) == "0o600"
    return json.loads(open(path).read(), parse_float=Decimal)


@pytest.fixture(scope="module")
def claim_bundle(claim_round_trip) -> dict:
    return _export_fhir(claim_round_trip)


@pytest.fixture(scope="module")
def eligibility_bundle(eligibility_round_trip) -> dict:
    return _export_fhir(eligibility_round_trip)


def _strict(bundle: dict) -> dict:
    """The bundle as fhirclient reads JSON (floats), checked strictly against the R4 models."""
    return json.loads(json.dumps(bundle, default=float))


def test_claim_status_bundle_is_valid_r4_with_a_claim_response_per_request_in_order(claim_bundle, claim_round_trip):
    parsed = Bundle(_strict(claim_bundle), strict=True)

    assert parsed.type == "collection"
    assert all(isinstance(entry.resource, ClaimResponse) for entry in parsed.entry)
    assert [entry.resource.request.identifier.value for entry in parsed.entry] == claim_round_trip.traces


def test_claim_responses_carry_the_runs_codes_and_amounts(claim_bundle, claim_round_trip):
    resources = {entry["resource"]["request"]["identifier"]["value"]: entry["resource"] for entry in claim_bundle["entry"]}
    for result in claim_round_trip.store.results():
        resource = resources[result.query["extra"]["trace_number"]]
        answer = result.answer
        codings = resource["extension"][0]["valueCodeableConcept"]["coding"]
        assert {(c["system"], c["code"]) for c in codings} == {
            (STATUS_CATEGORY, answer["status_category"]),
            (STATUS_CODE, answer["status_code"]),
        }
        totals = {total["category"]["coding"][0]["code"]: total["amount"]["value"] for total in resource.get("total", [])}
        assert totals["submitted"] == Decimal(answer["billed_amount"] or result.query["billed_amount"])
        if answer["paid_amount"] is not None:
            assert totals["benefit"] == Decimal(answer["paid_amount"])
        assert resource["outcome"] == "complete"
        assert len(resource.get("adjudication", [])) == len(answer["adjustments"])
        assert len(resource.get("item", [])) == len(answer["lines"])
    rejected = [resource for trace, resource in resources.items() if trace in claim_round_trip.bad_traces]
    assert [resource["outcome"] for resource in rejected] == ["error", "error"]
    assert all(resource["error"][0]["code"]["coding"][0]["code"] == "E0" for resource in rejected)


def test_eligibility_bundle_is_valid_r4_with_benefits_mapped(eligibility_bundle, eligibility_round_trip):
    parsed = Bundle(_strict(eligibility_bundle), strict=True)

    assert all(isinstance(entry.resource, CoverageEligibilityResponse) for entry in parsed.entry)
    assert [entry.resource.request.identifier.value for entry in parsed.entry] == eligibility_round_trip.traces
    resources = {entry["resource"]["request"]["identifier"]["value"]: entry["resource"] for entry in eligibility_bundle["entry"]}
    for result in eligibility_round_trip.store.results():
        resource = resources[result.query["extra"]["trace_number"]]
        if result.outcome.value != "found":
            assert resource["outcome"] == "error"
            assert resource["error"][0]["code"]["coding"][0]["code"] == "75"
            continue
        insurance = resource["insurance"][0]
        assert insurance["inforce"] is result.answer["coverage_active"]
        assert insurance["coverage"]["display"] == result.answer["plan_name"]
        items = insurance.get("item", [])
        assert len(items) == len(result.answer["benefits"])
        for item, benefit in zip(items, result.answer["benefits"]):
            value = item["benefit"][0]
            assert value["type"]["coding"][-1]["code"] == benefit["benefit_code"]
            if benefit["amount"] is not None:
                assert value["allowedMoney"]["value"] == Decimal(benefit["amount"])
            elif benefit["percent"] is not None:
                assert value["allowedUnsignedInt"] == int(Decimal(benefit["percent"]) * 100)
            assert item["category"]["coding"][0]["code"] == benefit["service_type_code"]
