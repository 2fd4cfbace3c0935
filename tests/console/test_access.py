"""Who gets what: no data without a session (every route tried), roles, a cross-site form post
refused in a real browser, lockout after repeated failures, and sessions that end when idle."""

from __future__ import annotations

import re
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from playwright.sync_api import Page, expect

from rpa.console.app import page_routers
from rpa.console.followups import FollowUpBoard
from rpa.console.users import LOCK_AFTER_FAILURES

from .conftest import PASSWORD, ConsoleServer, shot, sign_in


def signed_in(server: ConsoleServer, name: str, password: str = PASSWORD) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=30)
    response = client.post("/sign-in", data={"username": name, "password": password, "csrf_token": token_of(client, "/sign-in")})
    assert response.status_code == 303, response.text
    return client


def token_of(client: httpx.Client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)[1]


def test_without_a_session_every_page_gives_the_sign_in_page_and_every_endpoint_401_never_data(
    console_server, claims_run, sandbox
):
    store = claims_run()
    claim = store.results()[0].query["claim_number"]
    ana = signed_in(console_server, "ana")
    looked_up = ana.post(
        "/lookup/claim", data={"payer": "sandbox", "claim_number": claim, "csrf_token": token_of(ana, "/lookup")}
    )
    job = looked_up.headers["location"].rsplit("/", 1)[1]
    values = {"job_id": job, "run_id": store.run_id}

    stranger = httpx.Client(base_url=console_server.url, timeout=30)
    routes = [route for router in page_routers() for route in router.routes if route.path != "/sign-in"]
    assert len(routes) >= 20
    for route in routes:
        path = route.path.format(**values)
        for method in route.methods:
            response = stranger.request(method, path)
            if path.startswith("/api/"):
                assert response.status_code == 401, (method, path)
            elif method == "GET":
                assert response.status_code == 303 and response.headers["location"] == "/sign-in", (method, path)
            else:
                assert response.status_code in (303, 403), (method, path)  # a post without the session's token is refused first
            assert claim not in response.text and "Pended" not in response.text, (method, path)
    assert "Sign in" in stranger.get("/followup", follow_redirects=True).text
    other = signed_in(console_server, "ben")
    assert other.get(f"/lookup/{job}").status_code == 404  # a lookup is only its asker's
    assert other.get(f"/api/lookups/{job}").status_code == 404


@pytest.mark.parametrize(
    "name, allowed, refused",
    [
        ("ana", ["/lookup", "/followup"], ["/runs", "/payers/check", "/audit", "/users"]),
        ("sue", ["/lookup", "/followup", "/runs", "/audit"], ["/users"]),
        ("ada", ["/runs", "/audit", "/users"], []),
    ],
)
def test_each_role_opens_its_pages_and_is_refused_the_others(console_server, name, allowed, refused):
    client = signed_in(console_server, name)
    for path in allowed:
        assert client.get(path).status_code == 200, path
    for path in refused:
        response = client.get(path)
        assert response.status_code == 403 and "Not allowed" in response.text, path


def test_a_specialist_is_refused_the_audit_page(page: Page, console_server):
    sign_in(page, console_server, "ana")
    expect(page.get_by_role("link", name="Audit")).to_have_count(0)
    response = page.goto(console_server.url + "/audit")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.locator("table")).to_have_count(0)
    shot(page, "audit-refused")


class AttackerSite:
    """Another origin on this machine with a page whose form posts to the console by itself."""

    def __init__(self, html: str):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(html.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


def test_a_cross_site_form_post_with_the_users_cookie_is_refused_and_changes_nothing(
    page: Page, console_server, claims_run, api_engine
):
    claims_run()
    board = FollowUpBoard(console_server.app.state.console.database, api_engine)
    target = next(item for item in board.items() if item.status == "open")
    sign_in(page, console_server, "ana")
    page.goto(console_server.url + "/followup")
    stolen_token = page.locator('input[name="csrf_token"]').first.get_attribute("value")
    attack = AttackerSite(
        f"""<form method="post" action="{console_server.url}/followup/worked">
        <input name="key" value="{target.key}"><input name="note" value="written off by an attacker">
        <input name="csrf_token" value="{stolen_token}"></form><script>document.forms[0].submit()</script>"""
    )
    try:
        with page.expect_response(lambda response: response.url.endswith("/followup/worked")) as posted:
            page.goto(attack.url)
        assert posted.value.status == 403
        expect(page.get_by_role("heading", name="Refused")).to_be_visible()
        shot(page, "cross-site-refused")
    finally:
        attack.close()
    after = next(item for item in board.items() if item.key == target.key)
    assert after.status == "open" and not any("attacker" in note.note for note in after.state.notes)

    client = signed_in(console_server, "ana")
    no_token = client.post("/followup/worked", data={"key": target.key, "note": "no token"})
    other_origin = client.post(
        "/followup/worked",
        data={"key": target.key, "note": "foreign", "csrf_token": token_of(client, "/followup")},
        headers={"Origin": "http://evil.example"},
    )
    assert no_token.status_code == other_origin.status_code == 403


def test_repeated_failures_lock_the_account_even_against_the_right_password(console_server):
    console = console_server.app.state.console
    name = f"temp{secrets.token_hex(3)}"
    console.users.add(name, "specialist", PASSWORD)
    client = httpx.Client(base_url=console_server.url, timeout=30)
    for _ in range(LOCK_AFTER_FAILURES):
        refused = client.post(
            "/sign-in", data={"username": name, "password": "wrong password!", "csrf_token": token_of(client, "/sign-in")}
        )
        assert refused.status_code == 401
    locked = client.post("/sign-in", data={"username": name, "password": PASSWORD, "csrf_token": token_of(client, "/sign-in")})
    assert locked.status_code == 401 and "locked" in locked.text
    assert console.users.get(name).locked

    console.users.reset_password(name, PASSWORD + "!")
    signed_in(console_server, name, PASSWORD + "!")


def test_a_session_ends_after_the_idle_limit(api_engine, accounts):
    server = ConsoleServer(api_engine, idle_minutes=1 / 60)
    try:
        client = signed_in(server, "ana")
        assert client.get("/followup").status_code == 200
        time.sleep(1.3)
        expired = client.get("/followup")
        assert expired.status_code == 303 and expired.headers["location"] == "/sign-in"
        assert "without activity" in client.get("/sign-in").text
    finally:
        server.stop()


def test_an_admin_adds_and_disables_an_account_in_the_console_and_its_sessions_end(page: Page, console_server):
    name = f"new{secrets.token_hex(3)}"
    sign_in(page, console_server, "ada")
    page.get_by_role("link", name="Users").click()
    form = page.locator("form", has=page.get_by_role("button", name="Add"))
    form.get_by_label("Name").fill(name)
    form.get_by_label("Role").select_option("specialist")
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Add").click()
    expect(page.get_by_role("status")).to_contain_text(f"Added {name}")
    newcomer = signed_in(console_server, name)
    assert newcomer.get("/lookup").status_code == 200

    page.locator("tr", has_text=name).get_by_role("button", name="Disable").click()
    expect(page.locator("tr", has_text=name)).to_contain_text("disabled")
    shot(page, "users")
    assert newcomer.get("/lookup").headers["location"] == "/sign-in"
    entries = console_server.app.state.console.audit.entries(user="ada", limit=5)
    assert [entry.action for entry in entries[:2]] == ["user_disable", "user_add"] and entries[0].subject == f"user {name}"
