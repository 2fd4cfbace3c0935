"""Posted forms: their fields, and the double-submit CSRF token every sandbox portal's forms carry
(a hidden field repeating a cookie, so another site cannot post on the user's behalf)."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response

CSRF_FIELD = "csrf_token"


async def form_fields(request: Request) -> dict[str, str]:
    """A urlencoded form body, first value of each field."""
    body = (await request.body()).decode("utf-8", errors="replace")
    return {name: values[0] for name, values in parse_qs(body, keep_blank_values=True).items()}


def csrf_ok(request: Request, form: dict[str, str], cookie: str) -> bool:
    expected = request.cookies.get(cookie) or ""
    return bool(expected) and hmac.compare_digest(expected, form.get(CSRF_FIELD, ""))


def csrf_token(request: Request, cookie: str) -> str:
    """The token this browser already holds, or a new one."""
    return request.cookies.get(cookie) or secrets.token_urlsafe(24)


def set_csrf_cookie(response: Response, cookie: str, token: str) -> Response:
    response.set_cookie(cookie, token, httponly=True, samesite="strict")
    return response
