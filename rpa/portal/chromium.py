"""Where the Chromium binary comes from, and the flags it needs here.

Playwright's own browser download is not possible on every machine (no internet, distro
policy), so the system Chromium is preferred when it exists; `RPA_CHROMIUM` points at any
other binary, and with neither, Playwright's bundled browser (``playwright install chromium``)
is used.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# Headless runs prefer the old headless shell (Debian's chromium-headless-shell, what Playwright
# itself downloads for headless): about half the CPU per page of the full browser's headless mode.
HEADLESS_CANDIDATES = ("/usr/bin/chromium-headless-shell",)
SYSTEM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")

# Without the background-networking flags Chromium keeps dialing Google services, which a
# closed network refuses many times a second; --no-sandbox is required when running as root.
LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
)


def chromium_executable(headless: bool = True) -> str | None:
    """The Chromium binary to launch, or None to let Playwright use its bundled one."""
    configured = os.environ.get("RPA_CHROMIUM")
    if configured:
        if not Path(configured).exists():
            raise FileNotFoundError(f"RPA_CHROMIUM points at {configured}, which does not exist")
        return configured
    for candidate in (*HEADLESS_CANDIDATES, *SYSTEM_CANDIDATES) if headless else SYSTEM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def launch_options(headless: bool = True) -> dict:
    """Keyword arguments for ``playwright.chromium.launch``."""
    options: dict = {"headless": headless, "args": list(LAUNCH_ARGS)}
    executable = chromium_executable(headless)
    if executable:
        options["executable_path"] = executable
    return options
