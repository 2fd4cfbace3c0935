"""Signing in: password, verification code, remembered device, replay, lockout, CSRF, sign-out."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect
from typer.testing import CliRunner

from rpa.cli import app as rpa_app

from .helpers import enter_password, post_password

LOCKED = "Your account has been locked after too many failed sign-in attempts. Contact your administrator."


def test_sign_in_asks_for_a_code_and_a_remembered_device_skips_it(portal, page: Page, sign_in, browser):
    sign_in(page, remember=True)
    expect(page.get_by_role("heading", name="Welcome, Demo Biller")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Claim Status", "Eligibility & Benefits", "Sign out"):
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    remembered = page.context.storage_state()
    page.get_by_role("link", name="Sign out").click()
    expect(page.get_by_role("alert")).to_have_text("You have been signed out.")

    enter_password(page, portal, "demo")
    expect(page.get_by_role("heading", name="Welcome, Demo Biller")).to_be_visible()

    other_browser = browser.new_context(
        storage_state={"cookies": [c for c in remembered["cookies"] if c["name"] == "sbx_device"]}
    )
    other_page = other_browser.new_page()
    other_page.goto(portal.url + "/login")
    enter_password(other_page, portal, "clinic1")
    expect(other_page.get_by_role("heading", name="Verify your identity")).to_be_visible()
    other_browser.close()
    events = portal.stats()["sign_in"]["demo"]
    assert events["code_accepted"] == 1 and events["device_remembered"] == 1 and events["signed_in"] == 2


def test_session_and_device_cookies_are_http_only(portal, page: Page, sign_in):
    sign_in(page, remember=True)
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    for name in ("sbx_session", "sbx_device", "sbx_csrf"):
        assert cookies[name]["httpOnly"], name
    assert cookies["sbx_device"]["expires"] > 0 and cookies["sbx_session"]["expires"] == -1


def test_a_code_is_accepted_once(portal, page: Page, codes):
    page.goto(portal.url + "/login")
    enter_password(page, portal, "demo")
    code = codes.next("demo")
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("link", name="Sign out").click()

    enter_password(page, portal, "demo")
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_have_text("The verification code is incorrect or has expired.")


def test_three_wrong_codes_send_the_user_back_to_sign_in(portal, page: Page):
    page.goto(portal.url + "/login")
    enter_password(page, portal, "demo")
    for _ in range(3):
        page.get_by_label("Verification code").fill("000000")
        page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Too many incorrect verification codes")


def test_three_wrong_passwords_lock_the_account_until_unlocked(portal, page: Page, sign_in):
    page.goto(portal.url + "/login")
    enter_password(page, portal, "clinic2", "wrong")
    expect(page.get_by_role("alert")).to_have_text(re.compile(r"^The username or password you entered is incorrect\. .*2"))
    enter_password(page, portal, "clinic2", "wrong again")
    expect(page.get_by_role("alert")).to_contain_text("1")
    enter_password(page, portal, "clinic2", "still wrong")
    expect(page.get_by_role("alert")).to_have_text(LOCKED)
    enter_password(page, portal, "clinic2")
    expect(page.get_by_role("alert")).to_have_text(LOCKED)

    result = CliRunner().invoke(rpa_app, ["sandbox", "unlock", "clinic2", "--url", portal.url])
    assert result.exit_code == 0, result.output
    sign_in(page, "clinic2")
    expect(page.get_by_role("heading", name=re.compile("^Welcome, "))).to_be_visible()


def test_unlock_names_an_unknown_user_and_a_missing_sandbox(portal, monkeypatch, tmp_path):
    result = CliRunner().invoke(rpa_app, ["sandbox", "unlock", "nobody", "--url", portal.url])
    assert result.exit_code == 1 and "nobody" in result.output
    monkeypatch.delenv("RPA_SANDBOX_URL", raising=False)
    monkeypatch.setenv("RPA_STATE_DIR", str(tmp_path))
    result = CliRunner().invoke(rpa_app, ["sandbox", "unlock", "demo"])
    assert result.exit_code == 2 and "rpa sandbox serve" in result.output


def test_sign_in_without_the_forms_csrf_token_is_refused(portal):
    with httpx.Client(base_url=portal.url) as client:
        client.get("/login")
        user = portal.user("demo")
        refused = client.post("/login", data={"username": "demo", "password": user["password"], "csrf_token": "forged"})
        assert refused.status_code == 400
        assert "Your sign-in page expired" in refused.text
        assert portal.stats()["sign_in"] == {}
        accepted = post_password(client, portal, "demo")
        assert accepted.status_code == 303


def test_sign_in_returns_to_the_page_asked_for(portal, page: Page, sign_in):
    sign_in(page, path="/eligibility")
    expect(page.get_by_role("heading", name="Eligibility & Benefits")).to_be_visible()
    page.goto(portal.url + "/login?next=https://example.org/")
    expect(page).to_have_url(portal.url + "/home")
