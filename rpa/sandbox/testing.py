"""A pytest plugin: one sandbox portal per test process, reset around every test that uses it.

Load it with `pytest_plugins = ["rpa.sandbox.testing"]`. `sandbox` is session-scoped; `portal`
is the same handle with settings and state reset before and after the test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rpa.sandbox.client import SandboxAdmin
from rpa.sandbox.records import PortalData
from rpa.sandbox.server import SandboxServer
from rpa.sandbox.settings import Settings

SEED, MEMBERS, CLAIMS = 7, 500, 5000


class SandboxHandle(SandboxAdmin):
    """The admin calls of a running sandbox plus its generated data, to pick members and claims."""

    def __init__(self, url: str, data: PortalData):
        super().__init__(url)
        self.data = data


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxHandle]:
    with SandboxServer(SEED, MEMBERS, CLAIMS, settings=Settings()) as server:
        handle = SandboxHandle(server.url, server.data)
        yield handle
        handle.close()


@pytest.fixture
def portal(sandbox: SandboxHandle) -> Iterator[SandboxHandle]:
    sandbox.configure()
    sandbox.reset()
    yield sandbox
    sandbox.configure()
    sandbox.reset()
