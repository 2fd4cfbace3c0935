"""What workers share through Redis, without a browser: session leases across workers, the
refused password, encrypted slot state, pacing."""

from __future__ import annotations

import asyncio
import time

import pytest
import redis
from pydantic import SecretStr

from rpa.core.credentials import Credential
from rpa.core.errors import AuthenticationError
from rpa.distributed.shared import (
    CredentialKeys,
    SharedCredentialGate,
    SharedPacer,
    SharedSessionBudget,
    SharedSessionStore,
)
from rpa.engine.jobs import run_async
from rpa.engine.sessions import CredentialStopped

CREDENTIAL = Credential(
    "sandbox", "clinic9", {"password": SecretStr("Cedar-1234-Sbx!"), "totp_secret": SecretStr("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")}
)


@pytest.fixture
def client(redis_server):
    connection = redis.Redis.from_url(redis_server.url)
    yield connection
    connection.close()


def test_workers_together_never_hold_more_sessions_than_the_portal_allows(client):
    keys = CredentialKeys.of(CREDENTIAL)
    first, second = (SharedSessionBudget(client, "sandbox", keys.name, 4, name) for name in ("w1", "w2"))
    leases = [first.try_lease(), first.try_lease(), first.try_lease(), second.try_lease()]

    assert [lease.slot for lease in leases] == [0, 1, 2, 3] and second.try_lease() is None
    assert first.holders() == {"w1": 3, "w2": 1}
    run_async(second.lease(0.3))  # waiting says so ...
    assert first.should_lend() and not second.should_lend()  # ... and w1 holds more than its share
    leases[0].release()
    assert second.try_lease().slot == 0


def test_a_dead_workers_leases_lapse_and_a_live_one_renews_its_own(client, monkeypatch):
    monkeypatch.setattr("rpa.distributed.shared.LEASE_TTL_S", 1)
    keys = CredentialKeys.of(CREDENTIAL)
    live, dead, other = (SharedSessionBudget(client, "sandbox", keys.name, 2, name) for name in ("live", "dead", "other"))
    live.try_lease(), dead.try_lease()
    for _ in range(3):
        time.sleep(0.5)
        assert live.renew() == 1
    assert other.holders() == {"live": 1} and other.try_lease().slot == 1


def test_a_refused_password_stops_the_credential_on_every_worker(client, tmp_path):
    keys = CredentialKeys.of(CREDENTIAL)
    here = SharedCredentialGate(client, keys, CREDENTIAL, tmp_path / "a")
    elsewhere = SharedCredentialGate(client, keys, CREDENTIAL, tmp_path / "b")  # another machine's state folder
    here.admit()
    here.close(AuthenticationError("invalid username or password"))

    with pytest.raises(CredentialStopped, match="refused this password on another worker"):
        elsewhere.admit()
    rotated = Credential("sandbox", "clinic9", {"password": SecretStr("Maple-9999-Sbx!")})
    SharedCredentialGate(client, CredentialKeys.of(rotated), rotated, tmp_path / "c").admit()  # a new password may try


def test_one_sign_in_at_a_time_across_workers_until_the_password_is_proven(client, tmp_path):
    keys = CredentialKeys.of(CREDENTIAL)
    gates = [SharedCredentialGate(client, keys, CREDENTIAL, tmp_path / str(n), sessions=4, at_once=4) for n in range(3)]
    inside, most = [0], [0]

    async def sign_in(gate: SharedCredentialGate) -> None:
        async with gate.turn():
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            await asyncio.sleep(0.3)
            inside[0] -= 1
            gate.proven = True

    async def main() -> None:
        await asyncio.gather(*(sign_in(gate) for gate in gates))
        later = SharedCredentialGate(client, keys, CREDENTIAL, tmp_path / "later", sessions=4, at_once=4)
        await asyncio.gather(sign_in(later), sign_in(later))

    run_async(main())
    assert most[0] == 2  # the first three one at a time; once proven, side by side


def test_slot_state_crosses_workers_encrypted_and_no_cookie_is_in_redis_in_clear(client, tmp_path):
    keys = CredentialKeys.of(CREDENTIAL)
    state = {"cookies": [{"name": "sid", "value": "s3cr3t-session-cookie", "domain": "x", "path": "/", "expires": -1}]}
    SharedSessionStore(client, keys, tmp_path / "a").save("sandbox", CREDENTIAL.key, 0, state)

    assert SharedSessionStore(client, CredentialKeys.of(CREDENTIAL), tmp_path / "b").load("sandbox", CREDENTIAL.key, 0) == state
    everything = b"".join(client.dump(key) or b"" for key in client.scan_iter())
    for secret in (b"s3cr3t-session-cookie", b"Cedar-1234-Sbx!", b"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"):
        assert secret not in everything
    rotated = Credential("sandbox", "clinic9", {"password": SecretStr("Maple-9999-Sbx!")})
    assert SharedSessionStore(client, CredentialKeys.of(rotated), tmp_path / "c").load("sandbox", CREDENTIAL.key, 0) is None


def test_pacing_is_shared_by_every_worker_of_a_portal(client):
    pacers = [SharedPacer(client, "slowportal", min_interval_ms=100) for _ in range(3)]

    async def main() -> float:
        started = time.monotonic()
        await asyncio.gather(*(pacer.wait() for pacer in pacers for _ in range(2)))
        return time.monotonic() - started

    assert run_async(main()) >= 0.45  # six requests, 100 ms apart, whichever worker sends them


def test_a_429_on_one_worker_holds_every_worker_of_the_portal_for_its_retry_after(client):
    told, other = SharedPacer(client, "busyportal"), SharedPacer(client, "busyportal")

    async def main() -> float:
        await other.wait(from_page=False)  # the engine's API calls; pages report their own requests
        other.note()
        told.rate_limited(1.5)  # the portal answered 429, Retry-After: 1.5
        started = time.monotonic()
        await other.wait(from_page=False)
        return time.monotonic() - started

    assert 1.2 <= run_async(main()) <= 2.5 and told.rate_limited_count == 1
