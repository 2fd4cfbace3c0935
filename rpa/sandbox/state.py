"""Everything one running portal holds: its data and users, the settings in force, and the
sign-in, session and traffic state that `POST /__sandbox/reset` clears."""

from __future__ import annotations

import random
from datetime import datetime

from rpa.sandbox.auth import Accounts, PendingSignIns, User
from rpa.sandbox.records import PortalData
from rpa.sandbox.sessions import SessionStore
from rpa.sandbox.settings import Settings
from rpa.sandbox.stats import PortalStats
from rpa.sandbox.ui import VARIANTS, Variant


class PortalState:
    def __init__(self, data: PortalData, users: tuple[User, ...], settings: Settings):
        self.data = data
        self.users = users
        self.startup_settings = settings
        self.settings = settings
        self.accounts = Accounts(users)
        self.pending = PendingSignIns()
        self.sessions = SessionStore()
        self.stats = PortalStats()
        self.rng = random.Random()
        """For obstacles, modals and CAPTCHAs: chance, not data, so deliberately unseeded."""

    @property
    def variant(self) -> Variant:
        return VARIANTS[self.settings.ui]

    def user(self, username: str) -> User | None:
        return self.accounts.users.get(username)

    def reset(self) -> None:
        """Sessions, lockouts, remembered devices, CAPTCHA windows, used codes and stats."""
        self.accounts.reset()
        self.pending.reset()
        self.sessions.reset()
        self.stats.reset()

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
