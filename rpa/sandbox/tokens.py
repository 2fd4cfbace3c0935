"""Bearer tokens for `auth=token`: one-time authorization codes, short-lived access tokens and
rotating refresh tokens, each tied to a session of `SessionStore`.

A sign-in (one token family) is one session, so the session rules hold for tokens as they do
for cookies: `max_sessions` ends the oldest family, the absolute lifetime and the idle limit end
a family, and ending a session (admin, limit, sign-out) makes its tokens worthless at once.
API calls are activity (they restart the idle clock); refreshing is not, so a page left open
with nobody using it still reaches its idle limit.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from rpa.sandbox.sessions import Session, SessionStore
from rpa.sandbox.settings import PortalSettings

CODE_LIFETIME = timedelta(seconds=60)


@dataclass(frozen=True)
class AuthorizationCode:
    username: str
    client_id: str
    redirect_uri: str
    expires: datetime


@dataclass
class AccessToken:
    session: str
    """The token family: the session's own token, never handed out."""
    expires: datetime


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    username: str

    def as_json(self) -> dict:
        return {
            "access_token": self.access_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "refresh_token": self.refresh_token,
        }


class TokenStore:
    def __init__(self, sessions: SessionStore) -> None:
        self.sessions = sessions
        self.reset()

    def reset(self) -> None:
        self._codes: dict[str, AuthorizationCode] = {}
        self._access: dict[str, AccessToken] = {}
        self._refresh: dict[str, str] = {}
        self.counts: Counter[str] = Counter()

    def issue_code(self, username: str, client_id: str, redirect_uri: str, now: datetime) -> str:
        code = secrets.token_urlsafe(24)
        self._codes[code] = AuthorizationCode(username, client_id, redirect_uri, now + CODE_LIFETIME)
        return code

    def redeem_code(
        self, code: str, client_id: str, redirect_uri: str, now: datetime, settings: PortalSettings
    ) -> TokenPair | None:
        """A new sign-in's tokens for a code (once, before it expires, for the client and redirect
        it was issued to); a session starts, ending the oldest beyond `max_sessions`."""
        issued = self._codes.pop(code, None)
        if issued is None or issued.expires <= now or (issued.client_id, issued.redirect_uri) != (client_id, redirect_uri):
            return None
        session = self.sessions.create(issued.username, now, settings)
        self.counts["issued"] += 1
        return self._pair(session, now, settings)

    def refresh(self, refresh_token: str, now: datetime, settings: PortalSettings) -> TokenPair | None:
        """New tokens for a refresh token, which is used up (rotation); None once its sign-in ended."""
        family = self._refresh.pop(refresh_token, None)
        session = self.sessions.peek(family, now, settings)
        if session is None:
            self.counts["refresh_failed"] += 1
            return None
        self.counts["refreshed"] += 1
        return self._pair(session, now, settings)

    def user_of(self, access_token: str | None, now: datetime, settings: PortalSettings, *, activity: bool) -> Session | None:
        """The live session an access token speaks for; `activity` restarts its idle clock."""
        issued = self._access.get(access_token or "")
        if issued is None or issued.expires <= now:
            return None
        if activity:
            return self.sessions.touch(issued.session, now, settings)
        return self.sessions.peek(issued.session, now, settings)

    def revoke(self, refresh_token: str) -> bool:
        """Sign out: the refresh token's sign-in ends, and with it every token of the family;
        False when the token was unknown or already used."""
        family = self._refresh.pop(refresh_token, None)
        self.sessions.end(family)
        return family is not None

    def expire_access_tokens(self) -> int:
        """Every access token expires now (refresh tokens still work); how many there were."""
        count = len(self._access)
        self._access.clear()
        return count

    def count(self, event: str) -> None:
        self.counts[event] += 1

    def as_dict(self) -> dict:
        return {event: self.counts[event] for event in ("issued", "refreshed", "refresh_failed", "rejected", "revoked")}

    def _pair(self, session: Session, now: datetime, settings) -> TokenPair:
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self._access[access] = AccessToken(session.token, now + timedelta(seconds=settings.token_ttl_s))
        self._refresh[refresh] = session.token
        return TokenPair(access, refresh, max(1, round(settings.token_ttl_s)), session.username)
