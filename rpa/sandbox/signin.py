"""Signing in and out: password (with CSRF token and lockout), CAPTCHA, verification code,
remembered devices, and the session cookie at the end."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from rpa.sandbox.auth import DEVICE_LIFETIME, MAX_CODE_FAILURES, PasswordCheck, PendingSignIn
from rpa.sandbox.captcha import new_challenge, render_svg
from rpa.sandbox.clock import now
from rpa.sandbox.forms import csrf_ok, csrf_token, form_fields, set_csrf_cookie
from rpa.sandbox.render import render, state_of
from rpa.sandbox.sessions import SESSION_COOKIE
from rpa.sandbox.wording import Text

SIGN_IN_COOKIE = "sbx_signin"
CSRF_COOKIE = "sbx_csrf"
DEVICE_COOKIE = "sbx_device"
HOME = "/home"

_LOGIN_NOTICES = {
    "expired": Text.SESSION_EXPIRED,
    "signed_out": Text.SIGNED_OUT,
    "codes": Text.TOO_MANY_CODES,
    "restart": Text.SIGN_IN_AGAIN,
}


async def login_page(request: Request) -> Response:
    state = state_of(request)
    next_path = safe_next(request.query_params.get("next"))
    if state.sessions.touch(request.cookies.get(SESSION_COOKIE), now(), state.settings):
        return RedirectResponse(next_path, 302)
    notice = next((text for flag, text in _LOGIN_NOTICES.items() if request.query_params.get(flag)), None)
    return _login_form(request, next_path, notice=notice)


async def login_submit(request: Request) -> Response:
    state = state_of(request)
    form = await form_fields(request)
    next_path = safe_next(form.get("next"))
    if not _csrf_ok(request, form):
        return _login_form(request, next_path, 400, error=Text.FORM_EXPIRED)
    username = form.get("username", "").strip()
    result = state.accounts.check_password(username, form.get("password", ""), now())
    state.stats.sign_in_event(username, f"password_{result.value}")
    if result is PasswordCheck.LOCKED:
        return _login_form(request, next_path, 403, error=Text.LOCKED, username=username)
    if result is PasswordCheck.WRONG:
        remaining = Text.ATTEMPTS_REMAINING.format(count=state.accounts.attempts_remaining(username))
        return _login_form(request, next_path, 401, error=f"{Text.WRONG_PASSWORD} {remaining}", username=username)
    token, pending = state.pending.start(username, next_path, now())
    if state.accounts.needs_captcha(username, now(), state.settings.captcha_after):
        pending.captcha_answer = new_challenge(state.rng)
        state.stats.sign_in_event(username, "captcha_shown")
        return _with_sign_in_cookie(RedirectResponse("/captcha", 303), token)
    return _after_checks(request, token, pending)


async def mfa_page(request: Request) -> Response:
    token, pending = _pending(request)
    if pending is None or pending.captcha_answer:
        return RedirectResponse("/login?restart=1", 303)
    return _mfa_form(request)


async def mfa_submit(request: Request) -> Response:
    state = state_of(request)
    token, pending = _pending(request)
    form = await form_fields(request)
    if pending is None or pending.captcha_answer:
        return RedirectResponse("/login?restart=1", 303)
    if not _csrf_ok(request, form):
        return _mfa_form(request, 400, Text.FORM_EXPIRED)
    if not state.accounts.verify_code(pending.username, form.get("code", ""), now()):
        state.stats.sign_in_event(pending.username, "code_wrong")
        pending.code_failures += 1
        if pending.code_failures >= MAX_CODE_FAILURES:
            state.pending.finish(token)
            return RedirectResponse("/login?codes=1", 303)
        return _mfa_form(request, 401, Text.WRONG_CODE)
    state.stats.sign_in_event(pending.username, "code_accepted")
    response = _start_session(request, token, pending)
    if form.get("remember"):
        device = state.accounts.remember_device(pending.username, now())
        response.set_cookie(DEVICE_COOKIE, device, max_age=int(DEVICE_LIFETIME.total_seconds()), httponly=True, samesite="lax")
    return response


async def captcha_page(request: Request) -> Response:
    _, pending = _pending(request)
    if pending is None or not pending.captcha_answer:
        return RedirectResponse("/login?restart=1", 303)
    return _captcha_form(request)


async def captcha_image(request: Request) -> Response:
    _, pending = _pending(request)
    if pending is None or not pending.captcha_answer:
        return Response(status_code=404)
    svg = render_svg(pending.captcha_answer, state_of(request).rng)
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


async def captcha_submit(request: Request) -> Response:
    state = state_of(request)
    token, pending = _pending(request)
    form = await form_fields(request)
    if pending is None or not pending.captcha_answer:
        return RedirectResponse("/login?restart=1", 303)
    if not _csrf_ok(request, form):
        return _captcha_form(request, 400, Text.FORM_EXPIRED)
    if form.get("answer", "").strip().upper() != pending.captcha_answer:
        pending.captcha_answer = new_challenge(state.rng)
        return _captcha_form(request, 401, Text.CAPTCHA_WRONG)
    pending.captcha_answer = None
    state.stats.sign_in_event(pending.username, "captcha_solved")
    return _after_checks(request, token, pending)


async def logout(request: Request) -> Response:
    state = state_of(request)
    state.sessions.end(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login?signed_out=1", 303)
    response.delete_cookie(SESSION_COOKIE)
    return response


ROUTES = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login_submit, methods=["POST"]),
    Route("/mfa", mfa_page, methods=["GET"]),
    Route("/mfa", mfa_submit, methods=["POST"]),
    Route("/captcha", captcha_page, methods=["GET"]),
    Route("/captcha", captcha_submit, methods=["POST"]),
    Route("/captcha/image", captcha_image, methods=["GET"]),
    Route("/logout", logout, methods=["GET"]),
]


def safe_next(value: str | None) -> str:
    """Only a path on this portal, so `next` can never send a user elsewhere."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return HOME
    if value.startswith(("/login", "/logout", "/mfa", "/captcha")):
        return HOME
    return value


def sign_in_url(request: Request, expired: bool) -> str:
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?{'expired=1&' if expired else ''}next={quote(path, safe='')}"


def _after_checks(request: Request, token: str, pending: PendingSignIn) -> Response:
    """Past password and CAPTCHA: a remembered device signs in, anyone else gets a code."""
    state = state_of(request)
    if state.accounts.device_user(request.cookies.get(DEVICE_COOKIE), now()) == pending.username:
        state.stats.sign_in_event(pending.username, "device_remembered")
        return _start_session(request, token, pending)
    return _with_sign_in_cookie(RedirectResponse("/mfa", 303), token)


def _start_session(request: Request, token: str, pending: PendingSignIn) -> Response:
    state = state_of(request)
    state.pending.finish(token)
    session = state.sessions.create(pending.username, now(), state.settings)
    state.stats.sign_in_event(pending.username, "signed_in")
    response = RedirectResponse(pending.next_path, 303)
    response.set_cookie(SESSION_COOKIE, session.token, httponly=True, samesite="lax")
    response.delete_cookie(SIGN_IN_COOKIE)
    return response


def _pending(request: Request) -> tuple[str | None, PendingSignIn | None]:
    token = request.cookies.get(SIGN_IN_COOKIE)
    return token, state_of(request).pending.get(token, now())


def _with_sign_in_cookie(response: Response, token: str) -> Response:
    response.set_cookie(SIGN_IN_COOKIE, token, max_age=600, httponly=True, samesite="lax")
    return response


def _csrf_ok(request: Request, form: dict[str, str]) -> bool:
    return csrf_ok(request, form, CSRF_COOKIE)


def _signed_form(request: Request, template: str, status_code: int, **context) -> Response:
    """A sign-in step's form carrying the CSRF token that its cookie repeats."""
    csrf = csrf_token(request, CSRF_COOKIE)
    return set_csrf_cookie(render(request, template, status_code, csrf_token=csrf, **context), CSRF_COOKIE, csrf)


def _login_form(request, next_path, status_code=200, *, notice=None, error=None, username="") -> Response:
    return _signed_form(request, "login.html", status_code, next_path=next_path, notice=notice, error=error, username=username)


def _mfa_form(request, status_code=200, error=None) -> Response:
    return _signed_form(request, "mfa.html", status_code, error=error)


def _captcha_form(request, status_code=200, error=None) -> Response:
    return _signed_form(request, "captcha.html", status_code, error=error)
