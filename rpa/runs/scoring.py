"""Scoring results against a portal's ground truth, field by field.

The sandbox exports, for every claim and member, the answer a correct lookup must return; the
demo, the tests and the benchmarks all score the tool's results with this one function, so
"correct" means the same thing everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rpa.core.results import Result


@dataclass
class Score:
    correct: int = 0
    expected_not_found: int = 0
    expected_needs_human: int = 0
    """Member searches the truth says only a person can settle (a corrected claim and its
    original alike in every searched field), answered as needing a person who is told both."""
    wrong: list[tuple[str, list[str]]] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)

    @property
    def checked(self) -> int:
        return self.correct + len(self.wrong)

    @property
    def all_correct(self) -> bool:
        return not self.wrong and not self.unanswered


def truth_key(task: str, query: dict[str, Any]) -> tuple:
    """What identifies a query in the ground truth: the payer and claim number, or member +
    service dates (+ billed amount when the query gives one), or member + date + service type."""
    payer = str(query.get("payer") or "").lower()
    if task == "claim_status":
        if query.get("claim_number"):
            return ("claim", payer, str(query["claim_number"]).upper())
        member = str(query["member_id"]).upper()
        return (
            "claim-by-member",
            payer,
            member,
            query["service_date_from"],
            query["service_date_to"],
            query.get("billed_amount"),
        )
    return ("member", payer, str(query["member_id"]).upper(), query.get("service_date"), query.get("service_type") or "30")


def index_truth(records: Iterable[dict[str, Any]]) -> dict[tuple, dict[str, Any]]:
    """Ground-truth records keyed every way a worklist may ask for them. A member search that
    several claims answer alike (a corrected claim and its original) expects `needs_human`."""
    index: dict[tuple, dict[str, Any]] = {}
    same_visit: dict[tuple, list[dict[str, Any]]] = {}
    for record in records:
        query = record["query"]
        if record["kind"] != "claim_status":
            index[truth_key("eligibility", query)] = record
            continue
        index[truth_key("claim_status", query)] = record
        index[("claim", str(query.get("payer") or "").lower(), str(record["answer"]["payer_claim_id"]).upper())] = record
        search = record.get("member_search") or {"outcome": "found"}
        by_member = truth_key("claim_status", {**query, "claim_number": None})
        index[by_member] = record if search["outcome"] == "found" else _needs_human(search["claim_numbers"])
        same_visit.setdefault(truth_key("claim_status", {**query, "claim_number": None, "billed_amount": None}), []).append(
            record
        )
    for key, visit in same_visit.items():
        numbers = sorted(record["answer"]["claim_number"] for record in visit)
        index[key] = visit[0] if len(visit) == 1 else _needs_human(numbers)
    return index


def score(results: Iterable[Result], truth: dict[tuple, dict[str, Any]]) -> Score:
    """Compare each result's answer with the truth; a query the truth lacks must be not_found."""
    tally = Score()
    for result in results:
        record = truth.get(truth_key(result.task.value, result.query))
        if record is not None and record.get("outcome") == "needs_human":
            message = result.error.message if result.error else ""
            named = all(number in message for number in record["claim_numbers"])
            if result.outcome.value == "needs_human" and named:
                tally.correct += 1
                tally.expected_needs_human += 1
            else:
                expected = f"needs_human naming {', '.join(record['claim_numbers'])}"
                tally.wrong.append((result.item_id, [f"outcome: expected {expected}, got {result.outcome.value}: {message}"]))
            continue
        if result.outcome.value not in ("found", "not_found"):
            tally.unanswered.append(result.item_id)
            continue
        if record is None:
            if result.outcome.value == "not_found":
                tally.correct += 1
                tally.expected_not_found += 1
            else:
                tally.wrong.append((result.item_id, ["outcome: found, but the truth has no such record"]))
            continue
        differences = compare(record["answer"], result.answer or {})
        if record.get("outcome", "found") != result.outcome.value:
            differences.insert(0, f"outcome: expected {record.get('outcome', 'found')}, got {result.outcome.value}")
        if differences:
            tally.wrong.append((result.item_id, differences))
        else:
            tally.correct += 1
    return tally


def _needs_human(claim_numbers: list[str]) -> dict[str, Any]:
    return {"outcome": "needs_human", "claim_numbers": claim_numbers}


def compare(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Every field where `actual` differs from `expected`, as `path: expected X, got Y`."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        differences = []
        for key in sorted(set(expected) | set(actual)):
            differences.extend(compare(expected.get(key), actual.get(key), f"{path}.{key}" if path else key))
        return differences
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: expected {len(expected)} entries, got {len(actual)}"]
        differences = []
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            differences.extend(compare(left, right, f"{path}[{index}]"))
        return differences
    if expected != actual:
        return [f"{path}: expected {expected!r}, got {actual!r}"]
    return []
