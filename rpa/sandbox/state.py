"""Everything one running portal holds: its data and users, the settings in force, and the
sign-in, session and traffic state that `POST /__sandbox/reset` clears.

`PortalState` is what every sandbox portal has and what the admin endpoints read; each portal
adds its own (`SandboxState`: the first portal's UI variant and ground truth).
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from datetime import date, datetime

from starlette.requests import Request

from rpa.sandbox.auth import Accounts, PendingSignIns, User
from rpa.sandbox.clock import now
from rpa.sandbox.rate_limit import RequestWindows
from rpa.sandbox.records import PortalData
from rpa.sandbox.sessions import SESSION_COOKIE, SessionStore
from rpa.sandbox.settings import PortalSettings, Settings
from rpa.sandbox.stats import PortalStats
from rpa.sandbox.tokens import TokenStore
from rpa.sandbox.truth import truth_records
from rpa.sandbox.ui import SERVER_PAGES, VARIANTS, Variant
from rpa.sandbox.wording import SERVICE_TYPES


def portal_state(request: Request) -> PortalState:
    """The state of the portal serving `request`, whichever portal that is."""
    return request.app.state.portal


class PortalState:
    accounts_type: type[Accounts] = Accounts
    pending_type: type[PendingSignIns] = PendingSignIns
    service_types: Mapping[str, str] = {}
    """The service-type codes the portal's eligibility answers for, with their words."""

    def __init__(self, data: PortalData, users: tuple[User, ...], settings: PortalSettings):
        self.data = data
        self.users = users
        self.startup_settings = settings
        self.settings = settings
        self.accounts = self.accounts_type(users)
        self.pending = self.pending_type()
        self.sessions = SessionStore()
        self.stats = PortalStats()
        self.rng = random.Random()
        """For obstacles, modals and CAPTCHAs: chance, not data, so deliberately unseeded."""

    def check_settings(self, settings: PortalSettings) -> None:
        """ValueError when this running portal cannot take `settings` (beyond their own validation)."""

    def user(self, username: str) -> User | None:
        return self.accounts.users.get(username)

    def reset(self) -> None:
        """Sessions, lockouts, remembered devices, CAPTCHA windows, used codes and stats."""
        self.accounts.reset()
        self.pending.reset()
        self.sessions.reset()
        self.stats.reset()

    def health(self) -> dict:
        data = self.data
        return {"status": "ok", "seed": data.seed, "members": len(data.members), "claims": len(data.claims)}

    def truth_records(self, kind: str | None, on_date: date | None, service_type: str) -> Iterator[dict]:
        raise NotImplementedError

    def stats_report(self, now: datetime) -> dict:
        active = self.sessions.active(now, self.settings)
        users = sorted(set(active) | set(self.sessions.peak))
        return {
            **self.stats.as_dict(),
            "sessions": {
                user: {
                    "active": active.get(user, 0),
                    "peak": self.sessions.peak.get(user, 0),
                    "ended_by_limit": self.sessions.ended_by_limit.get(user, 0),
                }
                for user in users
            },
            "sessions_ended_by_limit": sum(self.sessions.ended_by_limit.values()),
        }


class SandboxState(PortalState):
    """The first portal (docs/sandbox-portal.md), with its rate limit, its bearer tokens and the
    identity server that issues them (`identity_url`, set once that server listens)."""

    settings: Settings
    service_types = SERVICE_TYPES

    def __init__(self, data: PortalData, users: tuple[User, ...], settings: Settings):
        super().__init__(data, users, settings)
        self.windows = RequestWindows()
        self.tokens = TokenStore(self.sessions)
        self.identity_url: str | None = None
        self.portal_url: str | None = None

    @property
    def variant(self) -> Variant:
        """The variant of the pages the server renders (v3 renders only sign-in and status pages)."""
        return VARIANTS[SERVER_PAGES[self.settings.ui]]

    def check_settings(self, settings: Settings) -> None:
        if settings.auth == "token" and not self.identity_url:
            raise ValueError("auth=token needs the identity server: this portal was started without it (serve with --auth token)")

    @property
    def rate_limit(self) -> int:
        return self.settings.rate_limit

    def request_user(self, request: Request) -> str | None:
        if self.settings.auth == "token":
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            session = self.tokens.user_of(token, now(), self.settings, activity=False) if scheme.lower() == "bearer" else None
        else:
            session = self.sessions.peek(request.cookies.get(SESSION_COOKIE), now(), self.settings)
        return session.username if session else None

    def reset(self) -> None:
        super().reset()
        self.windows.reset()
        self.tokens.reset()

    def health(self) -> dict:
        return {**super().health(), "ui": self.settings.ui, "auth": self.settings.auth, "identity_url": self.identity_url}

    def stats_report(self, now: datetime) -> dict:
        return {**super().stats_report(now), **self.windows.as_dict(), "tokens": self.tokens.as_dict()}

    def truth_records(self, kind: str | None, on_date: date | None, service_type: str) -> Iterator[dict]:
        return truth_records(self.data, kind, on_date, service_type)
