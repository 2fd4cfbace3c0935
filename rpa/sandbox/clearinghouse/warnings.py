"""Session-timeout warnings: which windows of which sessions asked "Continue?" and when, and how
the sessions they ended ended.

A window tells the portal when it shows its warning; the answer comes back as a keep-alive (OK)
or an end (Cancel). A session with a warning unanswered past the grace period ends at its next
request from any window, as does an OK that comes too late.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from enum import StrEnum


class WarningEnd(StrEnum):
    DISMISSED = "dismissed"
    """Cancel (or a browser that dismisses dialogs by itself)."""
    TOO_LATE = "too_late"
    """OK after the grace period, or no answer at all within it."""


class SessionWarnings:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._shown: dict[str, dict[str, datetime]] = defaultdict(dict)
        self.shown: Counter[str] = Counter()
        self.continued: Counter[str] = Counter()
        self.ended: dict[str, Counter[WarningEnd]] = defaultdict(Counter)
        """Per user."""

    def show(self, token: str, window: str, username: str, now: datetime) -> None:
        self._shown[token].setdefault(window, now)
        self.shown[username] += 1

    def overdue(self, token: str, now: datetime, grace_s: float) -> bool:
        """A warning of this session has waited longer than the grace period for its answer."""
        grace = timedelta(seconds=grace_s)
        return any(now - shown > grace for shown in self._shown.get(token, {}).values())

    def answered(self, token: str, window: str, username: str) -> None:
        """OK in time: the window's warning is over."""
        self._shown.get(token, {}).pop(window, None)
        self.continued[username] += 1

    def end(self, token: str, username: str, how: WarningEnd) -> None:
        self._shown.pop(token, None)
        self.ended[username][how] += 1

    def forget(self, token: str) -> None:
        """A session that ended otherwise (sign-out, limit, expiry) has no warnings left to answer."""
        self._shown.pop(token, None)

    def report(self, username: str) -> dict[str, int]:
        return {how.value: self.ended[username][how] for how in WarningEnd}

    def totals(self) -> dict[str, int]:
        return {how.value: sum(ended[how] for ended in self.ended.values()) for how in WarningEnd}
