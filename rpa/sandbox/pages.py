"""The signed-in pages. Forms are server-rendered; results and details are shells that the
page's own script fills from the JSON API, as a portal's single-page app does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from rpa.sandbox.clock import now, today
from rpa.sandbox.render import render, state_of, status_page
from rpa.sandbox.sessions import Session
from rpa.sandbox.signin import SESSION_COOKIE, sign_in_url
from rpa.sandbox.spa import CALLBACK_PATH, app_shell
from rpa.sandbox.ui import CLAIM_FIELDS, ELIGIBILITY_FIELDS
from rpa.sandbox.wording import SERVICE_TYPES, Text

MODAL_MAX_DELAY_MS = 800

Page = Callable[[Request, Session], Awaitable[Response]]


def signed_in(page: Page) -> Callable[[Request], Awaitable[Response]]:
    """Run `page` with the live session, else send the browser to sign in and come back.
    In UI v3 every signed-in path is the app's shell, which renders the page itself."""

    @wraps(page)
    async def guarded(request: Request) -> Response:
        state = state_of(request)
        if state.settings.ui == "v3":
            return await app_shell(request)
        token = request.cookies.get(SESSION_COOKIE)
        session = state.sessions.touch(token, now(), state.settings)
        if session is None:
            return RedirectResponse(sign_in_url(request, expired=bool(token)), 303)
        return await page(request, session)

    return guarded


@signed_in
async def home(request: Request, session: Session) -> Response:
    return _page(request, session, "home.html", "home")


@signed_in
async def claim_search(request: Request, session: Session) -> Response:
    plans = [("", Text.ALL_PLANS)] + [(plan.id, plan.name) for plan in state_of(request).data.plans]
    return _page(
        request,
        session,
        "claim_search.html",
        "claim-search",
        fields=CLAIM_FIELDS,
        options={"plan": plans},
        values=dict(request.query_params),
    )


@signed_in
async def claim_results(request: Request, session: Session) -> Response:
    return _page(request, session, "claim_results.html", "claim-results", script={"query": dict(request.query_params)})


@signed_in
async def claim_detail(request: Request, session: Session) -> Response:
    claim = state_of(request).data.claim(request.path_params["claim_id"])
    if claim is None:
        return status_page(request, 404, Text.CLAIM_NOT_FOUND, Text.NOT_FOUND_BODY)
    return _page(request, session, "claim_detail.html", "claim-detail", script={"claimId": claim.payer_claim_id}, claim=claim)


@signed_in
async def eligibility_search(request: Request, session: Session) -> Response:
    values = {"serviceType": "30", "date": today().strftime("%m/%d/%Y"), **request.query_params}
    return _page(
        request,
        session,
        "eligibility_search.html",
        "eligibility-search",
        fields=ELIGIBILITY_FIELDS,
        options={"serviceType": list(SERVICE_TYPES.items())},
        values=values,
    )


@signed_in
async def eligibility_results(request: Request, session: Session) -> Response:
    return _page(
        request, session, "eligibility_results.html", "eligibility-results", script={"query": dict(request.query_params)}
    )


async def root(request: Request) -> Response:
    return RedirectResponse("/home", 302)


async def auth_callback(request: Request) -> Response:
    """Where the identity server sends the browser back (UI v3 with token auth); else home."""
    if state_of(request).settings.auth == "token":
        return await app_shell(request)
    return RedirectResponse("/home", 303)


ROUTES = [
    Route("/", root),
    Route("/home", home),
    Route("/claims", claim_search),
    Route("/claims/results", claim_results),
    Route("/claims/{claim_id}", claim_detail),
    Route("/eligibility", eligibility_search),
    Route("/eligibility/results", eligibility_results),
    Route(CALLBACK_PATH, auth_callback),
]


def _page(request: Request, session: Session, template: str, page: str, *, script: dict | None = None, **context) -> Response:
    """A signed-in page; `script` adds to its script's config. Now and then (`modal_rate`) the
    script opens a survey or an announcement."""
    state = state_of(request)
    modal = None
    if state.rng.random() < state.settings.modal_rate:
        modal = {"kind": state.rng.choice(("survey", "announcement")), "delayMs": state.rng.randint(0, MODAL_MAX_DELAY_MS)}
    user = state.user(session.username)
    return render(request, template, user=user.display_name, script={"page": page, "modal": modal, **(script or {})}, **context)
