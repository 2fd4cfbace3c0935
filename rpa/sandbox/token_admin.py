"""Admin endpoints for the first portal's bearer tokens (auth=token), so a test can force what
happens mid-run: every access token expiring at once, or sign-ins ending so refresh fails."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from rpa.sandbox.admin import json_body, loopback_only
from rpa.sandbox.render import state_of


@loopback_only
async def expire_tokens(request: Request) -> Response:
    """Every access token expires now; refresh tokens still work (the app refreshes silently)."""
    return JSONResponse({"expired": state_of(request).tokens.expire_access_tokens()})


@loopback_only
async def revoke_tokens(request: Request) -> Response:
    """End the sign-ins (token families) of one user, or everyone's: refreshing fails, so the app
    returns to the identity server's sign-in."""
    state = state_of(request)
    username = (await json_body(request)).get("username")
    revoked = state.sessions.expire(username)
    for _ in range(revoked):
        state.tokens.count("revoked")
    return JSONResponse({"revoked": revoked})


ROUTES = [
    Route("/__sandbox/tokens/expire", expire_tokens, methods=["POST"]),
    Route("/__sandbox/tokens/revoke", revoke_tokens, methods=["POST"]),
]
