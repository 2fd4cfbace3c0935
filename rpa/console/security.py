"""Who is asking: signed session cookies with an idle expiry, CSRF on every form, role checks.

The session is a cookie signed with the console's secret (Starlette's `SessionMiddleware`,
HttpOnly, SameSite=Lax) holding the account name, its `session_epoch`, a CSRF token and when the
person was last active. A request is signed in only while the account is active, its epoch
unchanged (disabling, a password reset or signing out end every session), the person was active
within the idle limit (15 minutes unless `rpa console serve --idle-minutes` says otherwise) and
the session is younger than its absolute limit. Progress polling (`/api/...`) does not count as
activity, so a page left open still expires.

Every POST must carry the session's CSRF token (a form field or the `X-CSRF-Token` header), and
a browser's Origin (or Referer) must be this console: a form on another site that posts here with
the user's cookie is refused before it does anything.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request

from rpa.console.users import Role, User

SESSION_COOKIE = "rpa_console"
MAX_SESSION_HOURS = 12
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
PASSIVE_PREFIX = "/api/"


class NotSignedIn(Exception):
    """No session, or one that ended: pages answer with the sign-in page, `/api/` with 401."""

    def __init__(self, reason: str = ""):
        super().__init__(reason)
        self.reason = reason


class Forbidden(Exception):
    def __init__(self, user: User, needed: Role):
        super().__init__(f"{user.role.value} cannot open a {needed.value} page")
        self.user = user
        self.needed = needed


class CsrfRefused(Exception):
    """A form post without this session's token, or from another site."""


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (the sign-in page makes it before sign-in)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


async def csrf_protect(request: Request) -> None:
    """An app-wide dependency: every unsafe request must come from this console's own pages."""
    if request.method in SAFE_METHODS:
        return
    if not _same_origin(request):
        raise CsrfRefused("cross-site request")
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = (await request.form()).get(CSRF_FIELD)
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(expected, sent):
        raise CsrfRefused("missing or wrong token")


def start_session(request: Request, user: User) -> None:
    """A fresh session for a signed-in account (a new CSRF token: nothing from before carries over)."""
    moment = time.time()
    request.session.clear()
    request.session.update(user=user.name, epoch=user.session_epoch, since=moment, seen=moment, csrf=secrets.token_urlsafe(32))


def signed_in_user(request: Request) -> User:
    """The account behind this request's session, or NotSignedIn."""
    session = request.session
    name = session.get("user")
    if not name:
        raise NotSignedIn()
    console = request.app.state.console
    user = console.users.find(name)
    moment = time.time()
    reason = ""
    if user is None or not user.active or user.session_epoch != session.get("epoch"):
        reason = "signed out"
    elif moment - float(session.get("seen", 0)) > console.idle_minutes * 60:
        reason = f"signed out after {console.idle_minutes:g} minutes without activity"
    elif moment - float(session.get("since", 0)) > MAX_SESSION_HOURS * 3600:
        reason = f"signed out after {MAX_SESSION_HOURS} hours"
    if reason:
        session.clear()
        raise NotSignedIn(reason)
    if not request.url.path.startswith(PASSIVE_PREFIX):
        session["seen"] = moment
    request.state.user = user
    return user


def requires(role: Role) -> Callable[..., User]:
    """A dependency: the signed-in account, when its role allows `role`'s pages."""

    def check(user: Annotated[User, Depends(signed_in_user)]) -> User:
        if not user.role.allows(role):
            raise Forbidden(user, role)
        return user

    return check


def client_of(request: Request) -> str | None:
    return request.client.host if request.client else None


def _same_origin(request: Request) -> bool:
    """The browser's Origin header (or, lacking it, the Referer) names this console's host."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if source is None:
        return True  # not a browser form (a browser sends Origin with every POST); the token still decides
    return urlsplit(source).netloc == request.headers.get("host", "")
