"""One Playwright and at most one Chromium per process; one context per portal session.

Chromium starts lazily: a one-off lookup served from the portal's JSON with a stored session
never launches a browser at all.
"""

from __future__ import annotations

import asyncio
from typing import Any

from playwright.async_api import APIRequestContext, Browser, BrowserContext, Playwright, async_playwright

from rpa.chromium import launch_options
from rpa.logs import get_logger


class BrowserHost:
    def __init__(self, *, headless: bool = True):
        self.headless = headless
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._lock = asyncio.Lock()
        self.launches = 0

    async def __aenter__(self) -> BrowserHost:
        self._playwright = await async_playwright().start()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()

    async def close(self) -> None:
        if self._browser is not None:
            try:
                await self._browser.close()
            except Exception:  # a browser that already died has nothing left to close
                pass
            self._browser = None
        if self._playwright is not None:
            await self._playwright.stop()
            self._playwright = None

    @property
    def playwright(self) -> Playwright:
        if self._playwright is None:
            raise RuntimeError("BrowserHost used outside 'async with'")
        return self._playwright

    @property
    def browser_launched(self) -> bool:
        return self._browser is not None

    async def browser(self) -> Browser:
        async with self._lock:
            if self._browser is None or not self._browser.is_connected():
                options = launch_options(headless=self.headless)
                self._browser = await self.playwright.chromium.launch(**options)
                self.launches += 1
                get_logger().info("browser_launched", version=self._browser.version)
            return self._browser

    async def new_context(self, storage_state: dict | None) -> BrowserContext:
        browser = await self.browser()
        return await browser.new_context(
            storage_state=storage_state,
            viewport={"width": 1280, "height": 900},
            locale="en-US",
            service_workers="block",
        )

    async def new_api(self, base_url: str, storage_state: dict | None) -> APIRequestContext:
        return await self.playwright.request.new_context(base_url=base_url, storage_state=storage_state)
