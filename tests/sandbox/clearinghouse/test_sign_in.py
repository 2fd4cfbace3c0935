"""Signing in the older way: each step, its failures, lockouts, the device it remembers, the terms
it asks once, and the checks every form carries."""

from __future__ import annotations

import html
import re

import httpx
from playwright.sync_api import Page, expect
from typer.testing import CliRunner

from rpa.cli import app as rpa_app

from .helpers import csrf, enter_password, enter_username

LOCKED = (
    "Your account is locked because of too many failed attempts. "
    "Contact your organization's ClearPath administrator to unlock it."
)


def _through_password(portal, client: httpx.Client, username: str) -> str:
    """Username and password posted; the CSRF token for the next steps."""
    token = csrf(client.get("/login").text)
    client.post("/login", data={"username": username, "csrf_token": token})
    answer = client.post("/login/password", data={"password": portal.user(username)["password"], "csrf_token": token})
    assert answer.headers["location"] == "/login/method"
    return token


def _through_code(portal, client: httpx.Client, code: str, username: str) -> str:
    token = _through_password(portal, client, username)
    client.post("/login/method", data={"method": "app", "csrf_token": token})
    answer = client.post("/login/code", data={"code": code, "csrf_token": token})
    assert answer.headers["location"] == "/login/security-question"
    return token


def test_every_step_once_then_a_remembered_device_skips_the_question_and_the_terms(clearinghouse_portal, page: Page, codes):
    portal = clearinghouse_portal
    user = portal.user("biller1")
    page.goto(portal.url + "/claims/status")
    expect(page.get_by_role("heading", name="Log In")).to_be_visible()
    enter_username(page, "biller1")
    expect(page.get_by_text("Username: biller1")).to_be_visible()
    enter_password(page, user["password"])
    expect(page.get_by_role("group", name="How would you like to receive your one-time code?")).to_be_visible()
    page.get_by_label("Authenticator app").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("One-time code").fill(codes.next("biller1"))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("We don't recognize this device.")).to_be_visible()
    page.get_by_label("What city were you born in?").fill("  cedar   RAPIDS ")
    page.get_by_label("Remember this device").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Terms of Use")).to_be_visible()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("alert")).to_have_text("You must check the box to accept the Terms of Use.")
    page.get_by_label("I have read and agree to the Terms of Use").check()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("heading", name="Claim Status", exact=True)).to_be_visible()
    expect(page.get_by_text("Dana Whitfield | Riverbend Medical Group")).to_be_visible()

    page.get_by_role("link", name="Log Out").click()
    expect(page.get_by_role("alert")).to_have_text("You have successfully logged out.")
    enter_username(page, "biller1")
    enter_password(page, user["password"])
    page.get_by_label("Authenticator app").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("One-time code").fill(codes.next("biller1"))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Welcome, Dana Whitfield")).to_be_visible()
    events = portal.stats()["sign_in"]["biller1"]
    assert events["question_asked"] == 1 and events["device_registered"] == 1 and events["device_remembered"] == 1
    assert events["terms_shown"] == events["terms_accepted"] == 1 and events["signed_in"] == 2
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert all(cookies[name]["httpOnly"] for name in ("CPSESSIONID", "cp_device", "cp_csrf"))


def test_only_the_authenticator_app_delivers_a_code(clearinghouse_portal):
    with httpx.Client(base_url=clearinghouse_portal.url) as client:
        token = _through_password(clearinghouse_portal, client, "biller2")
        method = client.get("/login/method").text
        assert "Text message to (***) ***-" in method and "Phone call to (***) ***-" in method
        for choice in ("text", "call"):
            refused = client.post("/login/method", data={"method": choice, "csrf_token": token})
            assert refused.status_code == 503 and "unable to send codes by text message or phone call" in refused.text
        assert client.post("/login/method", data={"csrf_token": token}).status_code == 400
        chosen = client.post("/login/method", data={"method": "app", "csrf_token": token})
        assert chosen.headers["location"] == "/login/code"


def test_three_wrong_passwords_lock_the_account_until_unlocked(clearinghouse_portal):
    portal = clearinghouse_portal
    with httpx.Client(base_url=portal.url) as client:
        token = csrf(client.get("/login").text)
        client.post("/login", data={"username": "biller3", "csrf_token": token})
        said = []
        for password in ("wrong", "wrong again", "still wrong", portal.user("biller3")["password"]):
            answer = client.post("/login/password", data={"password": password, "csrf_token": token})
            said.append((answer.status_code, html.unescape(re.search(r'role="alert"[^>]*>([^<]+)<', answer.text).group(1))))
        assert said[0] == (401, "The password you entered is incorrect. 2 attempt(s) remaining before your account is locked.")
        assert said[1][1].startswith("The password you entered is incorrect. 1 attempt(s)")
        assert said[2] == said[3] == (403, LOCKED)

        result = CliRunner().invoke(rpa_app, ["sandbox", "unlock", "biller3", "--portal", "clearinghouse", "--url", portal.url])
        assert result.exit_code == 0, result.output
        _through_password(portal, client, "biller3")
    assert portal.stats()["sign_in"]["biller3"]["password_locked"] == 2


def test_three_wrong_security_answers_lock_the_account(clearinghouse_portal, codes):
    portal = clearinghouse_portal
    with httpx.Client(base_url=portal.url) as client:
        token = _through_code(portal, client, codes.next("biller4"), "biller4")
        statuses = [
            client.post("/login/security-question", data={"answer": answer, "csrf_token": token}).status_code
            for answer in ("Chicago", "Detroit", "Grand Rapids, MI")
        ]
        assert statuses == [401, 401, 403]
        token = csrf(client.get("/login").text)
        client.post("/login", data={"username": "biller4", "csrf_token": token})
        again = client.post("/login/password", data={"password": portal.user("biller4")["password"], "csrf_token": token})
        assert again.status_code == 403 and "Your account is locked" in again.text
    portal.unlock("biller4")
    assert portal.stats()["sign_in"]["biller4"]["answer_wrong"] == 2


def test_a_wrong_or_replayed_code_is_refused_and_three_start_over(clearinghouse_portal, codes):
    portal = clearinghouse_portal
    code = codes.next("biller5")
    with httpx.Client(base_url=portal.url) as first:
        _through_code(portal, first, code, "biller5")
    with httpx.Client(base_url=portal.url) as client:
        token = _through_password(portal, client, "biller5")
        client.post("/login/method", data={"method": "app", "csrf_token": token})
        answers = [client.post("/login/code", data={"code": c, "csrf_token": token}) for c in (code, "000000", "111111")]
        assert [a.status_code for a in answers[:2]] == [401, 401]
        assert "The code you entered is not valid. Try again." in answers[0].text
        assert answers[2].headers["location"] == "/login?codes=1"
        assert "Too many incorrect codes. Please log in again." in client.get("/login?codes=1").text


def test_steps_cannot_be_skipped_or_posted_without_the_forms_token(clearinghouse_portal):
    portal = clearinghouse_portal
    with httpx.Client(base_url=portal.url) as client:
        assert client.get("/login/code").headers["location"] == "/login?restart=1"
        token = csrf(client.get("/login").text)
        forged = client.post("/login", data={"username": "demo", "csrf_token": "forged"})
        assert forged.status_code == 400 and "This page has expired" in forged.text
        client.post("/login", data={"username": "demo", "csrf_token": token})
        for step in ("/login/method", "/login/code", "/login/security-question", "/login/terms"):
            assert client.get(step).headers["location"] == "/login?restart=1", step
        assert client.post("/login/password", data={"password": "x", "csrf_token": "forged"}).status_code == 400
    assert "password_wrong" not in portal.stats()["sign_in"].get("demo", {})


def test_declining_the_terms_ends_the_sign_in(clearinghouse_portal, codes):
    portal = clearinghouse_portal
    with httpx.Client(base_url=portal.url) as client:
        token = _through_code(portal, client, codes.next("biller6"), "biller6")
        answer = client.post("/login/security-question", data={"answer": "Milwaukee", "csrf_token": token})
        assert answer.headers["location"] == "/login/terms"
        declined = client.post("/login/terms", data={"action": "decline", "csrf_token": token})
        assert declined.headers["location"] == "/login?declined=1"
        assert "You must accept the Terms of Use to use ClearPath." in client.get("/login?declined=1").text
        assert client.get("/home").headers["location"] == "/login?next=%2Fhome"


def test_a_captcha_follows_the_password_after_too_many_sign_ins(clearinghouse_portal):
    portal = clearinghouse_portal
    portal.configure(captcha_after=1)
    with httpx.Client(base_url=portal.url) as client:
        _through_password(portal, client, "biller7")
        token = csrf(client.get("/login").text)
        client.post("/login", data={"username": "biller7", "csrf_token": token})
        answer = client.post("/login/password", data={"password": portal.user("biller7")["password"], "csrf_token": token})
        assert answer.headers["location"] == "/login/captcha"
        page = client.get("/login/captcha").text
        assert "Type the characters shown in the image." in page and 'alt="Characters to type"' in page
        assert client.get("/login/captcha/image").headers["content-type"] == "image/svg+xml"
        assert client.get("/login/method").headers["location"] == "/login?restart=1"
    assert portal.stats()["sign_in"]["biller7"]["captcha_shown"] == 1
