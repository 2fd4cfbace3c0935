"""Who may see a signed-in page or call the portal's endpoints: a live session, checked on every
request (an unanswered timeout warning past its grace ends it here), and the CSRF token of the
signed-in forms."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from rpa.sandbox.clearinghouse.render import api_error, render
from rpa.sandbox.clearinghouse.signin import CSRF_COOKIE, SESSION_COOKIE, sign_in_url
from rpa.sandbox.clearinghouse.state import state_of
from rpa.sandbox.clearinghouse.wording import Text
from rpa.sandbox.clock import now
from rpa.sandbox.forms import csrf_token, set_csrf_cookie
from rpa.sandbox.sessions import Session

Page = Callable[[Request, Session], Awaitable[Response]]


def signed_in(landing: str | None = None) -> Callable[[Page], Callable[[Request], Awaitable[Response]]]:
    """Run the page with the live session, else send the browser to sign in and come back: to
    the page itself, or to `landing` for a page that cannot be asked for again by its URL (a
    posted form, a page inside the shell's iframe)."""

    def decorate(page: Page) -> Callable[[Request], Awaitable[Response]]:
        @wraps(page)
        async def guarded(request: Request) -> Response:
            token = request.cookies.get(SESSION_COOKIE)
            session = state_of(request).live_session(token, now())
            if session is None:
                path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(sign_in_url(landing or path, expired=bool(token)), 303)
            return await page(request, session)

        return guarded

    return decorate


def api_signed_in(endpoint: Page) -> Callable[[Request], Awaitable[Response]]:
    """401 with a reason instead of a redirect: a script, not a person, reads the answer."""

    @wraps(endpoint)
    async def guarded(request: Request) -> Response:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return api_error(401, "not_signed_in", Text.SESSION_EXPIRED)
        session = state_of(request).live_session(token, now())
        if session is None:
            return api_error(401, "session_expired", Text.SESSION_EXPIRED)
        return await endpoint(request, session)

    return guarded


def page_with_form(request: Request, session: Session, template: str, status_code: int = 200, **context) -> Response:
    """A signed-in page whose form carries the CSRF token that its cookie repeats."""
    state = state_of(request)
    token = csrf_token(request, CSRF_COOKIE)
    user = state.user(session.username).display_name
    response = render(request, template, status_code, user=user, csrf_token=token, **context)
    return set_csrf_cookie(response, CSRF_COOKIE, token)
