"""Obstacles on the clearinghouse: latency, error pages and maintenance (inside the iframe and
the pop-up too), the announcement modal, settings through the admin; and no JSON for answers."""

from __future__ import annotations

import time

import httpx
from playwright.sync_api import Page, expect

from .helpers import choose_payer, claim_app


def test_latency_slows_every_request_until_switched_off(clearinghouse_portal):
    clearinghouse_portal.configure(latency_ms=250)
    started = time.perf_counter()
    httpx.get(clearinghouse_portal.url + "/login")
    assert time.perf_counter() - started >= 0.25
    clearinghouse_portal.configure()
    started = time.perf_counter()
    httpx.get(clearinghouse_portal.url + "/login")
    assert time.perf_counter() - started < 0.25


def test_errors_show_inside_the_iframe_while_the_shell_stays(clearinghouse_portal, signed_in_page):
    portal = clearinghouse_portal
    page = signed_in_page("biller1", "/claims/status")
    app = claim_app(page)
    choose_payer(app, "Summit", "Summit Health Plan")
    portal.configure(error_rate=1)
    app.get_by_role("button", name="Submit").click()
    expect(
        app.get_by_role("heading", name="System Error").or_(app.get_by_role("heading", name="Service Unavailable"))
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Claim Status", exact=True)).to_be_visible()
    assert sum(portal.stats()["errors_injected"].values()) == 1


def test_maintenance_answers_pages_in_every_window_and_the_scripts_endpoints(clearinghouse_portal, signed_in_client):
    portal = clearinghouse_portal
    client = signed_in_client("biller2")
    ref = portal.data.ref(portal.data.claims[0])
    portal.configure(maintenance=True)
    for path in ("/login", "/home", "/cs/claim-status", f"/cs/claim-detail?ref={ref}"):
        answer = client.get(path)
        assert answer.status_code == 503 and "System Maintenance" in answer.text and answer.headers["retry-after"], path
    answer = client.get("/api/payers?q=summit")
    assert answer.status_code == 503 and answer.json()["error"] == "maintenance"


def test_the_shell_sometimes_announces_something_until_dismissed(clearinghouse_portal, signed_in_page):
    clearinghouse_portal.configure(modal_rate=1)
    page: Page = signed_in_page("biller3")
    dialog = page.get_by_role("dialog", name="Important Update")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Dismiss").click()
    expect(dialog).to_have_count(0)


def test_settings_are_the_clearinghouses_own(clearinghouse_portal):
    settings = clearinghouse_portal.configure(session_warning_s=30)
    assert settings["session_warning_s"] == 30 and settings["session_warning_grace_s"] == 60 and "ui" not in settings
    refused = httpx.post(clearinghouse_portal.url + "/__sandbox/settings", json={"ui": "v2"})
    assert refused.status_code == 400 and "ui" in refused.json()["fields"]


def test_claims_and_eligibility_are_pages_only(clearinghouse_portal, signed_in_client):
    client = signed_in_client("biller4")
    claim = clearinghouse_portal.data.claims[0]
    for path in (f"/api/claims/{claim.payer_claim_id}", "/api/claims/search", "/api/eligibility"):
        assert client.get(path).status_code == 404, path
    assert (
        client.get(f"/cs/claim-detail?ref={clearinghouse_portal.data.ref(claim)}").headers["content-type"].startswith("text/html")
    )
    assert client.get("/api/payers?q=prairie").json() == {
        "payers": [
            {"id": "prairie", "name": "Prairie Mutual Insurance"},
            {"id": "prairie-state-medicaid", "name": "Prairie State Medicaid"},
        ]
    }
