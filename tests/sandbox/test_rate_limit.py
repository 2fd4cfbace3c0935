"""The rate limit: a sliding minute per user over pages and API, 429 with Retry-After, counted."""

from __future__ import annotations

import httpx

from rpa.sandbox.rate_limit import RequestWindows

from .helpers import post_password


def test_pages_over_the_limit_get_a_429_page_with_retry_after(portal):
    portal.configure(rate_limit=3)
    with httpx.Client(base_url=portal.url) as client:
        assert [client.get("/login").status_code for _ in range(3)] == [200, 200, 200]
        refused = client.get("/login")
        assert client.get("/static/portal.css").status_code == 200, "static files are never limited"
        assert client.get("/__sandbox/health").status_code == 200, "nor the admin endpoints"
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "<h1>Too many requests</h1>" in refused.text
    assert 'role="alert"' in refused.text
    stats = portal.stats()
    assert stats["rate_limited"] == 1
    assert stats["requests_by_user"] == {"client:127.0.0.1": {"requests": 3, "rate_limited": 1, "peak_per_minute": 3}}


def test_a_signed_in_user_is_limited_across_sessions_and_the_api_answers_json(portal, api_session):
    first, second = api_session("clinic2"), api_session("clinic2")
    portal.configure(rate_limit=8)  # the two sign-ins took 6 of the client address's minute
    claim = portal.data.claims[3].claim_number
    answers = [client.get("/api/claims/search", params={"claimNumber": claim}) for client in (first, second) * 4]
    assert [answer.status_code for answer in answers] == [200] * 8
    refused = first.get("/api/claims/search", params={"claimNumber": claim})
    assert refused.status_code == 429
    body = refused.json()
    assert body["error"] == "rate_limited" and body["message"]
    assert body["retry_after"] == int(refused.headers["retry-after"]) >= 1
    assert second.get("/claims").status_code == 429, "pages and API share the user's minute"
    with httpx.Client(base_url=portal.url) as stranger:
        assert stranger.get("/login").status_code == 200, "a caller without a user has a minute of its own"
    clinic2 = portal.stats()["requests_by_user"]["clinic2"]
    assert clinic2["rate_limited"] == 2 and clinic2["peak_per_minute"] == 8


def test_a_refused_sign_in_is_not_a_wrong_password(portal):
    portal.configure(rate_limit=2)
    with httpx.Client(base_url=portal.url) as client:
        assert post_password(client, portal, "clinic5", "wrong").status_code == 401
        for _ in range(3):
            assert client.post("/login", data={"username": "clinic5", "password": "wrong"}).status_code == 429
    assert portal.stats()["sign_in"]["clinic5"] == {"password_wrong": 1}
    portal.configure()
    with httpx.Client(base_url=portal.url) as client:
        assert post_password(client, portal, "clinic5").headers["location"] == "/mfa", "not locked"


def test_the_window_slides_retry_after_counts_down_to_the_oldest_slot():
    clock = [1000.0]
    windows = RequestWindows(clock=lambda: clock[0])
    assert windows.admit("demo", 2) is None
    clock[0] += 20.5
    assert windows.admit("demo", 2) is None
    assert windows.admit("demo", 2) == 40
    clock[0] += 39.4
    assert windows.admit("demo", 2) == 1
    clock[0] += 0.5
    assert windows.admit("demo", 2) is None
    assert windows.admit("demo", 0) is None, "0 means no limit, still counted"
    assert windows.as_dict()["requests_by_user"]["demo"] == {"requests": 4, "rate_limited": 2, "peak_per_minute": 3}
