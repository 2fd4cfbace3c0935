"""What the portal saw, for tests and benchmarks to check the tool's manners against."""

from __future__ import annotations

from collections import Counter, defaultdict


class PortalStats:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.requests: Counter[str] = Counter()
        self.sign_in: dict[str, Counter[str]] = defaultdict(Counter)
        self.errors_injected: Counter[str] = Counter()
        self.maintenance_responses = 0

    def sign_in_event(self, username: str, event: str) -> None:
        self.sign_in[username][event] += 1

    def as_dict(self) -> dict:
        return {
            "requests": dict(self.requests),
            "sign_in": {user: dict(events) for user, events in self.sign_in.items()},
            "errors_injected": dict(self.errors_injected),
            "maintenance_responses": self.maintenance_responses,
        }
