"""Who may sign in and how: seeded users, passwords with lockout, TOTP without replay,
remembered devices and the CAPTCHA window, plus the half-finished sign-ins between steps."""

from __future__ import annotations

import base64
import hmac
import random
import secrets
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

import pyotp

MAX_PASSWORD_FAILURES = 3
MAX_CODE_FAILURES = 3
CAPTCHA_WINDOW = timedelta(minutes=10)
DEVICE_LIFETIME = timedelta(days=30)
PENDING_LIFETIME = timedelta(minutes=10)
TOTP_STEP_S = 30

_DISPLAY_NAMES = {
    "demo": "Demo Biller",
    "clinic1": "Riverside Billing Office",
    "clinic2": "Summit Orthopedic Billing",
    "clinic3": "Lakeside Behavioral Billing",
    "clinic4": "Valley Cardiology Billing",
    "clinic5": "Northside Urgent Care Billing",
}
_PASSWORD_WORDS = ("Harbor", "Maple", "Summit", "Cedar", "River", "Falcon", "Meadow", "Copper")


@dataclass(frozen=True)
class User:
    username: str
    password: str
    totp_secret: str
    display_name: str

    def as_dict(self) -> dict[str, str]:
        return {
            "username": self.username,
            "password": self.password,
            "totp_secret": self.totp_secret,
            "display_name": self.display_name,
        }


def seeded_users(seed: int) -> tuple[User, ...]:
    """The portal's users; derived from the seed because a sandbox has no secrets worth keeping."""
    rng = random.Random(f"sandbox-users-{seed}")
    users = []
    for username, display_name in _DISPLAY_NAMES.items():
        password = f"{rng.choice(_PASSWORD_WORDS)}-{rng.randrange(10**4):04d}-Sbx!"
        secret = base64.b32encode(rng.randbytes(20)).decode()
        users.append(User(username, password, secret, display_name))
    return tuple(users)


class PasswordCheck(Enum):
    """How checking a secret went: a password, or any other secret a portal counts failures of."""

    ACCEPTED = "accepted"
    WRONG = "wrong"
    LOCKED = "locked"


class Accounts:
    """Sign-in state per user. Unknown usernames count failures too, so nobody learns which exist."""

    def __init__(self, users: tuple[User, ...]):
        self.users = {user.username: user for user in users}
        self.reset()

    def reset(self) -> None:
        self.failures: dict[str, int] = defaultdict(int)
        self.locked: set[str] = set()
        self.last_code_step: dict[str, int] = {}
        self.devices: dict[str, tuple[str, datetime]] = {}
        self.accepted: dict[str, deque[datetime]] = defaultdict(deque)

    def check_password(self, username: str, password: str, now: datetime) -> PasswordCheck:
        if username in self.locked:
            return PasswordCheck.LOCKED
        user = self.users.get(username)
        if user and hmac.compare_digest(user.password.encode(), password.encode()):
            self.failures.pop(username, None)
            self.accepted[username].append(now)
            return PasswordCheck.ACCEPTED
        return self.count_failure(self.failures, username)

    def count_failure(self, failures: dict[str, int], username: str) -> PasswordCheck:
        """One more failure in `failures`; the limit-th locks the account."""
        failures[username] += 1
        if failures[username] >= MAX_PASSWORD_FAILURES:
            self.locked.add(username)
            return PasswordCheck.LOCKED
        return PasswordCheck.WRONG

    def attempts_remaining(self, username: str) -> int:
        return MAX_PASSWORD_FAILURES - self.failures[username]

    def unlock(self, username: str) -> bool:
        """Clear a lockout; False when the user does not exist."""
        if username not in self.users:
            return False
        self.locked.discard(username)
        self.failures.pop(username, None)
        return True

    def needs_captcha(self, username: str, now: datetime, captcha_after: int) -> bool:
        """True once the accepted passwords in the window exceed `captcha_after` (0: never)."""
        window = self.accepted[username]
        while window and now - window[0] > CAPTCHA_WINDOW:
            window.popleft()
        return captcha_after > 0 and len(window) > captcha_after

    def verify_code(self, username: str, code: str, now: datetime) -> bool:
        """RFC 6238: one step either side of now, and a step once used never again (5.2)."""
        totp = pyotp.TOTP(self.users[username].totp_secret)
        current = totp.timecode(now)
        for step in (current - 1, current, current + 1):
            if step <= self.last_code_step.get(username, -1):
                continue
            if hmac.compare_digest(totp.generate_otp(step), code.strip()):
                self.last_code_step[username] = step
                return True
        return False

    def remember_device(self, username: str, now: datetime) -> str:
        token = secrets.token_urlsafe(24)
        self.devices[token] = (username, now + DEVICE_LIFETIME)
        return token

    def device_user(self, token: str | None, now: datetime) -> str | None:
        username, expires = self.devices.get(token or "", (None, now))
        return username if expires > now else None


@dataclass
class PendingSignIn:
    """A sign-in between its password and its session: waiting for a CAPTCHA or a code."""

    username: str
    next_path: str
    expires: datetime
    captcha_answer: str | None = None
    code_failures: int = 0


class PendingSignIns:
    record_type: type[PendingSignIn] = PendingSignIn
    """What a portal keeps between its sign-in steps."""

    def __init__(self) -> None:
        self._pending: dict[str, PendingSignIn] = {}

    def start(self, username: str, next_path: str, now: datetime) -> tuple[str, PendingSignIn]:
        token = secrets.token_urlsafe(24)
        pending = self.record_type(username, next_path, now + PENDING_LIFETIME)
        self._pending[token] = pending
        return token, pending

    def get(self, token: str | None, now: datetime) -> PendingSignIn | None:
        pending = self._pending.get(token or "")
        if pending and pending.expires <= now:
            del self._pending[token]
            return None
        return pending

    def finish(self, token: str | None) -> None:
        self._pending.pop(token or "", None)

    def reset(self) -> None:
        self._pending.clear()
