"""The Celery app, its delivery settings, and the Redis keys a run and its workers share.

Delivery is at least once (Celery over Redis: late acknowledgement, a message whose worker
died goes back to the queue); exactly once in the run folder is the coordinator's job (it
deduplicates by item id). The settings that make a killed worker's items reach another one
quickly:

- `task_acks_late` + `task_reject_on_worker_lost`: a message is acknowledged after its item's
  result was published, never before;
- `worker_prefetch_multiplier = 1`: a worker reserves no more messages than it has sessions;
- `visibility_timeout` (default 60 s): an unacknowledged message goes back to the queue after
  it; a worker renews the messages it is working on (`renew_deliveries`), so a slow lookup is
  never handed to a second worker while the first still works on it;
- `unacked_restore_interval` 5 s and `unacked_restore_throttle` 1: kombu looks for expired
  messages every 5 s (its default, 10 x 10 s, would leave a killed worker's items waiting
  for up to 100 s more).
"""

from __future__ import annotations

import os
import socket
import time
from urllib.parse import urlsplit, urlunsplit

import redis
from celery import Celery

from rpa.core.errors import InputError

TASK = "rpa.lookup"
QUEUE = "rpa"
PREFIX = "rpa:"
VISIBILITY_TIMEOUT_S = 60
RESTORE_INTERVAL_S = 5
UNACKED_INDEX = "unacked_index"
"""kombu's sorted set of delivered, unacknowledged messages (delivery tag -> delivery time)."""
BROKER_ENV = "RPA_BROKER_URL"
VISIBILITY_ENV = "RPA_VISIBILITY_TIMEOUT"


def visibility_timeout() -> int:
    return int(os.environ.get(VISIBILITY_ENV) or VISIBILITY_TIMEOUT_S)


def celery_app(broker_url: str, *, visibility_s: int | None = None) -> Celery:
    app = Celery("rpa", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_default_queue=QUEUE,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        broker_transport_options={
            "visibility_timeout": visibility_s or visibility_timeout(),
            "unacked_restore_interval": RESTORE_INTERVAL_S,
            "unacked_restore_throttle": 1,
        },
    )
    return app


def connect(broker_url: str) -> redis.Redis:
    """A Redis client for the broker, checked now: a wrong address or password is said at once."""
    try:
        client = redis.Redis.from_url(broker_url, decode_responses=False, socket_timeout=30, health_check_interval=30)
        client.ping()
    except (redis.RedisError, ValueError) as error:
        raise InputError(f"cannot reach the broker at {redacted(broker_url)}: {error}") from None
    return client


def redacted(url: str) -> str:
    """The broker's URL without its password: what a manifest, a log or a message may show."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    netloc = f"{user}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def worker_identity(name: str | None = None) -> str:
    return name or f"{socket.gethostname()}-{os.getpid()}"


def now_ms() -> int:
    return int(time.time() * 1000)


class RunKeys:
    """The Redis keys of one run: its result stream, answered items, attempt and stops."""

    def __init__(self, run_id: str):
        base = f"{PREFIX}run:{run_id}:"
        self.events = base + "events"
        """Stream of what workers send back: results and portal stops."""
        self.done = base + "done"
        """Set of item ids a worker has published a result for (a redelivered message is skipped)."""
        self.attempt = base + "attempt"
        self.cancelled = base + "cancelled"
        """Set of attempt numbers the coordinator stopped (SIGTERM): their queued messages are dropped."""

    def stopped(self, attempt: int) -> str:
        """Hash portal -> stop of one attempt: its queued items of a stopped portal are not looked up."""
        return f"{self.events.rsplit(':', 1)[0]}:stopped:{attempt}"

    def all(self, attempts: int) -> list[str]:
        return [self.events, self.done, self.attempt, self.cancelled, *(self.stopped(n) for n in range(1, attempts + 1))]
