"""Helpers for the clearinghouse's own tests: signing in over HTTP (fast, for tests about what
comes after) or through the pages (for tests about signing in), the claim-status application in
its iframe, and reading pages."""

from __future__ import annotations

import re
from datetime import date

import httpx
from playwright.sync_api import BrowserContext, FrameLocator, Locator, Page

from rpa.sandbox.testing import SandboxHandle

from ..helpers import Codes


def us(day: date) -> str:
    return day.strftime("%m/%d/%Y")


def csrf(page_text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page_text).group(1)


def sign_in_http(portal: SandboxHandle, codes: Codes, username: str) -> httpx.Client:
    """A client signed in through every step's form, answering the question and terms when asked."""
    user = portal.user(username)
    client = httpx.Client(base_url=portal.url, follow_redirects=False, timeout=10)
    token = csrf(client.get("/login").text)
    steps = [
        ("/login", {"username": username, "next": "/home"}),
        ("/login/password", {"password": user["password"]}),
        ("/login/method", {"method": "app"}),
        ("/login/code", {"code": codes.next(username)}),
    ]
    for path, fields in steps:
        answer = client.post(path, data={**fields, "csrf_token": token})
        assert answer.status_code == 303, (path, answer.text)
    location = answer.headers["location"]
    if location == "/login/security-question":
        location = client.post(location, data={"answer": user["security_answer"], "csrf_token": token}).headers["location"]
    if location == "/login/terms":
        location = client.post(location, data={"agree": "1", "action": "accept", "csrf_token": token}).headers["location"]
    assert location == "/home", location
    return client


def share_session(client: httpx.Client, context: BrowserContext, portal: SandboxHandle) -> None:
    """Let a browser use a session signed in over HTTP."""
    cookies = [{"name": c.name, "value": c.value, "url": portal.url} for c in client.cookies.jar]
    context.add_cookies(cookies)


def enter_username(page: Page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_role("button", name="Continue").click()


def enter_password(page: Page, password: str) -> None:
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def claim_app(page: Page) -> FrameLocator:
    return page.frame_locator("iframe[title='Claim Status Application']")


def choose_payer(app: FrameLocator, typed: str, name: str) -> None:
    """Type into the payer combobox, wait for the portal's options, choose one."""
    app.get_by_role("combobox", name="Payer").press_sequentially(typed, delay=20)
    app.get_by_role("option", name=name, exact=True).click()
    app.get_by_label("Provider", exact=True).wait_for()


def choose_provider(app: FrameLocator, identifier: str) -> None:
    """The registered provider whose option shows `identifier` (an NPI or a Tax ID)."""
    select = app.get_by_label("Provider", exact=True)
    label = next(text for text in select.locator("option").all_inner_texts() if text.endswith(identifier))
    select.select_option(label=label)


_READ_SECTIONS = """() => {
    const text = node => node.textContent.replace(/\\s+/g, " ").trim();
    const table = grid => {
        const headings = [...grid.querySelectorAll("thead th")].map(text);
        return [...grid.querySelectorAll("tbody tr")].map(row => Object.fromEntries([...row.cells].map((cell, i) => {
            const items = [...cell.querySelectorAll("li")].map(text);
            return [headings[i], items.length ? items : text(cell)];
        })));
    };
    return Object.fromEntries([...document.querySelectorAll("section")].map(section => [
        text(section.querySelector("h2")),
        {
            pairs: Object.fromEntries([...section.querySelectorAll("table.cp-pairs tr")].map(
                row => [text(row.querySelector("th")), text(row.querySelector("td"))])),
            tables: [...section.querySelectorAll("table.cp-grid")].map(table),
            tabs: [...section.querySelectorAll("[role=tab]")].map(tab => ({
                title: text(tab), rows: table(document.getElementById(tab.getAttribute("aria-controls")).querySelector("table")),
            })),
        },
    ]));
}"""


def read_sections(page: Page) -> dict[str, dict]:
    """Every section of a page in one round trip, by heading: its label/value pairs, its tables'
    rows keyed by column heading, and its tabs with their panels' rows (hidden panels too)."""
    return page.evaluate(_READ_SECTIONS)


def read_table(table: Locator) -> list[dict]:
    """A table's rows keyed by column heading; a cell holding a list gives its items. Hidden
    tables too (textContent, not innerText): a tab's panel is in the page even when not shown."""
    return table.evaluate(
        """table => {
            const text = node => node.textContent.replace(/\\s+/g, " ").trim();
            const headings = [...table.querySelectorAll("thead th")].map(text);
            return [...table.querySelectorAll("tbody tr")].map(row => Object.fromEntries(
                [...row.cells].map((cell, i) => {
                    const items = [...cell.querySelectorAll("li")].map(text);
                    return [headings[i], items.length ? items : text(cell)];
                })));
        }"""
    )
