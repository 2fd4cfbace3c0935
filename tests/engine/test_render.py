"""The answers a specialist reads on the phone, at a narrow (80 columns) and a wide terminal."""

from __future__ import annotations

from rich.console import Console

from rpa.cli.render import result_view
from rpa.sandbox.data import generate
from rpa.sandbox.truth import claim_truth, eligibility_truth


def shown(answer: dict, width: int, task: str = "eligibility") -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(result_view({"outcome": "found", "task": task, "answer": answer}))
    return console.export_text()


def an_active_member_with_a_deductible_met_in_part() -> dict:
    for member in generate().members:
        answer = eligibility_truth(member).model_dump(mode="json")
        deductibles = [b for b in answer["benefits"] if b["benefit_code"] == "C" and b["time_period"] == "29"]
        if answer["coverage_active"] and any(b["authorization_required"] for b in answer["benefits"]) and deductibles:
            return answer
    raise AssertionError("no active member with a deductible and an authorization note in the seed data")


def test_at_80_columns_every_amount_met_remaining_and_auth_is_whole():
    answer = an_active_member_with_a_deductible_met_in_part()

    text = shown(answer, 80)

    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text
    for benefit in answer["benefits"]:
        if benefit["amount"] is not None:
            assert f"${float(benefit['amount']):,.2f}" in text
    assert "Auth" in text and "yes" in text


def test_a_wide_terminal_also_shows_the_portals_notes():
    answer = an_active_member_with_a_deductible_met_in_part()
    narrow, wide = shown(answer, 80), shown(answer, 160)
    notes = [b["text"] for b in answer["benefits"] if b["authorization_required"] and b["text"]]

    assert notes and all("authorization" in note.lower() for note in notes)
    assert "Notes" in wide and "authorization" in wide
    assert "Notes" not in narrow and "authorization" not in narrow  # the notes stay in --json


def test_at_80_columns_a_denied_claims_line_amounts_and_adjustments_are_whole():
    answer = next(
        answer
        for answer in (claim_truth(claim).model_dump(mode="json") for claim in generate().claims)
        if answer["status_category"] == "F2" and len(answer["lines"]) >= 3
    )

    text = shown(answer, 80, task="claim_status")

    assert max(len(line) for line in text.splitlines()) <= 80
    for line in answer["lines"]:
        assert f"${float(line['billed_amount']):,.2f}" in text
        for adjustment in line["adjustments"]:
            assert f"{adjustment['group']}-{adjustment['carc']} {adjustment['amount']}" in text


def test_at_80_columns_every_clearinghouse_member_keeps_the_auth_column_whole():
    from rpa.sandbox.clearinghouse.data import generate as generate_clearinghouse
    from rpa.sandbox.clearinghouse.truth import eligibility_truth as clearinghouse_truth

    data = generate_clearinghouse(members=60, claims=10)
    for member in data.members:
        answer = clearinghouse_truth(data, member).model_dump(mode="json")
        if answer["benefits"]:
            text = shown(answer, 80)
            assert max(len(line) for line in text.splitlines()) <= 80
            assert "Auth" in text and "Au…" not in text and " Au " not in text
