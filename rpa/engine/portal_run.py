"""Working one portal's items: sessions, the retry policy, and exactly one outcome per item.

`PortalRun` owns a portal's session pool (one worker per session, never more sessions than the
portal allows per credential; one credential and one pool for every payer the portal serves) and
turns each work item into a `Result`:

- transient errors are retried by Tenacity with exponential backoff and jitter, bounded, and
  counted by reason; too many in a row open the payer's circuit (portal down);
- an expired session leads to one fresh sign-in and the step again, not counted as a failure;
- authentication failures, a CAPTCHA at sign-in, a portal that is down and a configuration
  error (a selector the browser refuses) stop the portal: its remaining items stay pending (no
  result is written) for `--resume`;
- a business answer (found / not found) is a result; needs-a-human and failures get evidence.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rpa.core.errors import (
    AuthenticationError,
    ConfigError,
    FlowError,
    LayoutError,
    NeedsHuman,
    PortalDown,
    RateLimited,
    RpaError,
    SessionExpired,
    TransientError,
)
from rpa.core.logs import bind, bind_phi, clear_phi, get_logger, unbind
from rpa.core.models import Outcome
from rpa.core.results import Result, ResultError
from rpa.core.retry import UNREACHABLE, retrying
from rpa.engine import evidence
from rpa.engine.budget import Lease, SessionBudget
from rpa.engine.sessions import CredentialGate, CredentialStopped, PortalSession, SessionStateStore, SignInStorm
from rpa.portal.api import ApiUnavailable
from rpa.runs.manifest import PortalStop, RunStats, StopKind

LEND_PAUSE_S = 1.0
"""After lending a slot, how long a worker waits before asking for one again."""
BATCH_WAIT_S = 5.0
RATE_LIMIT_PATIENCE_S = 1800.0
"""How long one item waits out "too many requests" in all before the portal stops (pending)."""
UNREACHABLE_MARKERS = (
    "ERR_CONNECTION_REFUSED",
    "ERR_CONNECTION_RESET",
    "ERR_CONNECTION_CLOSED",
    "ERR_EMPTY_RESPONSE",
    "ERR_ADDRESS_UNREACHABLE",
    "ERR_NAME_NOT_RESOLVED",
    "ERR_INTERNET_DISCONNECTED",
    "ERR_CONNECTION_TIMED_OUT",
)
"""Chromium's words for "nobody answers at that address"."""

if TYPE_CHECKING:
    from rpa.core.credentials import Credential
    from rpa.core.settings import PortalConfig, Settings
    from rpa.core.worklist import WorkItem
    from rpa.payers.flow import Answered, Flow
    from rpa.portal.browser import BrowserHost
    from rpa.portal.pacing import Pacer
    from rpa.runs.store import RunStore


class PortalRun:
    def __init__(
        self,
        *,
        flow: Flow,
        credential: Credential,
        settings: Settings,
        config: PortalConfig,
        host: BrowserHost,
        run_store: RunStore,
        stats: RunStats,
        pacer: Pacer,
        on_result: Callable[[Result], None] | None = None,
        interactive: bool = False,
    ):
        self.flow = flow
        self.interactive = interactive
        """A one-off lookup: it borrows a session from a batch rather than waiting for one."""
        self.max_sessions = config.max_sessions
        self.credential = credential
        self.settings = settings
        self.retry = config.retry
        self.mode = config.mode
        self.host = host
        self.run_store = run_store
        self.stats = stats
        self.pacer = pacer
        self.session_count = config.sessions
        self.on_result = on_result
        self.gate = CredentialGate(
            credential,
            settings.state_dir,
            sessions=config.sessions,
            sign_in_limit=settings.sign_in_limit,
            at_once=flow.limits.sign_ins_at_once,
        )
        self.state_store = SessionStateStore(settings.state_dir)
        self.stop: PortalStop | None = None
        self.payers: list[str] = []
        self.api_disabled = False
        self.consecutive_transient = 0
        self.in_flight = 0
        self.layout_suspects: list[tuple[LayoutError, Result]] = []
        """Items that met a layout error since the last answered one: written as failed when a
        later item is answered, left pending when enough of them in a row stop the portal."""
        self.log = get_logger().bind(portal=flow.portal_id)

    async def run(self, items: list[WorkItem]) -> PortalStop | None:
        self.payers = sorted({item.payer for item in items})
        queue = deque(sorted(items, key=lambda item: item.payer))  # a multi-payer portal switches payer less
        count = max(1, min(self.session_count, len(items)))
        budget = SessionBudget(self.settings.state_dir, self.flow.portal_id, self.credential.key, self.max_sessions)
        self.log.info("portal_started", items=len(items), payers=self.payers, sessions=count, mode=self.mode)

        async def worker() -> None:
            while queue and self.stop is None:
                lease = await self._lease(budget, queue)
                if lease is None:
                    return
                session = self._session(lease.slot)
                try:
                    while queue and self.stop is None:
                        await self._one_at_a_time_while_suspect()
                        if not queue or self.stop is not None:
                            break
                        item = queue.popleft()
                        self.in_flight += 1
                        try:
                            result = await self.process(session, item)
                        finally:
                            self.in_flight -= 1
                        if result is not None:
                            for written in self._with_suspects(result):
                                await asyncio.to_thread(self.run_store.append, written)  # fsync off the event loop
                                if self.on_result is not None:
                                    self.on_result(written)
                        await session.after_item()
                        if budget.someone_waits():  # a lookup waits for a session: lend it this one
                            self.log.info("session_lent", slot=lease.slot)
                            break
                finally:
                    await asyncio.gather(session.close(), return_exceptions=True)
                    lease.release()
                if queue and self.stop is None:  # the slot was lent: give the lookup a moment to take it
                    await asyncio.sleep(LEND_PAUSE_S)

        try:
            await asyncio.gather(*(worker() for _ in range(count)))
            if self.stop is None:  # no later item settled them: they failed on their own
                for _, suspect in self._take_suspects():
                    await asyncio.to_thread(self.run_store.append, suspect)
                    if self.on_result is not None:
                        self.on_result(suspect)
        finally:
            self.stats.sign_in_attempts[self.credential.key] = (
                self.stats.sign_in_attempts.get(self.credential.key, 0) + self.gate.sign_in_attempts
            )
            if self.pacer.rate_limited_count:
                self.stats.rate_limited[self.flow.portal_id] = (
                    self.stats.rate_limited.get(self.flow.portal_id, 0) + self.pacer.rate_limited_count
                )
                self.stats.rate_limited_wait_s = round(self.stats.rate_limited_wait_s + self.pacer.rate_limited_wait_s, 1)
        self.log.info("portal_finished", stopped=self.stop.kind if self.stop else None, pending=len(queue))
        return self.stop

    async def _lease(self, budget: SessionBudget, queue: deque) -> Lease | None:
        """One of the credential's slots, shared with every process on the machine. A batch waits
        as long as it has work (other runs finish); a one-off lookup asks to borrow one and waits a
        little, then stops saying so (its item stays pending)."""
        stored = [slot for slot in range(budget.limit) if self.state_store.load(self.flow.portal_id, self.credential.key, slot)]
        if self.interactive:
            lease = await budget.lease(self.settings.borrow_wait_s, prefer=stored, ask=True)
            if lease is None and self.stop is None:
                fix = "try again in a minute, or lower the batch's --sessions so a lookup can get one"
                message = f"all {budget.limit} sessions of {self.credential.label} are in use by other runs"
                self._stop(StopKind.SESSIONS_BUSY, message, fix)
            return lease
        told = False
        while queue and self.stop is None:
            lease = await budget.lease(BATCH_WAIT_S, prefer=stored)
            if lease is not None:
                return lease
            if not told:
                self.log.info("waiting_for_session", credential=self.credential.key, limit=budget.limit)
                told = True
        return None

    def _session(self, slot: int) -> PortalSession:
        return PortalSession(
            flow=self.flow,
            credential=self.credential,
            slot=slot,
            host=self.host,
            store=self.state_store,
            gate=self.gate,
            pacer=self.pacer,
            settings=self.settings,
            retry_policy=self.retry,
            on_retry=self._on_request_retry,
            on_dialog=self._on_dialog,
        )

    # -- one item ---------------------------------------------------------------------------

    async def process(self, session: PortalSession, item: WorkItem) -> Result | None:
        """Exactly one result for the item, or None when the portal stopped and it stays pending."""
        bind(item=item.item_id, payer=item.payer, portal=self.flow.portal_id)
        query = item.query
        bind_phi(
            member_id=getattr(query, "member_id", None),
            first=getattr(query, "patient_first_name", None),
            last=getattr(query, "patient_last_name", None),
            dob=query.patient_dob.isoformat() if getattr(query, "patient_dob", None) else None,
            dob_us=query.patient_dob.strftime("%m/%d/%Y") if getattr(query, "patient_dob", None) else None,
        )
        started = time.monotonic()
        self.log.info(
            "item_started",
            row=item.row_number,
            **item.query.model_dump(mode="json", exclude={"task", "payer", "extra"}, exclude_none=True),
        )
        state = _ItemState()
        try:
            answered = await self._with_retries(session, item, state)
        except (AuthenticationError, CredentialStopped) as error:
            self._stop_for_credential(error)
            return None
        except PortalDown as error:
            self._stop(StopKind.PORTAL_DOWN, error.message, "wait for the portal to come back, then rpa run --resume RUN")
            return None
        except ConfigError as error:
            self._stop(StopKind.CONFIG, error.message, "fix the configuration named above, then rpa run --resume RUN")
            return None
        except LayoutError as error:
            return await self._layout_error(session, item, state, started, error)
        except RateLimited as error:
            fix = (
                f"ask the portal's owner about its request limit, or set max_requests_per_minute for "
                f"{self.flow.portal_id}, then rpa run --resume RUN"
            )
            waited = f"still too many requests after waiting {RATE_LIMIT_PATIENCE_S:.0f} s"
            self._stop(StopKind.RATE_LIMITED, f"{waited}: {error.message}", fix)
            return None
        except NeedsHuman as error:
            if error.stops_credential:  # a CAPTCHA or a missing credential field: the session's problem, not the item's
                self._stop_for_credential(error, await self._stop_evidence(session))
                return None
            return await self._unanswered(session, item, state, started, Outcome.NEEDS_HUMAN, error)
        except TransientError as error:
            if error.reason == UNREACHABLE:  # an outage is the portal's problem, not the claim's
                fix = "wait for the portal to answer again, then rpa run --resume RUN"
                self._stop(StopKind.PORTAL_DOWN, f"the portal does not answer: {error.message}", fix)
                return None
            return await self._unanswered(session, item, state, started, Outcome.FAILED, error)
        except (SessionExpired, FlowError) as error:
            return await self._unanswered(session, item, state, started, Outcome.FAILED, error)
        except Exception as error:  # a bug must cost one item, never the run
            self.log.exception("item_crashed")
            internal = FlowError(f"internal error: {type(error).__name__}: {error}")
            internal.kind = "internal_error"
            return await self._unanswered(session, item, state, started, Outcome.FAILED, internal)
        finally:
            unbind("item", "attempt")
            clear_phi()
        await session.stop_trace_chunk(None)
        duration = int((time.monotonic() - started) * 1000)
        self.log.info(
            "item_finished",
            item=item.item_id,
            outcome=answered.outcome.value,
            ms=duration,
            attempts=state.attempts,
            mode=state.mode,
        )
        return self._result(item, answered.outcome, state, duration, answer=answered)

    async def _with_retries(self, session: PortalSession, item: WorkItem, state: _ItemState) -> Answered:
        """The item under the retry policy; "too many requests" is waited out and the item
        started again, never counted as an attempt or toward the circuit."""
        while True:
            try:
                async for attempt in retrying(self.retry, self._on_item_retry):
                    with attempt:
                        state.attempts += 1
                        bind(attempt=state.attempts)
                        if self.stop is not None:
                            raise CredentialStopped(RpaError(self.stop.message))
                        answered = await self._attempt(session, item, state)
                        self.consecutive_transient = 0
                        return answered
            except RateLimited as error:
                if self.pacer.hold_until <= time.time():
                    self.pacer.rate_limited(error.retry_after_s)
                wait_s = max(0.0, self.pacer.hold_until - time.time())
                state.rate_limited_s += wait_s
                state.attempts -= 1
                if state.rate_limited_s > RATE_LIMIT_PATIENCE_S:
                    raise
                self.log.info("item_rate_limited", wait_s=round(wait_s, 1), learned_per_minute=self.pacer.learned_per_minute)
                await self.pacer.wait()

    async def _attempt(self, session: PortalSession, item: WorkItem, state: _ItemState) -> Answered:
        try:
            await session.close_windows()  # an earlier attempt's pop-up would be reused, not opened
            if not session.signed_in:
                await session.sign_in()
            try:
                return await self._step(session, item, state)
            except SessionExpired:
                if state.renewed:
                    session.signed_in = False
                    raise TransientError(
                        "the session expired again right after signing in", reason="session_expired_again"
                    ) from None
                state.renewed = True
                self.stats.session_renewals += 1
                self.log.info("session_expired", slot=session.slot)
                await session.sign_in()
                return await self._step(session, item, state)
        except RpaError:
            raise
        except Exception as error:
            classified = _classify_browser_error(error)
            if getattr(classified, "reason", "") == "browser_closed":
                await session.discard_context()
            raise classified from error

    async def _step(self, session: PortalSession, item: WorkItem, state: _ItemState) -> Answered:
        if self._use_api(item):
            state.mode = "api"
            try:
                return await self.flow.look_up_api(await session.api(), item.query)
            except ApiUnavailable as error:
                self.api_disabled = True
                self.stats.api_fallbacks += 1
                self.log.warning("api_fallback", reason=error.message)
        state.mode = "page"
        portal = await session.page()
        if self.settings.trace == "always" or (self.settings.trace == "retries" and state.attempts > 1):
            await session.start_trace_chunk()
        return await self.flow.look_up(portal, item.query)

    def _use_api(self, item: WorkItem) -> bool:
        if self.mode == "page" or self.api_disabled:
            return False
        return self.flow.supports_api(item.task)

    def _on_request_retry(self, reason: str, error: TransientError) -> None:
        self._count_failure("request", reason, error)

    def _on_item_retry(self, reason: str, error: TransientError) -> None:
        self._count_failure("item", reason, error)

    def _count_failure(self, level: str, reason: str, error: TransientError) -> None:
        """Count a transient failure; too many in a row mean the portal is down, not unlucky."""
        self.stats.count("retries_by_reason", f"{level}/{reason}")
        self.consecutive_transient += 1
        self.log.warning("attempt_failed", level=level, reason=reason, message=error.message[:300])
        if self.consecutive_transient >= self.settings.circuit_breaker_failures:
            self.stats.circuit_opened.append(self.flow.portal_id)
            raise PortalDown(f"circuit opened after {self.consecutive_transient} consecutive transient failures ({reason})")

    # -- endings ----------------------------------------------------------------------------

    async def _unanswered(
        self, session: PortalSession, item: WorkItem, state: _ItemState, started: float, outcome: Outcome, error: RpaError
    ) -> Result:
        folder = self.run_store.artifacts_dir(item.item_id)
        try:
            paths = await evidence.capture(session, folder, self.run_store.path, api_mode=state.mode == "api")
        except Exception as capture_error:  # evidence is best effort; the result is not
            self.log.warning("evidence_failed", problem=str(capture_error)[:200])
            paths = []
        duration = int((time.monotonic() - started) * 1000)
        self.log.warning(
            "item_finished",
            item=item.item_id,
            outcome=outcome.value,
            ms=duration,
            attempts=state.attempts,
            error_kind=error.kind,
            error=error.message[:300],
        )
        return self._result(item, outcome, state, duration, error=error, evidence_paths=paths)

    def _result(
        self,
        item: WorkItem,
        outcome: Outcome,
        state: _ItemState,
        duration_ms: int,
        *,
        answer: Answered | None = None,
        error: RpaError | None = None,
        evidence_paths: list[str] | None = None,
    ) -> Result:
        return Result(
            item_id=item.item_id,
            task=item.task,
            payer=item.payer,
            portal=self.flow.portal_id,
            outcome=outcome,
            query=item.query.model_dump(mode="json", exclude={"task"}),
            answer=answer.answer.model_dump(mode="json") if answer else None,
            error=ResultError(kind=error.kind, message=error.message) if error else None,
            attempts=state.attempts,
            duration_ms=duration_ms,
            evidence=evidence_paths or [],
            row_number=item.row_number,
            mode=state.mode,
        )

    async def _layout_error(
        self, session: PortalSession, item: WorkItem, state: _ItemState, started: float, error: LayoutError
    ) -> None:
        """An expected element missing from a settled page: evidence now, the item held back. A
        few items in a row mean the portal's pages changed: the portal stops, every one of them
        pending for a resume with a fixed selector map."""
        self.stats.count("layout_errors", error.key)
        result = await self._unanswered(session, item, state, started, Outcome.FAILED, error)
        self.layout_suspects.append((error, result))
        if self.stop is None and len(self.layout_suspects) >= self.settings.layout_errors_to_stop:
            first = self.layout_suspects[0][1]
            fix = (
                f"compare the page in {first.evidence[0] if first.evidence else 'the evidence'} with "
                f"{self.flow.selectors.path}, fix {error.key}, check it with rpa payers check --sign-in {self.flow.portal_id}, "
                "then rpa run --resume RUN"
            )
            message = f"the portal's pages changed: {error.key} not found ({len(self.layout_suspects)} items in a row)"
            self._stop(StopKind.LAYOUT, message, fix, list(first.evidence))
        return None

    async def _one_at_a_time_while_suspect(self) -> None:
        """After a layout error, one item at a time until an answer clears the suspicion or the
        portal stops: a changed page then costs a few items, not a few per session."""
        while self.layout_suspects and self.in_flight and self.stop is None:
            await asyncio.sleep(0.1)

    def _with_suspects(self, result: Result) -> list[Result]:
        """An answered item (found or not found: its pages were all there) clears the suspicion:
        items held back for a layout error before it failed on their own and are written now."""
        if result.outcome not in (Outcome.FOUND, Outcome.NOT_FOUND):
            return [result]
        return [*(suspect for _, suspect in self._take_suspects()), result]

    def _take_suspects(self) -> list[tuple[LayoutError, Result]]:
        taken, self.layout_suspects = self.layout_suspects, []
        return taken

    async def _stop_evidence(self, session: PortalSession) -> list[str]:
        """What the portal showed when it stopped a credential (a CAPTCHA): kept beside the stop."""
        folder = self.run_store.artifacts_dir(f"stop-{self.flow.portal_id}")
        try:
            return await evidence.capture(session, folder, self.run_store.path, api_mode=False)
        except Exception as capture_error:  # evidence is best effort
            self.log.warning("evidence_failed", problem=str(capture_error)[:200])
            return []

    def _stop_for_credential(self, error: RpaError, evidence_paths: list[str] | None = None) -> None:
        cause = error.cause if isinstance(error, CredentialStopped) else error
        if isinstance(cause, SignInStorm):
            fix = (
                f"check that nobody else uses {self.credential.username} and that max_sessions for {self.flow.portal_id} "
                "is what the portal allows, then rpa run --resume RUN"
            )
            self._stop(StopKind.SIGN_IN_STORM, f"{self.credential.label}: {cause.message}", fix, evidence_paths)
        elif isinstance(cause, NeedsHuman):
            fix = cause.fix or (
                f"sign in to {self.flow.display_name or self.flow.portal_id} once by hand as "
                f"{self.credential.username} to clear the CAPTCHA, then rpa run --resume RUN"
            )
            self._stop(StopKind.NEEDS_HUMAN, f"{self.credential.label}: {cause.message}", fix, evidence_paths)
        else:
            fix = (
                f"fix the credential {self.credential.label} (check the password, unlock the account), then rpa run --resume RUN"
            )
            self._stop(StopKind.AUTHENTICATION, f"{self.credential.label}: {cause.message}", fix, evidence_paths)

    def _stop(self, kind: StopKind, message: str, fix: str, evidence_paths: list[str] | None = None) -> None:
        if self.stop is None:
            self.stop = PortalStop(
                portal=self.flow.portal_id, payers=self.payers, kind=kind, message=message, fix=fix, evidence=evidence_paths or []
            )
            self.log.error("portal_stopped", kind=kind.value, reason=message, fix=fix)

    def _on_dialog(self, dialog_type: str, answer: str) -> None:
        self.stats.count("dialogs", f"{dialog_type}/{answer}")


@dataclass
class _ItemState:
    attempts: int = 0
    renewed: bool = False
    mode: str | None = None
    rate_limited_s: float = 0.0


def _classify_browser_error(error: Exception) -> RpaError:
    """Playwright's errors, in the engine's taxonomy: all of them are worth another attempt; a
    portal that refuses connections is unreachable (its items wait for it, pending)."""
    name = type(error).__name__
    text = str(error).splitlines()[0][:300] if str(error) else name
    if any(marker in text for marker in UNREACHABLE_MARKERS):
        return TransientError(f"the portal is unreachable: {text}", reason=UNREACHABLE)
    if name == "TimeoutError":
        return TransientError(f"timed out: {text}", reason="timeout")
    if "closed" in text.lower():
        return TransientError(f"the browser page closed: {text}", reason="browser_closed")
    if "net::" in text:
        return TransientError(f"navigation failed: {text}", reason="navigation")
    if name == "Error":
        return TransientError(f"browser error: {text}", reason="browser_error")
    return FlowError(f"{name}: {text}")
