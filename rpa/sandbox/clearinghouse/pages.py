"""The signed-in shell: home, the claim-status page that frames the claim-status application, and
eligibility and benefits (a posted form; results with a tab per service type)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from rpa.sandbox.clearinghouse.access import page_with_form, signed_in
from rpa.sandbox.clearinghouse.render import render, status_page
from rpa.sandbox.clearinghouse.search import FormInvalid, find_member, parse_eligibility
from rpa.sandbox.clearinghouse.signin import CSRF_COOKIE
from rpa.sandbox.clearinghouse.state import state_of
from rpa.sandbox.clearinghouse.views import eligibility_view
from rpa.sandbox.clearinghouse.wording import SERVICE_TYPES, Text
from rpa.sandbox.clock import today
from rpa.sandbox.forms import csrf_ok, form_fields
from rpa.sandbox.sessions import Session


async def root(request: Request) -> Response:
    return RedirectResponse("/home", 302)


@signed_in()
async def home(request: Request, session: Session) -> Response:
    return _shell(request, session, "home.html")


@signed_in()
async def claims_shell(request: Request, session: Session) -> Response:
    return _shell(request, session, "claims_shell.html")


@signed_in()
async def eligibility_form(request: Request, session: Session) -> Response:
    return _eligibility_form(request, session, {"serviceType": "30", "asOf": today().strftime("%m/%d/%Y")})


@signed_in(landing="/eligibility")
async def eligibility_results(request: Request, session: Session) -> Response:
    state = state_of(request)
    form = await form_fields(request)
    if not csrf_ok(request, form, CSRF_COOKIE):
        return _eligibility_form(request, session, form, 400, alert=Text.FORM_EXPIRED)
    try:
        inquiry = parse_eligibility(state.data, form, today())
    except FormInvalid as invalid:
        return _eligibility_form(request, session, form, 400, alert=Text.FIX_ERRORS, errors=invalid.errors)
    member = find_member(state.data, inquiry)
    if member is None:
        return _eligibility_form(request, session, form, 200, alert=Text.MEMBER_NOT_FOUND)
    view = eligibility_view(state.data, member, inquiry.service_type, inquiry.as_of)
    return _shell(request, session, "eligibility_results.html", eligibility=view)


async def session_ended(request: Request) -> Response:
    return status_page(request, 200, Text.SESSION_ENDED_HEADING, Text.SESSION_ENDED)


ROUTES = [
    Route("/", root),
    Route("/home", home),
    Route("/claims/status", claims_shell),
    Route("/eligibility", eligibility_form, methods=["GET"]),
    Route("/eligibility/results", eligibility_results, methods=["POST"]),
    Route("/session/ended", session_ended),
]


def _shell(request: Request, session: Session, template: str, **context) -> Response:
    user = state_of(request).user(session.username).display_name
    return render(request, template, chrome="shell", user=user, **context)


def _eligibility_form(
    request: Request, session: Session, values: dict, status_code: int = 200, *, alert=None, errors=None
) -> Response:
    data = state_of(request).data
    return page_with_form(
        request,
        session,
        "eligibility_form.html",
        status_code,
        chrome="shell",
        values=values,
        alert=alert,
        errors=errors or {},
        payers=[(payer.id, payer.name) for payer in data.payers],
        providers=[(data.provider_key(p), f"{p.name} - NPI {p.npi}") for p in data.providers],
        service_types=list(SERVICE_TYPES.items()),
    )
