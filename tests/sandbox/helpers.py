"""Helpers for the sandbox portal's own tests: fresh TOTP codes and the sign-in forms."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import httpx
import pyotp
from playwright.sync_api import Page

from rpa.sandbox.testing import SandboxHandle


class Codes:
    """TOTP codes the portal has not yet accepted in this test: it refuses a replayed step."""

    def __init__(self, portal: SandboxHandle):
        self.secrets = {user["username"]: user["totp_secret"] for user in portal.users()}
        self.last_step: dict[str, int] = {}

    def next(self, username: str) -> str:
        totp = pyotp.TOTP(self.secrets[username])
        step = max(totp.timecode(datetime.now(UTC)), self.last_step.get(username, -1) + 1)
        while step > totp.timecode(datetime.now(UTC)) + 1:
            time.sleep(0.2)
        self.last_step[username] = step
        return totp.generate_otp(step)


def enter_password(page: Page, portal: SandboxHandle, username: str, password: str | None = None) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password if password is not None else portal.user(username)["password"])
    page.get_by_role("button", name="Sign in").click()


def post_password(client: httpx.Client, portal: SandboxHandle, username: str, password: str | None = None) -> httpx.Response:
    """The sign-in form's POST, with the CSRF token its page hands out."""
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    password = password if password is not None else portal.user(username)["password"]
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token, "next": "/home"})


def section(page: Page, heading: str):
    """A results section by its heading, once the page's script has rendered it."""
    found = page.get_by_role("region", name=heading, exact=True)
    found.wait_for()
    return found


_MEANING = """node => {
    const badge = node.querySelector('[role="img"][aria-label]');
    return badge ? badge.getAttribute("aria-label") : node.innerText.trim();
}"""
"""What a value says: its text, or for a badge (UI v3) its aria-label, where its meaning is."""


def read_pairs(region) -> dict[str, str]:
    """A section's label/value pairs (<dt>/<dd>) as the page shows them."""
    values = [value.evaluate(_MEANING) for value in region.locator("dd").all()]
    return dict(zip(region.locator("dt").all_inner_texts(), values))


def read_table(table) -> list[dict[str, str | list[str]]]:
    """A table's rows keyed by column heading; a cell holding a list gives its items."""
    return table.evaluate(
        """table => {
            const meaning = """
        + _MEANING
        + """;
            const headings = [...table.querySelectorAll("thead th")].map(th => th.innerText.trim());
            return [...table.querySelectorAll("tbody tr")].map(row => Object.fromEntries(
                [...row.cells].map((cell, i) => {
                    const items = [...cell.querySelectorAll("li")].map(li => li.innerText.trim());
                    return [headings[i], items.length ? items : meaning(cell)];
                })));
        }"""
    )


def identity_code(portal: SandboxHandle, codes: Codes, username: str = "demo", password: str | None = None) -> str:
    """Sign in on the identity server as the portal's app sends a browser there; the code it
    sends back to the portal's callback."""
    with httpx.Client(base_url=portal.identity_url, timeout=10) as identity:
        request = {
            "response_type": "code",
            "client_id": "sandbox-portal",
            "redirect_uri": portal.url + "/auth/callback",
            "state": "s1",
        }
        form = identity.get("/authorize", params=request)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        password = password if password is not None else portal.user(username)["password"]
        answer = identity.post("/authorize", data={**request, "csrf_token": csrf, "username": username, "password": password})
        assert answer.headers.get("location") == "/mfa", answer.text
        answer = identity.post("/mfa", data={"csrf_token": csrf, "code": codes.next(username)})
        location = httpx.URL(answer.headers["location"])
        assert str(location).startswith(portal.url + "/auth/callback?") and location.params["state"] == "s1"
        return location.params["code"]


def token_sign_in(portal: SandboxHandle, codes: Codes, username: str = "demo") -> dict:
    """The whole token sign-in without a browser: the code, then the token endpoint's answer."""
    answer = httpx.post(
        portal.identity_url + "/token",
        data={
            "grant_type": "authorization_code",
            "code": identity_code(portal, codes, username),
            "redirect_uri": portal.url + "/auth/callback",
            "client_id": "sandbox-portal",
        },
    )
    assert answer.status_code == 200, answer.text
    return answer.json()
