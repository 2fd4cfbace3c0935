"""Signing in and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from rpa.console.audit import Action
from rpa.console.pages import console_of
from rpa.console.security import client_of, requires, signed_in_user, start_session
from rpa.console.users import Role, SignInRefused, User

router = APIRouter()
HOME = {Role.SPECIALIST: "/lookup", Role.SUPERVISOR: "/runs", Role.ADMIN: "/runs"}


@router.get("/")
def home(user: Annotated[User, Depends(requires(Role.SPECIALIST))]) -> Response:
    return RedirectResponse(HOME[user.role], status_code=303)


@router.get("/sign-in")
def sign_in_page(request: Request) -> Response:
    notice = request.session.pop("notice", None)
    return console_of(request).page(request, "sign_in.html", title="Sign in", notice=notice, name="")


@router.post("/sign-in")
def sign_in(request: Request, username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "") -> Response:
    console = console_of(request)
    try:
        user = console.users.authenticate(username, password)
    except SignInRefused:
        console.audit.record(username[:40], Action.SIGN_IN_REFUSED, client=client_of(request))
        message = "That username and password do not match an active account, or the account is locked after repeated failures."
        return console.page(request, "sign_in.html", 401, title="Sign in", error=message, name=username[:40])
    following = request.session.get("next")
    start_session(request, user)
    console.audit.record(user.name, Action.SIGN_IN, client=client_of(request))
    target = following if isinstance(following, str) and following.startswith("/") and not following.startswith("//") else "/"
    return RedirectResponse(target, status_code=303)


@router.post("/sign-out")
def sign_out(request: Request, user: Annotated[User, Depends(signed_in_user)]) -> Response:
    """Ends this account's sessions everywhere (a copied cookie is worthless afterwards)."""
    console = console_of(request)
    console.users.end_sessions(user.name)
    console.audit.record(user.name, Action.SIGN_OUT, client=client_of(request))
    request.session.clear()
    request.session["notice"] = "Signed out."
    return RedirectResponse("/sign-in", status_code=303)
