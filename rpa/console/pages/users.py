"""Accounts, for an admin: add one, disable or enable it, set a new password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from rpa.console.audit import Action
from rpa.console.pages import console_of
from rpa.console.security import client_of, requires
from rpa.console.users import Role, User
from rpa.core.errors import InputError

router = APIRouter()
Admin = Annotated[User, Depends(requires(Role.ADMIN))]


@router.get("/users")
def users_page(request: Request, user: Admin) -> Response:
    console = console_of(request)
    return console.page(
        request, "users.html", title="Users", accounts=console.users.list(), roles=list(Role),
        notice=request.session.pop("notice", None),
    )  # fmt: skip


@router.post("/users/add")
async def add_user(request: Request, user: Admin) -> Response:
    form = await request.form()
    console = console_of(request)
    added = console.users.add(str(form.get("name") or ""), str(form.get("role") or ""), str(form.get("password") or ""))
    console.audit.record(user.name, Action.USER_ADD, f"user {added.name}", client=client_of(request), role=added.role.value)
    return _back(request, f"Added {added.name} ({added.role.value}).")


@router.post("/users/disable")
async def disable_user(request: Request, user: Admin) -> Response:
    return await _set_active(request, user, False)


@router.post("/users/enable")
async def enable_user(request: Request, user: Admin) -> Response:
    return await _set_active(request, user, True)


@router.post("/users/reset-password")
async def reset_password(request: Request, user: Admin) -> Response:
    form = await request.form()
    console = console_of(request)
    account = console.users.reset_password(str(form.get("name") or ""), str(form.get("password") or ""))
    console.audit.record(user.name, Action.USER_RESET_PASSWORD, f"user {account.name}", client=client_of(request))
    return _back(request, f"New password set for {account.name}; their sessions have ended.")


async def _set_active(request: Request, user: Admin, active: bool) -> Response:
    form = await request.form()
    console = console_of(request)
    if not active and str(form.get("name") or "").lower() == user.name.lower():
        raise InputError("you cannot disable your own account")
    account = console.users.set_active(str(form.get("name") or ""), active)
    action = Action.USER_ENABLE if active else Action.USER_DISABLE
    console.audit.record(user.name, action, f"user {account.name}", client=client_of(request))
    return _back(request, f"{account.name} is {'enabled' if active else 'disabled'}.")


def _back(request: Request, notice: str) -> Response:
    request.session["notice"] = notice
    return RedirectResponse("/users", status_code=303)
