"""Every obstacle on, and off again: latency, errors, maintenance, spinner, modal, CAPTCHA, settings."""

from __future__ import annotations

import time

import httpx
import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .helpers import enter_password, post_password


def _timed_get(url: str) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = httpx.get(url)
    return time.perf_counter() - started, response


def test_latency_and_jitter_slow_every_request_until_switched_off(portal):
    portal.configure(latency_ms=300)
    for path in ("/login", "/static/portal.css", "/api/eligibility"):
        elapsed, _ = _timed_get(portal.url + path)
        assert elapsed >= 0.3, path
    portal.configure(jitter_ms=400)
    timings = [_timed_get(portal.url + "/login")[0] for _ in range(8)]
    assert max(timings) - min(timings) > 0.05, "uniform jitter varies from request to request"
    portal.configure()
    assert min(_timed_get(portal.url + "/login")[0] for _ in range(3)) < 0.3


def test_error_rate_one_fails_every_page_and_api_call_but_no_static_file(portal, page: Page):
    portal.configure(error_rate=1)
    statuses = set()
    for _ in range(16):
        response = page.goto(portal.url + "/login")
        statuses.add(response.status)
        heading = {500: "Something went wrong", 503: "Service temporarily unavailable"}[response.status]
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    assert statuses == {500, 503}
    answer = httpx.get(portal.url + "/api/claims/search")
    assert (answer.status_code, answer.json()["error"]) in {(500, "server_error"), (503, "unavailable")}
    assert httpx.get(portal.url + "/static/portal.js").status_code == 200
    assert sum(portal.stats()["errors_injected"].values()) == 17
    portal.configure(error_rate=0)
    assert page.goto(portal.url + "/login").status == 200


def test_maintenance_answers_every_page_and_api_call_with_503(portal, page: Page):
    portal.configure(maintenance=True)
    response = page.goto(portal.url + "/claims")
    assert response.status == 503 and response.headers["retry-after"]
    expect(page.get_by_role("heading", name="Scheduled maintenance")).to_be_visible()
    answer = httpx.get(portal.url + "/api/eligibility")
    assert answer.status_code == 503 and answer.json()["error"] == "maintenance"
    portal.configure()
    assert page.goto(portal.url + "/login").status == 200


def test_results_show_the_spinner_for_spinner_ms(portal, page: Page, sign_in):
    claim = portal.data.claims[0]
    sign_in(page)
    portal.configure(spinner_ms=1500)
    started = time.perf_counter()
    page.goto(f"{portal.url}/claims/results?claimNumber={claim.claim_number}")
    spinner = page.get_by_role("status")
    expect(spinner).to_have_text("Please wait while we retrieve your results...")
    page.wait_for_timeout(500)
    expect(spinner).to_be_visible()
    expect(page.get_by_role("link", name=claim.claim_number)).to_be_visible()
    expect(spinner).to_be_hidden()
    assert time.perf_counter() - started >= 1.5
    portal.configure()
    started = time.perf_counter()
    page.goto(f"{portal.url}/claims/{claim.payer_claim_id}")
    expect(page.get_by_role("heading", name="Service Lines")).to_be_visible()
    assert time.perf_counter() - started < 1.5


def test_a_failed_api_call_shows_the_portals_apology(portal, page: Page, sign_in):
    claim = portal.data.claims[0]
    sign_in(page)
    portal.configure(spinner_ms=2000)
    page.goto(f"{portal.url}/claims/results?claimNumber={claim.claim_number}")
    portal.configure(spinner_ms=2000, error_rate=1)
    expect(page.get_by_role("alert")).to_have_text("We're sorry, something went wrong. Please try again.")
    expect(page.get_by_role("status")).to_be_hidden()


def test_a_modal_blocks_clicks_until_dismissed(portal, page: Page, sign_in):
    sign_in(page)
    portal.configure(modal_rate=1)
    for _ in range(2):
        page.goto(portal.url + "/home")
        dialog = page.get_by_role("dialog")
        expect(dialog).to_be_visible()
        assert dialog.get_attribute("aria-modal") == "true"
        with pytest.raises(PlaywrightTimeout):
            page.get_by_role("link", name="Claim Status").click(timeout=500)
        if dialog.get_by_role("heading").inner_text() == "Tell us about your experience":
            dialog.get_by_role("button", name="No thanks").click()
        else:
            expect(dialog.get_by_role("heading")).to_have_text("Important announcement")
            dialog.get_by_role("button", name="Close").click()
        expect(dialog).to_be_hidden()
    page.get_by_role("link", name="Claim Status").click()
    expect(page.get_by_role("heading", name="Claim Status Inquiry")).to_be_visible()
    portal.configure(modal_rate=0)
    page.goto(portal.url + "/home")
    page.wait_for_timeout(900)
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_captcha_after_n_sign_ins_in_the_window(portal, page: Page):
    portal.configure(captcha_after=2)
    with httpx.Client(base_url=portal.url) as client:
        for _ in range(2):
            assert post_password(client, portal, "clinic4").headers["location"] == "/mfa"
    page.goto(portal.url + "/login")
    enter_password(page, portal, "clinic4")
    expect(page.get_by_role("heading", name="Security check")).to_be_visible()
    expect(page.get_by_text("To continue, confirm you are not a robot.")).to_be_visible()
    expect(page.get_by_role("img")).to_have_js_property("complete", True)
    assert page.get_by_role("img").evaluate("image => image.naturalWidth") > 0
    page.get_by_label("Enter the characters shown").fill("WRONG1")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_have_text("The characters you entered did not match. Please try again.")
    portal.configure(captcha_after=0)
    page.goto(portal.url + "/login")
    enter_password(page, portal, "clinic4")
    expect(page.get_by_role("heading", name="Verify your identity")).to_be_visible()


def test_settings_post_sets_the_named_ones_and_resets_the_rest(portal):
    assert portal.configure(latency_ms=5, ui="v2")["latency_ms"] == 5
    settings = portal.configure(error_rate=0.25)
    assert (settings["latency_ms"], settings["ui"], settings["error_rate"]) == (0, "v1", 0.25)
    assert portal.settings() == settings
    for bad in ({"nonsense": 1}, {"error_rate": 2}, {"ui": "v4"}, {"auth": "token", "ui": "v1"}):
        answer = httpx.post(portal.url + "/__sandbox/settings", json=bad)
        assert answer.status_code == 400 and answer.json()["error"] == "validation"
    assert portal.configure()["error_rate"] == 0
