"""`rpa sandbox serve|users|truth|unlock --portal clearinghouse`, the child-process server, and
finding a running clearinghouse or its demo user."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import httpx
from typer.testing import CliRunner

from rpa.cli import app as rpa_app
from rpa.sandbox.embedded import ensure_sandbox_url, seeded_user
from rpa.sandbox.server import SandboxProcess

USER_FIELDS = {"username", "password", "totp_secret", "security_question", "security_answer", "display_name"}


def test_serve_keeps_a_state_file_of_its_own_and_takes_the_warning_settings(tmp_path):
    env = {**os.environ, "RPA_STATE_DIR": str(tmp_path), "RPA_CLEARINGHOUSE_SESSION_WARNING_GRACE_S": "45"}
    command = [sys.executable, "-m", "rpa.sandbox", "serve", "--portal", "clearinghouse", "--port", "0"]
    options = ["--members", "20", "--claims", "60", "--session-warning-s", "120", "--latency-ms", "5"]
    server = subprocess.Popen([*command, *options], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        url = server.stdout.readline().strip()
        state_file = tmp_path / "sandbox-clearinghouse.json"
        assert json.loads(state_file.read_text()) == {"url": url, "pid": server.pid}
        assert stat.S_IMODE(state_file.stat().st_mode) == 0o600 and not (tmp_path / "sandbox.json").exists()
        settings = httpx.get(url + "/__sandbox/settings").json()
        assert (settings["session_warning_s"], settings["session_warning_grace_s"], settings["latency_ms"]) == (120, 45, 5)
        assert httpx.get(url + "/__sandbox/health").json()["portal"] == "clearinghouse"
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert not state_file.exists()


def test_serve_refuses_a_setting_the_portal_does_not_have():
    result = CliRunner().invoke(rpa_app, ["sandbox", "serve", "--portal", "clearinghouse", "--ui", "v2"])
    assert result.exit_code == 2 and "--ui is not a setting of the clearinghouse portal" in result.output


def test_a_sandbox_process_serves_the_clearinghouse_until_stopped():
    with SandboxProcess("--members", "10", "--claims", "20", portal="clearinghouse") as process:
        assert "Log In - ClearPath Provider Exchange" in httpx.get(process.url + "/login").text


def test_users_lists_each_users_password_code_secret_and_security_answer():
    result = CliRunner().invoke(rpa_app, ["sandbox", "users", "--portal", "clearinghouse", "--json"])
    users = json.loads(result.output)
    assert users[0]["username"] == "demo" and len(users) == 9
    assert all(set(user) == USER_FIELDS for user in users)
    assert {user["security_question"] for user in users} == {"What city were you born in?"}
    table = CliRunner().invoke(rpa_app, ["sandbox", "users", "--portal", "clearinghouse"]).output
    assert "Security answer" in table and "Springfield" in table


def test_truth_writes_every_claim_then_every_member_with_the_payers_ids():
    options = ["--members", "30", "--claims", "120", "--date", "11/01/2026", "--service-type", "UC"]
    result = CliRunner().invoke(rpa_app, ["sandbox", "truth", "--portal", "clearinghouse", "--format", "jsonl", *options])
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["kind"] for r in records] == ["claim_status"] * 120 + ["eligibility"] * 30
    assert {r["query"]["payer"] for r in records} == {"summit", "lakeshore", "prairie"}
    assert all(r["member_search"]["outcome"] in ("found", "needs_human") for r in records[:120])
    assert {(r["query"]["service_date"], r["query"]["service_type"]) for r in records[120:]} == {("2026-11-01", "UC")}


def test_unlock_finds_a_running_clearinghouse_by_its_own_variable(clearinghouse_portal, monkeypatch, tmp_path):
    monkeypatch.setenv("RPA_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("RPA_CLEARINGHOUSE_URL", raising=False)
    result = CliRunner().invoke(rpa_app, ["sandbox", "unlock", "demo", "--portal", "clearinghouse"])
    assert result.exit_code == 2 and "rpa sandbox serve --portal clearinghouse" in result.output
    monkeypatch.setenv("RPA_CLEARINGHOUSE_URL", clearinghouse_portal.url)
    assert CliRunner().invoke(rpa_app, ["sandbox", "unlock", "demo", "--portal", "clearinghouse"]).exit_code == 0


def test_the_embedded_lookup_finds_the_running_clearinghouse_and_its_demo_user(clearinghouse, monkeypatch):
    monkeypatch.setenv("RPA_CLEARINGHOUSE_URL", clearinghouse.url)
    assert ensure_sandbox_url("clearinghouse") == clearinghouse.url
    demo = seeded_user(clearinghouse.url)
    assert set(demo) == USER_FIELDS and demo["username"] == "demo" and demo["security_answer"] == "Springfield"
