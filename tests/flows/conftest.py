"""Fixtures for running the tool itself against the sandbox portal.

Engine runs share one state folder for the whole test session, as a real deployment does: the
remembered-device cookie and stored sessions carry over, so MFA is answered once, not per test
(each TOTP code works once, so a fresh sign-in per test would wait for the next 30 s window).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from rpa.settings import Settings, load_settings

ENGINE_USER = "clinic1"


@pytest.fixture(scope="session")
def shared_state_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("rpa-state")


@pytest.fixture
def engine(sandbox, shared_state_dir, tmp_path, monkeypatch) -> Iterator[Settings]:
    """Settings for a run against the test sandbox as `clinic1`, with fresh obstacle settings."""
    user = sandbox.user(ENGINE_USER)
    monkeypatch.setenv("RPA_SANDBOX_URL", sandbox.url)
    monkeypatch.setenv("RPA_SANDBOX_USERNAME", user["username"])
    monkeypatch.setenv("RPA_SANDBOX_PASSWORD", user["password"])
    monkeypatch.setenv("RPA_SANDBOX_TOTP_SECRET", user["totp_secret"])
    monkeypatch.setenv("RPA_STATE_DIR", str(shared_state_dir))
    monkeypatch.chdir(tmp_path)
    sandbox.configure()
    yield load_settings(runs_dir=tmp_path / "runs", state_dir=shared_state_dir)
    sandbox.configure()


def write_worklist(path: Path, rows: list[dict]) -> Path:
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path
