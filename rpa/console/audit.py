"""The audit log: who saw or looked up which patient or claim, when, and what they did.

Every console page that shows PHI, every lookup, every change to the follow-up queue and to the
accounts adds one entry. Entries are only ever added: the table refuses UPDATE and DELETE. The
log holds PHI (claim numbers, member IDs, patient names) and lives in the owner-only state folder.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from rpa.console.database import ConsoleDatabase, now


class Action(StrEnum):
    """The action names, as they appear in the log and in `rpa console audit --json`."""

    SIGN_IN = "sign_in"
    SIGN_IN_REFUSED = "sign_in_refused"
    SIGN_OUT = "sign_out"
    LOOKUP_CLAIM = "lookup_claim"
    LOOKUP_ELIGIBILITY = "lookup_eligibility"
    VIEW_LOOKUP = "view_lookup"
    VIEW_FOLLOWUP = "view_followup"
    EXPORT_FOLLOWUP = "export_followup"
    FOLLOWUP_ASSIGN = "followup_assign"
    FOLLOWUP_WORKED = "followup_worked"
    FOLLOWUP_SNOOZE = "followup_snooze"
    FOLLOWUP_REOPEN = "followup_reopen"
    VIEW_RUN = "view_run"
    VIEW_REPORT = "view_report"
    RESUME_RUN = "resume_run"
    VIEW_AUDIT = "view_audit"
    USER_ADD = "user_add"
    USER_DISABLE = "user_disable"
    USER_ENABLE = "user_enable"
    USER_RESET_PASSWORD = "user_reset_password"


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    user: str
    action: str
    subject: str
    """Which patient, claim, run or account: `claim CLM44789896 (sandbox)`, `member SBX410965605`."""
    detail: dict[str, Any]
    client: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class AuditLog:
    def __init__(self, database: ConsoleDatabase):
        self.database = database

    def record(self, user: str, action: str, subject: str = "", *, client: str | None = None, **detail: Any) -> None:
        with self.database.connect() as connection:
            connection.execute(
                "INSERT INTO audit (at, user, action, subject, detail, client) VALUES (?, ?, ?, ?, ?, ?)",
                (now(), user, action, subject, json.dumps(detail, default=str, sort_keys=True), client),
            )

    def entries(
        self,
        *,
        since: date | datetime | None = None,
        user: str | None = None,
        action: str | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        """Entries, newest first, from `since` (a date counts from its midnight UTC) on."""
        clauses, values = [], []
        if since is not None:
            clauses.append("at >= ?")
            if isinstance(since, datetime):
                moment = since.astimezone(UTC) if since.tzinfo else since
                values.append(moment.strftime("%Y-%m-%dT%H:%M:%SZ"))
            else:
                values.append(since.isoformat())
        if user:
            clauses.append("user = ? COLLATE NOCASE")
            values.append(user)
        if action:
            clauses.append("action = ?")
            values.append(action)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        bound = f" LIMIT {int(limit)}" if limit else ""
        with self.database.connect() as connection:
            rows = connection.execute(f"SELECT * FROM audit{where} ORDER BY id DESC{bound}", values).fetchall()
        return [
            AuditEntry(row["id"], row["at"], row["user"], row["action"], row["subject"], json.loads(row["detail"]), row["client"])
            for row in rows
        ]


def command_line_user() -> str:
    """Who ran an `rpa console ...` command, for the entries account changes leave."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
