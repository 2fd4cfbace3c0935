"""Sessions: the timeout warning each signed-in window asks with confirm() (OK in time keeps the
session; Cancel, a late OK or no answer ends it), the iframe's expiry, and the session limit."""

from __future__ import annotations

import time
from collections.abc import Callable

from playwright.sync_api import Dialog, Page, expect

from .helpers import choose_payer, choose_provider, claim_app

WARNING = "Your session is about to expire due to inactivity. Select OK to keep working or Cancel to log out. Continue?"


def _eventually(page: Page, condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    """Wait in Playwright (the sync API runs dialog handlers only while it is called)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(100)


def _ended(portal) -> dict:
    return portal.stats()["sessions_ended_by_warning"]


def test_ok_within_the_grace_period_keeps_the_session(clearinghouse_portal, signed_in_page):
    portal = clearinghouse_portal
    portal.configure(session_warning_s=0.5, session_warning_grace_s=5)
    page = signed_in_page("biller1")
    messages = []

    def accept(dialog: Dialog) -> None:
        messages.append((dialog.type, dialog.message))
        dialog.accept()

    page.on("dialog", accept)
    _eventually(page, lambda: portal.stats()["session_warnings"]["continued"] >= 1)
    assert messages[0] == ("confirm", WARNING)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Eligibility and Benefits").click()
    expect(page.get_by_role("heading", name="Eligibility and Benefits Inquiry")).to_be_visible()
    assert _ended(portal) == {"dismissed": 0, "too_late": 0}


def test_cancel_or_a_browser_dismissing_dialogs_ends_the_session(clearinghouse_portal, signed_in_page):
    portal = clearinghouse_portal
    portal.configure(session_warning_s=0.5)
    page = signed_in_page("biller2")
    page.wait_for_url("**/session/ended")
    expect(page.get_by_role("alert")).to_have_text("Your session has ended. Please log in again to continue.")
    page.goto(portal.url + "/home")
    expect(page.get_by_role("alert")).to_have_text("Your session has expired. Please log in again.")
    assert _ended(portal) == {"dismissed": 1, "too_late": 0}
    assert portal.stats()["sessions"]["biller2"]["ended_by_warning"] == {"dismissed": 1, "too_late": 0}


def test_ok_after_the_grace_period_ends_the_session(clearinghouse_portal, signed_in_page):
    portal = clearinghouse_portal
    portal.configure(session_warning_s=0.5, session_warning_grace_s=0.3)
    page = signed_in_page("biller3")

    def answer_late(dialog: Dialog) -> None:
        time.sleep(0.6)
        dialog.accept()

    page.on("dialog", answer_late)
    page.wait_for_url("**/session/ended")
    assert _ended(portal) == {"dismissed": 0, "too_late": 1}


def test_a_warning_left_unanswered_past_the_grace_ends_the_session_at_its_next_request(clearinghouse_portal, signed_in_client):
    portal = clearinghouse_portal
    portal.configure(session_warning_grace_s=0.3)
    client = signed_in_client("biller4")
    assert client.post("/api/session/warning", json={"window": "popup-1"}).status_code == 200
    assert client.get("/home").status_code == 200
    time.sleep(0.5)
    assert client.get("/eligibility").headers["location"] == "/login?expired=1&next=%2Feligibility"
    assert _ended(portal) == {"dismissed": 0, "too_late": 1}


def test_each_window_warns_on_its_own_and_work_inside_the_iframe_does_not_keep_the_shell_awake(
    clearinghouse_portal, signed_in_page
):
    portal = clearinghouse_portal
    data = portal.data
    claim = next(c for c in data.claims if data.payer_of(c.member).id == "summit")
    portal.configure(session_warning_s=0.8, session_warning_grace_s=5)
    page = signed_in_page("biller5", "/claims/status")
    warned = {"shell": 0, "detail": 0}

    def accept(window: str) -> Callable[[Dialog], None]:
        def on_dialog(dialog: Dialog) -> None:
            warned[window] += 1
            dialog.accept()

        return on_dialog

    page.on("dialog", accept("shell"))
    app = claim_app(page)
    choose_payer(app, "Summit", "Summit Health Plan")
    choose_provider(app, claim.provider.npi)
    app.get_by_role("tab", name="Claim number").click()
    app.get_by_label("Claim Number", exact=True).press_sequentially(claim.claim_number, delay=100)
    app.get_by_role("button", name="Submit").click()
    assert warned["shell"] >= 1 and not warned["detail"], "the shell warned while the user was busy inside the iframe"
    with page.expect_popup() as opened:
        app.get_by_role("link", name="View").click()
    detail = opened.value
    detail.on("dialog", accept("detail"))
    _eventually(page, lambda: warned["shell"] >= 1 and warned["detail"] >= 1)
    assert _ended(portal) == {"dismissed": 0, "too_late": 0}
    expect(detail.get_by_role("heading", name="Claim Detail")).to_be_visible()
    detail.close()


def test_an_expired_session_inside_the_iframe_takes_the_whole_window_to_log_in(clearinghouse_portal, signed_in_page):
    portal = clearinghouse_portal
    page = signed_in_page("biller6", "/claims/status")
    app = claim_app(page)
    choose_payer(app, "Prairie", "Prairie Mutual Insurance")
    portal.expire_sessions("biller6")
    app.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("alert")).to_have_text("Your session has expired. Please log in again.")
    assert page.url == portal.url + "/login?expired=1&next=%2Fclaims%2Fstatus"


def test_a_sign_in_beyond_the_session_limit_ends_the_oldest(clearinghouse_portal, signed_in_client):
    portal = clearinghouse_portal
    portal.configure(max_sessions=1)
    first = signed_in_client("biller7")
    second = signed_in_client("biller7")
    assert first.get("/home").headers["location"] == "/login?expired=1&next=%2Fhome"
    assert second.get("/home").status_code == 200
    sessions = portal.stats()["sessions"]["biller7"]
    assert sessions["ended_by_limit"] == 1 and sessions["ended_by_warning"] == {"dismissed": 0, "too_late": 0}
