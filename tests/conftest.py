"""Fixtures shared by every test: the browser pytest-playwright launches, the sandbox portal, and
settings for running the tool itself against it.

Engine runs share one state folder for the whole test session, as a real deployment does: the
remembered-device cookie and stored sessions carry over, so MFA is answered once, not per test
(each TOTP code works once, so a fresh sign-in per test would wait for the next 30 s window).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rpa.core.settings import Settings, load_settings
from rpa.portal.chromium import launch_options

pytest_plugins = ["rpa.sandbox.testing"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's browser, launched from the system Chromium with our flags."""
    options = launch_options(headless=True)
    return {**browser_type_launch_args, **options}


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


CLEARINGHOUSE_USER = "biller1"


@pytest.fixture
def clearinghouse_engine(clearinghouse, shared_state_dir, tmp_path, monkeypatch) -> Iterator[Settings]:
    """Settings for page-mode runs against the test clearinghouse as `biller1` (its every
    credential field from the environment), with fresh obstacle settings."""
    user = clearinghouse.user(CLEARINGHOUSE_USER)
    values = {"URL": clearinghouse.url, "USERNAME": user["username"], "PASSWORD": user["password"]}
    values.update(TOTP_SECRET=user["totp_secret"], SECURITY_ANSWER=user["security_answer"])
    for name, value in values.items():
        monkeypatch.setenv(f"RPA_CLEARINGHOUSE_{name}", value)
    monkeypatch.setenv("RPA_STATE_DIR", str(shared_state_dir))
    monkeypatch.chdir(tmp_path)
    clearinghouse.configure()
    yield load_settings(runs_dir=tmp_path / "runs", state_dir=shared_state_dir, mode="page")
    clearinghouse.configure()


@pytest.fixture
def engine_as(sandbox, tmp_path, monkeypatch):
    """Settings for a run as another sandbox user, with a state folder of its own (fresh sign-ins)."""

    def settings_for(username: str, *, payer: str = "sandbox", password: str | None = None) -> Settings:
        user = sandbox.user(username)
        prefix = f"RPA_{payer.upper()}_"
        monkeypatch.setenv("RPA_SANDBOX_URL", sandbox.url)
        monkeypatch.setenv(prefix + "URL", sandbox.url)
        monkeypatch.setenv(prefix + "USERNAME", user["username"])
        monkeypatch.setenv(prefix + "PASSWORD", password or user["password"])
        monkeypatch.setenv(prefix + "TOTP_SECRET", user["totp_secret"])
        state = tmp_path / f"state-{username}"
        monkeypatch.setenv("RPA_STATE_DIR", str(state))
        monkeypatch.chdir(tmp_path)
        return load_settings(runs_dir=tmp_path / "runs", state_dir=state)

    sandbox.configure()
    sandbox.reset()
    yield settings_for
    sandbox.configure()
    sandbox.reset()


SECOND_PAYER = '''
"""A second portal on the same portal software, as an out-of-tree flow (RPA_FLOWS_PATH)."""
from rpa.flows.sandbox.flow import SandboxFlow
from rpa.payers.flow import Payer


class SandboxEast(SandboxFlow):
    portal_id = "sandbox_east"
    display_name = "Sandbox East"
    payers = (Payer("sandbox_east", "Sandbox East"),)
    selector_map = str(SandboxFlow.selector_map_path())
    wording_map = str(SandboxFlow.file_beside(SandboxFlow.wording_map))
'''


@pytest.fixture
def second_payer(tmp_path, monkeypatch):
    """`sandbox_east`: another payer (same sandbox, its own credential), found through RPA_FLOWS_PATH."""
    from rpa.payers.registry import discover, selector_map_for, wording_maps_for

    folder = tmp_path / "more-flows"
    folder.mkdir()
    (folder / "sandbox_east.py").write_text(SECOND_PAYER)
    monkeypatch.setenv("RPA_FLOWS_PATH", str(folder))
    for cached in (discover, selector_map_for, wording_maps_for):
        cached.cache_clear()
    yield "sandbox_east"
    monkeypatch.delenv("RPA_FLOWS_PATH")
    for cached in (discover, selector_map_for, wording_maps_for):
        cached.cache_clear()
