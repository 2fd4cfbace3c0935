"""The portal's own JSON API, which its pages' script calls with the session cookie."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from rpa.sandbox.clock import now, today
from rpa.sandbox.render import state_of
from rpa.sandbox.search import ValidationFailed, find_member, parse_claim_query, parse_eligibility_query, search_claims
from rpa.sandbox.sessions import SESSION_COOKIE
from rpa.sandbox.views import claim_detail_json, eligibility_json, search_json
from rpa.sandbox.wording import Text

REALM = "sandbox"


def api_signed_in(endpoint: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """401 with a reason instead of a redirect: a script, not a person, reads the answer.
    With auth=token the session comes from the bearer token, never from a cookie."""

    @wraps(endpoint)
    async def guarded(request: Request) -> Response:
        state = state_of(request)
        refusal = _bearer_refusal(request) if state.settings.auth == "token" else _cookie_refusal(request)
        if refusal is not None:
            return refusal
        try:
            return await endpoint(request)
        except ValidationFailed as failure:
            return JSONResponse({"error": "validation", "message": failure.message, "fields": failure.fields}, 400)

    return guarded


def _cookie_refusal(request: Request) -> Response | None:
    state = state_of(request)
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return error(401, "not_signed_in", Text.NOT_SIGNED_IN_API)
    session = state.sessions.touch(token, now(), state.settings)
    if session is None:
        return error(401, "session_expired", Text.SESSION_EXPIRED_API)
    request.state.username = session.username
    return None


def _bearer_refusal(request: Request) -> Response | None:
    """RFC 6750: no token is a bare challenge; a bad or expired one says `invalid_token`."""
    state = state_of(request)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        state.tokens.count("rejected")
        return error(401, "not_signed_in", Text.NOT_SIGNED_IN_API, {"WWW-Authenticate": f'Bearer realm="{REALM}"'})
    session = state.tokens.user_of(token.strip(), now(), state.settings, activity=True)
    if session is None:
        state.tokens.count("rejected")
        challenge = f'Bearer realm="{REALM}", error="invalid_token", error_description="{Text.INVALID_TOKEN_API}"'
        return error(401, "invalid_token", Text.INVALID_TOKEN_API, {"WWW-Authenticate": challenge})
    request.state.username = session.username
    return None


@api_signed_in
async def claims_search(request: Request) -> Response:
    query = parse_claim_query(request.query_params)
    return JSONResponse(search_json(search_claims(state_of(request).data, query), query.page))


@api_signed_in
async def claim(request: Request) -> Response:
    found = state_of(request).data.claim(request.path_params["claim_id"])
    if found is None:
        return error(404, "not_found", Text.CLAIM_NOT_FOUND)
    return JSONResponse(claim_detail_json(found))


@api_signed_in
async def eligibility(request: Request) -> Response:
    query = parse_eligibility_query(request.query_params, today())
    member = find_member(state_of(request).data, query)
    if member is None:
        return error(404, "member_not_found", Text.MEMBER_NOT_FOUND)
    return JSONResponse(eligibility_json(member, query.service_type, query.on_date))


@api_signed_in
async def me(request: Request) -> Response:
    """Who is signed in: the app's header and welcome need a name it cannot read from a cookie."""
    user = state_of(request).user(request.state.username)
    return JSONResponse({"username": user.username, "displayName": user.display_name})


def error(status_code: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code, headers=headers)


ROUTES = [
    Route("/api/me", me),
    Route("/api/claims/search", claims_search),
    Route("/api/claims/{claim_id}", claim),
    Route("/api/eligibility", eligibility),
]
