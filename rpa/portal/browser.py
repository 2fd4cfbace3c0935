"""One Playwright and at most one Chromium per process; one context per portal session.

Both start lazily: a one-off lookup served from the portal's JSON with a stored session starts
neither the Playwright driver nor a browser. JSON calls go through an HTTP client that carries
the signed-in session's cookies.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from rpa.core.logs import get_logger
from rpa.portal import settle
from rpa.portal.chromium import launch_options

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page, Playwright


NOT_NEEDED = (
    *("png", "jpg", "jpeg", "gif", "webp", "avif", "ico", "svg", "bmp"),
    *("woff", "woff2", "ttf", "otf", "eot"),
    *("mp3", "mp4", "webm", "ogg", "wav"),
)
"""Images, fonts and media: they never carry an answer, and a real portal's pages are full of them."""


async def block_unneeded_resources(context: BrowserContext, page: Page) -> None:
    """Stop a page from loading images, fonts and media, keeping the HTTP cache.

    Chromium's own URL blocking (DevTools `Network.setBlockedURLs`) is used rather than a
    Playwright route, because any route turns the browser's HTTP cache off: every page would then
    fetch the portal's scripts and styles again, each a full round trip to a slow portal. Where
    the DevTools call is refused (a browser that lacks it), a route still blocks them.
    """
    try:
        devtools = await context.new_cdp_session(page)
        await devtools.send("Network.enable")
        await devtools.send("Network.setBlockedURLs", {"urls": [f"*.{ext}" for ext in NOT_NEEDED]})
    except Exception as error:
        get_logger().info("resource_blocking_by_route", reason=str(error))
        await page.route(f"**/*.{{{','.join(NOT_NEEDED)}}}", _abort)


async def _abort(route) -> None:
    await route.abort()


class BrowserHost:
    def __init__(self, *, headless: bool = True):
        self.headless = headless
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._lock = asyncio.Lock()
        self._blocked: dict[Page, asyncio.Future] = {}
        self.launches = 0

    async def __aenter__(self) -> BrowserHost:
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
    def browser_launched(self) -> bool:
        return self._browser is not None

    async def browser(self) -> Browser:
        async with self._lock:
            if self._playwright is None:
                from playwright.async_api import async_playwright

                self._playwright = await async_playwright().start()
            if self._browser is None or not self._browser.is_connected():
                self._browser = await self._playwright.chromium.launch(**launch_options(headless=self.headless))
                self.launches += 1
                get_logger().info("browser_launched", version=self._browser.version)
            return self._browser

    async def new_context(self, storage_state: dict | None, *, on_dialog: Callable[[Any], Any] | None = None) -> BrowserContext:
        """A context whose every page, pop-up windows included, blocks unneeded resources and has
        its JavaScript dialogs answered by `on_dialog` (never Playwright's silent dismiss), and
        whose documents record whether they are settled (rpa.portal.settle)."""
        browser = await self.browser()
        context = await browser.new_context(
            storage_state=storage_state,
            viewport={"width": 1280, "height": 720},
            locale="en-US",
            service_workers="block",
        )
        await context.add_init_script(settle.TRACKER)  # tells a settled page from a slow one
        context.on("page", lambda page: self._blocking(context, page))
        if on_dialog is not None:
            context.on("dialog", on_dialog)
        return context

    async def new_page(self, context: BrowserContext) -> Page:
        page = await context.new_page()
        await self._blocking(context, page)
        return page

    def _blocking(self, context: BrowserContext, page: Page) -> asyncio.Future:
        """Resource blocking for `page`, started once whoever sees the page first."""
        task = self._blocked.get(page)
        if task is None:
            task = self._blocked[page] = asyncio.ensure_future(block_unneeded_resources(context, page))
            page.on("close", lambda _: self._blocked.pop(page, None))
        return task

    @staticmethod
    def new_api(base_url: str, storage_state: dict | None, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
        """An HTTP client for the portal's JSON, holding the session's cookies (no browser needed)
        and any header the portal's API needs (a bearer token the page's own calls carry)."""
        cookies = httpx.Cookies()
        for cookie in (storage_state or {}).get("cookies", []):
            cookies.set(cookie["name"], cookie["value"], domain=cookie["domain"], path=cookie.get("path", "/"))
        return httpx.AsyncClient(base_url=base_url, cookies=cookies, headers={"Accept": "application/json", **(headers or {})})
