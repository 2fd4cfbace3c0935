"""A pytest plugin: one sandbox portal of each kind per test process, reset around every test
that uses it.

Load it with `pytest_plugins = ["rpa.sandbox.testing"]`. `sandbox` (the first portal) and
`clearinghouse` are session-scoped, started when a test first asks; `portal` and
`clearinghouse_portal` are the same handles with settings and state reset before and after the test.
The first portal is served with its identity server, so a test can switch to token sign-in with
`portal.configure(auth="token")` (UI v3 follows) and find it at `portal.identity_url`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rpa.sandbox.clearinghouse.settings import ClearinghouseSettings
from rpa.sandbox.client import SandboxAdmin
from rpa.sandbox.records import PortalData
from rpa.sandbox.server import SandboxServer
from rpa.sandbox.settings import Settings

SEED, MEMBERS, CLAIMS = 7, 500, 5000
"""The first portal's; the clearinghouse is served at its default size."""


class SandboxHandle(SandboxAdmin):
    """The admin calls of a running sandbox plus its generated data, to pick members and claims,
    and (first portal) its identity server's URL, for `auth=token`."""

    def __init__(self, url: str, data: PortalData, identity_url: str | None = None):
        super().__init__(url)
        self.data = data
        self.identity_url = identity_url


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxHandle]:
    with SandboxServer(SEED, MEMBERS, CLAIMS, settings=Settings(), identity=True) as server:
        handle = SandboxHandle(server.url, server.data, server.identity_url)
        yield handle
        handle.close()


@pytest.fixture
def portal(sandbox: SandboxHandle) -> Iterator[SandboxHandle]:
    sandbox.configure()
    sandbox.reset()
    yield sandbox
    sandbox.configure()
    sandbox.reset()


@pytest.fixture(scope="session")
def clearinghouse() -> Iterator[SandboxHandle]:
    """The clearinghouse portal (docs/sandbox-clearinghouse.md) at its default size."""
    with SandboxServer(SEED, settings=ClearinghouseSettings(), portal="clearinghouse") as server:
        handle = SandboxHandle(server.url, server.data)
        yield handle
        handle.close()


@pytest.fixture
def clearinghouse_portal(clearinghouse: SandboxHandle) -> Iterator[SandboxHandle]:
    clearinghouse.configure()
    clearinghouse.reset()
    yield clearinghouse
    clearinghouse.configure()
    clearinghouse.reset()
