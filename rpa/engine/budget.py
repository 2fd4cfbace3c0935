"""A credential's sessions counted across every process on the machine.

The overnight batch, a specialist's one-off lookup and a second job may share one credential;
the portal allows it only so many sessions (`max_sessions`), and ends the oldest when there are
more. So each of the credential's session slots is a lease, an `flock` on
`<state>/sessions/<portal>/<credential>/leases/slot-N.lock`: whoever holds slot N uses that
slot's signed-in state, and no two processes ever use one slot at once. The kernel frees a lease
when its process ends, however it ends.

An interactive lookup that finds every slot taken says so (a file `waiting-<pid>`) and waits a
little; a batch notices between items and lends it one of its slots, then takes a slot again
when one is free. The lookup so borrows a session that is already signed in.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import time
from dataclasses import dataclass
from pathlib import Path

from rpa.core.files import private_dir

POLL_S = 0.25


@dataclass
class Lease:
    slot: int
    descriptor: int

    def release(self) -> None:
        if self.descriptor >= 0:
            fcntl.flock(self.descriptor, fcntl.LOCK_UN)
            os.close(self.descriptor)
            self.descriptor = -1


class SessionBudget:
    def __init__(self, state_dir: Path, portal: str, credential_key: str, limit: int):
        self.folder = Path(state_dir) / "sessions" / portal / credential_key / "leases"
        self.limit = limit

    def try_lease(self, prefer: list[int] | None = None) -> Lease | None:
        """A free slot now (the preferred ones first, e.g. those with a stored session), or None."""
        private_dir(self.folder)
        order = [*dict.fromkeys(slot for slot in (prefer or []) if slot < self.limit), *range(self.limit)]
        for slot in dict.fromkeys(order):
            descriptor = os.open(self.folder / f"slot-{slot}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(descriptor)
                continue
            return Lease(slot, descriptor)
        return None

    async def lease(self, wait_s: float, *, prefer: list[int] | None = None, ask: bool = False) -> Lease | None:
        """A slot, waiting up to `wait_s` for one; with `ask`, other processes are told someone
        waits (so a batch lends a slot between its items)."""
        lease = self.try_lease(prefer)
        if lease is not None or wait_s <= 0:
            return lease
        marker = private_dir(self.folder) / f"waiting-{os.getpid()}"
        if ask:
            marker.write_text(str(time.time()))
        deadline = time.monotonic() + wait_s
        try:
            while time.monotonic() < deadline:
                await asyncio.sleep(POLL_S)
                lease = self.try_lease(prefer)
                if lease is not None:
                    return lease
            return None
        finally:
            if ask:
                marker.unlink(missing_ok=True)

    def someone_waits(self) -> bool:
        """Is another live process waiting for one of these slots?"""
        if not self.folder.is_dir():
            return False
        for marker in self.folder.glob("waiting-*"):
            pid = int(marker.name.removeprefix("waiting-") or 0)
            if pid != os.getpid() and _alive(pid):
                return True
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
