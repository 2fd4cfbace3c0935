"""The follow-up queue as one worklist: every claim the latest runs say needs a person, with who
has it, what was done and when it comes back.

The list itself is `rpa.runs.followup.build_followup`, run over the claim-status runs of the last
`WINDOW_DAYS` (batches and one-off lookups alike), newest first: a claim's newest answer decides
whether it is on the list and in which queue, so a claim paid since drops off, and a lookup from
the console refreshes its row. A claim is known across runs by its payer and claim number (or, for
one found without a number, the work item's content id), and its state (assignee, worked with a
note, snoozed until a date, and every note) lives in the console's database under that key, so a
new run of the same claim keeps it. A claim marked worked comes back to the open list when a later
answer puts it in another queue or status than the one it was worked in.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from rpa.console.database import ConsoleDatabase, now
from rpa.core.errors import InputError
from rpa.core.models import Outcome, Task
from rpa.core.results import Result
from rpa.core.settings import Settings
from rpa.runs.export import FOLLOWUP_COLUMNS, workbook_bytes
from rpa.runs.followup import QUEUE_TITLES, FollowUp, FollowUpList, build_followup
from rpa.runs.review import list_runs
from rpa.runs.store import RESULTS, RunStore

WINDOW_DAYS = 30
AGE_BUCKETS: dict[str, tuple[int, int | None]] = {
    "0-30": (0, 30),
    "31-60": (31, 60),
    "61-90": (61, 90),
    "91-180": (91, 180),
    "over-180": (181, None),
}
"""Days since the date of service, the aging a billing office reports receivables by."""
QUEUE_LABELS = {
    "timely_filing": "Timely filing",
    "denied": "Denied",
    "rejected": "Rejected",
    "pended": "Pended",
    "not_on_file": "Not on file",
    "underpaid": "Underpaid",
    "in_process": "In process",
}
"""Short names for a table cell; the queue's full title (`QUEUE_TITLES`) is in its tooltip and the totals."""
VIEWS = {
    "open": "Open",
    "mine": "Assigned to me",
    "snoozed": "Snoozed",
    "worked": "Worked",
    "all": "All",
}
STATE_COLUMNS = ["state", "assignee", "worked_by", "worked_at", "snoozed_until", "last_note", "age_days", "run_id"]


@dataclass(frozen=True)
class Note:
    at: str
    author: str
    action: str
    note: str


@dataclass
class ClaimState:
    assignee: str | None = None
    worked_at: str | None = None
    worked_by: str | None = None
    worked_queue: str | None = None
    worked_status: str | None = None
    snoozed_until: str | None = None
    notes: list[Note] = field(default_factory=list)


@dataclass
class QueueItem:
    key: str
    follow_up: FollowUp
    run_id: str
    state: ClaimState
    age_days: int | None
    as_of: date

    @property
    def changed_since_worked(self) -> bool:
        """Worked, but a later answer put the claim in another queue or status."""
        return bool(self.state.worked_at) and (self.state.worked_queue, self.state.worked_status) != (
            self.follow_up.queue,
            self.follow_up.status_category,
        )

    @property
    def status(self) -> str:
        """open, snoozed or worked, as the queue shows it today."""
        if self.state.worked_at and not self.changed_since_worked:
            return "worked"
        if self.state.snoozed_until and self.state.snoozed_until > self.as_of.isoformat():
            return "snoozed"
        return "open"

    def export_row(self) -> dict[str, Any]:
        last = self.state.notes[-1].note if self.state.notes else ""
        return {
            **asdict(self.follow_up),
            "state": self.status,
            "assignee": self.state.assignee,
            "worked_by": self.state.worked_by if self.status == "worked" else None,
            "worked_at": self.state.worked_at if self.status == "worked" else None,
            "snoozed_until": date.fromisoformat(self.state.snoozed_until) if self.status == "snoozed" else None,
            "last_note": last,
            "age_days": self.age_days,
            "run_id": self.run_id,
        }


@dataclass(frozen=True)
class Filters:
    queue: str = ""
    payer: str = ""
    age: str = ""
    view: str = "open"

    def __post_init__(self) -> None:
        for name, value, known in (
            ("queue", self.queue, QUEUE_TITLES),
            ("age", self.age, AGE_BUCKETS),
            ("view", self.view, VIEWS),
        ):
            if value and value not in known:
                raise InputError(f"{name}: unknown value {value!r}")

    def query(self) -> dict[str, str]:
        return {key: value for key, value in asdict(self).items() if value}


class FollowUpBoard:
    def __init__(self, database: ConsoleDatabase, settings: Settings, *, window_days: int = WINDOW_DAYS):
        self.database = database
        self.settings = settings
        self.window_days = window_days
        self._cache: dict[str, tuple[tuple, FollowUpList, set[str]]] = {}
        self._cache_lock = threading.Lock()

    # -- reading ----------------------------------------------------------------------------

    def items(self, *, as_of: date | None = None) -> list[QueueItem]:
        """Every claim on the follow-up lists of the latest runs, most dollars at stake first."""
        as_of = as_of or date.today()
        seen: set[str] = set()
        chosen: list[tuple[str, FollowUp, str]] = []
        for overview in list_runs(self.settings.runs_dir, since=as_of - timedelta(days=self.window_days)):
            if overview.task != Task.CLAIM_STATUS.value or overview.status == "running":
                continue
            listing, answered = self._run_followup(RunStore(overview.path), as_of)
            for follow_up in listing.items:
                key = claim_key(follow_up.payer, follow_up.claim_number, follow_up.item_id)
                if key not in seen:
                    chosen.append((key, follow_up, overview.run_id))
            seen |= answered
        states = self.states([key for key, _, _ in chosen])
        items = [
            QueueItem(key, follow_up, run_id, states.get(key) or ClaimState(), _age(follow_up, as_of), as_of)
            for key, follow_up, run_id in chosen
        ]
        items.sort(key=lambda item: (-item.follow_up.at_stake, item.key))
        return items

    def find(self, key: str) -> QueueItem | None:
        return next((item for item in self.items() if item.key == key), None)

    def states(self, keys: list[str]) -> dict[str, ClaimState]:
        states: dict[str, ClaimState] = {}
        with self.database.connect() as connection:
            for row in connection.execute("SELECT * FROM followup_state"):
                values = {name: row[name] for name in row.keys() if name in ClaimState.__dataclass_fields__}
                states[row["claim_key"]] = ClaimState(**values)
            for row in connection.execute("SELECT * FROM followup_notes ORDER BY id"):
                states.setdefault(row["claim_key"], ClaimState()).notes.append(
                    Note(row["at"], row["author"], row["action"], row["note"])
                )
        wanted = set(keys)
        return {key: state for key, state in states.items() if key in wanted}

    # -- working the queue ----------------------------------------------------------------

    def assign(self, item: QueueItem, assignee: str | None, by: str, note: str = "") -> None:
        self._change(item.key, by, "assigned to " + assignee if assignee else "unassigned", note, assignee=assignee)

    def mark_worked(self, item: QueueItem, by: str, note: str) -> None:
        if not note.strip():
            raise InputError("note: say what was done (it stays with the claim)")
        self._change(
            item.key,
            by,
            "worked",
            note,
            worked_at=now(),
            worked_by=by,
            worked_queue=item.follow_up.queue,
            worked_status=item.follow_up.status_category,
            snoozed_until=None,
        )

    def snooze(self, item: QueueItem, until: date, by: str, note: str = "") -> None:
        if until <= date.today():
            raise InputError("snooze until: a day after today")
        self._change(item.key, by, f"snoozed until {until.isoformat()}", note, snoozed_until=until.isoformat())

    def reopen(self, item: QueueItem, by: str, note: str = "") -> None:
        self._change(
            item.key,
            by,
            "reopened",
            note,
            worked_at=None,
            worked_by=None,
            worked_queue=None,
            worked_status=None,
            snoozed_until=None,
        )

    def export(self, items: list[QueueItem]) -> bytes:
        """The worklist as shown, for a spreadsheet: the follow-up columns of `rpa runs export`
        plus the queue's state."""
        return workbook_bytes({"Follow-up": (FOLLOWUP_COLUMNS + STATE_COLUMNS, [item.export_row() for item in items])})

    # -- helpers ----------------------------------------------------------------------------

    def _change(self, key: str, by: str, action: str, note: str, **fields: Any) -> None:
        stamp = now()
        with self.database.connect() as connection:
            connection.execute("INSERT OR IGNORE INTO followup_state (claim_key, updated_at) VALUES (?, ?)", (key, stamp))
            assignments = ", ".join(f"{name} = ?" for name in fields)
            connection.execute(
                f"UPDATE followup_state SET {assignments}, updated_at = ? WHERE claim_key = ?", (*fields.values(), stamp, key)
            )
            connection.execute(
                "INSERT INTO followup_notes (claim_key, at, author, action, note) VALUES (?, ?, ?, ?, ?)",
                (key, stamp, by, action, note.strip()),
            )

    def _run_followup(self, store: RunStore, as_of: date) -> tuple[FollowUpList, set[str]]:
        """A finished run's follow-up list and the claims it answered, cached while its results file is unchanged."""
        results_file = store.path / RESULTS
        stat = results_file.stat() if results_file.exists() else None
        signature = (stat.st_mtime_ns, stat.st_size, as_of) if stat else (0, 0, as_of)
        with self._cache_lock:
            cached = self._cache.get(store.run_id)
        if cached is not None and cached[0] == signature:
            return cached[1], cached[2]
        listing = build_followup(store, self.settings, as_of=as_of)
        answered = {result_key(result) for result in store.results() if result.outcome in (Outcome.FOUND, Outcome.NOT_FOUND)}
        with self._cache_lock:
            self._cache[store.run_id] = (signature, listing, answered)
        return listing, answered


def filtered(items: list[QueueItem], filters: Filters, user: str) -> list[QueueItem]:
    chosen = []
    low, high = AGE_BUCKETS.get(filters.age, (None, None))
    for item in items:
        if filters.queue and item.follow_up.queue != filters.queue:
            continue
        if filters.payer and item.follow_up.payer != filters.payer:
            continue
        if filters.age and (item.age_days is None or item.age_days < low or (high is not None and item.age_days > high)):
            continue
        if filters.view == "mine" and (item.state.assignee or "").lower() != user.lower():
            continue
        if filters.view in ("open", "snoozed", "worked") and item.status != filters.view:
            continue
        chosen.append(item)
    return chosen


def queue_totals(items: list[QueueItem]) -> list[dict[str, Any]]:
    """Per queue: its title, how many claims and the dollars at stake, the richest first."""
    totals: dict[str, dict[str, Any]] = {}
    for item in items:
        queue = totals.setdefault(
            item.follow_up.queue,
            {"queue": item.follow_up.queue, "title": QUEUE_TITLES[item.follow_up.queue], "count": 0, "at_stake": Decimal("0")},
        )
        queue["count"] += 1
        queue["at_stake"] += item.follow_up.at_stake
    return sorted(totals.values(), key=lambda queue: -queue["at_stake"])


def claim_key(payer: str, claim_number: str | None, item_id: str) -> str:
    return f"{payer}:{claim_number}" if claim_number else f"{payer}:item:{item_id}"


def result_key(result: Result) -> str:
    answer = result.answer or {}
    return claim_key(result.payer, answer.get("claim_number") or result.query.get("claim_number"), result.item_id)


def _age(follow_up: FollowUp, as_of: date) -> int | None:
    return (as_of - follow_up.service_date_from).days if follow_up.service_date_from else None
