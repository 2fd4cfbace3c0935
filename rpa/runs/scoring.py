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
    wrong: list[tuple[str, list[str]]] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)

    @property
    def checked(self) -> int:
        return self.correct + len(self.wrong)

    @property
    def all_correct(self) -> bool:
        return not self.wrong and not self.unanswered


def truth_key(task: str, query: dict[str, Any]) -> tuple:
    """What identifies a query in the ground truth: the claim number, or member + date + service type."""
    if task == "claim_status":
        if query.get("claim_number"):
            return ("claim", str(query["claim_number"]).upper())
        return ("claim-by-member", str(query["member_id"]).upper(), query["service_date_from"], query["service_date_to"])
    return ("member", str(query["member_id"]).upper(), query.get("service_date"), query.get("service_type") or "30")


def index_truth(records: Iterable[dict[str, Any]]) -> dict[tuple, dict[str, Any]]:
    """Ground-truth records keyed every way a worklist may ask for them."""
    index: dict[tuple, dict[str, Any]] = {}
    for record in records:
        query = record["query"]
        if record["kind"] == "claim_status":
            index[truth_key("claim_status", query)] = record
            by_member = {**query, "claim_number": None}
            index[truth_key("claim_status", by_member)] = record
            index[("claim", str(record["answer"]["payer_claim_id"]).upper())] = record
        else:
            index[truth_key("eligibility", query)] = record
    return index


def score(results: Iterable[Result], truth: dict[tuple, dict[str, Any]]) -> Score:
    """Compare each result's answer with the truth; a query the truth lacks must be not_found."""
    tally = Score()
    for result in results:
        record = truth.get(truth_key(result.task.value, result.query))
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
