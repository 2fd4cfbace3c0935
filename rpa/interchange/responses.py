"""A run's answer to each request, in the order of the interchange the run came from.

A run that read a 276 or 270 kept it (`request.x12` in the run folder); reading it again gives the
same requests at the same positions, and a request's position is its work item's row number, so
each request finds its result, its reject (a duplicate finds the result of the row it repeats),
or nothing yet (pending). A run from a CSV or XLSX worklist gets a fresh tree built from its items
and rejects, with each item's id as its trace number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from rpa.core.models import Task
from rpa.core.queries import QUERY_TYPES, parse_date, parse_money
from rpa.core.results import Result
from rpa.core.worklist import canonical_column
from rpa.interchange.envelope import DEFAULT_ENVELOPE, Separators
from rpa.interchange.model import GUIDES, Group, Interchange, Level, Request, Seg, Transaction
from rpa.interchange.x12_read import read_interchange
from rpa.runs.store import RunStore

PENDING = "pending"
REJECTED = "rejected"
UNKNOWN = "UNKNOWN"
"""Where the guide requires a name or id the run never knew (a CSV row with a claim number only)."""


@dataclass(frozen=True)
class Answer:
    """What the run has for one request: a result, a reject, or nothing yet."""

    request: Request
    outcome: str
    """The result's outcome, `rejected`, or `pending`."""
    result: Result | None = None
    reject: dict[str, str] | None = None

    @property
    def answer(self) -> dict[str, Any]:
        return (self.result.answer or {}) if self.result else {}

    @property
    def query(self) -> dict[str, Any]:
        return self.result.query if self.result else {}

    @property
    def reject_field(self) -> str:
        return (self.reject or {}).get("field", "")

    @property
    def reason(self) -> str:
        if self.reject:
            return self.reject.get("reason", "")
        if self.result and self.result.error:
            return self.result.error.message
        return ""


@dataclass
class RunAnswers:
    interchange: Interchange
    answers: dict[int, Answer]
    """Request position -> its answer."""
    run_id: str

    def of(self, request: Request) -> Answer:
        return self.answers[request.position]


def run_answers(store: RunStore) -> RunAnswers:
    task = store.manifest().task
    source = store.source()
    interchange = read_interchange(source, store.run_id) if source is not None else fresh_interchange(store, task)
    results = {result.row_number: result for result in store.results()}
    rejects = {int(row["row_number"]): row for row in store.rejects() if str(row.get("row_number", "")).isdigit()}
    answers: dict[int, Answer] = {}
    for request in interchange.requests():
        answers[request.position] = _answer(request, request.position, results, rejects)
    return RunAnswers(interchange, answers, store.run_id)


def _answer(request: Request, row: int, results: dict, rejects: dict, depth: int = 0) -> Answer:
    if row in results:
        return Answer(request, results[row].outcome.value, result=results[row])
    reject = rejects.get(row)
    if reject is not None:
        original = reject.get("duplicate_of_row", "")
        if original.isdigit() and depth < 2:
            return _answer(request, int(original), results, rejects, depth + 1)
        return Answer(request, REJECTED, reject=reject)
    return Answer(request, PENDING)


# -- a fresh tree for CSV and XLSX worklists ---------------------------------------------------


def fresh_interchange(store: RunStore, task: Task) -> Interchange:
    """Payer -> receiver -> provider -> member levels for the run's items and rejects, in row order."""
    entries = [(item.row_number, item.query.model_dump(mode="json"), item.item_id.upper()) for item in store.items()]
    entries += [
        (int(row["row_number"]), _reject_fields(row, task), f"ROW{row['row_number']}")
        for row in store.rejects()
        if row.get("row_number", "").isdigit()
    ]
    entries.sort(key=lambda entry: entry[0])
    results = {result.row_number: result for result in store.results()}
    set_id, functional, guide = GUIDES[task]
    transaction = Transaction(set_id, "0001", store.run_id, 0)
    builder = _TreeBuilder(task, transaction)
    for row, fields, trace in entries:
        result = results.get(row)
        builder.add(row, fields, (result.answer or {}) if result else {}, trace)
    group = Group(
        functional, DEFAULT_ENVELOPE.application_sender, DEFAULT_ENVELOPE.application_receiver, "1", guide, [transaction]
    )
    return Interchange(task=task, envelope=DEFAULT_ENVELOPE, separators=Separators(), groups=[group])


class _TreeBuilder:
    def __init__(self, task: Task, transaction: Transaction):
        self.task = task
        self.transaction = transaction
        self.levels: dict[tuple, Level] = {}

    def add(self, row: int, fields: dict[str, Any], answer: dict[str, Any], trace: str) -> None:
        payer = str(fields.get("payer") or UNKNOWN)
        source = self._level(("20", payer), "20", None, _nm1("PR", "2", payer.upper(), "PI", payer.upper()))
        if self.task is Task.CLAIM_STATUS:
            receiver = self._level(("21", payer), "21", source, _nm1("41", "2", "RPA", "46", "RPA"))
            npi, tax_id = fields.get("provider_npi"), fields.get("provider_tax_id")
            qualifier, identifier = ("XX", npi) if npi else ("FI", str(tax_id).replace("-", "")) if tax_id else ("SV", UNKNOWN)
            provider = self._level(("19", payer, identifier), "19", receiver, _nm1("1P", "2", "PROVIDER", qualifier, identifier))
            member_id = str(fields.get("member_id") or answer.get("member_id") or UNKNOWN)
            last, first = _split_name(answer.get("patient_name"))
            member = self._level(
                ("22", payer, identifier, member_id), "22", provider, _nm1("IL", "1", last, "MI", member_id, first)
            )
            request = Request(row, member, trace=trace)
            request.billed_amount = _money(fields.get("billed_amount"))
            request.service_date_from = _date(fields.get("service_date_from"))
            request.service_date_to = _date(fields.get("service_date_to")) or request.service_date_from
            if fields.get("claim_number"):
                request.references["1K"] = str(fields["claim_number"])
        else:
            npi = fields.get("provider_npi")
            qualifier, identifier = ("XX", npi) if npi else ("SV", UNKNOWN)
            receiver = self._level(("21", payer, identifier), "21", source, _nm1("1P", "2", "PROVIDER", qualifier, identifier))
            asked = (fields.get("patient_last_name"), fields.get("patient_first_name"))
            last, first = asked if asked[0] else _split_name(answer.get("patient_name"))
            member_id = str(fields.get("member_id") or UNKNOWN)
            member = Level("22", "", row, receiver, _nm1("IL", "1", last, "MI", member_id, first))
            receiver.children.append(member)
            dob = _date(fields.get("patient_dob"))
            if dob:
                member.demographics = Seg("DMG", ("DMG", "D8", f"{dob:%Y%m%d}"), 0)
            request = Request(row, member, trace=trace, service_type=str(fields.get("service_type") or "30"))
        request.level.requests.append(request)

    def _level(self, key: tuple, code: str, parent: Level | None, name: Seg) -> Level:
        level = self.levels.get(key)
        if level is None:
            level = self.levels[key] = Level(code, "", 0, parent, name)
            (parent.children if parent else self.transaction.sources).append(level)
        return level


def _reject_fields(row: dict[str, str], task: Task) -> dict[str, Any]:
    """A rejected CSV row's values under the query's field names (its raw columns, as typed)."""
    fields = set(QUERY_TYPES[task].model_fields)
    return {canonical_column(key): value for key, value in row.items() if canonical_column(key) in fields and value}


def _nm1(entity: str, kind: str, name: str, qualifier: str, identifier: str, first: str = "") -> Seg:
    return Seg("NM1", ("NM1", entity, kind, name or UNKNOWN, first, "", "", "", qualifier, identifier), 0)


def _split_name(name: Any) -> tuple[str, str]:
    """(last, first) from the portal's `First Last`; the whole name as last when it is one word."""
    text = " ".join(str(name or "").split())
    if not text:
        return UNKNOWN, UNKNOWN
    first, _, last = text.rpartition(" ")
    return (last, first) if first else (text, "")


def _money(value: Any) -> Decimal | None:
    try:
        return parse_money(value)
    except ValueError:
        return None


def _date(value: Any) -> date | None:
    try:
        return parse_date(value)
    except ValueError:
        return None
