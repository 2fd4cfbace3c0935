"""A browser tab on a payer portal, driven only through the portal's selector map.

This is where the heavy lifting for every flow lives: ordered selector fallbacks, elements with
parameters, elements inside iframes (nested too), waiting for the first of several outcomes
while recognising the portal's alarm states (session expired, maintenance, error pages, CAPTCHA)
on the page and in its frames, dismissing pop-up modals, autocomplete comboboxes, paging through
results, pop-up windows, pacing, and reading label/value lists, tables and tab panels in one
round trip each. A flow says *what* to do; this says *how*.

A locator the browser refuses (bad CSS, an impossible combination) is a configuration error
naming the selector map and key, raised at once: retrying cannot fix a map.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin, urlsplit

from rpa.core.errors import (
    ConfigError,
    FlowError,
    LayoutError,
    NeedsHuman,
    PortalDown,
    RateLimited,
    SessionExpired,
    TransientError,
)
from rpa.core.logs import get_logger
from rpa.core.retry import OnRetry, is_request_level, retrying
from rpa.core.settings import RetrySettings
from rpa.portal import reading, settle
from rpa.portal.pacing import parse_retry_after
from rpa.portal.reading import Cell, Item, TabPanel
from rpa.portal.selectors import Scope

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

    from rpa.portal.pacing import Pacer
    from rpa.portal.selectors import LocatorSpec, SelectorMap

# Selector-map names that, when visible, mean the step cannot go on; checked on every wait, on the
# page and inside every frame the wait looks into.
ALARMS: dict[str, tuple[type, str]] = {
    "state.captcha": (NeedsHuman, "the portal shows a CAPTCHA"),
    "state.rate_limited": (RateLimited, "the portal says there were too many requests"),
    "state.maintenance": (PortalDown, "the portal shows a maintenance page"),
    "state.session_expired": (SessionExpired, "the portal says the session has expired"),
    "state.signed_out": (SessionExpired, "the portal is showing its sign-in page"),
    "state.server_error": (TransientError, "the portal shows an error page"),
    "state.load_error": (TransientError, "the portal could not load the results"),
}
REFUSED_LOCATOR = (
    "while parsing",
    "Unexpected token",
    "is not a valid selector",
    "Unknown engine",
    "not allowed inside composite",
    "Invalid regular expression",
)
COUNTED_REQUESTS = frozenset({"document", "xhr", "fetch"})
"""What a portal's rate limit counts: pages and JSON, not its cached scripts and styles."""
NAVIGATING = ("Execution context was destroyed", "detached", "Target page, context or browser has been closed")
MAX_PAGES = 100
RATE_LIMIT_WAITS = 20
"""429s a page load waits out in place before the item's own handling takes over."""


class PortalPage:
    def __init__(
        self,
        page: Page,
        selectors: SelectorMap,
        base_url: str,
        pacer: Pacer,
        *,
        timeout_ms: int = 10_000,
        navigation_timeout_ms: int = 20_000,
        retry_policy: RetrySettings | None = None,
        on_retry: OnRetry | None = None,
        settle_ms: int = 0,
    ):
        self.page = page
        self.settle_ms = settle_ms
        """How long a page must have been quiet before a missing element is a layout error (0: never)."""
        self.retry_policy = retry_policy or RetrySettings()
        self.on_retry = on_retry
        self.selectors = selectors
        self.base_url = base_url.rstrip("/") + "/"
        self.pacer = pacer
        self.timeout_ms = timeout_ms
        self.navigation_timeout_ms = navigation_timeout_ms
        self.windows: list[PortalPage] = []
        """Pop-up windows opened from this page and not closed yet (evidence shows them all)."""
        self._alarms = [name for name in ALARMS if name in selectors.elements]
        self.origin = _origin(self.base_url)
        self.last_429: tuple[float, float] | None = None
        """When this page last got a 429 (monotonic time) and the wait it asked for."""
        page.on("response", self._on_response)
        self._fallbacks_reported: set[str] = set()
        self._log = get_logger()

    async def install_modal_handler(self) -> None:
        """Pop-up surveys and announcements get dismissed before any action they would block."""
        if "modal.dialog" not in self.selectors.elements or "modal.dismiss" not in self.selectors.elements:
            return
        dismiss = self.element("modal.dismiss")

        async def dismiss_modal(_dialog: Any) -> None:
            self._log.info("modal_dismissed")
            await dismiss.first.click(timeout=self.timeout_ms)

        await self.page.add_locator_handler(self.element("modal.dialog"), dismiss_modal)

    # -- navigation -------------------------------------------------------------------------

    def url(self, path: str, params: dict[str, Any] | None = None) -> str:
        url = urljoin(self.base_url, path.lstrip("/"))
        clean = {key: value for key, value in (params or {}).items() if value not in (None, "")}
        return f"{url}?{urlencode(clean)}" if clean else url

    async def goto(
        self, path: str, params: dict[str, Any] | None = None, *, expect: list[str] | None = None, ignore: tuple[str, ...] = ()
    ) -> str | None:
        """Open a portal page; with `expect`, wait for the first expected element (or an alarm).

        An error page, or results that failed to load, is loaded again (bounded, with backoff); a
        "too many requests" answer is loaded again once the portal's wait is over, never counted.
        """
        for _ in range(RATE_LIMIT_WAITS):
            try:
                async for attempt in retrying(self.retry_policy, self.on_retry, request_level=True):
                    with attempt:
                        await self.pacer.wait()
                        response = await self.page.goto(
                            self.url(path, params), wait_until="domcontentloaded", timeout=self.navigation_timeout_ms
                        )
                        await self._check_response(response)
                        return await self.wait_for_first(expect, ignore=ignore) if expect else None
                return None
            except RateLimited as error:
                if self.pacer.hold_until <= time.time():  # the listener did not see it: hold here
                    self.pacer.rate_limited(error.retry_after_s)
                continue  # the pacer holds the next request until the portal's wait is over
        raise RateLimited(f"{path}: still too many requests after {RATE_LIMIT_WAITS} waits")

    async def click_and_wait(
        self,
        name: str,
        expect: list[str],
        *,
        ignore: tuple[str, ...] = (),
        repeatable: bool = True,
        params: dict[str, Any] | None = None,
    ) -> str:
        """Click something that loads new content, then wait for what should appear.

        When the new page failed on the server side and the click is `repeatable` (a search, not
        a sign-in form that would send the password again), the page is reloaded, with backoff;
        results shown inside a frame are left to the item's own retry (reloading the page would
        lose the frame's search).
        """
        await self.pacer.wait()
        await self.click(name, **(params or {}))
        try:
            return await self.wait_for_first(expect, ignore=ignore, params=params)
        except TransientError as error:
            in_frames = any(scope for name_ in expect for scope in self._scopes(name_))
            if not repeatable or in_frames or not is_request_level(error):
                raise
            if self.on_retry is not None:
                self.on_retry(error.reason, error)
        async for attempt in retrying(self.retry_policy, self.on_retry, request_level=True):
            with attempt:
                await self.pacer.wait()
                await self._check_response(
                    await self.page.reload(wait_until="domcontentloaded", timeout=self.navigation_timeout_ms)
                )
                return await self.wait_for_first(expect, ignore=ignore, params=params)
        return expect[0]

    @asynccontextmanager
    async def new_window(self, name: str, **params: Any) -> AsyncIterator[PortalPage]:
        """Click `name`, which opens a pop-up window or tab, and drive that window.

        The window gets the same selector map, pacing and timeouts; the session's context gives
        it the same resource blocking and dialog policy. It is closed when the block ends well;
        after a failure it stays open until the item is over, so its evidence can be taken.
        """
        locator = await self.resolve(name, params)
        await self.pacer.wait()
        async with self.page.expect_popup(timeout=self.navigation_timeout_ms) as opened:
            await locator.click(timeout=self.timeout_ms)
        window = PortalPage(
            await opened.value,
            self.selectors,
            self.base_url,
            self.pacer,
            timeout_ms=self.timeout_ms,
            navigation_timeout_ms=self.navigation_timeout_ms,
            retry_policy=self.retry_policy,
            on_retry=self.on_retry,
            settle_ms=self.settle_ms,
        )
        self.windows.append(window)
        self._log.info("window_opened", element=name)
        await window.install_modal_handler()
        yield window
        await window.close()
        self.windows.remove(window)

    async def close(self) -> None:
        for window in list(self.windows):
            await window.close()
        self.windows.clear()
        if not self.page.is_closed():
            await self.page.close()

    async def close_windows(self) -> None:
        """Close pop-ups left open by a failed step (after their evidence was taken)."""
        for window in list(self.windows):
            try:
                await window.close()
            except Exception:  # a window whose page already went away
                pass
        self.windows.clear()

    def all_windows(self) -> list[PortalPage]:
        """This page and every pop-up still open from it, depth first."""
        return [self, *(nested for window in self.windows for nested in window.all_windows())]

    def _on_response(self, response: Any) -> None:
        """Every page, XHR and fetch answer from the portal counts toward its pace; a 429 holds
        every session of the credential for as long as the portal asked."""
        try:
            if response.request.resource_type not in COUNTED_REQUESTS or not response.url.startswith(self.origin):
                return
            self.pacer.note()
            if response.status == 429:
                wait_s = self.pacer.rate_limited(parse_retry_after(response.headers.get("retry-after")))
                self.last_429 = (time.monotonic(), wait_s)
                self._log.warning("rate_limited", status=429, wait_s=wait_s, kind=response.request.resource_type)
        except Exception:  # a listener must never break the page
            pass

    def _rate_limited_since(self, started: float) -> RateLimited | None:
        if self.last_429 is not None and self.last_429[0] >= started:
            return RateLimited("the portal answered 429 (too many requests)", retry_after_s=self.last_429[1])
        return None

    async def _check_response(self, response: Any) -> None:
        if response is not None and response.status == 429:
            wait_s = parse_retry_after(response.headers.get("retry-after"))
            asked = "" if wait_s is None else f"; retry after {wait_s:g} s"
            raise RateLimited(f"the portal answered 429 (too many requests){asked}", retry_after_s=wait_s)
        if response is not None and response.status >= 500:
            try:
                await self._raise_alarm_if_visible([()])  # maintenance is not an error page to retry
            except TransientError:
                pass
            raise TransientError(f"the portal answered HTTP {response.status}", reason=f"http_{response.status}")

    # -- elements ---------------------------------------------------------------------------

    def _root(self, scope: Scope) -> Any:
        root: Any = self.page
        for selector in scope:
            root = root.frame_locator(selector)
        return root

    def _scopes(self, name: str) -> list[Scope]:
        return list(dict.fromkeys(spec.frame for spec in self.selectors.specs(name)))

    def _by_scope(self, name: str, params: dict[str, Any] | None = None) -> dict[Scope, Locator]:
        """Every fallback of `name`, combined with `or_` within each frame (Playwright cannot
        combine locators across frames)."""
        combined: dict[Scope, Locator] = {}
        for spec in self.selectors.specs(name):
            locator = spec.build(self._root(spec.frame), params)
            combined[spec.frame] = combined[spec.frame].or_(locator) if spec.frame in combined else locator
        return combined

    def element(self, name: str, **params: Any) -> Locator:
        """Every fallback of `name` at once (its first frame's, when its specs are in several)."""
        return next(iter(self._by_scope(name, params).values()))

    async def resolve(self, name: str, params: dict[str, Any] | None = None) -> Locator:
        """The first spec of `name` that matches, in the map's order, once any has appeared."""
        return (await self._resolved(name, params))[1]

    async def _resolved(self, name: str, params: dict[str, Any] | None = None) -> tuple[LocatorSpec, Locator]:
        await self._wait_visible(name, params)
        specs = self.selectors.specs(name)
        if len(specs) == 1:
            return specs[0], specs[0].build(self._root(specs[0].frame), params).first
        for index, spec in enumerate(specs):
            locator = spec.build(self._root(spec.frame), params)
            if await self._guarded(name, locator.count()):
                if index and name not in self._fallbacks_reported:
                    self._fallbacks_reported.add(name)
                    self._log.info("selector_fallback", element=name, used=spec.describe(), position=index)
                return spec, locator.first
        return specs[0], self.element(name, **(params or {})).first

    async def fill(self, name: str, value: str, **params: Any) -> None:
        await self._guarded(name, (await self.resolve(name, params)).fill(value, timeout=self.timeout_ms))

    async def click(self, name: str, **params: Any) -> None:
        await self._guarded(name, (await self.resolve(name, params)).click(timeout=self.timeout_ms))

    async def check(self, name: str, checked: bool = True, **params: Any) -> None:
        await self._guarded(name, (await self.resolve(name, params)).set_checked(checked, timeout=self.timeout_ms))

    async def select(self, name: str, value: str | None = None, *, containing: str | None = None, **params: Any) -> None:
        """Pick an option of a `<select>` by its value or label, or the one whose text contains
        `containing` (e.g. a provider list that shows "Name - NPI 1234567893"). Options a page
        fills in by script are waited for; a list whose data failed to load is a transient failure."""
        target = await self.resolve(name, params)
        if containing is not None:
            find = "(el, text) => { const o = [...el.options].find(o => o.text.includes(text)); return o ? o.value : null; }"
            deadline = time.monotonic() + self.timeout_ms / 1000
            while (value := await self._guarded(name, target.evaluate(find, containing))) is None:
                quiet_ms, failed_ms, status = await self._settle_state()
                if failed_ms is not None and failed_ms < 5000:
                    raise TransientError(f"{name}: its options did not load (HTTP {status})", reason="page_request")
                if time.monotonic() > deadline or (self.settle_ms and quiet_ms >= self.settle_ms):
                    raise FlowError(f"{name} offers no option containing {containing!r}")
                await asyncio.sleep(0.2)
        await self._guarded(name, target.select_option(value, timeout=self.timeout_ms))

    async def choose(self, name: str, value: str, *, option: str, **params: Any) -> None:
        """An autocomplete combobox: type `value`, wait for the option `option` (a selector-map
        name that may use `{value}`) to be offered, and choose it."""
        field = await self.resolve(name, params)
        await self._guarded(name, field.fill("", timeout=self.timeout_ms))
        await self._guarded(name, field.press_sequentially(value, timeout=self.timeout_ms))
        option_params = {**params, "value": value}
        await self.wait_for_first([option], params=option_params)
        await self.click(option, **option_params)

    async def value(self, name: str, **params: Any) -> str:
        """What a form field holds now (an input's value, a select's chosen option's text)."""
        return await self._evaluate(name, reading.READ_VALUE, params)

    async def text(self, name: str, **params: Any) -> str:
        """The element's text as a person reads it (shadow roots, slots and ARIA values included),
        or the attribute its spec names (`attribute: aria-label`)."""
        if not any(spec.attribute for spec in self.selectors.specs(name)):
            return await self._evaluate(name, reading.READ_TEXT, params)
        spec, locator = await self._resolved(name, params)
        if spec.attribute is None:
            return await self._guarded(name, locator.evaluate(reading.READ_TEXT, timeout=self.timeout_ms))
        return (await self._guarded(name, locator.get_attribute(spec.attribute, timeout=self.timeout_ms)) or "").strip()

    async def is_visible(self, name: str, **params: Any) -> bool:
        for locator in self._by_scope(name, params).values():
            if await self._guarded(name, locator.first.is_visible()):
                return True
        return False

    async def wait_for_first(
        self,
        names: list[str],
        timeout_ms: int | None = None,
        *,
        ignore: tuple[str, ...] = (),
        params: dict[str, Any] | None = None,
    ) -> str:
        """Wait until one of `names` (or an alarm state) is visible; alarms raise their error.

        Alarms are looked for on the page and in every frame the names live in (an error page or
        the sign-in form can appear inside an iframe). The sign-in step ignores the signed-out
        alarms: there the sign-in form is the page.
        """
        alarms = [name for name in self._alarms if name not in ignore]
        groups: dict[Scope, list[Locator]] = {}
        for name in names:
            for scope, locator in self._by_scope(name, params).items():
                groups.setdefault(scope, []).append(locator)
        primary = list(groups)
        scopes = list(dict.fromkeys([*primary, ()]))
        for scope, locators in self._alarm_locators(scopes, alarms).items():
            groups.setdefault(scope, []).extend(locators)
        combined = {scope: _any_of(locators) for scope, locators in groups.items()}
        try:
            await self._wait_any(combined, primary, timeout_ms or self.navigation_timeout_ms, " or ".join(names), alarms)
        except Exception as error:
            if _is_timeout(error):
                raise TransientError(f"timed out waiting for {' or '.join(names)}", reason="timeout") from None
            raise await self._refused(error, [*names, *alarms], params) from error
        await self._raise_alarm_if_visible(scopes, alarms)  # first: an error page may hold an alert a flow expects
        if len(names) == 1:
            return names[0]
        for name in names:
            if await self.is_visible(name, **(params or {})):
                return name
        return names[0]

    async def wait_for_change(self, gone: str, appear: list[str], *, ignore: tuple[str, ...] = ()) -> None:
        """After a submit: wait until `gone` (the page the form was on) is no longer shown, or one
        of `appear` is (the same page shown again with an error, or the goal reached), so a wait
        that follows cannot mistake the page being left for the page that comes."""
        deadline = time.monotonic() + self.navigation_timeout_ms / 1000
        delay = 0.05
        while True:
            try:
                if not await self.is_visible(gone) or any([await self.is_visible(name) for name in appear]):
                    return
            except Exception as error:  # the page navigated under the look: look again
                if not any(marker in str(error) for marker in NAVIGATING):
                    raise
            if time.monotonic() > deadline:
                await self._raise_alarm_if_visible([()], [name for name in self._alarms if name not in ignore])
                raise TransientError(f"{gone} stayed on the page after it was submitted", reason="timeout")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.4)

    async def next_page(self, next_name: str, table_name: str) -> bool:
        """Go to the next page of results: False when `next_name` is absent or disabled (the last
        page), else click it and wait until `table_name` shows other rows."""
        button = self.element(next_name).first
        if not await self._guarded(next_name, button.is_visible()):
            return False
        if not await self._guarded(next_name, button.evaluate(reading.IS_ENABLED)):
            return False
        before = await self._evaluate(table_name, reading.FINGERPRINT)
        await self.pacer.wait()
        await self._guarded(next_name, button.click(timeout=self.timeout_ms))
        deadline = time.monotonic() + self.navigation_timeout_ms / 1000
        delay = 0.05
        while True:
            await asyncio.sleep(delay)
            try:
                if await self._evaluate(table_name, reading.FINGERPRINT) != before:
                    return True
            except FlowError as error:  # the frame navigated under the read: read again
                if not any(marker in error.message for marker in NAVIGATING):
                    raise
            if time.monotonic() > deadline:
                await self._raise_alarm_if_visible(list(dict.fromkeys([*self._scopes(table_name), ()])))
                raise TransientError(f"{table_name} did not change after {next_name}", reason="timeout")
            delay = min(delay * 2, 0.4)

    async def load_more(self, list_name: str, *, end: str | None = None) -> bool:
        """Infinite scroll: scroll `list_name` to its end and wait for more to load. False when
        nothing more comes (the `end` marker shows, or the page settles with the list unchanged)."""
        if end is not None and await self.is_visible(end):
            return False
        before = await self._evaluate(list_name, reading.SIZE)
        await self.pacer.wait()
        await self._evaluate(list_name, reading.SCROLL_TO_END)
        quiet_enough = min(self.settle_ms, 1500) if self.settle_ms else 0
        started = time.monotonic()
        deadline = started + self.navigation_timeout_ms / 1000
        delay = 0.1
        while True:
            await asyncio.sleep(delay)
            if await self._evaluate(list_name, reading.SIZE) != before:
                return True
            if end is not None and await self.is_visible(end):
                return False
            rate_limited = self._rate_limited_since(started)
            if rate_limited is not None:
                raise rate_limited
            if quiet_enough and await self.quiet_ms() >= quiet_enough:
                return False
            if time.monotonic() > deadline:
                await self._raise_alarm_if_visible(list(dict.fromkeys([*self._scopes(list_name), ()])))
                return False
            delay = min(delay * 2, 0.5)

    async def scroll_to_end(self, list_name: str, *, end: str | None = None, max_rounds: int = MAX_PAGES) -> int:
        """Load an infinite list completely (at most `max_rounds` loads); returns how many loads it took."""
        rounds = 0
        while rounds < max_rounds and await self.load_more(list_name, end=end):
            rounds += 1
        return rounds

    # -- reading ----------------------------------------------------------------------------

    async def read_fields(self, name: str, **params: Any) -> dict[str, str]:
        """Label -> value pairs inside the element `name`, in any common markup (one round trip)."""
        return await self._evaluate(name, reading.READ_FIELDS, params)

    async def read_table(self, name: str, **params: Any) -> list[dict[str, Cell]]:
        """Rows of the table `name` (or the first table inside it), keyed by header text."""
        return reading.table_rows(await self._evaluate(name, reading.READ_TABLE, params))

    async def read_items(self, name: str, **params: Any) -> list[Item]:
        """Every element matching `name` (the cards of a feed), each read like `read_fields`, in
        one round trip; none yet is an empty list."""
        locator = self.element(name, **params)
        items = await self._guarded(name, locator.evaluate_all(reading.READ_ITEMS))
        return [Item(item["fields"], item["heading"], item["name"]) for item in items]

    async def read_tabs(self, name: str, **params: Any) -> list[TabPanel]:
        """Every tab inside `name` with its panel's fields, tables and text, hidden panels too."""
        return reading.tab_panels(await self._evaluate(name, reading.READ_TABS, params))

    async def _evaluate(self, name: str, script: str, params: dict[str, Any] | None = None) -> Any:
        """Run `script` on the element, waiting for it to be attached; once a page has shown what a
        flow waited for, this is one round trip instead of wait + probe + evaluate."""
        try:
            return await self.element(name, **(params or {})).first.evaluate(script, timeout=self.timeout_ms)
        except Exception as error:
            if _is_timeout(error):
                await self._raise_alarm_if_visible(list(dict.fromkeys([*self._scopes(name), ()])))
                raise TransientError(f"{name} did not appear", reason="timeout") from None
            if _playwright_error(error) and any(marker in str(error) for marker in NAVIGATING):
                raise FlowError(f"{name}: {str(error).splitlines()[0]}") from None
            raise await self._refused(error, [name], params) from error

    # -- waiting and alarms -----------------------------------------------------------------

    async def _wait_any(
        self, combined: dict[Scope, Locator], primary: list[Scope], timeout_ms: int, what: str, alarms: list[str] | None = None
    ) -> None:
        """Wait until one scope's locator is visible. One scope with layout checks off is a single
        driver-side wait; otherwise the main scope is waited for in slices, with a look into the
        other scopes and at whether the page has settled between slices (so no abandoned wait
        keeps polling a page). A settled page without any of them raises LayoutError."""
        if len(combined) == 1 and not self.settle_ms:
            await next(iter(combined.values())).first.wait_for(state="visible", timeout=timeout_ms)
            return
        main = next((scope for scope in primary if scope), primary[0])
        others = [locator for scope, locator in combined.items() if scope != main]
        started = time.monotonic()
        deadline = started + timeout_ms / 1000
        slice_ms = 250 if others else 500
        while True:
            for locator in others:
                if await locator.first.is_visible():
                    return
            remaining_ms = int((deadline - time.monotonic()) * 1000)
            if remaining_ms <= 0:
                raise TimeoutError(f"nothing visible within {timeout_ms} ms")
            try:
                await combined[main].first.wait_for(state="visible", timeout=min(slice_ms, remaining_ms))
                return
            except Exception as error:
                if not _is_timeout(error):
                    raise
            rate_limited = self._rate_limited_since(started)
            if rate_limited is not None:  # what the page waits for was refused, not moved
                raise rate_limited
            quiet_ms, failed_ms, status = await self._settle_state() if self.settle_ms else (0, None, None)
            if self.settle_ms and quiet_ms >= self.settle_ms:
                if failed_ms is not None and failed_ms <= (time.monotonic() - started) * 1000 + self.settle_ms:
                    raise TransientError(
                        f"{what} did not appear: the page's own request failed (HTTP {status})", reason="page_request"
                    )
                # an error page where the element should be (a frame's own navigation) is no changed page
                await self._raise_alarm_if_visible(list(dict.fromkeys([*combined, ()])), alarms)
                raise LayoutError(f"the portal's pages changed: {what} not found on a settled page", key=what)
            slice_ms = min(slice_ms * 2, 2000)
            if self.settle_ms and quiet_ms:  # look again just after the page would count as settled
                slice_ms = min(slice_ms, max(250, int(self.settle_ms - quiet_ms) + 50))

    async def quiet_ms(self) -> float:
        """How long this page and all its frames have been quiet (rpa.portal.settle); 0 while
        anything loads, navigates, fetches or shows the portal's busy indicator."""
        return (await self._settle_state())[0]

    async def _settle_state(self) -> tuple[float, float | None, int | None]:
        """(quiet ms, ms since one of the page's own requests failed, its status) over every frame."""
        quiet: float | None = None
        failed: tuple[float, int | None] | None = None
        for frame in self.page.frames:
            try:
                record = await frame.evaluate(settle.STATE)
            except Exception:  # a frame navigating or going away: not settled
                return 0, None, None
            if record is None:
                if frame == self.page.main_frame:
                    return 0, None, None
                continue
            quiet = record["quiet"] if quiet is None else min(quiet, record["quiet"])
            if record["failed"] is not None and (failed is None or record["failed"] < failed[0]):
                failed = (record["failed"], record["status"])
        if quiet and "state.busy" in self.selectors.elements and await self.is_visible("state.busy"):
            quiet = 0
        return quiet or 0, failed[0] if failed else None, failed[1] if failed else None

    async def _wait_visible(self, name: str, params: dict[str, Any] | None) -> None:
        try:
            await self._wait_any(self._by_scope(name, params), self._scopes(name), self.timeout_ms, name)
        except Exception as error:
            if _is_timeout(error):
                await self._raise_alarm_if_visible(list(dict.fromkeys([*self._scopes(name), ()])))
                raise TransientError(f"{name} did not appear", reason="timeout") from None
            raise await self._refused(error, [name], params) from error

    def _alarm_locators(self, scopes: list[Scope], alarms: list[str]) -> dict[Scope, list[Locator]]:
        """Each alarm in each scope: an alarm declared on the page is also looked for inside frames."""
        found: dict[Scope, list[Locator]] = {}
        for name in alarms:
            for spec in self.selectors.specs(name):
                targets = [spec.frame] if spec.frame else scopes
                for scope in targets:
                    found.setdefault(scope, []).append(spec.with_frame(scope).build(self._root(scope + spec.frame)))
        return found

    async def _raise_alarm_if_visible(self, scopes: list[Scope] | None = None, alarms: list[str] | None = None) -> None:
        """One round trip per scope when all is well; only a visible alarm is looked at name by name."""
        names = self._alarms if alarms is None else alarms
        if not names:
            return
        for scope, locators in self._alarm_locators(scopes or [()], names).items():
            if not await _any_of(locators).first.is_visible():
                continue
            for name in names:
                for locator in self._alarm_locators([scope], [name]).get(scope, []):
                    if await locator.first.is_visible():
                        _raise_alarm(name, self.last_429[1] if self.last_429 else None)

    async def _guarded(self, name: str, awaitable: Any) -> Any:
        """Await a Playwright call about `name`; a locator the browser refuses is a ConfigError."""
        try:
            return await awaitable
        except Exception as error:
            if _playwright_error(error) and any(marker in str(error) for marker in REFUSED_LOCATOR):
                raise self._config_error(name, error) from None
            raise

    async def _refused(self, error: Exception, names: list[str], params: dict[str, Any] | None) -> Exception:
        """The ConfigError naming the key whose locator the browser refused, or `error` unchanged."""
        if not (_playwright_error(error) and any(marker in str(error) for marker in REFUSED_LOCATOR)):
            return error
        for name in names:
            for locator in self._by_scope(name, params).values():
                try:
                    await locator.count()
                except Exception as probe:
                    if any(marker in str(probe) for marker in REFUSED_LOCATOR):
                        return self._config_error(name, probe)
        return self._config_error(" or ".join(names), error)

    def _config_error(self, name: str, error: Exception) -> ConfigError:
        specs = ", ".join(spec.describe() for spec in self.selectors.specs(name)) if name in self.selectors.elements else name
        first_line = str(error).splitlines()[0][:300]
        return ConfigError(f"{self.selectors.path}: {name}: the browser refuses the locator ({specs}): {first_line}")


def _any_of(locators: list[Locator]) -> Locator:
    combined = locators[0]
    for locator in locators[1:]:
        combined = combined.or_(locator)
    return combined


def _raise_alarm(name: str, retry_after_s: float | None = None) -> None:
    error_type, message = ALARMS[name]
    if error_type is RateLimited:
        raise RateLimited(message, retry_after_s=retry_after_s)
    if error_type is TransientError:
        raise TransientError(message, reason=name.removeprefix("state."))
    if error_type is NeedsHuman:  # a CAPTCHA: more sign-ins would only make it worse
        raise NeedsHuman(message, stops_credential=True)
    raise error_type(message)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _is_timeout(error: BaseException) -> bool:
    return type(error).__name__ == "TimeoutError"


def _playwright_error(error: BaseException) -> bool:
    return type(error).__module__.startswith("playwright")
