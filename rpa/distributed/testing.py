"""A private `redis-server` for tests and benchmarks: a free loopback port, a password, no disk.

with RedisServer() as server:
    server.url  # redis://:PASSWORD@127.0.0.1:PORT/0
"""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import redis


class RedisServer:
    def __init__(self, executable: str | None = None):
        self.executable = executable or shutil.which("redis-server") or "/usr/bin/redis-server"
        self.password = secrets.token_urlsafe(18)
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.folder = Path(tempfile.mkdtemp(prefix="rpa-redis-"))

    @property
    def url(self) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        if not Path(self.executable).exists():
            raise RuntimeError("redis-server is not installed (make setup installs it: scripts/ensure-redis)")
        self.port = _free_port()
        config = self.folder / "redis.conf"
        config.write_text(
            f"port {self.port}\nbind 127.0.0.1\nprotected-mode yes\nrequirepass {self.password}\n"
            f'save ""\nappendonly no\ndir {self.folder}\nlogfile {self.folder / "redis.log"}\n'
        )
        config.chmod(0o600)
        self.process = subprocess.Popen([self.executable, str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)
        client.close()
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
