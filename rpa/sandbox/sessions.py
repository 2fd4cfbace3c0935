"""Signed-in sessions: idle and absolute expiry, and a per-user limit that ends the oldest session."""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from rpa.sandbox.settings import PortalSettings

SESSION_COOKIE = "sbx_session"
"""The first portal's session cookie (auth=cookie)."""


@dataclass
class Session:
    token: str
    username: str
    created: datetime
    last_seen: datetime


class SessionStore:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._sessions: dict[str, Session] = {}
        self.peak: dict[str, int] = defaultdict(int)
        self.ended_by_limit: dict[str, int] = defaultdict(int)

    def create(self, username: str, now: datetime, settings: PortalSettings) -> Session:
        """A new session; when the user already has `max_sessions`, the oldest ones end."""
        own = sorted(self._live(now, settings, username), key=lambda s: s.created)
        while own and len(own) >= settings.max_sessions:
            del self._sessions[own.pop(0).token]
            self.ended_by_limit[username] += 1
        session = Session(secrets.token_urlsafe(32), username, now, now)
        self._sessions[session.token] = session
        self.peak[username] = max(self.peak[username], len(own) + 1)
        return session

    def touch(self, token: str | None, now: datetime, settings: PortalSettings) -> Session | None:
        """The live session for a cookie, its idle clock restarted; None once expired or ended."""
        session = self._sessions.get(token or "")
        if session is None:
            return None
        if _expired(session, now, settings):
            del self._sessions[session.token]
            return None
        session.last_seen = now
        return session

    def peek(self, token: str | None, now: datetime, settings: PortalSettings) -> Session | None:
        """The live session for a token, its idle clock left alone: for looking, not using."""
        session = self._sessions.get(token or "")
        return None if session is None or _expired(session, now, settings) else session

    def end(self, token: str | None) -> None:
        self._sessions.pop(token or "", None)

    def expire(self, username: str | None = None) -> int:
        """End every session (of one user); how many ended."""
        ended = [t for t, s in self._sessions.items() if username is None or s.username == username]
        for token in ended:
            del self._sessions[token]
        return len(ended)

    def active(self, now: datetime, settings: PortalSettings) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for session in self._live(now, settings):
            counts[session.username] += 1
        return dict(counts)

    def _live(self, now: datetime, settings: PortalSettings, username: str | None = None) -> list[Session]:
        """Sessions still alive, dropping the expired ones on the way."""
        live = []
        for session in list(self._sessions.values()):
            if _expired(session, now, settings):
                del self._sessions[session.token]
            elif username is None or session.username == username:
                live.append(session)
        return live


def _expired(session: Session, now: datetime, settings: PortalSettings) -> bool:
    idle = timedelta(seconds=settings.session_idle_s)
    lifetime = timedelta(seconds=settings.session_max_s)
    return now - session.last_seen > idle or now - session.created > lifetime
