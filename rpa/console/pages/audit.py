"""The audit log for supervisors: who saw or looked up which patient or claim, and when."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from rpa.console.audit import Action
from rpa.console.pages import console_of
from rpa.console.security import client_of, requires
from rpa.console.users import Role, User
from rpa.core.errors import InputError
from rpa.core.queries import parse_date

router = APIRouter()
ENTRIES_SHOWN = 500


@router.get("/audit")
def audit_page(
    request: Request,
    user: Annotated[User, Depends(requires(Role.SUPERVISOR))],
    since: str = "",
    who: str = "",
    action: str = "",
) -> Response:
    console = console_of(request)
    try:
        day = parse_date(since)
    except ValueError as error:
        raise InputError(f"since: {error}") from None
    entries = console.audit.entries(since=day, user=who or None, action=action or None, limit=ENTRIES_SHOWN)
    console.audit.record(
        user.name, Action.VIEW_AUDIT, "audit log", client=client_of(request), since=since or None, who=who or None
    )
    actions = sorted(action.value for action in Action)
    return console.page(
        request, "audit.html", title="Audit log", entries=entries, since=since, who=who, action=action, actions=actions,
        limit=ENTRIES_SHOWN,
    )  # fmt: skip
