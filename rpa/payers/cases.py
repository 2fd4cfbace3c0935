"""A flow's declared test cases: sample queries with the answers the portal must give.

As a yt-dlp extractor carries its tests, a flow carries `cases.yaml` beside it:

    cases:
      - name: a paid claim, by its number
        query: {payer: sandbox, claim_number: CLM44789896}
        expect:
          outcome: found
          answer: {status_category: F1, paid_amount: "231.40"}   # only the fields named are compared
      - name: a corrected claim and its original alike in every searched field
        query: {payer: summit, member_id: SHP727225714, patient_dob: 1992-09-03, service_date_from: 2026-09-03}
        expect: {outcome: needs_human, says: [CLM25622960, CLM32181202]}   # text the message must hold

`rpa payers test PORTAL` runs them through the engine against the configured portal and says,
case by case, which field differs. A case still holding the scaffold's `TODO` is reported as
not written yet rather than run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from rpa.core.errors import ConfigError
from rpa.core.models import Outcome, Task
from rpa.core.queries import QUERY_TYPES, Query

TODO = "TODO"


@dataclass(frozen=True)
class TestCase:
    name: str
    query: Query
    outcome: Outcome
    answer: dict[str, Any]
    says: tuple[str, ...] = ()
    """Text the result's message must hold (the claims a person is asked to choose between)."""

    __test__ = False  # not a pytest class


@dataclass
class CaseResult:
    case: TestCase
    passed: bool
    differences: list[str] = field(default_factory=list)
    outcome: str | None = None

    __test__ = False


def load_cases(path: Path) -> list[TestCase]:
    """The cases in `path`; a case still holding `TODO` raises ConfigError naming it."""
    if not path.is_file():
        raise ConfigError(f"{path} does not exist: add sample queries with their expected answers (see docs/adding-a-payer.md)")
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    raw_cases = document.get("cases") if isinstance(document, dict) else None
    if not isinstance(raw_cases, list) or not raw_cases:
        raise ConfigError(f"{path}: no cases: add sample queries with their expected answers")
    unwritten = [str(raw.get("name", index + 1)) for index, raw in enumerate(raw_cases) if TODO in yaml.safe_dump(raw)]
    if unwritten:
        raise ConfigError(f"{path}: case(s) {', '.join(unwritten)} still hold TODO: fill in a real query and its answer")
    return [_case(path, index, raw) for index, raw in enumerate(raw_cases)]


def compare(case: TestCase, outcome: str, answer: dict[str, Any] | None, error: str | None) -> CaseResult:
    """Does the lookup's result have the case's outcome and every expected answer field?"""
    differences = []
    if outcome != case.outcome.value:
        differences.append(f"outcome: expected {case.outcome.value}, got {outcome}" + (f" ({error})" if error else ""))
    for text in case.says:
        if text not in (error or ""):
            differences.append(f"message: expected it to say {text!r}, got {error!r}")
    for key, expected in case.answer.items():
        actual = (answer or {}).get(key, "(missing)")
        if not _same(expected, actual):
            differences.append(f"{key}: expected {expected!r}, got {actual!r}")
    return CaseResult(case, not differences, differences, outcome)


def _case(path: Path, index: int, raw: Any) -> TestCase:
    where = f"{path}: cases[{index}]"
    if not isinstance(raw, dict) or not isinstance(raw.get("query"), dict) or not isinstance(raw.get("expect"), dict):
        raise ConfigError(f"{where}: needs name, query and expect")
    query_data = {key: value for key, value in raw["query"].items() if key != "task"}
    try:
        task = Task(raw.get("task") or raw["query"].get("task") or _task_of(query_data))
        query = QUERY_TYPES[task](**query_data)
        outcome = Outcome(raw["expect"].get("outcome", "found"))
    except (ValidationError, ValueError) as error:
        raise ConfigError(f"{where}: {error}".splitlines()[0]) from None
    answer = raw["expect"].get("answer") or {}
    says = raw["expect"].get("says") or []
    if not isinstance(answer, dict) or not isinstance(says, list):
        raise ConfigError(f"{where}: expect.answer maps answer fields to their values; expect.says is a list of text")
    return TestCase(str(raw.get("name") or f"case {index + 1}"), query, outcome, answer, tuple(str(text) for text in says))


def _task_of(query: dict[str, Any]) -> Task:
    """A claim is asked for by its number or its dates of service; anything else is eligibility."""
    return Task.CLAIM_STATUS if {"claim_number", "service_date_from"} & set(query) else Task.ELIGIBILITY


def _same(expected: Any, actual: Any) -> bool:
    """YAML's values against the result's JSON: numbers and text compared as text, lists item by item."""
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(_same(e, a) for e, a in zip(expected, actual))
    if isinstance(expected, dict) and isinstance(actual, dict):
        return all(_same(value, actual.get(key)) for key, value in expected.items())
    if expected is None or actual is None or isinstance(expected, bool):
        return expected == actual
    return str(expected) == str(actual)
