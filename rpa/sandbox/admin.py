"""Admin endpoints under /__sandbox for tests, benchmarks and `rpa sandbox`: loopback callers only.

Every sandbox portal mounts these; they read only what `PortalState` offers."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from functools import wraps

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from rpa.sandbox.clock import now
from rpa.sandbox.search import parse_date
from rpa.sandbox.state import portal_state

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def loopback_only(endpoint: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    @wraps(endpoint)
    async def guarded(request: Request) -> Response:
        if request.client is None or request.client.host not in LOOPBACK:
            return JSONResponse({"error": "forbidden", "message": "Admin endpoints answer loopback callers only."}, 403)
        return await endpoint(request)

    return guarded


@loopback_only
async def get_settings(request: Request) -> Response:
    return JSONResponse(portal_state(request).settings.model_dump())


@loopback_only
async def set_settings(request: Request) -> Response:
    """The named settings; every other one back to its start-up value (`{}` resets all)."""
    state = portal_state(request)
    try:
        changes = await request.json() if await request.body() else {}
        if not isinstance(changes, dict):
            raise ValueError("expected a JSON object")
        settings = state.startup_settings.with_changes(changes)
        state.check_settings(settings)
        state.settings = settings
    except ValidationError as invalid:
        problems = {".".join(map(str, e["loc"])): e["msg"] for e in invalid.errors()}
        return JSONResponse({"error": "validation", "message": "Invalid settings.", "fields": problems}, 400)
    except ValueError as invalid:
        return JSONResponse({"error": "validation", "message": str(invalid), "fields": {}}, 400)
    return JSONResponse(state.settings.model_dump())


@loopback_only
async def health(request: Request) -> Response:
    return JSONResponse(portal_state(request).health())


@loopback_only
async def users(request: Request) -> Response:
    return JSONResponse([user.as_dict() for user in portal_state(request).users])


@loopback_only
async def unlock(request: Request) -> Response:
    username = (await json_body(request)).get("username", "")
    if not portal_state(request).accounts.unlock(username):
        return JSONResponse({"error": "unknown_user", "message": f"No user named {username!r}."}, 404)
    return JSONResponse({"username": username, "unlocked": True})


@loopback_only
async def expire_sessions(request: Request) -> Response:
    username = (await json_body(request)).get("username")
    return JSONResponse({"expired": portal_state(request).sessions.expire(username)})


@loopback_only
async def reset(request: Request) -> Response:
    portal_state(request).reset()
    return JSONResponse({"reset": True})


@loopback_only
async def stats(request: Request) -> Response:
    return JSONResponse(portal_state(request).stats_report(now()))


@loopback_only
async def truth(request: Request) -> Response:
    """The ground truth as JSON lines, for a kind, a date of service and a service type."""
    params = request.query_params
    kind = params.get("kind") or None
    service_type = params.get("service_type") or "30"
    try:
        on_date = parse_date(params["date"]) if params.get("date") else None
    except ValueError:
        return JSONResponse({"error": "validation", "message": "date must be YYYY-MM-DD or MM/DD/YYYY."}, 400)
    state = portal_state(request)
    if kind not in (None, "claims", "eligibility") or service_type not in state.service_types:
        return JSONResponse({"error": "validation", "message": "kind is claims or eligibility; service_type a code."}, 400)
    records = state.truth_records(kind, on_date, service_type)
    return Response("".join(json.dumps(record) + "\n" for record in records), media_type="application/x-ndjson")


async def json_body(request: Request) -> dict:
    try:
        parsed = json.loads(await request.body() or b"{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


ROUTES = [
    Route("/__sandbox/settings", get_settings, methods=["GET"]),
    Route("/__sandbox/settings", set_settings, methods=["POST"]),
    Route("/__sandbox/health", health, methods=["GET"]),
    Route("/__sandbox/users", users, methods=["GET"]),
    Route("/__sandbox/unlock", unlock, methods=["POST"]),
    Route("/__sandbox/expire-sessions", expire_sessions, methods=["POST"]),
    Route("/__sandbox/reset", reset, methods=["POST"]),
    Route("/__sandbox/stats", stats, methods=["GET"]),
    Route("/__sandbox/truth", truth, methods=["GET"]),
]
