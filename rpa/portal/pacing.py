"""Politeness per payer: a minimum interval between requests and a cap per minute.

Shared by every session of a payer in this process, so eight sessions together stay within
what the deployment allowed, not eight times that.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque


class Pacer:
    def __init__(self, min_interval_ms: int = 0, max_per_minute: int | None = None):
        self.min_interval = min_interval_ms / 1000
        self.max_per_minute = max_per_minute
        self._last = 0.0
        self._recent: deque[float] = deque()
        self._lock = asyncio.Lock()

    @property
    def active(self) -> bool:
        return bool(self.min_interval or self.max_per_minute)

    async def wait(self) -> None:
        if not self.active:
            return
        async with self._lock:
            now = time.monotonic()
            delay = self._last + self.min_interval - now
            if self.max_per_minute:
                while self._recent and now - self._recent[0] >= 60:
                    self._recent.popleft()
                if len(self._recent) >= self.max_per_minute:
                    delay = max(delay, self._recent[0] + 60 - now)
            if delay > 0:
                await asyncio.sleep(delay)
            self._last = time.monotonic()
            if self.max_per_minute:
                self._recent.append(self._last)
