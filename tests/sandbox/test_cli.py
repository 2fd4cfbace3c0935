"""`rpa sandbox serve`, `users` and `truth`, and the child-process server benchmarks use."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import httpx
from typer.testing import CliRunner

from rpa.cli import app as rpa_app
from rpa.sandbox.server import SandboxProcess


def test_serve_prints_its_url_first_and_keeps_an_owner_only_state_file_while_running(tmp_path):
    env = {**os.environ, "RPA_STATE_DIR": str(tmp_path), "RPA_SANDBOX_SPINNER_MS": "250"}
    command = [
        sys.executable,
        "-m",
        "rpa.sandbox",
        "serve",
        "--port",
        "0",
        "--members",
        "20",
        "--claims",
        "50",
        "--latency-ms",
        "5",
        "--ui",
        "v2",
    ]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        url = server.stdout.readline().strip()
        state_file = tmp_path / "sandbox.json"
        assert json.loads(state_file.read_text()) == {"url": url, "pid": server.pid}
        assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
        settings = httpx.get(url + "/__sandbox/settings").json()
        assert (settings["latency_ms"], settings["ui"], settings["spinner_ms"]) == (5, "v2", 250)
        assert httpx.get(url + "/__sandbox/health").json()["claims"] == 50
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert not (tmp_path / "sandbox.json").exists()


def test_serve_refuses_a_bad_obstacle_setting():
    result = CliRunner().invoke(rpa_app, ["sandbox", "serve", "--error-rate", "1.5"])
    assert result.exit_code == 2


def test_a_sandbox_process_serves_until_stopped():
    with SandboxProcess("--members", "10", "--claims", "20") as process:
        assert httpx.get(process.url + "/login").status_code == 200
        pid = process.pid
    assert subprocess.run(["kill", "-0", str(pid)], capture_output=True).returncode != 0


def test_users_lists_the_seeded_users_with_their_secrets():
    result = CliRunner().invoke(rpa_app, ["sandbox", "users", "--json"])
    users = json.loads(result.output)
    assert [user["username"] for user in users] == ["demo", "clinic1", "clinic2", "clinic3", "clinic4", "clinic5"]
    assert all(len(user["totp_secret"]) == 32 and user["password"] for user in users)
    assert CliRunner().invoke(rpa_app, ["sandbox", "users"]).output.count("clinic") == 5


def test_truth_writes_every_claim_then_every_member(tmp_path):
    options = ["--members", "15", "--claims", "60", "--date", "11/01/2026", "--service-type", "UC"]
    result = CliRunner().invoke(rpa_app, ["sandbox", "truth", "--format", "jsonl", *options])
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["kind"] for r in records] == ["claim_status"] * 60 + ["eligibility"] * 15
    assert {r["query"]["service_date"] for r in records[60:]} == {"2026-11-01"}
    assert {r["query"]["service_type"] for r in records[60:]} == {"UC"}
    output = tmp_path / "truth.json"
    assert CliRunner().invoke(rpa_app, ["sandbox", "truth", "--format", "json", *options, "--output", str(output)]).exit_code == 0
    assert json.loads(output.read_text()) == records
    assert CliRunner().invoke(rpa_app, ["sandbox", "truth", "--date", "yesterday"]).exit_code == 2


def test_serve_with_token_auth_serves_an_identity_server_and_the_v3_app():
    with SandboxProcess("--members", "10", "--claims", "20", "--auth", "token", "--rate-limit", "50") as process:
        health = httpx.get(process.url + "/__sandbox/health").json()
        assert (health["auth"], health["ui"], health["identity_url"]) == ("token", "v3", process.identity_url)
        assert process.identity_url != process.url
        assert httpx.get(process.identity_url + "/authorize").status_code == 400, "a sign-in request names its client"
        assert httpx.get(process.url + "/__sandbox/settings").json()["rate_limit"] == 50


def test_serve_refuses_token_auth_with_a_server_rendered_ui():
    result = CliRunner().invoke(rpa_app, ["sandbox", "serve", "--auth", "token", "--ui", "v1"])
    assert result.exit_code == 2 and "auth=token needs ui=v3" in result.output
