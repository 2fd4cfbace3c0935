"""The console as the office meets it: a real uvicorn server on a free loopback port (in this
process, so it can be stopped and started again over the same state folder), real Chromium
through pytest-playwright, and the session's sandbox portal behind every lookup.

Accounts are made once per test session in the shared state folder, as `rpa console users add`
would. `RPA_CONSOLE_SCREENSHOTS=/tmp/somewhere` saves a 1280 px screenshot of each page a test
visits there, for a person to look at (never into the repository).
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, expect

from rpa.console.app import create_app
from rpa.console.database import ConsoleDatabase
from rpa.console.users import Role, UserDirectory
from rpa.core.settings import Settings
from rpa.runs.store import RunStore

PASSWORD = "correct horse battery staple"
ACCOUNTS = {"ana": Role.SPECIALIST, "ben": Role.SPECIALIST, "sue": Role.SUPERVISOR, "ada": Role.ADMIN}
SHOTS = os.environ.get("RPA_CONSOLE_SCREENSHOTS")


class ConsoleServer:
    """One console process's worth of server: `stop()` and `start()` again is a restart (a new
    signing key, as a restart without RPA_CONSOLE_SECRET_KEY has)."""

    def __init__(self, settings: Settings, **options):
        self.settings = settings
        self.options = options
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.url = ""
        self.start()

    @property
    def app(self):
        return self._server.config.app

    def start(self) -> None:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        config = uvicorn.Config(create_app(self.settings, **self.options), log_level="warning", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [listener]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            assert time.monotonic() < deadline, "the console did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def accounts(shared_state_dir) -> dict[str, Role]:
    users = UserDirectory(ConsoleDatabase(shared_state_dir))
    for name, role in ACCOUNTS.items():
        if users.find(name) is None:
            users.add(name, role, PASSWORD)
    return ACCOUNTS


@pytest.fixture
def api_engine(engine) -> Settings:
    """The engine's settings against the sandbox, reading its JSON (fast) rather than its pages."""
    return engine.model_copy(update={"mode": "api"})


@pytest.fixture
def console_server(api_engine, accounts) -> Iterator[ConsoleServer]:
    server = ConsoleServer(api_engine)
    yield server
    server.stop()


@pytest.fixture
def page(page: Page) -> Page:
    page.set_default_timeout(15_000)
    expect.set_options(timeout=15_000)
    return page


def sign_in(page: Page, server: ConsoleServer, name: str, password: str = PASSWORD) -> None:
    page.goto(server.url + "/sign-in")
    shot(page, "sign-in")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def shot(page: Page, name: str) -> None:
    """A 1280 px full-page screenshot for a person's eye, when RPA_CONSOLE_SCREENSHOTS is set."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@dataclass
class Exposure:
    """Every URL the browser asked for and every title it showed: where PHI must never be."""

    urls: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> Exposure:
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("load", lambda loaded: self.titles.append(loaded.title()))
        return self

    def assert_free_of(self, *values: str) -> None:
        assert self.urls and self.titles
        for value in values:
            pattern = re.compile(re.escape(value), re.I)
            assert not [url for url in self.urls if pattern.search(url)], value
            assert not [title for title in self.titles if pattern.search(title)], value


STATUSES = (
    "Finalized - Denied",
    "Pended - Additional Information Requested",
    "Rejected - Missing Information",
    "Finalized - Paid",
)


@pytest.fixture
def claims_run(sandbox, api_engine, tmp_path) -> Callable[..., RunStore]:
    """A claim-status batch over the sandbox (two claims of each kind in STATUSES), as the night's
    run leaves it; call it again for a new run of the same claims."""
    from rpa.core.worklist import write_worklist
    from rpa.engine.jobs import run_worklist

    picked = []
    for status in STATUSES:
        picked += [claim for claim in sandbox.data.claims if claim.status.value == status][:2]
    rows = [{"Payer": "sandbox", "Claim Number": claim.claim_number} for claim in picked]

    def run() -> RunStore:
        path = write_worklist(tmp_path / f"claims-{len(list(tmp_path.glob('claims-*')))}.csv", rows)
        return RunStore(run_worklist(path, settings=api_engine).run_dir)

    return run
