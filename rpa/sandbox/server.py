"""Serving the portal on 127.0.0.1: in a daemon thread for tests (`SandboxServer`), or in a
child process for benchmarks that must not share the tool's interpreter (`SandboxProcess`)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import uvicorn

from rpa.sandbox.portals import DEFAULT_PORTAL, portal_kind
from rpa.sandbox.records import PortalData
from rpa.sandbox.settings import PortalSettings

START_TIMEOUT_S = 15.0


class SandboxServer:
    """One portal (`sandbox` or `clearinghouse`) on a port of its own (0: any free port), started
    and stopped on demand; members and claims default to the portal's own default size."""

    def __init__(
        self,
        seed: int = 7,
        members: int | None = None,
        claims: int | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        settings: PortalSettings | None = None,
        portal: str = DEFAULT_PORTAL,
    ):
        kind = portal_kind(portal)
        self.portal = kind.name
        self.data: PortalData = kind.generate(
            seed, kind.members if members is None else members, kind.claims if claims is None else claims
        )
        self.app = kind.create_app(self.data, settings or kind.settings_type.from_env())
        self.host = host
        self.port = port
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._socket is None:
            raise RuntimeError("the sandbox is not bound yet: call start() or bind()")
        host, port = self._socket.getsockname()[:2]
        return f"http://{host}:{port}" if ":" not in host else f"http://[{host}]:{port}"

    def bind(self) -> str:
        """Take the port and listen now, so the URL is known, and connections wait in the
        backlog instead of being refused, until serving starts."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # IPPROTO_TCP, not 0: asyncio turns on TCP_NODELAY only for sockets that say they are TCP, and
        # without it every small answer on a kept-alive connection waits 40 ms for a delayed ACK.
        self._socket = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((self.host, self.port))
        self._socket.listen(2048)
        self._server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="off"))
        return self.url

    def serve_forever(self) -> None:
        """Serve in this thread until SIGINT or SIGTERM. uvicorn shuts down gracefully, then
        re-raises the signal; SIGTERM then exits through SystemExit, so callers' cleanup runs."""
        if self._server is None:
            self.bind()
        previous = signal.signal(signal.SIGTERM, _exit_quietly)
        try:
            self._server.run(sockets=[self._socket])
        finally:
            signal.signal(signal.SIGTERM, previous)
            self._socket.close()

    def start(self) -> SandboxServer:
        """Serve from a daemon thread; returns once the portal answers."""
        self.bind()
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox portal did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def _exit_quietly(signum, frame) -> None:
    raise SystemExit(0)


class SandboxProcess:
    """`python -m rpa.sandbox serve` as a child process; its first line of output is its URL.

    `options` are `serve`'s own (e.g. "--latency-ms", "50"). Its state file goes to a private
    temporary folder, so it never takes the place of a sandbox the user started.
    """

    def __init__(self, *options: str, portal: str = DEFAULT_PORTAL):
        self.options = ("--portal", portal_kind(portal).name, *options)
        self.url: str | None = None
        self._process: subprocess.Popen | None = None
        self._state_dir: tempfile.TemporaryDirectory | None = None

    def start(self) -> SandboxProcess:
        self._state_dir = tempfile.TemporaryDirectory(prefix="rpa-sandbox-")
        env = {**os.environ, "RPA_STATE_DIR": self._state_dir.name}
        command = [sys.executable, "-m", "rpa.sandbox", "serve", "--port", "0", *self.options]
        errors_path = os.path.join(self._state_dir.name, "stderr.log")
        with open(errors_path, "w") as errors:
            self._process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True, env=env)
        line = self._process.stdout.readline().strip()
        if not line.startswith("http"):
            with open(errors_path) as errors:
                reason = errors.read().strip() or line or "no output"
            self.stop()
            raise RuntimeError(f"the sandbox process did not start: {reason}")
        self.url = line
        return self

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._process is not None:
            self._process.stdout.close()
        if self._state_dir is not None:
            self._state_dir.cleanup()

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
