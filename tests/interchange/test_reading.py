"""Reading a billing system's 276 or 270: recognized by content, every request a work item or a
reject with its trace number, a malformed interchange refused naming the segment and position."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rpa.core.errors import InputError
from rpa.core.models import Task
from rpa.core.worklist import load_worklist
from rpa.interchange.x12_read import read_interchange
from tests.interchange.billing import ClaimAsk, MemberAsk, claim_status_request, eligibility_request
from tests.interchange.conftest import rpa

NPI = "1234567893"


def _claim(trace="T1", **changes) -> ClaimAsk:
    fields = dict(
        trace=trace, member_id="SBX100", last_name="DOE", first_name="JANE", dob=date(1970, 1, 2),
        service_from=date(2026, 5, 1), service_to=date(2026, 5, 3), billed=Decimal("120.50"),
        payer_claim_number="2612300000001", patient_control_number="PCN7",
    )  # fmt: skip
    return ClaimAsk(**{**fields, **changes})


def _276(*claims: ClaimAsk, **options) -> str:
    return claim_status_request({NPI: list(claims)}, **options)


def _load(tmp_path, text: str, name: str = "batch.txt", **options):
    path = tmp_path / name
    path.write_text(text)
    return load_worklist(path, **options)


def test_a_276_is_recognized_by_its_content_whatever_its_name(tmp_path):
    worklist = _load(tmp_path, _276(_claim()), name="worklist.csv")

    assert worklist.task is Task.CLAIM_STATUS and worklist.encoding == "x12"
    query = worklist.items[0].query
    assert (query.payer, query.claim_number, query.member_id, query.patient_dob) == (
        "sandbox",
        "2612300000001",
        "SBX100",
        date(1970, 1, 2),
    )
    assert (query.provider_npi, query.service_date_from, query.service_date_to) == (NPI, date(2026, 5, 1), date(2026, 5, 3))
    assert query.billed_amount == Decimal("120.50")
    assert query.extra == {
        "trace_number": "T1", "x12_payer_name": "SANDBOX HEALTH", "x12_payer_id": "SANDBOX", "patient_control_number": "PCN7",
    }  # fmt: skip
    assert worklist.items[0].row_number == 14, "a request's row is its TRN's position (ISA is 1)"
    assert worklist.source.startswith(b"ISA")


def test_a_270_becomes_eligibility_items_with_their_traces(tmp_path):
    ask = MemberAsk("E1", "SBX200", "ROE", "RICHARD", date(1961, 7, 8), date(2026, 11, 2), "98")
    worklist = _load(tmp_path, eligibility_request([ask], npi=NPI), name="members.x12")

    query = worklist.items[0].query
    assert worklist.task is Task.ELIGIBILITY
    assert (query.member_id, query.patient_dob, query.patient_last_name, query.patient_first_name) == (
        "SBX200",
        date(1961, 7, 8),
        "ROE",
        "RICHARD",
    )
    assert (query.service_date, query.service_type, query.provider_npi) == (date(2026, 11, 2), "98", NPI)
    assert query.extra["trace_number"] == "E1"


def test_separators_and_line_breaks_are_the_interchanges_own(tmp_path):
    text = _276(_claim(), separators="|>!\x1e", line_break="")

    interchange = read_interchange(text.encode())
    assert (interchange.separators.element, interchange.separators.component, interchange.separators.segment) == (
        "|",
        ">",
        "\x1e",
    )
    assert interchange.separators.line_break == ""
    assert _load(tmp_path, text).items[0].query.claim_number == "2612300000001"


def test_bad_requests_in_a_good_interchange_are_rejects_carrying_their_trace(tmp_path):
    text = _276(_claim("GOOD"), _claim("BADDOB", member_id="SBX101", dob=date(2099, 1, 1)), _claim("BADAMT", billed=Decimal("1")))
    text = text.replace(
        "TRN*1*BADAMT~\nREF*1K*2612300000001~\nREF*EJ*PCN7~\nAMT*T3*1~",
        "TRN*1*BADAMT~\nREF*1K*2612300000001~\nREF*EJ*PCN7~\nAMT*T3*ONE~",
    )
    worklist = _load(tmp_path, text)

    assert [item.query.extra["trace_number"] for item in worklist.items] == ["GOOD"]
    rejects = {reject.row["trace_number"]: reject for reject in worklist.rejects}
    assert rejects["BADDOB"].field == "DMG02 (patient_dob)" and "(trace BADDOB)" in rejects["BADDOB"].reason
    assert rejects["BADAMT"].field == "AMT02" and "'ONE' is not an amount" in rejects["BADAMT"].reason


def test_the_same_claim_asked_twice_is_answered_with_the_first(tmp_path):
    worklist = _load(tmp_path, _276(_claim("FIRST"), _claim("AGAIN")))

    assert len(worklist.items) == 1
    (reject,) = worklist.rejects
    assert reject.row["duplicate_of_row"] == str(worklist.items[0].row_number) and reject.row["trace_number"] == "AGAIN"


def test_a_payer_maps_by_id_or_name_and_an_unknown_one_is_a_reject_naming_it(tmp_path):
    by_name = _load(tmp_path, _276(_claim(), payer_name="Summit Health Plan", payer_id="87726"))
    unknown = _load(tmp_path, _276(_claim(), payer_name="ACME CARE", payer_id="99999"))
    defaulted = _load(tmp_path, _276(_claim(), payer_name="ACME CARE", payer_id="99999"), default_payer="prairie")

    assert by_name.items[0].query.payer == "summit"
    assert unknown.rejects[0].field == "2100A NM1*PR" and "unknown payer 'ACME CARE' (NM109 '99999')" in unknown.rejects[0].reason
    assert "known payers: lakeshore, prairie, sandbox, summit" in unknown.rejects[0].reason
    assert defaulted.items[0].query.payer == "prairie"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("SE*15*0001", "SE*14*0001"), "segment 17 (SE): SE count of 14 for SE02=0001 is wrong"),
        (lambda t: t.replace("GE*1*1", "GE*2*1"), "segment 18 (GE): GE count of 2 for GE02=1 is wrong. I count 1"),
        (lambda t: t.replace("IEA*1*000000001", "IEA*1*000000002"), "segment 19 (IEA): IEA id=000000002 does not match ISA"),
        (lambda t: t.replace("005010X212", "004010X093A1"), "segment 2 (GS): GS08 version '004010X093A1' is not 005010X212"),
        (lambda t: t.replace("*00501*", "*00401*"), "segment 1 (ISA): ISA12 is '00401': only version 00501"),
        (lambda t: t.replace("NM1*IL*1*DOE*JANE****MI*SBX100~\n", "").replace("SE*15", "SE*14"),
         "segment 13 (TRN*1): loop 2100D (NM1) must come before the claim's TRN"),
        (lambda t: t.replace("HL*2*1*21*1~\nNM1*41*2*BILLING DESK*****46*BILL01~\n", "").replace("HL*3*2*19", "HL*2*1*19")
         .replace("HL*4*3*22", "HL*3*2*22").replace("SE*15", "SE*13"),
         "segment 7 (HL*2): loop 2000C must sit under a 2000B level (HL03 21)"),
        (lambda t: t.replace("NM1*1P*2*CLINIC*****XX*1234567893~\n", "").replace("SE*15", "SE*14"),
         "segment 10 (HL*4): loop 2100C (NM1*1P) is missing in the 2000C level at segment 9"),
        (lambda t: t.replace("BHT*0010*13", "BHT*0010*08"), "segment 4 (BHT): BHT02 '08' is not 13 (request)"),
        (lambda t: t.replace("DTP*472*RD8", "PWK*472*RD8"), "segment 16 (PWK): is not expected in loop 2200D"),
        (lambda t: t.replace("ST*276*0001*005010X212", "ST*837*0001*005010X212"), "segment 3 (ST): ST01 '837' is not 276"),
    ],
    ids=["se-count", "ge-count", "iea-control", "gs-version", "isa-version", "missing-2100D", "missing-2000B", "missing-2100C",
         "response-not-request", "unexpected-segment", "wrong-transaction"],
)  # fmt: skip
def test_a_malformed_interchange_is_refused_naming_the_segment_and_its_position(tmp_path, change, message):
    text = change(_276(_claim()).replace("REF*1K*2612300000001~\n", "").replace("REF*EJ*PCN7~\n", "").replace("SE*17", "SE*15"))

    with pytest.raises(InputError) as refused:
        _load(tmp_path, text)
    assert message in str(refused.value)


def test_rpa_run_exits_2_on_a_malformed_interchange(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RPA_CONFIG", raising=False)
    path = tmp_path / "claims.276"
    path.write_text(_276(_claim()).replace("GE*1*1", "GE*3*1"))

    ran = rpa("run", path)
    assert ran.exit_code == 2
    assert "segment 20 (GE): GE count of 3" in ran.output
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())
