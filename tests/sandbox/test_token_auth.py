"""Token sign-in (auth=token): the identity server on another origin, bearer tokens on the API,
silent refresh, and a failed refresh that returns the app to the identity server's sign-in."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from playwright.sync_api import Page, expect

from .helpers import identity_code, token_sign_in

CALLBACK = "/auth/callback"


@pytest.fixture
def token_portal(portal):
    portal.configure(auth="token")
    return portal


def _sign_in_on_the_identity_server(page: Page, portal, codes, username: str = "demo") -> None:
    expect(page).to_have_url(re.compile("^" + re.escape(portal.identity_url + "/authorize?")))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(portal.user(username)["password"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Verification code").fill(codes.next(username))
    page.get_by_role("button", name="Verify").click()


def _refresh(portal, refresh_token: str) -> httpx.Response:
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": "sandbox-portal"}
    return httpx.post(portal.identity_url + "/token", data=data)


def test_the_app_signs_in_on_the_identity_server_and_calls_the_api_with_a_bearer_token(token_portal, page: Page, codes):
    portal = token_portal
    claim = portal.data.claims[11]
    assert portal.settings()["ui"] == "v3" and portal.identity_url != portal.url
    page.goto(f"{portal.url}/claims/results?claimNumber={claim.claim_number}")
    with page.expect_request(re.compile(re.escape(portal.url + "/api/claims/search"))) as search:
        _sign_in_on_the_identity_server(page, portal, codes)
    expect(page.get_by_role("article", name=f"Claim {claim.claim_number}")).to_be_visible()
    assert page.url == f"{portal.url}/claims/results?claimNumber={claim.claim_number}", "back where it started"
    assert search.value.headers["authorization"].startswith("Bearer ")
    assert not any(cookie["name"] == "sbx_session" for cookie in page.context.cookies())
    expect(page.get_by_text("Signed in as Demo Biller")).to_be_visible()
    stats = portal.stats()
    assert stats["tokens"]["issued"] == 1 and stats["sessions"]["demo"]["active"] == 1
    assert {"code_accepted", "code_issued", "signed_in"} <= set(stats["sign_in"]["demo"])


def test_access_tokens_refresh_silently_before_expiry_and_after_a_401(token_portal, page: Page, codes):
    portal = token_portal
    portal.configure(auth="token", token_ttl_s=2)
    page.goto(portal.url + "/eligibility")
    _sign_in_on_the_identity_server(page, portal, codes)
    expect(page.get_by_role("heading", name="Eligibility & Benefits")).to_be_visible()
    deadline = time.monotonic() + 5
    while portal.stats()["tokens"]["refreshed"] < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert portal.stats()["tokens"]["refreshed"] >= 1, "refreshed before expiry with no API call"
    portal.configure(auth="token")  # a long lifetime again: only the admin expiry below can refuse
    portal.expire_tokens()
    member = next(m for m in portal.data.members)
    page.get_by_label("Member ID").fill(member.member_id)
    page.get_by_label("Date of Birth").fill(member.date_of_birth.strftime("%m/%d/%Y"))
    page.get_by_role("button", name="Check Eligibility").click()
    expect(page.get_by_role("region", name="Coverage Summary")).to_be_visible()
    tokens = portal.stats()["tokens"]
    assert tokens["rejected"] >= 1 and tokens["refreshed"] >= 2 and tokens["refresh_failed"] == 0
    assert page.url.startswith(portal.url)


def test_a_failed_refresh_returns_the_app_to_the_identity_sign_in(token_portal, page: Page, codes):
    portal = token_portal
    page.goto(portal.url + "/claims")
    _sign_in_on_the_identity_server(page, portal, codes, "clinic1")
    expect(page.get_by_role("heading", name="Claim Status Inquiry")).to_be_visible()
    assert portal.revoke_tokens("clinic1") == {"revoked": 1}
    page.get_by_label("Claim Number").fill(portal.data.claims[0].claim_number)
    page.get_by_role("button", name="Search").click()
    _sign_in_on_the_identity_server(page, portal, codes, "clinic1")
    expect(page.get_by_role("article")).to_have_count(1)
    assert page.url.startswith(portal.url + "/claims/results?")
    assert portal.stats()["tokens"]["refresh_failed"] == 1


def test_the_api_wants_a_live_bearer_token_and_the_token_endpoint_follows_oauth(token_portal, codes):
    portal = token_portal
    search = portal.url + "/api/claims/search?claimNumber=" + portal.data.claims[0].claim_number
    missing = httpx.get(search)
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    wrong = httpx.get(search, headers={"Authorization": "Bearer nonsense"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_token"
    assert 'error="invalid_token"' in wrong.headers["www-authenticate"]
    tokens = token_sign_in(portal, codes)
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 300
    bearer = {"Authorization": "Bearer " + tokens["access_token"]}
    assert httpx.get(search, headers=bearer).status_code == 200
    assert httpx.get(search, cookies={"sbx_session": "x"}).status_code == 401, "no cookie sign-in with auth=token"
    renewed = _refresh(portal, tokens["refresh_token"])
    assert renewed.status_code == 200
    assert _refresh(portal, tokens["refresh_token"]).json()["error"] == "invalid_grant", "refresh tokens rotate"
    preflight = httpx.options(portal.identity_url + "/token", headers={"Origin": portal.url})
    assert preflight.headers["access-control-allow-origin"] == portal.url
    stranger = httpx.options(portal.identity_url + "/token", headers={"Origin": "http://127.0.0.1:9"})
    assert "access-control-allow-origin" not in stranger.headers
    code = identity_code(portal, codes)
    redeem = {"grant_type": "authorization_code", "code": code, "client_id": "sandbox-portal"}
    assert httpx.post(portal.identity_url + "/token", data={**redeem, "redirect_uri": "http://evil/cb"}).status_code == 400
    assert (
        httpx.post(portal.identity_url + "/token", data={**redeem, "redirect_uri": portal.url + CALLBACK}).status_code == 400
    ), "a code is used up by its first redemption, even a refused one"


def test_each_sign_in_is_a_session_within_max_sessions(token_portal, codes):
    portal = token_portal
    portal.configure(auth="token", max_sessions=1)
    first = token_sign_in(portal, codes, "clinic3")
    second = token_sign_in(portal, codes, "clinic3")
    search = portal.url + "/api/me"
    assert httpx.get(search, headers={"Authorization": "Bearer " + first["access_token"]}).status_code == 401
    assert httpx.get(search, headers={"Authorization": "Bearer " + second["access_token"]}).json()["username"] == "clinic3"
    assert _refresh(portal, first["refresh_token"]).status_code == 400
    assert portal.stats()["sessions"]["clinic3"] == {"active": 1, "peak": 1, "ended_by_limit": 1}


def test_the_identity_server_locks_an_account_like_the_portal(token_portal, codes):
    portal = token_portal
    for _ in range(3):
        with pytest.raises(AssertionError):
            identity_code(portal, codes, "clinic2", password="wrong")
    with httpx.Client(base_url=portal.identity_url) as identity:
        request = {"response_type": "code", "client_id": "sandbox-portal", "redirect_uri": portal.url + CALLBACK, "state": "x"}
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', identity.get("/authorize", params=request).text).group(1)
        data = {**request, "csrf_token": csrf, "username": "clinic2", "password": portal.user("clinic2")["password"]}
        locked = identity.post("/authorize", data=data)
    assert locked.status_code == 403 and "has been locked" in locked.text
    bad = httpx.get(portal.identity_url + "/authorize", params={**request, "redirect_uri": "http://evil/cb"})
    assert bad.status_code == 400 and "Sign-in request not valid" in bad.text
