"""What the workers of one credential share through Redis, whichever machine they run on.

- `SharedSessionBudget`: the credential's session slots as expiring Redis keys (a lease is
  `SET NX PX`, renewed by its worker's heartbeat, gone `LEASE_TTL_S` after its worker dies):
  never more sessions than the portal allows, counted across every worker.
- `SharedSessionStore`: a slot's signed-in browser state, encrypted (Fernet) with a key each
  worker derives from the credential's own secrets, so a slot moves between workers (or to
  the survivor of a killed worker) without a second sign-in, and neither Redis nor the broker
  ever holds a cookie in clear.
- `SharedCredentialGate`: one sign-in at a time (a Redis lock) until one has proven the
  password anywhere; a refused password is flagged in Redis and stops the credential on every
  worker (the local marker in the state folder is kept too).
- `SharedPacer`: a portal's minimum interval and requests per minute, reserved in Redis by a
  script, so every worker together stays within what the deployment allows.

A credential is named in Redis by `CredentialKeys.name`, derived with scrypt from the portal,
username and secrets: changing the password starts afresh, and nothing in Redis lets anyone
recover a secret.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import math
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import redis
from cryptography.fernet import Fernet, InvalidToken

from rpa.core.errors import AuthenticationError
from rpa.core.logs import SECRETS
from rpa.distributed.broker import PREFIX
from rpa.engine.sessions import CredentialGate, CredentialStopped, SessionStateStore
from rpa.portal.pacing import Pacer

if TYPE_CHECKING:
    from pathlib import Path

    from rpa.core.credentials import Credential

LEASE_TTL_S = 15
"""A dead worker's session slots are free again after this; a live one renews every few seconds."""
WAITER_TTL_S = 3
POLL_S = 0.25
PROVEN_TTL_S = 3600
SIGN_IN_LOCK_S = 120
STATE_TTL_S = 86_400

_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
_PACE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0') + tonumber(ARGV[1]))
local cap = tonumber(ARGV[2])
if cap > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', at - 60000)
  local count = redis.call('ZCARD', KEYS[2])
  if count >= cap then
    local oldest = redis.call('ZRANGE', KEYS[2], count - cap, count - cap, 'WITHSCORES')
    at = math.max(at, tonumber(oldest[2]) + 60000)
  end
  redis.call('ZADD', KEYS[2], at, ARGV[3])
  redis.call('PEXPIRE', KEYS[2], 120000)
end
redis.call('SET', KEYS[1], at, 'PX', 120000)
return at - now
"""


@dataclass(frozen=True)
class CredentialKeys:
    """What a worker derives from a credential it holds: a name for Redis and a state key."""

    name: str
    cipher: Fernet = field(repr=False)

    @classmethod
    def of(cls, credential: Credential) -> CredentialKeys:
        material = "\0".join([credential.portal, credential.username, *sorted(credential.secret_values())]).encode()
        salt = f"rpa\0{credential.portal}\0{credential.username}".encode()
        derived = hashlib.scrypt(material, salt=salt, n=2**14, r=8, p=1, dklen=56)
        return cls(name=derived[:12].hex(), cipher=Fernet(base64.urlsafe_b64encode(derived[24:56])))


class RedisLease:
    def __init__(self, budget: SharedSessionBudget, slot: int, token: str):
        self.budget = budget
        self.slot = slot
        self.token = token
        self.released = False

    def release(self) -> None:
        if not self.released:
            self.released = True
            self.budget.held.pop(self.slot, None)
            self.budget.client.eval(_RELEASE, 1, self.budget.slot_key(self.slot), self.token)


class SharedSessionBudget:
    """The credential's `limit` session slots, leased in Redis by whichever worker uses them."""

    def __init__(self, client: redis.Redis, portal: str, credential: str, limit: int, holder: str):
        self.client = client
        self.base = f"{PREFIX}lease:{portal}:{credential}:"
        self.waiting = f"{PREFIX}waiting:{portal}:{credential}"
        self.limit = limit
        self.holder = holder
        self.held: dict[int, RedisLease] = {}

    def slot_key(self, slot: int) -> str:
        return f"{self.base}{slot}"

    def try_lease(self, prefer: list[int] | None = None) -> RedisLease | None:
        order = [*dict.fromkeys(slot for slot in (prefer or []) if slot < self.limit), *range(self.limit)]
        for slot in dict.fromkeys(order):
            token = f"{self.holder}/{secrets.token_hex(4)}"
            if self.client.set(self.slot_key(slot), token, nx=True, px=LEASE_TTL_S * 1000):
                lease = RedisLease(self, slot, token)
                self.held[slot] = lease
                return lease
        return None

    async def lease(self, wait_s: float, *, prefer: list[int] | None = None, ask: bool = True) -> RedisLease | None:
        """A slot, waiting up to `wait_s`; a waiting worker says so, and holders lend it one."""
        lease = self.try_lease(prefer)
        deadline = time.monotonic() + wait_s
        while lease is None and time.monotonic() < deadline:
            if ask:
                self.client.zadd(self.waiting, {self.holder: time.time()})
                self.client.expire(self.waiting, WAITER_TTL_S * 4)
            await asyncio.sleep(POLL_S)
            lease = self.try_lease(prefer)
        return lease

    def renew(self) -> int:
        """Keep this worker's leases alive (its heartbeat calls this); how many are still held."""
        lost = [slot for slot, lease in list(self.held.items()) if not self.client.eval(
            _RENEW, 1, self.slot_key(slot), lease.token, LEASE_TTL_S * 1000
        )]  # fmt: skip
        for slot in lost:
            self.held.pop(slot, None)
        return len(self.held)

    def holders(self) -> dict[str, int]:
        """Slots held, by worker."""
        values = self.client.mget([self.slot_key(slot) for slot in range(self.limit)])
        counts: dict[str, int] = {}
        for value in values:
            if value:
                holder = value.decode().rsplit("/", 1)[0]
                counts[holder] = counts.get(holder, 0) + 1
        return counts

    def others_wait(self) -> list[str]:
        recent = self.client.zrangebyscore(self.waiting, time.time() - WAITER_TTL_S, "+inf")
        return [name.decode() for name in recent if name.decode() != self.holder]

    def should_lend(self) -> bool:
        """Give a slot back now: another worker waits and this one holds more than its share."""
        waiting = self.others_wait()
        if not waiting:
            return False
        holders = self.holders()
        interested = set(holders) | set(waiting) | {self.holder}
        return holders.get(self.holder, 0) > math.ceil(self.limit / len(interested))


class SharedSessionStore(SessionStateStore):
    """Signed-in state per slot in Redis, encrypted with the credential's derived key."""

    def __init__(self, client: redis.Redis, keys: CredentialKeys, state_dir: Path):
        super().__init__(state_dir)
        self.client = client
        self.keys = keys

    def _key(self, portal: str, slot: int | str) -> str:
        return f"{PREFIX}state:{portal}:{self.keys.name}:{slot}"

    def load(self, portal: str, credential_key: str, slot: int) -> dict | None:
        blob = self.client.get(self._key(portal, slot))
        if blob is None:
            return None
        try:
            return json.loads(self.keys.cipher.decrypt(blob))
        except (InvalidToken, ValueError):  # written under another password: sign in afresh
            return None

    def save(self, portal: str, credential_key: str, slot: int, state: dict) -> None:
        self.client.set(self._key(portal, slot), self.keys.cipher.encrypt(json.dumps(state).encode()), ex=STATE_TTL_S)

    def forget(self, portal: str, credential_key: str, slot: int) -> None:
        self.client.delete(self._key(portal, slot))

    def stored_slots(self, portal: str, credential_key: str) -> int:
        return sum(1 for _ in self.client.scan_iter(match=self._key(portal, "*")))

    def remembered_device_cookies(self, portal: str, credential_key: str) -> list[dict]:
        cookies: dict[tuple, dict] = {}
        for key in self.client.scan_iter(match=self._key(portal, "*")):
            slot = key.decode().rsplit(":", 1)[1]
            state = self.load(portal, credential_key, int(slot)) if slot.isdigit() else None
            for cookie in (state or {}).get("cookies", []):
                if cookie.get("expires", -1) and cookie.get("expires", -1) > 0:
                    SECRETS.add(cookie.get("value"))
                    cookies[(cookie["name"], cookie["domain"], cookie["path"])] = cookie
        return list(cookies.values())


class SharedCredentialGate(CredentialGate):
    """`CredentialGate` across workers: the unproven sign-in lock and the refusal live in Redis."""

    def __init__(self, client: redis.Redis, keys: CredentialKeys, credential: Credential, state_dir: Path, **options):
        super().__init__(credential, state_dir, **options)
        self.client = client
        base = f"{PREFIX}credential:{credential.portal}:{keys.name}:"
        self.proven_key, self.refused_key, self.lock_key = base + "proven", base + "refused", base + "sign-in"

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        if not self.proven and self.client.exists(self.proven_key):
            self.proven = True
        if self.proven:
            async with self._side_by_side:
                yield
            return
        async with self.lock:
            token = secrets.token_hex(8)
            while not self.client.set(self.lock_key, token, nx=True, ex=SIGN_IN_LOCK_S):
                await asyncio.sleep(POLL_S)
            try:
                yield
                if self.proven:
                    self.client.set(self.proven_key, "1", ex=PROVEN_TTL_S)
            finally:
                self.client.eval(_RELEASE, 1, self.lock_key, token)

    def admit(self) -> None:
        refused = self.client.get(self.refused_key)
        if refused is not None and self.failure is None:
            self.failure = AuthenticationError(
                f"the portal refused this password on another worker ({refused.decode()}); it is not tried again"
            )
        if self.failure is not None:
            raise CredentialStopped(self.failure)
        super().admit()

    def close(self, error) -> None:
        super().close(error)
        if isinstance(error, AuthenticationError):
            self.client.set(self.refused_key, error.message[:300])
            self.client.delete(self.proven_key)


class SharedPacer(Pacer):
    """`Pacer` across machines: the interval and cap reserved in Redis, and a portal's 429 hold
    (`Retry-After`) written there too, so every worker waits it out. What a 429 teaches about the
    pace, and the counting of a page's own requests, stay with each worker's own `Pacer` part."""

    def __init__(self, client: redis.Redis, portal: str, min_interval_ms: int = 0, max_per_minute: int | None = None):
        super().__init__()
        self.client = client
        self.min_interval_ms = min_interval_ms
        self.max_per_minute = max_per_minute or 0
        self.keys = (f"{PREFIX}pace:{portal}:last", f"{PREFIX}pace:{portal}:window")
        self.hold_key = f"{PREFIX}pace:{portal}:hold"
        self._script = client.register_script(_PACE)

    @property
    def active(self) -> bool:
        return bool(self.min_interval_ms or self.max_per_minute)

    async def wait(self, *, from_page: bool = True) -> None:
        held = self.client.get(self.hold_key)
        if held is not None:
            self.hold_until = max(self.hold_until, float(held))
        await super().wait(from_page=from_page)
        if not self.active:
            return
        delay_ms = self._script(keys=list(self.keys), args=[self.min_interval_ms, self.max_per_minute, secrets.token_hex(6)])
        if int(delay_ms) > 0:
            await asyncio.sleep(int(delay_ms) / 1000)

    def rate_limited(self, retry_after_s: float | None) -> float:
        wait_s = super().rate_limited(retry_after_s)
        self.client.set(self.hold_key, repr(self.hold_until), px=int(wait_s * 1000) + 1000)
        return wait_s
