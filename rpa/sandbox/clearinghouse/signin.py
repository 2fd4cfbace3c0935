"""Signing in the older way, one step a page: username, password (lockout, CAPTCHA), how to get
the code (only the authenticator app works), one-time code, the security question on a device
the portal does not know, the terms of use once per user; then the session cookie."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from rpa.sandbox.auth import DEVICE_LIFETIME, MAX_CODE_FAILURES, PasswordCheck
from rpa.sandbox.captcha import new_challenge, render_svg
from rpa.sandbox.clearinghouse.render import render, status_page
from rpa.sandbox.clearinghouse.state import state_of
from rpa.sandbox.clearinghouse.users import StagedSignIn
from rpa.sandbox.clearinghouse.wording import Text
from rpa.sandbox.clock import now
from rpa.sandbox.forms import csrf_ok, csrf_token, form_fields, set_csrf_cookie

SESSION_COOKIE = "CPSESSIONID"
SIGN_IN_COOKIE = "cp_signin"
CSRF_COOKIE = "cp_csrf"
DEVICE_COOKIE = "cp_device"
HOME = "/home"

_LOGIN_NOTICES = {
    "expired": Text.SESSION_EXPIRED,
    "signed_out": Text.SIGNED_OUT,
    "restart": Text.RESTART,
    "codes": Text.TOO_MANY_CODES,
    "declined": Text.TERMS_DECLINED,
}
_CODE_METHODS = ("app", "text", "call")


async def login_page(request: Request) -> Response:
    state = state_of(request)
    next_path = safe_next(request.query_params.get("next"))
    if state.live_session(request.cookies.get(SESSION_COOKIE), now()):
        return RedirectResponse(next_path, 302)
    notice = next((text for flag, text in _LOGIN_NOTICES.items() if request.query_params.get(flag)), None)
    return _form(request, "login.html", next_path=next_path, notice=notice)


async def login_submit(request: Request) -> Response:
    state = state_of(request)
    form = await form_fields(request)
    next_path = safe_next(form.get("next"))
    if not csrf_ok(request, form, CSRF_COOKIE):
        return _form(request, "login.html", 400, next_path=next_path, error=Text.FORM_EXPIRED)
    username = form.get("username", "").strip()
    if not username:
        return _form(request, "login.html", 400, next_path=next_path, error=Text.REQUIRED.format(label=Text.USERNAME))
    token, _ = state.pending.start(username, next_path, now())
    state.stats.sign_in_event(username, "username_entered")
    return _with_sign_in_cookie(RedirectResponse("/login/password", 303), token)


async def password_page(request: Request) -> Response:
    return await _at(request, lambda p: not p.password_ok, lambda p: _password_form(request, p))


async def password_submit(request: Request) -> Response:
    state = state_of(request)
    token, pending = _pending(request)
    if pending is None or pending.password_ok:
        return _restart()
    form = await form_fields(request)
    if not csrf_ok(request, form, CSRF_COOKIE):
        return _password_form(request, pending, 400, Text.FORM_EXPIRED)
    result = state.accounts.check_password(pending.username, form.get("password", ""), now())
    state.stats.sign_in_event(pending.username, f"password_{result.value}")
    if result is PasswordCheck.LOCKED:
        return _password_form(request, pending, 403, Text.LOCKED)
    if result is PasswordCheck.WRONG:
        remaining = state.accounts.attempts_remaining(pending.username)
        return _password_form(request, pending, 401, Text.WRONG_PASSWORD.format(count=remaining))
    pending.password_ok = True
    if state.accounts.needs_captcha(pending.username, now(), state.settings.captcha_after):
        pending.captcha_answer = new_challenge(state.rng)
        state.stats.sign_in_event(pending.username, "captcha_shown")
        return RedirectResponse("/login/captcha", 303)
    return RedirectResponse("/login/method", 303)


async def captcha_page(request: Request) -> Response:
    return await _at(request, _solving_captcha, lambda p: _form(request, "captcha.html"))


async def captcha_image(request: Request) -> Response:
    _, pending = _pending(request)
    if pending is None or not pending.captcha_answer:
        return Response(status_code=404)
    return Response(render_svg(pending.captcha_answer, state_of(request).rng), media_type="image/svg+xml")


async def captcha_submit(request: Request) -> Response:
    state = state_of(request)
    _, pending = _pending(request)
    if pending is None or not _solving_captcha(pending):
        return _restart()
    form = await form_fields(request)
    if not csrf_ok(request, form, CSRF_COOKIE):
        return _form(request, "captcha.html", 400, error=Text.FORM_EXPIRED)
    if form.get("answer", "").strip().upper() != pending.captcha_answer:
        pending.captcha_answer = new_challenge(state.rng)
        return _form(request, "captcha.html", 401, error=Text.CAPTCHA_WRONG)
    pending.captcha_answer = None
    state.stats.sign_in_event(pending.username, "captcha_solved")
    return RedirectResponse("/login/method", 303)


async def method_page(request: Request) -> Response:
    return await _at(request, _choosing_method, lambda p: _method_form(request, p))


async def method_submit(request: Request) -> Response:
    state = state_of(request)
    _, pending = _pending(request)
    if pending is None or not _choosing_method(pending):
        return _restart()
    form = await form_fields(request)
    if not csrf_ok(request, form, CSRF_COOKIE):
        return _method_form(request, pending, 400, Text.FORM_EXPIRED)
    method = form.get("method", "")
    if method not in _CODE_METHODS:
        return _method_form(request, pending, 400, Text.METHOD_REQUIRED)
    state.stats.sign_in_event(pending.username, f"method_{method}")
    if method != "app":
        return _method_form(request, pending, 503, Text.METHOD_UNAVAILABLE)
    pending.method_chosen = True
    return RedirectResponse("/login/code", 303)


async def code_page(request: Request) -> Response:
    return await _at(request, _entering_code, lambda p: _form(request, "code.html"))


async def code_submit(request: Request) -> Response:
    state = state_of(request)
    token, pending = _pending(request)
    if pending is None or not _entering_code(pending):
        return _restart()
    form = await form_fields(request)
    if not csrf_ok(request, form, CSRF_COOKIE):
        return _form(request, "code.html", 400, error=Text.FORM_EXPIRED)
    if not state.accounts.verify_code(pending.username, form.get("code", ""), now()):
        state.stats.sign_in_event(pending.username, "code_wrong")
        pending.code_failures += 1
        if pending.code_failures >= MAX_CODE_FAILURES:
            state.pending.finish(token)
            return RedirectResponse("/login?codes=1", 303)
        return _form(request, "code.html", 401, error=Text.WRONG_CODE)
    state.stats.sign_in_event(pending.username, "code_accepted")
    pending.code_ok = True
    if state.accounts.device_user(request.cookies.get(DEVICE_COOKIE), now()) == pending.username:
        state.stats.sign_in_event(pending.username, "device_remembered")
        pending.answer_ok = True
        return _after_identity(request, token, pending)
    state.stats.sign_in_event(pending.username, "question_asked")
    return RedirectResponse("/login/security-question", 303)


async def question_page(request: Request) -> Response:
    return await _at(request, _answering_question, lambda p: _question_form(request, p))


async def question_submit(request: Request) -> Response:
    state = state_of(request)
    token, pending = _pending(request)
    if pending is None or not _answering_question(pending):
        return _restart()
    form = await form_fields(request)
    if not csrf_ok(request, form, CSRF_COOKIE):
        return _question_form(request, pending, 400, Text.FORM_EXPIRED)
    result = state.accounts.check_answer(pending.username, form.get("answer", ""))
    state.stats.sign_in_event(pending.username, f"answer_{result.value}")
    if result is PasswordCheck.LOCKED:
        state.pending.finish(token)
        return _question_form(request, pending, 403, Text.LOCKED)
    if result is PasswordCheck.WRONG:
        remaining = state.accounts.answers_remaining(pending.username)
        return _question_form(request, pending, 401, Text.WRONG_ANSWER.format(count=remaining))
    pending.answer_ok = True
    response = _after_identity(request, token, pending)
    if form.get("remember"):
        device = state.accounts.remember_device(pending.username, now())
        state.stats.sign_in_event(pending.username, "device_registered")
        max_age = int(DEVICE_LIFETIME.total_seconds())
        response.set_cookie(DEVICE_COOKIE, device, max_age=max_age, httponly=True, samesite="lax")
    return response


async def terms_page(request: Request) -> Response:
    return await _at(request, lambda p: p.answer_ok, lambda p: _form(request, "terms.html"))


async def terms_submit(request: Request) -> Response:
    state = state_of(request)
    token, pending = _pending(request)
    if pending is None or not pending.answer_ok:
        return _restart()
    form = await form_fields(request)
    if not csrf_ok(request, form, CSRF_COOKIE):
        return _form(request, "terms.html", 400, error=Text.FORM_EXPIRED)
    if form.get("action") == "decline":
        state.stats.sign_in_event(pending.username, "terms_declined")
        state.pending.finish(token)
        return RedirectResponse("/login?declined=1", 303)
    if not form.get("agree"):
        return _form(request, "terms.html", 400, error=Text.MUST_AGREE)
    state.accounts.terms_accepted.add(pending.username)
    state.stats.sign_in_event(pending.username, "terms_accepted")
    return _start_session(request, token, pending)


async def logout(request: Request) -> Response:
    state = state_of(request)
    session = state.sessions.touch(request.cookies.get(SESSION_COOKIE), now(), state.settings)
    if session is not None:
        state.end_session(session)
    response = RedirectResponse("/login?signed_out=1", 303)
    response.delete_cookie(SESSION_COOKIE)
    return response


async def forgot_username(request: Request) -> Response:
    return status_page(request, 200, Text.FORGOT_USERNAME, Text.FORGOT_USERNAME_BODY)


ROUTES = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login_submit, methods=["POST"]),
    Route("/login/password", password_page, methods=["GET"]),
    Route("/login/password", password_submit, methods=["POST"]),
    Route("/login/captcha", captcha_page, methods=["GET"]),
    Route("/login/captcha", captcha_submit, methods=["POST"]),
    Route("/login/captcha/image", captcha_image, methods=["GET"]),
    Route("/login/method", method_page, methods=["GET"]),
    Route("/login/method", method_submit, methods=["POST"]),
    Route("/login/code", code_page, methods=["GET"]),
    Route("/login/code", code_submit, methods=["POST"]),
    Route("/login/security-question", question_page, methods=["GET"]),
    Route("/login/security-question", question_submit, methods=["POST"]),
    Route("/login/terms", terms_page, methods=["GET"]),
    Route("/login/terms", terms_submit, methods=["POST"]),
    Route("/login/forgot-username", forgot_username, methods=["GET"]),
    Route("/logout", logout, methods=["GET"]),
]


def safe_next(value: str | None) -> str:
    """Only a signed-in page of this portal, so `next` can never send a user elsewhere."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\", "/login", "/logout", "/api/", "/session")):
        return HOME
    return value


def sign_in_url(next_path: str, expired: bool) -> str:
    return f"/login?{'expired=1&' if expired else ''}next={quote(next_path, safe='')}"


def _after_identity(request: Request, token: str, pending: StagedSignIn) -> Response:
    """Past code and question: the terms of use once per user, then the session."""
    state = state_of(request)
    if pending.username not in state.accounts.terms_accepted:
        state.stats.sign_in_event(pending.username, "terms_shown")
        return RedirectResponse("/login/terms", 303)
    return _start_session(request, token, pending)


def _start_session(request: Request, token: str, pending: StagedSignIn) -> Response:
    state = state_of(request)
    state.pending.finish(token)
    session = state.sessions.create(pending.username, now(), state.settings)
    state.stats.sign_in_event(pending.username, "signed_in")
    response = RedirectResponse(pending.next_path, 303)
    response.set_cookie(SESSION_COOKIE, session.token, httponly=True, samesite="lax")
    response.delete_cookie(SIGN_IN_COOKIE)
    return response


def _solving_captcha(pending: StagedSignIn) -> bool:
    return pending.password_ok and bool(pending.captcha_answer)


def _choosing_method(pending: StagedSignIn) -> bool:
    return pending.password_ok and not pending.captcha_answer and not pending.method_chosen


def _entering_code(pending: StagedSignIn) -> bool:
    return pending.method_chosen and not pending.code_ok


def _answering_question(pending: StagedSignIn) -> bool:
    return pending.code_ok and not pending.answer_ok


async def _at(request: Request, step: Callable[[StagedSignIn], bool], page: Callable[[StagedSignIn], Response]) -> Response:
    """A step's page, when the sign-in in progress has reached that step; else start again."""
    _, pending = _pending(request)
    if pending is None or not step(pending):
        return _restart()
    return page(pending)


def _pending(request: Request) -> tuple[str | None, StagedSignIn | None]:
    token = request.cookies.get(SIGN_IN_COOKIE)
    return token, state_of(request).pending.get(token, now())


def _restart() -> Response:
    return RedirectResponse("/login?restart=1", 303)


def _with_sign_in_cookie(response: Response, token: str) -> Response:
    response.set_cookie(SIGN_IN_COOKIE, token, max_age=600, httponly=True, samesite="lax")
    return response


def _form(request: Request, template: str, status_code: int = 200, **context) -> Response:
    """A sign-in step's page, its form carrying the CSRF token that its cookie repeats."""
    token = csrf_token(request, CSRF_COOKIE)
    return set_csrf_cookie(render(request, template, status_code, csrf_token=token, **context), CSRF_COOKIE, token)


def _password_form(request: Request, pending: StagedSignIn, status_code: int = 200, error: str | None = None) -> Response:
    return _form(request, "password.html", status_code, username=pending.username, error=error)


def _method_form(request: Request, pending: StagedSignIn, status_code: int = 200, error: str | None = None) -> Response:
    last4 = state_of(request).user(pending.username).phone_last4
    return _form(request, "method.html", status_code, last4=last4, error=error)


def _question_form(request: Request, pending: StagedSignIn, status_code: int = 200, error: str | None = None) -> Response:
    user = state_of(request).user(pending.username)
    return _form(request, "question.html", status_code, question=user.security_question, error=error)
