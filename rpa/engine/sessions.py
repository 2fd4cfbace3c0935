"""Portal sessions: signed-in browser contexts (and API contexts) per credential.

Each credential gets up to N sessions (slots). A slot's signed-in state is stored outside
`runs/` (owner-only) and reused by later runs and one-off lookups while the portal still
accepts it; when the portal says it expired, the engine signs in again once.

Sign-ins for one credential go through a `CredentialGate`: one at a time until one has proven
the password, then as many side by side as the portal allows (a run with eight sessions is not
eight sign-ins long); a wrong
password is tried exactly once per run (never enough to lock an account), and once the gate
has seen an authentication failure or a CAPTCHA it stays closed for the rest of the run. Cookies the portal
keeps for "remember this device" are shared with new slots, so only the first sign-in answers MFA.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rpa.core.credentials import TOTP_SECRET
from rpa.core.errors import AuthenticationError, NeedsHuman, RpaError
from rpa.core.files import private_dir, write_private_text
from rpa.core.logs import SECRETS, get_logger
from rpa.portal.api import PortalApi
from rpa.portal.dialogs import DialogAnswerer
from rpa.portal.page import PortalPage
from rpa.portal.tokens import TokenWatch
from rpa.portal.totp import TotpSource

if TYPE_CHECKING:
    import httpx
    from playwright.async_api import BrowserContext

    from rpa.core.credentials import Credential
    from rpa.core.retry import OnRetry
    from rpa.core.settings import RetrySettings, Settings
    from rpa.payers.flow import Flow
    from rpa.portal.browser import BrowserHost
    from rpa.portal.pacing import Pacer


class CredentialStopped(RpaError):
    """This credential's gate is closed for the run; the item stays pending."""

    kind = "credential_stopped"

    def __init__(self, cause: RpaError):
        super().__init__(cause.message)
        self.cause = cause


class SessionStateStore:
    """Signed-in browser state per portal, credential and slot: `<state_dir>/sessions/...`, 0600."""

    def __init__(self, state_dir: Path):
        self.root = Path(state_dir) / "sessions"

    def folder(self, portal: str, credential_key: str) -> Path:
        return self.root / portal / credential_key

    def path(self, portal: str, credential_key: str, slot: int) -> Path:
        return self.folder(portal, credential_key) / f"slot-{slot}.json"

    def stored_slots(self, portal: str, credential_key: str) -> int:
        return len(list(self.folder(portal, credential_key).glob("slot-*.json")))

    def load(self, portal: str, credential_key: str, slot: int) -> dict | None:
        try:
            return json.loads(self.path(portal, credential_key, slot).read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def save(self, portal: str, credential_key: str, slot: int, state: dict) -> None:
        private_dir(self.root)
        private_dir(self.root / portal)
        write_private_text(self.path(portal, credential_key, slot), json.dumps(state))

    def forget(self, portal: str, credential_key: str, slot: int) -> None:
        self.path(portal, credential_key, slot).unlink(missing_ok=True)

    def remembered_device_cookies(self, portal: str, credential_key: str) -> list[dict]:
        """Persistent cookies (a session cookie has no expiry) from any slot of the credential."""
        folder = self.root / portal / credential_key
        cookies: dict[tuple, dict] = {}
        paths = sorted(folder.glob("slot-*.json"), key=lambda p: p.stat().st_mtime) if folder.is_dir() else []
        for path in paths:  # oldest first, so the newest sign-in's device cookie wins
            try:
                state = json.loads(path.read_text())
            except (OSError, json.JSONDecodeError):
                continue
            for cookie in state.get("cookies", []):
                if cookie.get("expires", -1) and cookie.get("expires", -1) > 0:
                    cookies[(cookie["name"], cookie["domain"], cookie["path"])] = cookie
        return list(cookies.values())


class SignInStorm(RpaError):
    """Sessions keep ending and being signed in again: stop before the portal flags the account."""

    kind = "sign_in_storm"


class CredentialGate:
    """One credential's sign-ins: one at a time, never a refused password twice, never a storm.

    A password (with its TOTP secret) the portal refused is remembered in the state folder, so a
    nightly schedule does not try it again and again until the account locks; changing the
    credential, or `rpa credentials reset PAYER`, clears it.
    """

    STORM_WINDOW_S = 600

    def __init__(
        self, credential: Credential, state_dir: Path, *, sessions: int = 1, sign_in_limit: int | None = None, at_once: int = 1
    ):
        self.credential = credential
        self.lock = asyncio.Lock()
        self.proven = False
        """A sign-in succeeded in this run: the password is right, later sign-ins may overlap."""
        self._side_by_side = asyncio.Semaphore(max(1, min(sessions, at_once)))
        self.failure: RpaError | None = None
        self.sign_in_attempts = 0
        self.storm_limit = sign_in_limit or max(12, 3 * sessions)
        self._recent: deque[float] = deque()
        self._refusal = refusal_marker(state_dir, credential)
        secret = credential.secret(TOTP_SECRET)
        self.totp = TotpSource(secret, state_dir) if secret else None
        SECRETS.add(*credential.secret_values())

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """A sign-in's turn: alone while the password is unproven, side by side afterwards."""
        if not self.proven:
            async with self.lock:
                if not self.proven:
                    yield
                    return
        async with self._side_by_side:
            yield

    def close(self, error: RpaError) -> None:
        self.failure = error
        if isinstance(error, AuthenticationError):
            record = {
                "portal": self.credential.portal,
                "username": self.credential.username,
                "refused_at": time.time(),
                "message": error.message,
            }
            write_private_text(self._refusal, json.dumps(record))

    def admit(self) -> None:
        """Raise instead of signing in when this credential must not try (again) now."""
        if self.failure is not None:
            raise CredentialStopped(self.failure)
        refused = read_refusal(self._refusal)
        if refused is not None:
            error = AuthenticationError(
                f"the portal refused this password on {refused.when} ({refused.message}); it is not tried again, "
                "so the account cannot be locked by retries"
            )
            self.failure = error
            raise CredentialStopped(error)
        now = time.monotonic()
        while self._recent and now - self._recent[0] > self.STORM_WINDOW_S:
            self._recent.popleft()
        if len(self._recent) >= self.storm_limit:
            error = SignInStorm(
                f"{len(self._recent)} sign-ins in {self.STORM_WINDOW_S // 60} minutes: sessions keep being ended "
                "(someone else using the account, or the portal allows fewer sessions than configured)"
            )
            self.failure = error
            raise CredentialStopped(error)
        self._recent.append(now)
        self.sign_in_attempts += 1


def refusal_marker(state_dir: Path, credential: Credential) -> Path:
    secrets = "\0".join([credential.portal, credential.username, *sorted(credential.secret_values())])
    return Path(state_dir) / "refused" / hashlib.sha256(secrets.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Refusal:
    """A password (with its TOTP secret) the portal refused in an earlier run."""

    refused_at: float
    message: str

    @property
    def when(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(self.refused_at))


def read_refusal(marker: Path) -> Refusal | None:
    try:
        record = json.loads(marker.read_text())
    except FileNotFoundError:
        return None
    return Refusal(record["refused_at"], record["message"])


def forget_portal_state(state_dir: Path, portal: str) -> int:
    """`rpa credentials reset`: drop a portal's stored sessions and remembered refusals."""
    removed = 0
    folder = Path(state_dir) / "sessions" / portal
    for path in folder.glob("*/slot-*.json") if folder.is_dir() else []:
        path.unlink()
        removed += 1
    for path in (Path(state_dir) / "refused").glob("*"):
        try:
            record = json.loads(path.read_text())
            if record.get("portal", record.get("payer")) == portal:
                path.unlink()
                removed += 1
        except (OSError, ValueError):
            continue
    return removed


TAB_STORAGE = "() => ({origin: location.origin, items: Object.fromEntries(Object.entries(sessionStorage))})"
RESTORE_TAB_STORAGE = """((saved) => {
  if (location.origin !== saved.origin || sessionStorage.length) return;
  for (const [key, value] of Object.entries(saved.items)) sessionStorage.setItem(key, value);
})"""
"""A tab's sessionStorage, carried to the tab that replaces it: single-page portals keep their
tokens there, and a person's tab is never replaced, so the engine's fresh tabs must not lose them."""
BROWSER_STATE_KEYS = ("cookies", "origins")


class PortalSession:
    """One slot: a browser context with one page (made on demand) and/or an API context."""

    def __init__(
        self,
        *,
        flow: Flow,
        credential: Credential,
        slot: int,
        host: BrowserHost,
        store: SessionStateStore,
        gate: CredentialGate,
        pacer: Pacer,
        settings: Settings,
        retry_policy: RetrySettings | None = None,
        on_retry: OnRetry | None = None,
        on_dialog: Callable[[str, str], None] | None = None,
    ):
        self.flow = flow
        self.retry_policy = retry_policy or settings.retry
        self.on_retry = on_retry
        self.dialogs = DialogAnswerer(flow.selectors.dialogs, on_dialog)
        self.credential = credential
        self.slot = slot
        self.host = host
        self.store = store
        self.gate = gate
        self.pacer = pacer
        self.settings = settings
        self.context: BrowserContext | None = None
        self.portal_page: PortalPage | None = None
        self.api_context: httpx.AsyncClient | None = None
        self.portal_api: PortalApi | None = None
        stored = self._stored_state()
        self.signed_in = stored is not None
        self.tab_storage: dict | None = (stored or {}).get("session_storage")
        """The portal tab's sessionStorage, kept when the tab is replaced and with the slot's state."""
        self.items_in_context = 0
        self.items_in_page = 0
        self.chunk_open = False
        spec = flow.selectors.api_token
        self.token_watch = TokenWatch(spec, flow.base_url) if spec is not None and flow.api_tasks else None
        """The bearer token the page's own API calls carry (portals whose JSON needs one); kept with
        the slot's state like its cookies, so a later run's API mode needs no browser until it expires."""
        if self.token_watch is not None and (stored or {}).get("api_token"):
            self.token_watch.value = stored["api_token"]
            SECRETS.add(self.token_watch.value, self.token_watch.value.split()[-1])
        self._log = get_logger().bind(slot=slot)

    # -- what a step gets -------------------------------------------------------------------

    async def page(self) -> PortalPage:
        if self.portal_page is None or self.portal_page.page.is_closed():
            if self.context is None:
                self.context = await self.host.new_context(self._browser_state(), on_dialog=self.dialogs)
            if self.token_watch is not None:
                self.token_watch.install(self.context)
            page = await self.host.new_page(self.context)
            if self.tab_storage and self.tab_storage.get("items"):
                await page.add_init_script(f"{RESTORE_TAB_STORAGE}({json.dumps(self.tab_storage)})")
            self.portal_page = PortalPage(
                page,
                self.flow.selectors,
                self.flow.base_url,
                self.pacer,
                timeout_ms=self.settings.action_timeout_ms,
                navigation_timeout_ms=self.settings.navigation_timeout_ms,
                retry_policy=self.retry_policy,
                on_retry=self.on_retry,
                settle_ms=self.settings.layout_settle_ms,
            )
            await self.portal_page.install_modal_handler()
        return self.portal_page

    async def api(self) -> PortalApi:
        if self.portal_api is None:
            if not self.signed_in:
                await self.sign_in()
            headers: dict[str, str] = {}
            if self.token_watch is not None and self.token_watch.value:  # seen on the page's own calls
                headers[self.token_watch.spec.header] = self.token_watch.value
            state = await self.context.storage_state() if self.context else self._browser_state()
            self.api_context = self.host.new_api(self.flow.base_url, state, headers)
            self.portal_api = PortalApi(
                self.api_context,
                self.pacer,
                timeout_ms=self.settings.navigation_timeout_ms,
                classify_failure=getattr(self.flow, "api_failure", None),
                retry_policy=self.retry_policy,
                on_retry=self.on_retry,
                renew_token=self._renew_token if self.token_watch is not None else None,
            )
        return self.portal_api

    async def _renew_token(self) -> None:
        """After a 401: the page loads again, its script refreshes the token, the client takes it."""
        watch = self.token_watch
        if watch is None or self.api_context is None:
            return
        stale = self.api_context.headers.get(watch.spec.header)
        fresh = await watch.token(await self.page(), self.settings.navigation_timeout_ms, stale=stale)
        self.api_context.headers[watch.spec.header] = fresh
        self._log.info("api_token_renewed")

    # -- signing in -------------------------------------------------------------------------

    async def sign_in(self) -> None:
        """Sign in once, through the credential's gate; failures close the gate for the run."""
        async with self.gate.turn():
            self.gate.admit()
            portal = await self.page()
            if self.token_watch is not None:
                self.token_watch.value = None  # the old session's token dies with it
            self.tab_storage = None
            await self._add_remembered_device()
            resume_tracing = await self._pause_tracing()
            self._log.info("sign_in_started", credential=self.credential.key, attempt=self.gate.sign_in_attempts)
            try:
                await self.flow.sign_in(portal, self.credential, self.gate.totp)
            except AuthenticationError as error:
                self.gate.close(error)
                self._log.error("sign_in_refused", credential=self.credential.key, reason=error.message)
                raise
            except NeedsHuman as error:
                if error.stops_credential:
                    self.gate.close(error)
                self._log.error("sign_in_needs_human", credential=self.credential.key, reason=error.message)
                raise
            await self._save_state()
            self.signed_in = True
            self.gate.proven = True
            self._log.info("sign_in_done", credential=self.credential.key)
            if self.portal_api is not None:
                await self._drop_api()
            if resume_tracing:
                await self.start_trace_chunk()

    async def _save_state(self) -> None:
        if self.context is None:
            return
        state = await self.context.storage_state()
        SECRETS.add(*(cookie.get("value") for cookie in state.get("cookies", [])))
        await self._keep_tab_storage()
        if self.tab_storage:
            state["session_storage"] = self.tab_storage
        if self.token_watch is not None and self.token_watch.value:
            state["api_token"] = self.token_watch.value
        self.store.save(self.flow.portal_id, self.credential.key, self.slot, state)

    async def _keep_tab_storage(self, page: PortalPage | None = None) -> None:
        """Remember the portal tab's sessionStorage (a single-page portal's tokens) before the tab goes."""
        page = page or self.portal_page
        if page is None or page.page.is_closed() or not page.page.url.startswith(page.origin):
            return
        try:
            storage = await page.page.evaluate(TAB_STORAGE)
        except Exception:  # a tab navigating away: keep what was kept before
            return
        SECRETS.add(*storage["items"].values())
        self.tab_storage = storage

    def _browser_state(self) -> dict | None:
        """The slot's stored state as Playwright takes it (cookies and local storage only)."""
        state = self._stored_state()
        return {key: state[key] for key in BROWSER_STATE_KEYS if key in state} if state else None

    async def _add_remembered_device(self) -> None:
        cookies = self.store.remembered_device_cookies(self.flow.portal_id, self.credential.key)
        if cookies and self.context is not None:
            await self.context.add_cookies(cookies)

    def _stored_state(self) -> dict | None:
        state = self.store.load(self.flow.portal_id, self.credential.key, self.slot)
        if state:
            SECRETS.add(*(cookie.get("value") for cookie in state.get("cookies", [])))
        return state

    # -- evidence tracing -------------------------------------------------------------------

    async def start_trace_chunk(self) -> None:
        """Record the item's steps; kept only if the item fails. Sign-in is never recorded.

        Each item is a tracing session of its own (start/stop, not chunks): Playwright keeps a
        context's network log across chunks, so a chunk would carry every earlier request of the
        context, sign-in forms included.
        """
        if self.context is None or self.chunk_open:
            return
        await self.context.tracing.start(screenshots=True, snapshots=True, sources=False)
        self.chunk_open = True

    async def stop_trace_chunk(self, path: Path | None) -> bool:
        if not self.chunk_open or self.context is None:
            return False
        self.chunk_open = False
        try:
            if path is None:
                await self.context.tracing.stop()
            else:
                await self.context.tracing.stop(path=str(path))
        except Exception:  # the context went away with its trace (a crashed browser)
            return False
        return path is not None

    async def _pause_tracing(self) -> bool:
        if not self.chunk_open:
            return False
        await self.stop_trace_chunk(None)
        return True

    # -- lifecycle --------------------------------------------------------------------------

    async def after_item(self) -> None:
        """Replace the tab, and now and then the context, so memory stays flat over long runs.

        A renderer that navigates page after page keeps growing (about 1 MB a navigation here);
        a fresh tab gets a fresh renderer, and the context keeps the cookies.
        """
        self.items_in_context += 1
        self.items_in_page += 1
        await self.close_windows()
        if self.context is not None and self.items_in_context >= self.settings.recycle_context_after:
            await self._save_state()
            await self._close_context()
            self.items_in_context = self.items_in_page = 0
            self._log.info("context_recycled")
        elif self.portal_page is not None and self.items_in_page >= self.settings.recycle_page_after:
            await self._keep_tab_storage()
            old, self.portal_page = self.portal_page, None
            await self.page()
            await old.close()
            self.items_in_page = 0

    async def close_windows(self) -> None:
        """Close pop-ups a step left open (after its evidence was taken)."""
        if self.portal_page is not None:
            await self.portal_page.close_windows()

    async def close(self) -> None:
        if self.signed_in and self.context is not None:
            try:
                await self._save_state()
            except Exception:  # the context may already be gone with the browser
                pass
        await self._drop_api()
        await self._close_context()

    async def discard_context(self) -> None:
        """After a crash: the next step starts from a fresh context with the stored state."""
        await self._close_context()

    async def _close_context(self) -> None:
        if self.context is not None:
            try:
                if self.chunk_open:
                    await self.context.tracing.stop()
                await self.context.close()
            except Exception:  # closing a context of a crashed browser
                pass
        self.context = None
        self.portal_page = None
        self.chunk_open = False

    async def _drop_api(self) -> None:
        if self.api_context is not None:
            await self.api_context.aclose()
        self.api_context = None
        self.portal_api = None
