"""The two small endpoints the pages' script calls: the payer combobox's options, and a window's
session-timeout warning (shown, then answered OK or Cancel). Claims and eligibility are never
answered as JSON: those are pages only."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from rpa.sandbox.clearinghouse.access import api_signed_in
from rpa.sandbox.clearinghouse.payers import DIRECTORY
from rpa.sandbox.clearinghouse.render import api_error
from rpa.sandbox.clearinghouse.state import state_of
from rpa.sandbox.clearinghouse.warnings import WarningEnd
from rpa.sandbox.clock import now
from rpa.sandbox.sessions import Session

MIN_QUERY = 2
MAX_OPTIONS = 8


@api_signed_in
async def payers(request: Request, session: Session) -> Response:
    """Payers whose name contains what was typed, alphabetically; nothing for under two letters."""
    typed = " ".join(request.query_params.get("q", "").split()).casefold()
    if len(typed) < MIN_QUERY:
        return JSONResponse({"payers": []})
    matches = sorted((name, payer_id) for payer_id, name in DIRECTORY if typed in name.casefold())
    return JSONResponse({"payers": [{"id": payer_id, "name": name} for name, payer_id in matches[:MAX_OPTIONS]]})


@api_signed_in
async def warning_shown(request: Request, session: Session) -> Response:
    window = await _window(request)
    if window is None:
        return api_error(400, "validation", "window is required")
    state_of(request).warnings.show(session.token, window, session.username, now())
    return JSONResponse({"status": "shown"})


@api_signed_in
async def warning_continue(request: Request, session: Session) -> Response:
    """OK in time (the session check before this ended it if it came too late)."""
    window = await _window(request)
    if window is None:
        return api_error(400, "validation", "window is required")
    state_of(request).warnings.answered(session.token, window, session.username)
    return JSONResponse({"status": "continued"})


@api_signed_in
async def warning_end(request: Request, session: Session) -> Response:
    """Cancel: the session ends."""
    state_of(request).end_session(session, WarningEnd.DISMISSED)
    return JSONResponse({"status": "ended"})


ROUTES = [
    Route("/api/payers", payers, methods=["GET"]),
    Route("/api/session/warning", warning_shown, methods=["POST"]),
    Route("/api/session/continue", warning_continue, methods=["POST"]),
    Route("/api/session/end", warning_end, methods=["POST"]),
]


async def _window(request: Request) -> str | None:
    try:
        window = json.loads(await request.body() or b"{}").get("window")
    except (ValueError, AttributeError):
        return None
    return window if isinstance(window, str) and 0 < len(window) <= 64 else None
