"""Pages the engine opens skip images, fonts and media but keep the portal's scripts cached."""

from __future__ import annotations

from rpa.engine.jobs import run_async
from rpa.portal.browser import BrowserHost


def static_requests(sandbox) -> int:
    return sandbox.stats()["requests"].get("static", 0)


async def open_sign_in_page_three_times_then_an_image(url: str) -> str:
    async with BrowserHost() as host:
        context = await host.new_context(None)
        page = await host.new_page(context)
        for _ in range(3):
            await page.goto(f"{url}/login")
        return await page.evaluate(
            """(src) => new Promise((done) => {
                const image = new Image();
                image.onload = () => done("loaded");
                image.onerror = () => done("blocked");
                image.src = src;
            })""",
            f"{url}/static/favicon.svg",
        )


def test_images_are_blocked_and_scripts_and_styles_come_from_the_cache(sandbox):
    before = static_requests(sandbox)

    image = run_async(open_sign_in_page_three_times_then_an_image(sandbox.url))

    assert image == "blocked"
    assert static_requests(sandbox) - before == 2  # portal.css and portal.js, once for three pages
