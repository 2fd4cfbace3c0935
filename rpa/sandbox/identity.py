"""The identity server of `auth=token`: a second origin (its own port) where the portal's users
sign in, OAuth 2.0 authorization-code style, and from which the v3 app gets its bearer tokens.

It shares the portal's state: the same users, passwords, lockout, one-time codes (no replay
across the two), sessions (`max_sessions`) and statistics. It keeps no session of its own, so
every trip to `/authorize` shows the sign-in form: that is how a person (and the tool) sees
that the portal's session has ended. docs/sandbox-portal.md, "Token sign-in".
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from rpa.sandbox.app import CacheHeaders
from rpa.sandbox.auth import DEVICE_LIFETIME, MAX_CODE_FAILURES, PasswordCheck, PendingSignIn, PendingSignIns
from rpa.sandbox.clock import now
from rpa.sandbox.forms import csrf_ok, csrf_token, form_fields, set_csrf_cookie
from rpa.sandbox.render import TEMPLATES
from rpa.sandbox.spa import CLIENT_ID, callback_url
from rpa.sandbox.state import SandboxState
from rpa.sandbox.wording import PORTAL_NAME, Text

CSRF_COOKIE = "sbx_id_csrf"
SIGN_IN_COOKIE = "sbx_id_signin"
DEVICE_COOKIE = "sbx_id_device"
"""Cookies name their server: cookies ignore ports, so the portal's and these share one jar."""
IDENTITY_NAME = "Sandbox Health ID"
AUTHORIZE_FIELDS = ("response_type", "client_id", "redirect_uri", "state")


def create_identity_app(state: SandboxState) -> Starlette:
    app = Starlette(routes=ROUTES, middleware=[Middleware(CacheHeaders)])
    app.state.portal = state
    app.state.pending = PendingAuthorizations()
    return app


@dataclass
class PendingAuthorization(PendingSignIn):
    """A sign-in between password and code, remembering where its code goes."""

    request: dict[str, str] | None = None


class PendingAuthorizations(PendingSignIns):
    record_type = PendingAuthorization


async def authorize_page(request: Request) -> Response:
    params = dict(request.query_params)
    if not _valid_request(request, params):
        return _refused(request)
    notice = Text.TOO_MANY_CODES if params.get("codes") else None
    return _sign_in_form(request, params, notice=notice)


async def authorize_submit(request: Request) -> Response:
    state = _state(request)
    form = await form_fields(request)
    params = {name: form.get(name, "") for name in AUTHORIZE_FIELDS}
    if not _valid_request(request, params):
        return _refused(request)
    if not csrf_ok(request, form, CSRF_COOKIE):
        return _sign_in_form(request, params, 400, error=Text.FORM_EXPIRED)
    username = form.get("username", "").strip()
    result = state.accounts.check_password(username, form.get("password", ""), now())
    state.stats.sign_in_event(username, f"password_{result.value}")
    if result is PasswordCheck.LOCKED:
        return _sign_in_form(request, params, 403, error=Text.LOCKED, username=username)
    if result is PasswordCheck.WRONG:
        remaining = Text.ATTEMPTS_REMAINING.format(count=state.accounts.attempts_remaining(username))
        return _sign_in_form(request, params, 401, error=f"{Text.WRONG_PASSWORD} {remaining}", username=username)
    token, pending = request.app.state.pending.start(username, "", now())
    pending.request = params
    if state.accounts.device_user(request.cookies.get(DEVICE_COOKIE), now()) == username:
        state.stats.sign_in_event(username, "device_remembered")
        return _back_to_the_portal(request, token, pending)
    response = RedirectResponse("/mfa", 303)
    response.set_cookie(SIGN_IN_COOKIE, token, max_age=600, httponly=True, samesite="lax")
    return response


async def mfa_page(request: Request) -> Response:
    _, pending = _pending(request)
    if pending is None:
        return _refused(request)
    return _code_form(request)


async def mfa_submit(request: Request) -> Response:
    state = _state(request)
    token, pending = _pending(request)
    form = await form_fields(request)
    if pending is None:
        return _refused(request)
    if not csrf_ok(request, form, CSRF_COOKIE):
        return _code_form(request, 400, Text.FORM_EXPIRED)
    if not state.accounts.verify_code(pending.username, form.get("code", ""), now()):
        state.stats.sign_in_event(pending.username, "code_wrong")
        pending.code_failures += 1
        if pending.code_failures >= MAX_CODE_FAILURES:
            request.app.state.pending.finish(token)
            return RedirectResponse("/authorize?" + urlencode({**pending.request, "codes": "1"}), 303)
        return _code_form(request, 401, Text.WRONG_CODE)
    state.stats.sign_in_event(pending.username, "code_accepted")
    response = _back_to_the_portal(request, token, pending)
    if form.get("remember"):
        device = state.accounts.remember_device(pending.username, now())
        response.set_cookie(DEVICE_COOKIE, device, max_age=int(DEVICE_LIFETIME.total_seconds()), httponly=True, samesite="lax")
    return response


async def token(request: Request) -> Response:
    """RFC 6749 4.1.3 and 6: a code or a refresh token for a new access and refresh token."""
    state = _state(request)
    form = await form_fields(request)
    if form.get("client_id") != CLIENT_ID:
        return _cors(request, _oauth_error(401, "invalid_client", "Unknown client."))
    grant = form.get("grant_type")
    if grant == "authorization_code":
        tokens = state.tokens.redeem_code(form.get("code", ""), CLIENT_ID, form.get("redirect_uri", ""), now(), state.settings)
        if tokens is not None:
            state.stats.sign_in_event(tokens.username, "signed_in")
    elif grant == "refresh_token":
        tokens = state.tokens.refresh(form.get("refresh_token", ""), now(), state.settings)
    else:
        return _cors(request, _oauth_error(400, "unsupported_grant_type", "Use authorization_code or refresh_token."))
    if tokens is None:
        return _cors(request, _oauth_error(400, "invalid_grant", "The code or refresh token is invalid, used or expired."))
    return _cors(request, JSONResponse(tokens.as_json(), headers={"Pragma": "no-cache"}))


async def revoke(request: Request) -> Response:
    """RFC 7009: signing out ends the refresh token's sign-in; unknown tokens are fine too."""
    state = _state(request)
    form = await form_fields(request)
    if state.tokens.revoke(form.get("token", "")):
        state.tokens.count("revoked")
    return _cors(request, Response(status_code=200))


async def preflight(request: Request) -> Response:
    return _cors(request, Response(status_code=204), preflight=True)


ROUTES = [
    Route("/authorize", authorize_page, methods=["GET"]),
    Route("/authorize", authorize_submit, methods=["POST"]),
    Route("/mfa", mfa_page, methods=["GET"]),
    Route("/mfa", mfa_submit, methods=["POST"]),
    Route("/token", token, methods=["POST"]),
    Route("/token", preflight, methods=["OPTIONS"]),
    Route("/revoke", revoke, methods=["POST"]),
    Route("/revoke", preflight, methods=["OPTIONS"]),
]


def _state(request: Request) -> SandboxState:
    return request.app.state.portal


def _valid_request(request: Request, params: dict[str, str]) -> bool:
    """Only the portal, asking for a code, for its own callback: never a redirect elsewhere."""
    portal_url = _state(request).portal_url or ""
    return (
        params.get("response_type") == "code"
        and params.get("client_id") == CLIENT_ID
        and bool(portal_url)
        and params.get("redirect_uri") == callback_url(portal_url)
        and bool(params.get("state"))
    )


def _back_to_the_portal(request: Request, token: str, pending: PendingAuthorization) -> Response:
    state = _state(request)
    request.app.state.pending.finish(token)
    code = state.tokens.issue_code(pending.username, CLIENT_ID, pending.request["redirect_uri"], now())
    state.stats.sign_in_event(pending.username, "code_issued")
    target = pending.request["redirect_uri"] + "?" + urlencode({"code": code, "state": pending.request["state"]})
    response = RedirectResponse(target, 303)
    response.delete_cookie(SIGN_IN_COOKIE)
    return response


def _pending(request: Request) -> tuple[str | None, PendingAuthorization | None]:
    token = request.cookies.get(SIGN_IN_COOKIE)
    return token, request.app.state.pending.get(token, now())


def _cors(request: Request, response: Response, preflight: bool = False) -> Response:
    """The portal's origin may read these answers from its page; no other origin may."""
    portal_url = _state(request).portal_url
    origin = request.headers.get("origin")
    if portal_url and origin == portal_url.rstrip("/"):
        response.headers["Access-Control-Allow-Origin"] = origin
        if preflight:
            response.headers["Access-Control-Allow-Methods"] = "POST"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type"
            response.headers["Access-Control-Max-Age"] = "600"
    response.headers["Vary"] = "Origin"
    return response


def _oauth_error(status_code: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code)


def _page(request: Request, template: str, status_code: int, **context) -> HTMLResponse:
    csrf = csrf_token(request, CSRF_COOKIE)
    context = {"identity_name": IDENTITY_NAME, "client_name": PORTAL_NAME, "csrf_token": csrf, **context}
    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)
    return set_csrf_cookie(response, CSRF_COOKIE, csrf)


def _sign_in_form(request, params, status_code=200, *, notice=None, error=None, username="") -> Response:
    fields = {name: params.get(name, "") for name in AUTHORIZE_FIELDS}
    return _page(request, "identity_sign_in.html", status_code, fields=fields, notice=notice, error=error, username=username)


def _code_form(request, status_code=200, error=None) -> Response:
    return _page(request, "identity_mfa.html", status_code, error=error)


def _refused(request: Request) -> Response:
    return _page(request, "identity_refused.html", 400)
