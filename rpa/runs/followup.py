"""The morning follow-up list: every claim a run found that needs a person, with why and what next.

A payer-collections specialist works it by dollars at stake: what the claim should still bring in
(the worklist's expected amount, else the billed amount) less what the payer paid. A claim lands
in exactly one queue, the first of these that applies:

1. `timely_filing`: the payer has not accepted the claim (not on file, or rejected) and its filing
   deadline (service date + the payer's filing limit) is near or past. A claim the payer holds
   was received in time, whatever its status, so it is never at filing risk.
2. `denied` (F2): grouped by the denial's CAS group + CARC, with the usual next step from
   `followup_actions.yaml` (data, so an office can keep its own playbook).
3. `rejected` (A3/A6/A7/A8): missing or invalid information; correct and resubmit.
4. `pended` (P3): the payer asked for information.
5. `not_on_file` (A4): the payer has no record of the claim.
6. `underpaid`: paid less than the worklist's expected amount.
7. `in_process`: received or pending longer than N days since the payer received it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from rpa.core.errors import ConfigError, InputError
from rpa.core.models import Outcome, Task
from rpa.core.queries import parse_date, parse_money
from rpa.core.results import Result
from rpa.core.settings import Settings
from rpa.payers.registry import get_payer
from rpa.runs.store import RunStore

ACTIONS_FILE = Path(__file__).with_name("followup_actions.yaml")
FILING_WARNING_DAYS = 30
IN_PROCESS_DAYS = 30
EXPECTED_COLUMNS = ("expectedamount", "expectedpayment", "expectedreimbursement")
"""Worklist columns (compared without case, spaces or punctuation) that carry an expected amount."""
ZERO = Decimal("0.00")

QUEUE_TITLES = {
    "timely_filing": "Timely filing at risk",
    "denied": "Denied",
    "rejected": "Rejected: missing or invalid information",
    "pended": "Pended: information requested",
    "not_on_file": "Not on file at the payer",
    "underpaid": "Paid less than expected",
    "in_process": "In process too long",
}
REJECTED = frozenset({"A3", "A6", "A7", "A8"})
IN_PROCESS = frozenset({"A0", "A1", "A2", "P0", "P1", "P2", "P4"})


@dataclass(frozen=True)
class FollowUp:
    queue: str
    reason: str
    """Why the claim is on the list, in words a specialist reads aloud on a call."""
    step: str
    """The kind of next step, e.g. `Appeal`; denials share it within their CARC group."""
    action: str
    """What to do, in a sentence."""
    at_stake: Decimal
    item_id: str
    row_number: int | None
    payer: str
    claim_number: str | None
    payer_claim_id: str | None
    member_id: str | None
    patient_name: str | None
    service_date_from: date | None
    status_category: str | None
    status_text: str | None
    billed: Decimal | None
    paid: Decimal | None
    expected: Decimal | None
    code: str | None = None
    """The denial's CAS group + CARC, e.g. `CO-50` (denied claims only)."""
    filing_deadline: date | None = None
    days_in_process: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {key: _plain(value) for key, value in asdict(self).items()}


@dataclass
class FollowUpList:
    run_id: str
    as_of: date
    in_process_days: int
    items: list[FollowUp]
    """Every claim on the list, most dollars at stake first."""
    unanswered: int = 0
    """Items the run could not answer (failed, needs human, pending): they may belong here too."""
    queues: list[dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        self.queues = _queues(self.items, self.in_process_days)

    @property
    def at_stake(self) -> Decimal:
        return sum((item.at_stake for item in self.items), ZERO)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "as_of": self.as_of.isoformat(),
            "in_process_days": self.in_process_days,
            "at_stake": _plain(self.at_stake),
            "unanswered": self.unanswered,
            "queues": [_plain_queue(queue) for queue in self.queues],
            "items": [item.as_dict() for item in self.items],
        }


def build_followup(
    store: RunStore, settings: Settings, *, in_process_days: int = IN_PROCESS_DAYS, as_of: date | None = None
) -> FollowUpList:
    """The follow-up list of a claim-status run, counted as of `as_of` (default: today)."""
    task = store.manifest().task
    if task != Task.CLAIM_STATUS:
        raise InputError(f"run {store.run_id} is not a claim-status run (task: {task}); follow-up lists are for claims")
    as_of = as_of or date.today()
    results = store.results()
    items = []
    for result in results:
        limit = filing_limit(result.payer, settings)
        follow_up = classify(result, as_of=as_of, in_process_days=in_process_days, filing_limit_days=limit)
        if follow_up is not None:
            items.append(follow_up)
    items.sort(key=lambda item: (-item.at_stake, item.row_number or 0))
    unanswered = sum(1 for result in results if result.outcome in (Outcome.FAILED, Outcome.NEEDS_HUMAN)) + len(store.pending())
    return FollowUpList(store.run_id, as_of, in_process_days, items, unanswered)


def filing_limit(payer: str, settings: Settings) -> int | None:
    """The payer's timely-filing limit in days: the deployment's setting, else the flow's."""
    configured = settings.payer(payer).filing_limit_days
    if configured:
        return configured
    try:
        return get_payer(payer).payer.filing_limit_days
    except ConfigError:  # a run reviewed where its payer's flow is not installed
        return None


def classify(result: Result, *, as_of: date, in_process_days: int, filing_limit_days: int | None) -> FollowUp | None:
    """The one queue a claim belongs in, or None when it needs nothing."""
    if result.outcome not in (Outcome.FOUND, Outcome.NOT_FOUND) or result.answer is None:
        return None
    claim = _ClaimView(result)
    category = claim.category
    not_accepted = result.outcome is Outcome.NOT_FOUND or category in REJECTED
    limit = filing_limit_days
    deadline = claim.service_date + timedelta(days=limit) if claim.service_date and limit else None
    if not_accepted and deadline and limit and (deadline - as_of).days <= FILING_WARNING_DAYS:
        return _timely_filing(claim, deadline, as_of, limit)
    if category == "F2":
        return _denied(claim)
    if category in REJECTED:
        by = f" before {deadline.isoformat()}" if deadline else ""
        return claim.follow_up(
            "rejected",
            claim.detail or claim.status_text,
            "Correct and resubmit",
            f"Correct the claim and resubmit it{by}.",
            filing_deadline=deadline,
        )
    if category == "P3":
        detail = claim.detail or "the payer asked for more information"
        return claim.follow_up("pended", detail, "Send the information", f"Send what the payer asked for: {detail}")
    if result.outcome is Outcome.NOT_FOUND:
        left = f"; {(deadline - as_of).days} days left to file" if deadline else ""
        return claim.follow_up(
            "not_on_file",
            f"The payer has no record of this claim{left}",
            "Submit the claim",
            "Check the clearinghouse acceptance report, then submit the claim.",
            filing_deadline=deadline,
        )
    if claim.expected is not None and claim.paid is not None and claim.paid < claim.expected:
        short = claim.expected - claim.paid
        return claim.follow_up(
            "underpaid",
            f"Paid ${claim.paid:,.2f} of the ${claim.expected:,.2f} expected (${short:,.2f} short){claim.adjustment_note}",
            "Appeal the underpayment",
            "Check the payment against the contract; appeal the underpayment if the contract supports it.",
        )
    if category in IN_PROCESS and claim.received:
        days = (as_of - claim.received).days
        if days > in_process_days:
            return claim.follow_up(
                "in_process",
                f"{claim.status_text} since {claim.received.isoformat()}: {days} days without a decision",
                "Call the payer",
                "Call the payer or check the claim for a pend reason.",
                days_in_process=days,
            )
    return None


@cache
def denial_actions() -> dict[str, Any]:
    return yaml.safe_load(ACTIONS_FILE.read_text())


def denial_step(group: str | None, carc: str | None) -> tuple[str, str]:
    """The usual (step, action) for a denial: by group + CARC, then CARC alone, then the default."""
    table = denial_actions()
    entry = table["denials"].get(f"{group}-{carc}") or table["denials"].get(str(carc)) or table["default"]
    return table["steps"][entry["step"]], entry["action"]


# -- helpers ----------------------------------------------------------------------------------


class _ClaimView:
    """A result's claim fields as Python values, with the query's as a fallback for a claim not found."""

    def __init__(self, result: Result):
        self.result = result
        self.answer = result.answer or {}
        query = result.query
        self.category = self.answer.get("status_category")
        self.status_text = self.answer.get("status_text") or ""
        self.detail = self.answer.get("status_detail")
        self.service_date = parse_date(self.answer.get("service_date_from") or query.get("service_date_from"))
        self.received = parse_date(self.answer.get("received_date"))
        self.billed = _money(self.answer.get("billed_amount")) or _money(query.get("billed_amount"))
        self.paid = _money(self.answer.get("paid_amount"))
        self.expected = expected_amount(query)

    @property
    def at_stake(self) -> Decimal:
        owed = self.expected if self.expected is not None else self.billed or ZERO
        return max(owed - (self.paid or ZERO), ZERO)

    @property
    def adjustment_note(self) -> str:
        adjustments = [a for a in self.answer.get("adjustments") or [] if Decimal(a["amount"])]
        if not adjustments:
            return ""
        return "; adjusted " + ", ".join(f"{a['group']}-{a['carc']} ${Decimal(a['amount']):,.2f}" for a in adjustments)

    def follow_up(self, queue: str, reason: str, step: str, action: str, **fields: Any) -> FollowUp:
        query = self.result.query
        return FollowUp(
            queue=queue,
            reason=reason,
            step=step,
            action=action,
            at_stake=self.at_stake,
            item_id=self.result.item_id,
            row_number=self.result.row_number,
            payer=self.result.payer,
            claim_number=self.answer.get("claim_number") or query.get("claim_number"),
            payer_claim_id=self.answer.get("payer_claim_id"),
            member_id=self.answer.get("member_id") or query.get("member_id"),
            patient_name=self.answer.get("patient_name"),
            service_date_from=self.service_date,
            status_category=self.category,
            status_text=self.status_text,
            billed=self.billed,
            paid=self.paid,
            expected=self.expected,
            **fields,
        )


def expected_amount(query: dict[str, Any]) -> Decimal | None:
    """The amount the worklist expected the payer to pay, when it carried such a column."""
    for header, value in (query.get("extra") or {}).items():
        if "".join(ch for ch in header.lower() if ch.isalnum()) in EXPECTED_COLUMNS:
            try:
                return parse_money(value)
            except ValueError:
                return None
    return None


def _denied(claim: _ClaimView) -> FollowUp:
    adjustments = claim.answer.get("adjustments") or []
    primary = max(adjustments, key=lambda a: Decimal(a["amount"]), default=None)
    group, carc = (primary["group"], primary["carc"]) if primary else (None, None)
    step, action = denial_step(group, carc)
    code = f"{group}-{carc}" if primary else None
    words = f"{code} {primary.get('text') or ''}".strip() if primary else "no reason code shown"
    return claim.follow_up("denied", f"Denied: {words}", step, action, code=code)


def _timely_filing(claim: _ClaimView, deadline: date, as_of: date, limit: int) -> FollowUp:
    left = (deadline - as_of).days
    why = "Not on file at the payer" if claim.result.outcome is Outcome.NOT_FOUND else claim.status_text
    rule = f"{deadline.isoformat()}: {limit} days from service on {claim.service_date.isoformat()}"
    if left >= 0:
        return claim.follow_up(
            "timely_filing",
            f"{why}; {left} days left to file (deadline {rule})",
            "File now",
            f"File (or correct and resubmit) before {deadline.isoformat()}.",
            filing_deadline=deadline,
        )
    return claim.follow_up(
        "timely_filing",
        f"{why}; {-left} days past the filing deadline ({rule})",
        "Appeal or write off",
        "Appeal with proof of timely filing (clearinghouse acceptance report), else write off.",
        filing_deadline=deadline,
    )


def _queues(items: list[FollowUp], in_process_days: int) -> list[dict[str, Any]]:
    """Per queue: title, count and dollars; denials also per CARC; the richest queue first."""
    by_queue: dict[str, list[FollowUp]] = defaultdict(list)
    for item in items:
        by_queue[item.queue].append(item)
    queues = []
    for name, members in by_queue.items():
        title = QUEUE_TITLES[name] + (f" (over {in_process_days} days)" if name == "in_process" else "")
        queue: dict[str, Any] = {"queue": name, "title": title, "count": len(members), "at_stake": _total(members)}
        if name == "denied":
            groups: dict[str | None, list[FollowUp]] = defaultdict(list)
            for item in members:
                groups[item.code].append(item)
            queue["groups"] = sorted((_denial_group(code, group) for code, group in groups.items()), key=lambda g: -g["at_stake"])
        queues.append(queue)
    return sorted(queues, key=lambda queue: -queue["at_stake"])


def _denial_group(code: str | None, items: list[FollowUp]) -> dict[str, Any]:
    return {"code": code, "step": items[0].step, "action": items[0].action, "count": len(items), "at_stake": _total(items)}


def _total(items: list[FollowUp]) -> Decimal:
    return sum((item.at_stake for item in items), ZERO)


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _plain(value: Any) -> Any:
    """JSON values as results.jsonl writes them: money as a two-decimal string, dates ISO."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def _plain_queue(queue: dict[str, Any]) -> dict[str, Any]:
    plain = {key: _plain(value) for key, value in queue.items() if key != "groups"}
    if "groups" in queue:
        plain["groups"] = [{key: _plain(value) for key, value in group.items()} for group in queue["groups"]]
    return plain
