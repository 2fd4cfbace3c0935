"""A browser tab on a payer portal, driven only through the portal's selector map.

This is where the heavy lifting for every flow lives: ordered selector fallbacks, waiting for
the first of several outcomes, recognising the portal's alarm states on every wait (session
expired, maintenance, error pages, CAPTCHA), dismissing pop-up modals, pacing, and reading
label/value lists and tables in one round trip. A flow says *what* to do; this says *how*.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin

from rpa.core.errors import NeedsHuman, PortalDown, SessionExpired, TransientError
from rpa.core.logs import get_logger
from rpa.core.retry import OnRetry, is_request_level, retrying
from rpa.core.settings import RetrySettings

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

    from rpa.portal.pacing import Pacer
    from rpa.portal.selectors import SelectorMap

# Selector-map names that, when visible, mean the step cannot go on; checked on every wait.
ALARMS: dict[str, tuple[type, str]] = {
    "state.captcha": (NeedsHuman, "the portal shows a CAPTCHA"),
    "state.maintenance": (PortalDown, "the portal shows a maintenance page"),
    "state.session_expired": (SessionExpired, "the portal says the session has expired"),
    "state.signed_out": (SessionExpired, "the portal is showing its sign-in page"),
    "state.server_error": (TransientError, "the portal shows an error page"),
    "state.load_error": (TransientError, "the portal could not load the results"),
}

_READ_FIELDS = """
(root) => {
  const fields = {};
  for (const dt of root.querySelectorAll('dt')) {
    let dd = dt.nextElementSibling;
    while (dd && dd.tagName !== 'DD') dd = dd.nextElementSibling;
    if (dd) fields[dt.innerText.trim()] = dd.innerText.trim();
  }
  return fields;
}
"""

_READ_TABLE = """
(table) => {
  let headerCells = [...table.querySelectorAll('thead th, thead td')];
  let bodyRows = [...table.querySelectorAll('tbody tr')];
  if (!headerCells.length) {
    const all = [...table.querySelectorAll('tr')];
    headerCells = all.length ? [...all[0].children] : [];
    bodyRows = all.slice(1);
  }
  const headers = headerCells.map(cell => cell.innerText.trim());
  return bodyRows.map(tr => {
    const row = {};
    [...tr.children].forEach((cell, index) => {
      row[headers[index] || ('column ' + index)] = {
        text: cell.innerText.trim(),
        items: [...cell.querySelectorAll('li')].map(li => li.innerText.trim()),
        links: [...cell.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
      };
    });
    return row;
  });
}
"""


@dataclass(frozen=True)
class Cell:
    text: str
    items: tuple[str, ...] = ()
    links: tuple[str, ...] = ()


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
    ):
        self.page = page
        self.retry_policy = retry_policy or RetrySettings()
        self.on_retry = on_retry
        self.selectors = selectors
        self.base_url = base_url.rstrip("/") + "/"
        self.pacer = pacer
        self.timeout_ms = timeout_ms
        self.navigation_timeout_ms = navigation_timeout_ms
        self._alarms = [name for name in ALARMS if name in selectors.elements]
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

        An error page, or results that failed to load, is loaded again (bounded, with backoff).
        """
        async for attempt in retrying(self.retry_policy, self.on_retry, request_level=True):
            with attempt:
                await self.pacer.wait()
                response = await self.page.goto(
                    self.url(path, params), wait_until="domcontentloaded", timeout=self.navigation_timeout_ms
                )
                await self._check_response(response)
                return await self.wait_for_first(expect, ignore=ignore) if expect else None
        return None

    async def click_and_wait(self, name: str, expect: list[str], *, ignore: tuple[str, ...] = (), repeatable: bool = True) -> str:
        """Click something that loads new content, then wait for what should appear.

        When the new page failed on the server side and the click is `repeatable` (a search, not
        a sign-in form that would send the password again), the page is reloaded, with backoff.
        """
        await self.pacer.wait()
        await self.click(name)
        try:
            return await self.wait_for_first(expect, ignore=ignore)
        except TransientError as error:
            if not repeatable or not is_request_level(error):
                raise
            if self.on_retry is not None:
                self.on_retry(error.reason, error)
        async for attempt in retrying(self.retry_policy, self.on_retry, request_level=True):
            with attempt:
                await self.pacer.wait()
                await self._check_response(
                    await self.page.reload(wait_until="domcontentloaded", timeout=self.navigation_timeout_ms)
                )
                return await self.wait_for_first(expect, ignore=ignore)
        return expect[0]

    async def _check_response(self, response: Any) -> None:
        if response is not None and response.status >= 500:
            try:
                await self._raise_alarm_if_visible()  # maintenance is not an error page to retry
            except TransientError:
                pass
            raise TransientError(f"the portal answered HTTP {response.status}", reason=f"http_{response.status}")

    # -- elements ---------------------------------------------------------------------------

    def element(self, name: str) -> Locator:
        """Every fallback of `name` at once, for waiting (Playwright's `or_`)."""
        specs = self.selectors.specs(name)
        locator = specs[0].build(self.page)
        for spec in specs[1:]:
            locator = locator.or_(spec.build(self.page))
        return locator

    async def resolve(self, name: str) -> Locator:
        """The first spec of `name` that matches, in the map's order, once any has appeared."""
        await self._wait_visible(name)
        specs = self.selectors.specs(name)
        if len(specs) == 1:
            return specs[0].build(self.page).first
        for index, spec in enumerate(specs):
            locator = spec.build(self.page)
            if await locator.count():
                if index and name not in self._fallbacks_reported:
                    self._fallbacks_reported.add(name)
                    self._log.info("selector_fallback", element=name, used=spec.describe(), position=index)
                return locator.first
        return self.element(name).first

    async def fill(self, name: str, value: str) -> None:
        await (await self.resolve(name)).fill(value, timeout=self.timeout_ms)

    async def click(self, name: str) -> None:
        await (await self.resolve(name)).click(timeout=self.timeout_ms)

    async def check(self, name: str, checked: bool = True) -> None:
        await (await self.resolve(name)).set_checked(checked, timeout=self.timeout_ms)

    async def select(self, name: str, value: str) -> None:
        await (await self.resolve(name)).select_option(value, timeout=self.timeout_ms)

    async def text(self, name: str) -> str:
        return (await (await self.resolve(name)).inner_text(timeout=self.timeout_ms)).strip()

    async def is_visible(self, name: str) -> bool:
        return await self.element(name).first.is_visible()

    async def wait_for_first(self, names: list[str], timeout_ms: int | None = None, *, ignore: tuple[str, ...] = ()) -> str:
        """Wait until one of `names` (or an alarm state) is visible; alarms raise their error.

        The sign-in step ignores the signed-out alarms: there the sign-in form is the page.
        """
        alarms = [name for name in self._alarms if name not in ignore]
        combined = self._any_of([*alarms, *names])
        try:
            await combined.first.wait_for(state="visible", timeout=timeout_ms or self.navigation_timeout_ms)
        except Exception as error:
            if type(error).__name__ == "TimeoutError":
                raise TransientError(f"timed out waiting for {' or '.join(names)}", reason="timeout") from None
            raise
        await self._raise_alarm_if_visible(alarms)  # first: an error page may hold an alert a flow expects
        if len(names) == 1:
            return names[0]
        for name in names:
            if await self.element(name).first.is_visible():
                return name
        return names[0]

    async def wait_for_text(self, name: str, pattern: str) -> None:
        """Wait until `name`'s text matches `pattern` (a regex): e.g. the page number after paging."""
        from playwright.async_api import expect

        try:
            await expect(self.element(name).first).to_have_text(re.compile(pattern), timeout=self.navigation_timeout_ms)
        except AssertionError:
            await self._raise_alarm_if_visible()
            raise TransientError(f"{name} never showed {pattern!r}", reason="timeout") from None

    # -- reading ----------------------------------------------------------------------------

    async def read_fields(self, name: str) -> dict[str, str]:
        """Label -> value pairs (`<dt>`/`<dd>`) inside the element `name` (one round trip)."""
        return await self._evaluate(name, _READ_FIELDS)

    async def read_table(self, name: str) -> list[dict[str, Cell]]:
        """Rows of the table `name`, keyed by header text (so column order does not matter)."""
        rows = await self._evaluate(name, _READ_TABLE)
        return [
            {header: Cell(cell["text"], tuple(cell["items"]), tuple(cell["links"])) for header, cell in row.items()}
            for row in rows
        ]

    async def _evaluate(self, name: str, script: str) -> Any:
        """Run `script` on the element, waiting for it to be attached; once a page has shown what a
        flow waited for, this is one round trip instead of wait + probe + evaluate."""
        try:
            return await self.element(name).first.evaluate(script, timeout=self.timeout_ms)
        except Exception as error:
            if type(error).__name__ == "TimeoutError":
                await self._raise_alarm_if_visible()
                raise TransientError(f"{name} did not appear", reason="timeout") from None
            raise

    def _any_of(self, names: list[str]) -> Locator:
        combined = self.element(names[0])
        for name in names[1:]:
            combined = combined.or_(self.element(name))
        return combined

    async def _wait_visible(self, name: str) -> None:
        try:
            await self.element(name).first.wait_for(state="visible", timeout=self.timeout_ms)
        except Exception as error:
            if type(error).__name__ == "TimeoutError":
                await self._raise_alarm_if_visible()
                raise TransientError(f"{name} did not appear", reason="timeout") from None
            raise

    async def _raise_alarm_if_visible(self, alarms: list[str] | None = None) -> None:
        """One round trip when all is well; only a visible alarm is looked at name by name."""
        names = self._alarms if alarms is None else alarms
        if not names or not await self._any_of(names).first.is_visible():
            return
        for name in names:
            if await self.element(name).first.is_visible():
                error_type, message = ALARMS[name]
                if error_type is TransientError:
                    raise TransientError(message, reason=name.removeprefix("state."))
                if error_type is NeedsHuman:  # a CAPTCHA: more sign-ins would only make it worse
                    raise NeedsHuman(message, stops_credential=True)
                raise error_type(message)
