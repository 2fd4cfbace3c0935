"""Sessions: idle and absolute expiry, the per-user limit, and what the API says without one."""

from __future__ import annotations

import time

import httpx
from playwright.sync_api import Page, expect

from .helpers import enter_password

EXPIRED = "Your session has expired. Please sign in again."


def test_an_idle_session_expires_to_the_sign_in_page_which_returns_after(portal, page: Page, sign_in, codes):
    portal.configure(session_idle_s=2)
    sign_in(page)
    time.sleep(2.3)
    page.get_by_role("link", name="Claim Status").click()
    expect(page.get_by_role("alert")).to_have_text(EXPIRED)
    assert "expired=1" in page.url and "next=%2Fclaims" in page.url
    page.get_by_label("Username").fill("demo")
    page.get_by_label("Password").fill(portal.user("demo")["password"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Verification code").fill(codes.next("demo"))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Claim Status Inquiry")).to_be_visible()


def test_a_session_ends_at_its_absolute_lifetime_even_when_busy(portal, api_session):
    portal.configure(session_max_s=2)
    client = api_session()
    started = time.monotonic()
    answers = []
    while time.monotonic() - started < 5 and (not answers or answers[-1][1].status_code == 200):
        answers.append((time.monotonic() - started, client.get("/home")))
        time.sleep(0.25)
    elapsed, expired = answers[-1]
    assert expired.status_code == 303 and expired.headers["location"].startswith("/login?expired=1")
    assert elapsed > 1.5 and len(answers) >= 4


def test_a_new_sign_in_beyond_the_limit_ends_the_oldest_session(portal, browser, sign_in):
    portal.configure(max_sessions=2)
    pages = [browser.new_context().new_page()]
    sign_in(pages[0], "clinic3", remember=True)
    device = [cookie for cookie in pages[0].context.cookies() if cookie["name"] == "sbx_device"]
    for _ in range(2):
        pages.append(browser.new_context(storage_state={"cookies": device}).new_page())
        pages[-1].goto(portal.url + "/login")
        enter_password(pages[-1], portal, "clinic3")
        expect(pages[-1].get_by_role("heading", name="Welcome, Lakeside Behavioral Billing")).to_be_visible()
    oldest, *others = pages
    oldest.get_by_role("link", name="Eligibility & Benefits").click()
    expect(oldest.get_by_role("alert")).to_have_text(EXPIRED)
    for page in others:
        page.get_by_role("link", name="Eligibility & Benefits").click()
        expect(page.get_by_role("heading", name="Eligibility & Benefits")).to_be_visible()
    sessions = portal.stats()["sessions"]["clinic3"]
    assert sessions == {"active": 2, "peak": 2, "ended_by_limit": 1}
    for page in pages:
        page.context.close()


def test_ended_sessions_send_pages_to_sign_in_and_the_api_answers_401(portal, api_session):
    client = api_session()
    assert client.get("/api/claims/search", params={"claimNumber": portal.data.claims[0].claim_number}).status_code == 200
    assert portal.expire_sessions("demo") == {"expired": 1}
    page = client.get("/claims/results?claimNumber=X")
    assert page.status_code == 303 and page.headers["location"] == "/login?expired=1&next=%2Fclaims%2Fresults%3FclaimNumber%3DX"
    answer = client.get("/api/claims/search", params={"claimNumber": "X"})
    assert answer.status_code == 401
    assert answer.json() == {"error": "session_expired", "message": "Your session has expired."}


def test_without_a_session_cookie_pages_redirect_and_the_api_says_not_signed_in(portal):
    with httpx.Client(base_url=portal.url) as client:
        page = client.get("/eligibility?memberId=1")
        assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Feligibility%3FmemberId%3D1"
        answer = client.get("/api/eligibility")
        assert answer.status_code == 401 and answer.json()["error"] == "not_signed_in"
