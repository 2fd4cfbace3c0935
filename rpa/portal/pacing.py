"""Politeness per credential: a minimum interval between requests, a cap per minute, and what
the portal itself said about our pace (HTTP 429 and its `Retry-After`).

Shared by every session of a portal in this process, so eight sessions together stay within
what the deployment allowed, not eight times that. The cap counts the requests the portal
actually receives: each engine action reserves one, and the page's own document, XHR and fetch
requests (reported by `note`) use up those reservations or count on their own, so a page whose
script makes three API calls costs three, not one.

A 429 holds every session until the time the portal asked for, and slows the credential down
for the rest of the run: the cap becomes what the portal let through in the last minute (and a
tenth less each time it says so again). The hold and the learned cap are written to a small file
in the state folder that every process using the credential reads, so a second run or a one-off
lookup on the same credential slows down too.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections import deque
from pathlib import Path

DEFAULT_RETRY_AFTER_S = 5.0
MIN_LEARNED_PER_MINUTE = 6
"""The slowest pace a 429 can teach: a limit shared with others (a client address, another
process) can answer 429 after only a few of our own requests, and must not stall us."""
"""How long to wait after a 429 that did not say."""
RESERVATION_S = 5.0
"""How long an action's reservation stands in for the request it is about to cause."""


class Pacer:
    def __init__(self, min_interval_ms: int = 0, max_per_minute: int | None = None, *, shared: Path | None = None):
        self.min_interval = min_interval_ms / 1000
        self.max_per_minute = max_per_minute
        self.learned_per_minute: int | None = None
        """The cap the portal taught us with its 429s (None until it did)."""
        self.hold_until = 0.0
        """Wall-clock time before which no request goes out (a 429's Retry-After), shared across processes."""
        self.rate_limited_count = 0
        self.rate_limited_wait_s = 0.0
        self._shared = shared
        self._shared_seen: float | None = None
        self._last = 0.0
        self._recent: deque[float] = deque()
        self._reservations: deque[float] = deque()
        self._last_429 = 0.0
        self._lock = asyncio.Lock()

    @property
    def per_minute(self) -> int | None:
        caps = [cap for cap in (self.max_per_minute, self.learned_per_minute) if cap]
        return min(caps) if caps else None

    async def wait(self, *, from_page: bool = True) -> None:
        """Before an action that sends a request: wait for any hold, the interval and the cap.
        An action on a page reserves the request it causes (the page reports it again through
        `note`); a direct API call (`from_page=False`) is simply counted."""
        self._read_shared()
        if not (self.min_interval or self.per_minute or self.hold_until > time.time()):
            self._count(time.monotonic(), reserve=from_page)
            return
        async with self._lock:
            held = self.hold_until - time.time()
            if held > 0:
                self.rate_limited_wait_s += held
                await asyncio.sleep(held)
            now = time.monotonic()
            delay = self._last + self.min_interval - now
            cap = self.per_minute
            if cap:
                self._forget_old(now)
                if len(self._recent) >= cap:
                    delay = max(delay, self._recent[0] + 60 - now)
            if delay > 0:
                await asyncio.sleep(delay)
            self._last = time.monotonic()
            self._count(self._last, reserve=from_page)

    def note(self) -> None:
        """The portal received a request from a page (a document, XHR or fetch)."""
        now = time.monotonic()
        while self._reservations and now - self._reservations[0] > RESERVATION_S:
            self._reservations.popleft()
        if self._reservations:
            self._reservations.popleft()  # the action that caused it already counted it
        else:
            self._count(now, reserve=False)

    def rate_limited(self, retry_after_s: float | None) -> float:
        """The portal answered 429: hold every session and learn the pace it allows. Returns the
        hold in seconds."""
        wait_s = retry_after_s if retry_after_s is not None and retry_after_s >= 0 else DEFAULT_RETRY_AFTER_S
        now = time.monotonic()
        self.rate_limited_count += 1
        self._forget_old(now)
        if self.learned_per_minute is None:
            self.learned_per_minute = max(MIN_LEARNED_PER_MINUTE, len(self._recent) - 1)
        elif now - self._last_429 > wait_s + 1:  # told again after a hold: a tenth slower
            self.learned_per_minute = max(MIN_LEARNED_PER_MINUTE, int(self.learned_per_minute * 0.9))
        self._last_429 = now
        self.hold_until = max(self.hold_until, time.time() + wait_s)
        self._write_shared()
        return wait_s

    def _count(self, now: float, *, reserve: bool) -> None:
        self._forget_old(now)
        self._recent.append(now)
        while self._reservations and now - self._reservations[0] > RESERVATION_S:
            self._reservations.popleft()
        if reserve:
            self._reservations.append(now)

    def _forget_old(self, now: float) -> None:
        while self._recent and now - self._recent[0] >= 60:
            self._recent.popleft()

    # -- shared with other processes on the machine ----------------------------------------

    def _read_shared(self) -> None:
        if self._shared is None:
            return
        try:
            changed = self._shared.stat().st_mtime
        except OSError:
            return
        if changed == self._shared_seen:
            return
        self._shared_seen = changed
        try:
            record = json.loads(self._shared.read_text())
        except (OSError, ValueError):
            return
        self.hold_until = max(self.hold_until, float(record.get("hold_until") or 0))
        learned = record.get("per_minute")
        if learned and (self.learned_per_minute is None or learned < self.learned_per_minute):
            self.learned_per_minute = int(learned)

    def _write_shared(self) -> None:
        if self._shared is None:
            return
        try:
            self._shared.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            temporary = self._shared.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"hold_until": self.hold_until, "per_minute": self.learned_per_minute}))
            os.replace(temporary, self._shared)
            self._shared_seen = self._shared.stat().st_mtime
        except OSError:  # pacing other processes is a courtesy; this one still waits
            pass


def parse_retry_after(value: str | None) -> float | None:
    """`Retry-After` in seconds (its HTTP-date form too), None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
