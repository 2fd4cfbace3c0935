"""The follow-up queue: the claims that need a person, by dollars at stake, to assign, note,
mark worked or snooze; and the same list for a spreadsheet."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from rpa.console.audit import Action
from rpa.console.followups import AGE_BUCKETS, QUEUE_LABELS, VIEWS, Filters, QueueItem, filtered, queue_totals
from rpa.console.pages import console_of
from rpa.console.security import client_of, requires
from rpa.console.users import Role, User
from rpa.core.errors import InputError
from rpa.core.queries import parse_date
from rpa.runs.followup import QUEUE_TITLES

router = APIRouter()
Specialist = Annotated[User, Depends(requires(Role.SPECIALIST))]


def filters_of(queue: str = "", payer: str = "", age: str = "", view: str = "open") -> Filters:
    """The filters from the query string: queue, payer, age and view names, never PHI."""
    return Filters(queue=queue, payer=payer, age=age, view=view or "open")


Chosen = Annotated[Filters, Depends(filters_of)]


@router.get("/followup")
def followup_page(request: Request, user: Specialist, filters: Chosen) -> Response:
    console = console_of(request)
    everything = console.followups.items()
    shown = filtered(everything, filters, user.name)
    console.audit.record(
        user.name,
        Action.VIEW_FOLLOWUP,
        f"{len(shown)} claims",
        client=client_of(request),
        filters=filters.query(),
        claims=[item.key for item in shown],
    )
    return console.page(
        request,
        "followup.html",
        title="Follow-up",
        items=shown,
        totals=queue_totals(shown),
        total=sum((item.follow_up.at_stake for item in shown), start=0),
        filters=filters,
        query=urlencode(filters.query()),
        queues=QUEUE_TITLES,
        labels=QUEUE_LABELS,
        payers=sorted({item.follow_up.payer for item in everything}),
        ages=AGE_BUCKETS,
        views=VIEWS,
        people=[account.name for account in console.users.list() if account.active],
        tomorrow=date.fromordinal(date.today().toordinal() + 1).isoformat(),
    )


@router.get("/followup/export.xlsx")
def followup_export(request: Request, user: Specialist, filters: Chosen) -> Response:
    console = console_of(request)
    shown = filtered(console.followups.items(), filters, user.name)
    console.audit.record(
        user.name,
        Action.EXPORT_FOLLOWUP,
        f"{len(shown)} claims",
        client=client_of(request),
        filters=filters.query(),
        claims=[item.key for item in shown],
    )
    name = f"followup-{date.today():%Y%m%d}.xlsx"
    return Response(
        console.followups.export(shown),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/followup/assign")
async def assign(request: Request, user: Specialist) -> Response:
    form, item = await _form_and_item(request)
    assignee = str(form.get("assignee") or "").strip() or None
    if assignee is not None and console_of(request).users.find(assignee) is None:
        raise InputError(f"assign to: no user {assignee!r}")
    console_of(request).followups.assign(item, assignee, user.name, str(form.get("note") or ""))
    return _done(request, user, item, Action.FOLLOWUP_ASSIGN, form, assignee=assignee)


@router.post("/followup/worked")
async def mark_worked(request: Request, user: Specialist) -> Response:
    form, item = await _form_and_item(request)
    console_of(request).followups.mark_worked(item, user.name, str(form.get("note") or ""))
    return _done(request, user, item, Action.FOLLOWUP_WORKED, form)


@router.post("/followup/snooze")
async def snooze(request: Request, user: Specialist) -> Response:
    form, item = await _form_and_item(request)
    try:
        until = parse_date(form.get("until"))
    except ValueError as error:
        raise InputError(f"snooze until: {error}") from None
    if until is None:
        raise InputError("snooze until: pick a day")
    console_of(request).followups.snooze(item, until, user.name, str(form.get("note") or ""))
    return _done(request, user, item, Action.FOLLOWUP_SNOOZE, form, until=until.isoformat())


@router.post("/followup/reopen")
async def reopen(request: Request, user: Specialist) -> Response:
    form, item = await _form_and_item(request)
    console_of(request).followups.reopen(item, user.name, str(form.get("note") or ""))
    return _done(request, user, item, Action.FOLLOWUP_REOPEN, form)


async def _form_and_item(request: Request):
    """The posted form and the queue item it names (by key, in the body, never in the URL)."""
    form = await request.form()
    item = console_of(request).followups.find(str(form.get("key") or ""))
    if item is None:
        raise HTTPException(404, "that claim is not on the follow-up list")
    return form, item


def _done(request: Request, user: User, item: QueueItem, action: str, form, **detail) -> Response:
    note = str(form.get("note") or "").strip()
    console_of(request).audit.record(
        user.name, action, f"claim {item.follow_up.claim_number or item.key} ({item.follow_up.payer})",
        client=client_of(request), note=note or None, **detail,
    )  # fmt: skip
    back = filters_of(**{name: str(form.get(f"back_{name}") or "") for name in ("queue", "payer", "age", "view")})
    return RedirectResponse("/followup" + (f"?{urlencode(back.query())}" if back.query() else ""), status_code=303)
