"""The claim-status application inside the shell's iframe (payer, provider, a tab per way of
searching, results ten a page posted back with Previous and Next) and the claim detail, which
opens in a window of its own."""

from __future__ import annotations

import math

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from rpa.sandbox.clearinghouse.access import page_with_form, signed_in
from rpa.sandbox.clearinghouse.data import ClearinghouseData
from rpa.sandbox.clearinghouse.payers import DIRECTORY, Payer, SearchKey
from rpa.sandbox.clearinghouse.render import render, status_page
from rpa.sandbox.clearinghouse.search import PAGE_SIZE, FormInvalid, parse_claim_search, search_claims
from rpa.sandbox.clearinghouse.signin import CSRF_COOKIE
from rpa.sandbox.clearinghouse.state import state_of
from rpa.sandbox.clearinghouse.views import claim_view, result_row
from rpa.sandbox.clearinghouse.wording import Text
from rpa.sandbox.clock import today
from rpa.sandbox.forms import csrf_ok, form_fields
from rpa.sandbox.sessions import Session

APP_LANDING = "/claims/status"
"""Where a sign-in returns to from inside the application: the shell page that frames it."""
CRITERIA_FIELDS = ("payer", "provider", "searchBy", "memberId", "dob", "from", "to", "claimNumber")


@signed_in(landing=APP_LANDING)
async def claim_status_form(request: Request, session: Session) -> Response:
    return _form(request, session, {"payer": request.query_params.get("payer", ""), "searchBy": "member"})


@signed_in(landing=APP_LANDING)
async def claim_status_results(request: Request, session: Session) -> Response:
    data = state_of(request).data
    form = await form_fields(request)
    if not csrf_ok(request, form, CSRF_COOKIE):
        return _form(request, session, form, 400, alert=Text.FORM_EXPIRED)
    try:
        search = parse_claim_search(data, form, today())
    except FormInvalid as invalid:
        return _form(request, session, form, 400, alert=Text.FIX_ERRORS, errors=invalid.errors)
    result = search_claims(data, search)
    pages = max(1, math.ceil(len(result.claims) / PAGE_SIZE))
    page = min(search.page, pages)
    shown = result.claims[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return page_with_form(
        request,
        session,
        "claim_results.html",
        chrome="frame",
        search=search,
        criteria={name: form.get(name, "") for name in CRITERIA_FIELDS},
        provider_label=_provider_label(search.payer, search.provider),
        message=result.message,
        rows=[result_row(data, claim) for claim in shown],
        total=len(result.claims),
        first=(page - 1) * PAGE_SIZE + 1,
        last=(page - 1) * PAGE_SIZE + len(shown),
        page=page,
        pages=pages,
    )


@signed_in()
async def claim_detail(request: Request, session: Session) -> Response:
    state = state_of(request)
    claim = state.data.claim_by_ref(request.query_params.get("ref", ""))
    if claim is None:
        return status_page(request, 404, Text.DETAIL_HEADING, Text.CLAIM_NOT_AVAILABLE)
    user = state.user(session.username).display_name
    return render(request, "claim_detail.html", chrome="popup", user=user, claim=claim_view(state.data, claim))


ROUTES = [
    Route("/cs/claim-status", claim_status_form, methods=["GET"]),
    Route("/cs/claim-status/results", claim_status_results, methods=["POST"]),
    Route("/cs/claim-detail", claim_detail, methods=["GET"]),
]


def _form(request: Request, session: Session, values: dict, status_code: int = 200, *, alert=None, errors=None) -> Response:
    """The search form for the payer chosen (none yet: the payer box alone)."""
    data = state_of(request).data
    payer_id = values.get("payer", "")
    payer = data.payer(payer_id)
    listed = dict(DIRECTORY).get(payer_id)
    return page_with_form(
        request,
        session,
        "claim_status_form.html",
        status_code,
        chrome="frame",
        values=values,
        alert=alert or (Text.NOT_ENROLLED.format(payer=listed) if listed and payer is None else None),
        errors=errors or {},
        payer=payer,
        payer_name=listed or "",
        providers=_provider_options(data, payer) if payer else [],
    )


def _provider_options(data: ClearinghouseData, payer: Payer) -> list[dict]:
    """The organization's registered providers, each shown with the identifier the payer uses."""
    return [
        {
            "value": data.provider_key(provider),
            "label": _provider_label(payer, provider),
            "identifier": provider.tax_id if payer.search_key == SearchKey.TAX_ID else provider.npi,
        }
        for provider in data.providers
    ]


def _provider_label(payer: Payer, provider) -> str:
    if payer.search_key == SearchKey.TAX_ID:
        return f"{provider.name} - Tax ID {provider.tax_id}"
    return f"{provider.name} - NPI {provider.npi}"
