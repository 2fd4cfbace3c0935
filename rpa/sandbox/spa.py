"""UI v3: one shell page for every signed-in path, which the client-rendered app (static/app.js,
web components with open shadow roots) fills from the JSON API. docs/sandbox-portal.md, "UI v3".

With cookie auth the shell is guarded like any page (no session: to sign-in); with token auth
the server cannot see the token, which lives in the page's script, so the shell is served to
anyone and the app itself sends a browser without tokens to the identity server.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from rpa.sandbox.clock import now, today
from rpa.sandbox.render import render, state_of
from rpa.sandbox.sessions import SESSION_COOKIE
from rpa.sandbox.signin import sign_in_url
from rpa.sandbox.ui import CLAIM_FIELDS, ELIGIBILITY_FIELDS, VARIANTS, FormField
from rpa.sandbox.wording import SERVICE_TYPES, Text

CLIENT_ID = "sandbox-portal"
"""The portal's registration at its identity server."""
CALLBACK_PATH = "/auth/callback"


async def app_shell(request: Request) -> Response:
    state = state_of(request)
    settings = state.settings
    if settings.auth == "cookie":
        token = request.cookies.get(SESSION_COOKIE)
        if state.sessions.touch(token, now(), settings) is None:
            return RedirectResponse(sign_in_url(request, expired=bool(token)), 303)
    elif request.url.path == CALLBACK_PATH and not state.identity_url:
        return RedirectResponse("/home", 303)
    return render(request, "app.html", script=_app_config(request))


def callback_url(portal_url: str) -> str:
    return portal_url.rstrip("/") + CALLBACK_PATH


def _app_config(request: Request) -> dict:
    """What the app needs besides the API: words, labels in order, menus and where to sign in."""
    state = state_of(request)
    settings = state.settings
    identity = None
    if settings.auth == "token" and state.identity_url:
        identity = {
            "authorize": state.identity_url + "/authorize",
            "token": state.identity_url + "/token",
            "revoke": state.identity_url + "/revoke",
            "clientId": CLIENT_ID,
            "redirectUri": callback_url(state.portal_url or str(request.base_url)),
        }
    return {
        **VARIANTS["v1"].script_config(),
        "ui": "v3",
        "auth": settings.auth,
        "identity": identity,
        "claimFields": [_field(field) for field in CLAIM_FIELDS.values()],
        "eligibilityFields": [_field(field) for field in ELIGIBILITY_FIELDS.values()],
        "plans": [["", Text.ALL_PLANS]] + [[plan.id, plan.name] for plan in state.data.plans],
        "serviceTypes": [list(item) for item in SERVICE_TYPES.items()],
        "today": today().strftime("%m/%d/%Y"),
    }


def _field(field: FormField) -> dict:
    return {"name": field.name, "label": field.label, "kind": field.kind, "hint": field.optional_hint}
