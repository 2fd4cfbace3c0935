"""Fixtures for the sandbox portal's own tests: short browser timeouts, fresh codes, signing in."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Page

from rpa.sandbox.testing import SandboxHandle

from .helpers import Codes, enter_password, post_password

TIMEOUT_MS = 5000


@pytest.fixture
def context(context):
    """pytest-playwright's context, failing fast: the portal answers locally in milliseconds."""
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def codes(portal: SandboxHandle) -> Codes:
    return Codes(portal)


SignIn = Callable[..., None]


@pytest.fixture
def sign_in(portal: SandboxHandle, codes: Codes) -> SignIn:
    """Sign in through the pages, starting from `path` (the portal sends the browser back there)."""

    def sign_in_(page: Page, username: str = "demo", *, path: str = "/home", remember: bool = False) -> None:
        page.goto(portal.url + path)
        enter_password(page, portal, username)
        page.get_by_label("Verification code").fill(codes.next(username))
        if remember:
            page.get_by_label("Remember this device for 30 days").check()
        page.get_by_role("button", name="Verify").click()
        page.wait_for_url(re.compile(re.escape(path.split("?")[0])))

    return sign_in_


@pytest.fixture
def api_session(portal: SandboxHandle, codes: Codes):
    """An HTTP client signed in through the forms, as a script sharing a browser's session would be."""
    clients = []

    def open_session(username: str = "demo") -> httpx.Client:
        client = httpx.Client(base_url=portal.url, follow_redirects=False, timeout=10)
        clients.append(client)
        response = post_password(client, portal, username)
        assert response.headers["location"] == "/mfa"
        response = client.post("/mfa", data={"code": codes.next(username), "csrf_token": client.cookies["sbx_csrf"]})
        assert response.status_code == 303, response.text
        return client

    yield open_session
    for client in clients:
        client.close()
