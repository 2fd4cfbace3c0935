"""Page verbs of the kit on pages written for the test (real Chromium, the session's own context
with its settle tracker): infinite lists loaded by scrolling, a settled page told from a slow one,
and a 429 met inside the page's own fetch."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from rpa.core.errors import LayoutError, RateLimited
from rpa.engine.jobs import run_async
from rpa.portal.browser import BrowserHost
from rpa.portal.pacing import Pacer
from rpa.portal.page import PortalPage
from rpa.portal.selectors import load_selector_map

ORIGIN = "http://portal.test"
SELECTORS = """
elements:
  list: [{role: list, name: "Claims"}]
  list.end: [{text: "No more claims", exact: true}]
  late: [{role: heading, name: "Results"}]
  missing: [{role: heading, name: "Claim Summary"}]
  state.rate_limited: [{text: "Too many requests"}]
"""
INFINITE = """<!doctype html><body>
<ul aria-label="Claims" style="height: 200px; overflow-y: auto"></ul><p id=end hidden>No more claims</p>
<script>
  const list = document.querySelector('ul');
  let shown = 0;
  async function more() {
    const batch = await (await fetch('/api/claims?from=' + shown)).json();
    for (const claim of batch) {
      const li = document.createElement('li'); li.textContent = claim; li.style.height = '40px'; list.append(li);
    }
    shown += batch.length;
    if (batch.length < 10) { document.getElementById('end').hidden = false; observer.disconnect(); }
    else list.append(sentinel);
  }
  const sentinel = document.createElement('li');
  const observer = new IntersectionObserver((entries) => { if (entries.some(e => e.isIntersecting)) more(); }, {root: list});
  more().then(() => observer.observe(sentinel));
</script></body>"""
SLOW = """<!doctype html><body><main></main><script>
  fetch('/api/slow').then(r => r.json()).then(() => { document.querySelector('main').innerHTML = '<h1>Results</h1>'; });
</script></body>"""
THROTTLED = """<!doctype html><body><main></main><script>
  fetch('/api/data').then(r => {
    if (r.status === 429) document.querySelector('main').textContent = 'Too many requests, try again later.';
  });
</script></body>"""


async def with_portal_page(tmp_path, path: str, use, *, settle_ms: int = 1000, pacer: Pacer | None = None):
    (tmp_path / "selectors.yaml").write_text(SELECTORS)
    selectors = load_selector_map(tmp_path / "selectors.yaml")
    requests: list[str] = []

    async def serve(route) -> None:
        url = route.request.url.removeprefix(ORIGIN)
        requests.append(url)
        if url.startswith("/api/claims"):
            start = int(url.split("=")[1])
            body = json.dumps([f"CLM{number:03d}" for number in range(start + 1, min(start + 10, 35) + 1)])
            await route.fulfill(status=200, content_type="application/json", body=body)
        elif url == "/api/slow":
            await asyncio.sleep(3)
            await route.fulfill(status=200, content_type="application/json", body="{}")
        elif url == "/api/data":
            await route.fulfill(status=429, headers={"Retry-After": "2"}, content_type="application/json", body="{}")
        else:
            page_html = {"/list": INFINITE, "/slow": SLOW, "/throttled": THROTTLED, "/settled": "<h1>Claim Search</h1>"}[url]
            await route.fulfill(status=200, content_type="text/html", body=page_html)

    async with BrowserHost() as host:
        context = await host.new_context(None)
        await context.route(f"{ORIGIN}/**", serve)
        page = await host.new_page(context)
        portal = PortalPage(
            page, selectors, ORIGIN, pacer or Pacer(), timeout_ms=8000, navigation_timeout_ms=10_000, settle_ms=settle_ms
        )
        await portal.goto(path)
        return await use(portal), requests


def test_an_infinite_list_is_loaded_by_scrolling_until_it_says_there_is_no_more(tmp_path):
    async def load_all(portal: PortalPage):
        await portal.wait_for_first(["list"])
        loads = await portal.scroll_to_end("list", end="list.end")
        return loads, (await portal.text("list")).splitlines()

    (loads, claims), requests = run_async(with_portal_page(tmp_path, "/list", load_all))

    assert claims == [f"CLM{number:03d}" for number in range(1, 36)]
    assert loads == 3 and [url for url in requests if url.startswith("/api")] == [
        f"/api/claims?from={n}" for n in (0, 10, 20, 30)
    ]


def test_a_settled_page_without_the_element_is_a_layout_error_naming_the_key_and_a_slow_one_is_waited_for(tmp_path):
    async def wait_missing(portal: PortalPage):
        started = time.monotonic()
        with pytest.raises(LayoutError) as raised:
            await portal.wait_for_first(["missing"])
        return raised.value, time.monotonic() - started

    async def wait_late(portal: PortalPage):
        return await portal.wait_for_first(["late"])

    (error, seconds), _ = run_async(with_portal_page(tmp_path, "/settled", wait_missing))
    shown, _ = run_async(with_portal_page(tmp_path, "/slow", wait_late))

    assert error.key == "missing" and "missing not found on a settled page" in error.message
    assert seconds < 5, "a layout error is known once the page has been quiet for settle_ms, not at the timeout"
    assert shown == "late", "a fetch in flight for 3 s is a slow page, not a changed one"


def test_a_429_inside_the_page_holds_the_credential_for_as_long_as_the_portal_asked(tmp_path):
    pacer = Pacer()

    async def wait_results(portal: PortalPage):
        with pytest.raises(RateLimited) as raised:
            await portal.wait_for_first(["late"])
        return raised.value

    error, _ = run_async(with_portal_page(tmp_path, "/throttled", wait_results, pacer=pacer))

    assert error.retry_after_s == 2 and pacer.rate_limited_count == 1
    assert 0 < pacer.hold_until - time.time() <= 2
