"""Fixtures for the clearinghouse's own tests: fresh codes, and sessions signed in over HTTP for
tests about what comes after signing in (a browser can share them)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page

from rpa.sandbox.testing import SandboxHandle

from ..helpers import Codes
from .helpers import share_session, sign_in_http

TIMEOUT_MS = 5000


@pytest.fixture
def codes(clearinghouse_portal: SandboxHandle) -> Codes:
    return Codes(clearinghouse_portal)


@pytest.fixture
def signed_in_client(clearinghouse_portal: SandboxHandle, codes: Codes) -> Iterator[Callable[..., httpx.Client]]:
    clients = []

    def sign_in(username: str = "demo") -> httpx.Client:
        clients.append(sign_in_http(clearinghouse_portal, codes, username))
        return clients[-1]

    yield sign_in
    for client in clients:
        client.close()


@pytest.fixture
def signed_in_page(clearinghouse_portal: SandboxHandle, context, signed_in_client) -> Callable[..., Page]:
    """A page of the test's browser context, signed in as `username` (over HTTP), at `path`."""

    def open_page(username: str = "demo", path: str = "/home") -> Page:
        share_session(signed_in_client(username), context, clearinghouse_portal)
        page = context.new_page()
        page.goto(clearinghouse_portal.url + path)
        return page

    return open_page


@pytest.fixture(scope="module")
def reader(clearinghouse: SandboxHandle, browser: Browser) -> Iterator[Page]:
    """One signed-in page for a whole module of tests that only read (no settings, no resets)."""
    clearinghouse.configure()
    clearinghouse.reset()
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    client = sign_in_http(clearinghouse, Codes(clearinghouse), "biller8")
    share_session(client, context, clearinghouse)
    client.close()
    page = context.new_page()
    page.goto(clearinghouse.url + "/home")
    yield page
    context.close()
