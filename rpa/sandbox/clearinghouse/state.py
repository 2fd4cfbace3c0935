"""Everything the running clearinghouse holds: the state every sandbox portal has, plus its
session-timeout warnings, and the session check that lets an unanswered warning end a session."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from starlette.requests import Request

from rpa.sandbox.clearinghouse.data import ClearinghouseData
from rpa.sandbox.clearinghouse.settings import ClearinghouseSettings
from rpa.sandbox.clearinghouse.truth import truth_records
from rpa.sandbox.clearinghouse.users import ClearinghouseAccounts, ClearinghouseUser, StagedSignIns
from rpa.sandbox.clearinghouse.warnings import SessionWarnings, WarningEnd
from rpa.sandbox.clearinghouse.wording import SERVICE_TYPES
from rpa.sandbox.sessions import Session
from rpa.sandbox.state import PortalState

PORTAL = "clearinghouse"


def state_of(request: Request) -> ClearinghouseState:
    return request.app.state.portal


class ClearinghouseState(PortalState):
    accounts_type = ClearinghouseAccounts
    pending_type = StagedSignIns
    service_types = SERVICE_TYPES
    data: ClearinghouseData
    settings: ClearinghouseSettings
    accounts: ClearinghouseAccounts
    pending: StagedSignIns

    def __init__(self, data: ClearinghouseData, users: tuple[ClearinghouseUser, ...], settings: ClearinghouseSettings):
        super().__init__(data, users, settings)
        self.warnings = SessionWarnings()

    def user(self, username: str) -> ClearinghouseUser | None:
        return self.accounts.users.get(username)

    def live_session(self, token: str | None, now: datetime) -> Session | None:
        """The session for a cookie, its idle clock restarted; None once expired, ended, or ended
        now because one of its windows left a timeout warning unanswered past the grace period."""
        session = self.sessions.touch(token, now, self.settings)
        if session is None:
            return None
        if self.warnings.overdue(session.token, now, self.settings.session_warning_grace_s):
            self.end_session(session, WarningEnd.TOO_LATE)
            return None
        return session

    def end_session(self, session: Session, how: WarningEnd | None = None) -> None:
        """End a session: by its timeout warning (`how`), or by signing out."""
        self.sessions.end(session.token)
        if how is None:
            self.warnings.forget(session.token)
        else:
            self.warnings.end(session.token, session.username, how)

    def reset(self) -> None:
        super().reset()
        self.warnings.reset()

    def health(self) -> dict:
        return {**super().health(), "portal": PORTAL}

    def truth_records(self, kind: str | None, on_date: date | None, service_type: str) -> Iterator[dict]:
        return truth_records(self.data, kind, on_date, service_type)

    def stats_report(self, now: datetime) -> dict:
        report = super().stats_report(now)
        for username, sessions in report["sessions"].items():
            sessions["ended_by_warning"] = self.warnings.report(username)
        report["sessions_ended_by_warning"] = self.warnings.totals()
        report["session_warnings"] = {
            "shown": sum(self.warnings.shown.values()),
            "continued": sum(self.warnings.continued.values()),
        }
        return report
