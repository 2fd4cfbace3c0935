"""One-time codes for MFA, never the same code twice.

Portals that follow RFC 6238 (section 5.2) refuse a code that was already accepted, so two
sign-ins in one 30-second window need two windows. The last step used per secret is kept in
the state directory (owner-only), so a one-off lookup right after a batch waits rather than
having its code refused (and a refused code counts as an authentication failure).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from pathlib import Path

import pyotp

from rpa.core.files import write_private_text


class TotpSource:
    def __init__(self, secret: str, state_dir: Path, interval: int = 30):
        self._totp = pyotp.TOTP(secret, interval=interval)
        self._interval = interval
        name = hashlib.sha256(secret.encode()).hexdigest()[:16]
        self._marker = Path(state_dir) / "totp" / name
        self._lock = asyncio.Lock()

    async def fresh_code(self) -> str:
        """A code for a time step that has not been used, waiting for the next step if needed."""
        async with self._lock:
            step = int(time.time() // self._interval)
            if step <= self._last_used_step():
                next_step_at = (self._last_used_step() + 1) * self._interval
                await asyncio.sleep(max(0.0, next_step_at - time.time()) + 0.05)
                step = int(time.time() // self._interval)
            code = self._totp.at(step * self._interval)
            write_private_text(self._marker, str(step))
            return code

    def _last_used_step(self) -> int:
        try:
            return int(self._marker.read_text().strip())
        except (FileNotFoundError, ValueError):
            return -1
