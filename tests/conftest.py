"""Fixtures shared by every test: the browser pytest-playwright launches and the sandbox portal."""

from __future__ import annotations

import pytest

from rpa.chromium import launch_options

pytest_plugins = ["rpa.sandbox.testing"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's browser, launched from the system Chromium with our flags."""
    options = launch_options(headless=True)
    return {**browser_type_launch_args, **options}
