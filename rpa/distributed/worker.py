"""`rpa worker`: a Celery worker that looks up work items with the engine and sends results back.

One process, one browser, `--sessions N` items at a time (Celery's thread pool, one reserved
message per thread). The engine runs on one asyncio loop in a thread of its own; each Celery
thread hands it an item and waits. Per portal the worker keeps a `CredentialPool`: its
credential (read here, from this machine's environment, keyring or secrets file), the shared
gate, pacer and session budget, and the signed-in sessions it holds. A session stays with the
worker between items (the next item of the credential takes it: no sign-in, no lease), and is
given back when another worker waits for one and this one holds more than its share, or when it
has been idle for `IDLE_RELEASE_S`.

Every message ends in exactly one of: a result published (stream entry + the item marked done,
in one transaction) before the message is acknowledged; a portal stop published (the item stays
pending for `--resume`); or nothing, when the item is already done (a redelivered message), its
attempt was interrupted, or its portal already stopped in that attempt.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
from celery.worker.request import Request

from rpa.core.errors import ConfigError
from rpa.core.files import private_dir
from rpa.core.logs import bind, configure_logging, get_logger
from rpa.core.models import Outcome, Task
from rpa.core.queries import QUERY_TYPES
from rpa.core.results import Result, ResultError
from rpa.core.settings import PortalConfig, Settings
from rpa.core.worklist import WorkItem
from rpa.distributed.broker import (
    QUEUE,
    TASK,
    UNACKED_INDEX,
    RunKeys,
    celery_app,
    connect,
    redacted,
    visibility_timeout,
)
from rpa.distributed.registry import register, unregister
from rpa.distributed.shared import (
    CredentialKeys,
    RedisLease,
    SharedCredentialGate,
    SharedPacer,
    SharedSessionBudget,
    SharedSessionStore,
)
from rpa.engine.portal_run import PortalRun
from rpa.engine.sessions import PortalSession
from rpa.payers.registry import build_flow, get_portal
from rpa.payers.setup import no_credentials_fix, no_url_fix, portal_credential, portal_url
from rpa.portal.browser import BrowserHost
from rpa.runs.manifest import PortalStop, RunStats, StopKind
from rpa.runs.store import ARTIFACTS

HEARTBEAT_S = 3.0
IDLE_RELEASE_S = 30.0
"""An idle session's slot goes back after this, so a credential's work can move to other workers."""
LEASE_WAIT_S = 5.0

_runtime: WorkerRuntime | None = None
_delivery_tags: dict[str, str] = {}


class TrackedRequest(Request):
    """Celery's request, remembering its message's delivery tag so the worker can renew it."""

    def __init__(self, message, *args, **kwargs):
        super().__init__(message, *args, **kwargs)
        _delivery_tags[self.id] = message.delivery_tag


def serve(broker_url: str, *, sessions: int, settings: Settings, name: str | None, log_path: Path | None, verbose: bool) -> None:
    """Run a worker until SIGTERM or SIGINT (Celery's warm shutdown: items in hand finish first)."""
    global _runtime
    client = connect(broker_url)
    vt = visibility_timeout()
    app = celery_app(broker_url, visibility_s=vt)

    @app.task(name=TASK, bind=True, Request=TrackedRequest)
    def lookup(task, message: dict[str, Any]) -> None:
        tag = _delivery_tags.pop(task.request.id, None)
        assert _runtime is not None
        _runtime.handle(message, tag)

    identity = name or f"{socket.gethostname()}-{os.getpid()}"
    log_path = log_path or Path(settings.state_dir) / "workers" / f"{identity}.jsonl"
    private_dir(log_path.parent)
    configure_logging(log_path, verbose=verbose)
    bind(worker=identity)
    _runtime = WorkerRuntime(client, identity, sessions, settings)
    _runtime.start()
    get_logger().info(
        "worker_started", broker=redacted(broker_url), sessions=sessions, visibility_timeout_s=vt, log=str(log_path)
    )
    try:
        app.worker_main(
            argv=[
                "worker",
                "--pool=threads",
                f"--concurrency={sessions}",
                "--loglevel=WARNING",
                f"--queues={QUEUE}",
                f"--hostname={identity}@{socket.gethostname()}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ]
        )
    finally:
        _runtime.close()
        get_logger().info("worker_stopped", items=_runtime.items_done)


@dataclass
class CredentialPool:
    """One portal's credential on this worker: shared gate, pacer and budget; sessions held."""

    flow: Any
    credential: Any
    config: PortalConfig
    gate: SharedCredentialGate
    store: SharedSessionStore
    pacer: Any
    budget: SharedSessionBudget
    idle: list[tuple[WorkerSession, RedisLease, float]] = field(default_factory=list)
    busy: int = 0
    sign_ins_sent: int = 0


@dataclass
class RunContext:
    """One run's attempt at one portal, on this worker: the engine's PortalRun and what was sent."""

    portal_run: PortalRun
    folder: WorkerFolder
    sent: dict[str, Any] = field(default_factory=dict)


class WorkerSession(PortalSession):
    """A session that outlives one run on this worker: retries and dialogs count for the run of
    the item it is working on now."""

    def __init__(self, *, portal_run: PortalRun, **options: Any):
        self.current_run = portal_run
        super().__init__(on_retry=self._on_retry, on_dialog=self._on_dialog, **options)

    def _on_retry(self, reason: str, error: Any) -> None:
        self.current_run._on_request_retry(reason, error)

    def _on_dialog(self, kind: str, answer: str) -> None:
        self.current_run._on_dialog(kind, answer)


class WorkerFolder:
    """Where the engine writes an item's evidence on this machine before it is sent back."""

    def __init__(self, path: Path):
        self.path = private_dir(path)

    def artifacts_dir(self, item_id: str) -> Path:
        return private_dir(private_dir(self.path / ARTIFACTS) / item_id)


class WorkerRuntime:
    def __init__(self, client: redis.Redis, name: str, sessions: int, settings: Settings):
        self.client = client
        self.name = name
        self.host_name = socket.gethostname()
        self.sessions = sessions
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self.browser = BrowserHost(headless=settings.headless)
        self.pools: dict[str, CredentialPool | PortalStop] = {}
        self.runs: dict[tuple[str, int, str], RunContext] = {}
        self.deliveries: dict[str, str | None] = {}
        """Celery task id -> delivery tag of the messages in hand (renewed by the heartbeat)."""
        self.items_done = 0
        self.started_at = time.time()
        self.last_item_at: float | None = None
        self.scratch = Path(tempfile.mkdtemp(prefix="rpa-worker-"))
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self.loop.run_forever, name="rpa-engine", daemon=True),
            threading.Thread(target=self._heartbeat, name="rpa-heartbeat", daemon=True),
        ]
        self.log = get_logger()

    def start(self) -> None:
        for thread in self._threads:
            thread.start()
        self._beat()

    def close(self) -> None:
        self._stop.set()
        future = asyncio.run_coroutine_threadsafe(self._close(), self.loop)
        try:
            future.result(timeout=30)
        except Exception as error:  # closing is best effort; leases expire on their own
            self.log.warning("worker_close_failed", problem=str(error)[:200])
        self.loop.call_soon_threadsafe(self.loop.stop)
        unregister(self.client, self.name)

    # -- one message ----------------------------------------------------------------------

    def handle(self, message: dict[str, Any], delivery_tag: str | None) -> None:
        """Called on a Celery thread: the item runs on the engine's loop; this waits for it."""
        key = f"{message['run_id']}/{message['item_id']}/{threading.get_ident()}"
        self.deliveries[key] = delivery_tag
        try:
            asyncio.run_coroutine_threadsafe(self._item(message), self.loop).result()
        finally:
            self.deliveries.pop(key, None)

    async def _item(self, message: dict[str, Any]) -> None:
        run_id, attempt, portal_id = message["run_id"], int(message["attempt"]), message["portal"]
        keys = RunKeys(run_id)
        bind(run_id=run_id, worker=self.name)
        log = self.log.bind(item=message["item_id"], portal=portal_id)
        pipe = self.client.pipeline()
        pipe.sismember(keys.done, message["item_id"]).sismember(keys.cancelled, attempt).hexists(keys.stopped(attempt), portal_id)
        done, cancelled, stopped = pipe.execute()
        if done or cancelled or stopped:
            log.info("item_skipped", reason="done" if done else "run interrupted" if cancelled else "portal stopped")
            return
        item = WorkItem(row_number=message["row_number"], query=QUERY_TYPES[Task(message["task"])](**message["query"]))
        try:
            pool = self._pool(portal_id)
            if isinstance(pool, PortalStop):
                self._publish_stop(keys, attempt, pool)
                return
            context = self._context(run_id, attempt, portal_id, message["settings"], pool)
            if item.payer not in context.portal_run.payers:
                context.portal_run.payers = sorted([*context.portal_run.payers, item.payer])
            result = await self._look_up(pool, context, item)
        except Exception as error:  # a bug costs one item, never a message that never ends
            log.exception("item_crashed")
            result = _failed(item, portal_id, f"internal error on worker {self.name}: {type(error).__name__}: {error}")
            context = None
        if result is None:
            assert context is not None and context.portal_run.stop is not None
            self._publish_stop(keys, attempt, context.portal_run.stop)
            return
        self._publish_result(keys, result, context)

    async def _look_up(self, pool: CredentialPool, context: RunContext, item: WorkItem) -> Result | None:
        session, lease = await self._checkout(pool, context.portal_run)
        if session is None:
            return None
        pool.busy += 1
        try:
            return await context.portal_run.process(session, item)
        finally:
            pool.busy -= 1
            await self._checkin(pool, session, lease)

    # -- sessions ---------------------------------------------------------------------------

    async def _checkout(self, pool: CredentialPool, portal_run: PortalRun) -> tuple[WorkerSession | None, RedisLease | None]:
        """A session this worker already holds (signed in, no new lease), else a fresh slot."""
        if pool.idle:
            session, lease, _ = pool.idle.pop()
            session.current_run = portal_run
            return session, lease
        stored = [slot for slot in range(pool.budget.limit) if pool.store.load(pool.flow.portal_id, pool.credential.key, slot)]
        told = False
        while portal_run.stop is None and not self._stop.is_set():
            lease = await pool.budget.lease(LEASE_WAIT_S, prefer=stored)
            if lease is not None:
                return self._session(pool, lease.slot, portal_run), lease
            if pool.idle:  # another item of this worker gave one back meanwhile
                session, lease, _ = pool.idle.pop()
                session.current_run = portal_run
                return session, lease
            if not told:
                self.log.info("waiting_for_session", portal=pool.flow.portal_id, limit=pool.budget.limit)
                told = True
        return None, None

    async def _checkin(self, pool: CredentialPool, session: WorkerSession, lease: RedisLease) -> None:
        try:
            await session.after_item()
        except Exception:  # a context that died with its item: the next one starts afresh
            await session.discard_context()
        if self._stop.is_set() or lease.released or pool.budget.should_lend():
            await self._give_back(session, lease)
            self.log.info("session_lent", portal=pool.flow.portal_id, slot=lease.slot)
        else:
            pool.idle.append((session, lease, time.monotonic()))

    async def _give_back(self, session: PortalSession, lease: RedisLease) -> None:
        await asyncio.gather(session.close(), return_exceptions=True)
        lease.release()

    async def _reap(self) -> None:
        """Idle sessions go back when another worker waits, or after `IDLE_RELEASE_S`."""
        now = time.monotonic()
        for pool in self.pools.values():
            if not isinstance(pool, CredentialPool) or not pool.idle:
                continue
            someone_waits = bool(pool.budget.others_wait())
            keep = []
            for session, lease, since in pool.idle:
                if someone_waits or now - since > IDLE_RELEASE_S or lease.released:
                    await self._give_back(session, lease)
                else:
                    keep.append((session, lease, since))
            pool.idle[:] = keep

    def _session(self, pool: CredentialPool, slot: int, portal_run: PortalRun) -> WorkerSession:
        return WorkerSession(
            portal_run=portal_run,
            flow=pool.flow,
            credential=pool.credential,
            slot=slot,
            host=self.browser,
            store=pool.store,
            gate=pool.gate,
            pacer=pool.pacer,
            settings=self.settings,
            retry_policy=pool.config.retry,
        )

    def _pool(self, portal_id: str) -> CredentialPool | PortalStop:
        """The portal's credential pool, made on first use from this machine's own configuration."""
        if portal_id in self.pools:
            return self.pools[portal_id]
        flow_type = get_portal(portal_id)

        def stop(message: str, fix: str, kind: StopKind = StopKind.CONFIG) -> PortalStop:
            return PortalStop(portal=portal_id, kind=kind, message=f"worker {self.name}: {message}", fix=fix)

        try:
            config = self.settings.portal(portal_id, flow_type.limits)
            base_url = portal_url(flow_type, config)
            credential = portal_credential(flow_type, base_url) if base_url else None
            if not base_url:
                pool = stop(f"no URL configured for portal {portal_id}", no_url_fix(portal_id))
            elif credential is None:
                pool = stop(f"no credentials configured for portal {portal_id}", no_credentials_fix(flow_type))
            else:
                keys = CredentialKeys.of(credential)
                pool = CredentialPool(
                    flow=build_flow(flow_type, base_url),
                    credential=credential,
                    config=config,
                    gate=SharedCredentialGate(
                        self.client,
                        keys,
                        credential,
                        self.settings.state_dir,
                        sessions=config.max_sessions,
                        sign_in_limit=self.settings.sign_in_limit,
                        at_once=flow_type.limits.sign_ins_at_once,
                    ),
                    store=SharedSessionStore(self.client, keys, self.settings.state_dir),
                    pacer=SharedPacer(self.client, portal_id, config.min_interval_ms, config.max_requests_per_minute),
                    budget=SharedSessionBudget(self.client, portal_id, keys.name, config.max_sessions, self.name),
                )
        except ConfigError as error:
            pool = stop(error.message, "fix the setting named above on this worker")
        self.pools[portal_id] = pool
        return pool

    def _context(self, run_id: str, attempt: int, portal_id: str, options: dict, pool: CredentialPool) -> RunContext:
        key = (run_id, attempt, portal_id)
        if key not in self.runs:
            settings = self.settings.model_copy(update={name: value for name, value in options.items() if value is not None})
            config = settings.portal(portal_id, get_portal(portal_id).limits)
            folder = WorkerFolder(self.scratch / run_id)
            portal_run = PortalRun(
                flow=pool.flow,
                credential=pool.credential,
                settings=settings,
                config=config,
                host=self.browser,
                run_store=folder,
                stats=RunStats(),
                pacer=pool.pacer,
            )
            self.runs[key] = RunContext(portal_run, folder)
        return self.runs[key]

    # -- sending back ---------------------------------------------------------------------

    def _publish_result(self, keys: RunKeys, result: Result, context: RunContext | None) -> None:
        files = {}
        if context is not None:
            for relative in result.evidence:
                path = context.folder.path / relative
                if path.is_file():
                    files[relative] = base64.b64encode(path.read_bytes()).decode()
                    path.unlink()
        result = result.model_copy(update={"worker": self.name})
        stats = self._stats_delta(context) if context is not None else {}
        entry = {
            "type": "result",
            "worker": self.name,
            "host": self.host_name,
            "pid": str(os.getpid()),
            "item": result.item_id,
            "result": result.model_dump_json(),
            "files": json.dumps(files),
            "stats": json.dumps(stats),
        }
        pipe = self.client.pipeline(transaction=True)
        pipe.xadd(keys.events, entry).sadd(keys.done, result.item_id)
        pipe.execute()
        self.items_done += 1
        self.last_item_at = time.time()

    def _publish_stop(self, keys: RunKeys, attempt: int, stop: PortalStop) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.hsetnx(keys.stopped(attempt), stop.portal, stop.model_dump_json())
        pipe.xadd(keys.events, {"type": "stop", "worker": self.name, "host": self.host_name, "stop": stop.model_dump_json()})
        pipe.execute()

    def _stats_delta(self, context: RunContext) -> dict[str, Any]:
        """The run's counters on this worker since the last result sent (the coordinator sums them)."""
        now = context.portal_run.stats.model_dump(mode="json")
        pool = self.pools[context.portal_run.flow.portal_id]
        signed = pool.gate.sign_in_attempts - pool.sign_ins_sent
        pool.sign_ins_sent = pool.gate.sign_in_attempts
        delta: dict[str, Any] = {}
        for name, value in now.items():
            before = context.sent.get(name)
            if isinstance(value, dict):
                delta[name] = {k: v - (before or {}).get(k, 0) for k, v in value.items() if v != (before or {}).get(k, 0)}
            elif isinstance(value, list):
                delta[name] = value[len(before or []) :]
            elif isinstance(value, int):
                delta[name] = value - (before or 0)
        delta["sign_in_attempts"] = {pool.credential.key: signed} if signed else {}
        delta["browser_launches"] = 0
        context.sent = now
        return delta

    # -- heartbeat ------------------------------------------------------------------------

    def _heartbeat(self) -> None:
        while not self._stop.wait(HEARTBEAT_S):
            try:
                self._beat()
            except redis.RedisError as error:
                self.log.warning("heartbeat_failed", problem=str(error)[:200])

    def _beat(self) -> None:
        """Renew leases and the messages in hand, say who this worker is, give idle slots back."""
        held = {}
        for portal_id, pool in list(self.pools.items()):
            if isinstance(pool, CredentialPool):
                held[portal_id] = {"sessions": pool.budget.renew(), "busy": pool.busy, "idle": len(pool.idle)}
        tags = [tag for tag in list(self.deliveries.values()) if tag]
        if tags:
            self.client.zadd(UNACKED_INDEX, dict.fromkeys(tags, time.time()), xx=True)
        register(
            self.client,
            self.name,
            {
                "host": self.host_name,
                "pid": os.getpid(),
                "started_at": self.started_at,
                "sessions": self.sessions,
                "busy": len(self.deliveries),
                "held": held,
                "items_done": self.items_done,
                "last_item_at": self.last_item_at,
            },
            HEARTBEAT_S * 4,
        )
        asyncio.run_coroutine_threadsafe(self._reap(), self.loop)

    async def _close(self) -> None:
        for pool in self.pools.values():
            if isinstance(pool, CredentialPool):
                for session, lease, _ in pool.idle:
                    await self._give_back(session, lease)
                pool.idle.clear()
        await self.browser.close()


def _failed(item: WorkItem, portal_id: str, message: str) -> Result:
    return Result(
        item_id=item.item_id,
        task=item.task,
        payer=item.payer,
        portal=portal_id,
        outcome=Outcome.FAILED,
        query=item.query.model_dump(mode="json", exclude={"task"}),
        error=ResultError(kind="internal_error", message=message),
        row_number=item.row_number,
    )
