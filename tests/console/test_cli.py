"""`rpa console users ...`, `rpa console audit` and `rpa console serve` as an administrator uses them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from typer.testing import CliRunner

from rpa.cli import app
from rpa.console.database import FILE_NAME, MIGRATIONS, ConsoleDatabase
from rpa.core.errors import ConfigError

PASSWORD = "a long enough password"


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("RPA_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("RPA_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "state"


def rpa(*arguments: str, password: str | None = None):
    return CliRunner().invoke(app, list(arguments), input=None if password is None else password + "\n")


def test_accounts_are_added_listed_disabled_and_given_new_passwords_from_standard_input(state):
    added = rpa("console", "users", "add", "maria", "--role", "supervisor", password=PASSWORD)
    assert added.exit_code == 0, added.output
    assert PASSWORD not in added.output
    assert rpa("console", "users", "add", "maria", "--role", "specialist", password=PASSWORD).exit_code == 2
    short = rpa("console", "users", "add", "li", "--role", "specialist", password="short")
    assert short.exit_code == 2 and "at least 12 characters" in short.output

    [maria] = json.loads(rpa("console", "users", "list", "--json").output)
    assert maria["name"] == "maria" and maria["role"] == "supervisor" and maria["active"] is True
    assert "password" not in json.dumps(maria)
    assert rpa("console", "users", "disable", "maria").exit_code == 0
    assert json.loads(rpa("console", "users", "list", "--json").output)[0]["active"] is False
    assert rpa("console", "users", "enable", "maria").exit_code == 0
    assert rpa("console", "users", "reset-password", "maria", password=PASSWORD + "?").exit_code == 0
    assert rpa("console", "users", "disable", "nobody").exit_code == 2

    stored = (state / FILE_NAME).read_bytes()
    assert PASSWORD.encode() not in stored and b"$argon2id$" in stored
    assert oct((state / FILE_NAME).stat().st_mode & 0o777) == "0o600"
    entries = [json.loads(line) for line in rpa("console", "audit", "--json").output.splitlines()]
    assert [entry["action"] for entry in entries] == ["user_add", "user_disable", "user_enable", "user_reset_password"]
    assert all(entry["user"].startswith("cli") and entry["subject"] == "user maria" for entry in entries)
    assert rpa("console", "audit", "--user", "someone-else", "--json").output == ""


def test_the_schema_is_versioned_and_a_newer_database_is_refused(state):
    database = ConsoleDatabase(state)
    assert database.version == len(MIGRATIONS)
    assert ConsoleDatabase(state).version == len(MIGRATIONS)  # opening again changes nothing
    with database.connect() as connection:
        connection.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(ConfigError, match="newer than this rpa knows"):
        ConsoleDatabase(state)


def test_serve_listens_on_loopback_by_default_and_warns_when_bound_wider(state):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "rpa", "console", "serve", "--host", "0.0.0.0", "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        said = ""
        while "rpa console on" not in said:
            line = server.stderr.readline()
            assert line, said
            said += line
        assert "warning" in said and "reachable from other machines" in said
        deadline = time.monotonic() + 15
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/sign-in").status_code == 200
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=15)
    default = rpa("console", "serve", "--help")
    assert "127.0.0.1" in default.output and "8400" in default.output
