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

import httpx
import uvicorn

from rpa.sandbox.portals import DEFAULT_PORTAL, portal_kind
from rpa.sandbox.records import PortalData
from rpa.sandbox.settings import PortalSettings

START_TIMEOUT_S = 15.0


class SandboxServer:
    """One portal (`sandbox` or `clearinghouse`) on a port of its own (0: any free port), started
    and stopped on demand; members and claims default to the portal's own default size.

    A portal with an identity server (the first portal's `auth=token`) serves it too, from the
    same process on another free port (another origin): `identity` True serves it whatever the
    settings say (so tests can switch to token auth), None serves it when `auth` is `token`.
    """

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
        identity: bool | None = None,
    ):
        kind = portal_kind(portal)
        self.portal = kind.name
        self.data: PortalData = kind.generate(
            seed, kind.members if members is None else members, kind.claims if claims is None else claims
        )
        settings = settings or kind.settings_type.from_env()
        self.app = kind.create_app(self.data, settings)
        self._listener = _Listener(self.app, host, port)
        self._identity: _Listener | None = None
        if kind.create_identity_app and (identity or (identity is None and getattr(settings, "auth", None) == "token")):
            self._identity = _Listener(kind.create_identity_app(self.app.state.portal), host, 0)

    @property
    def url(self) -> str:
        return self._listener.url

    @property
    def identity_url(self) -> str | None:
        """The identity server's URL, or None when this portal serves none."""
        return self._identity.url if self._identity else None

    def bind(self) -> str:
        """Take the port(s) and listen now, so the URLs are known, and connections wait in the
        backlog instead of being refused, until serving starts."""
        self._listener.bind()
        state = self.app.state.portal
        if self._identity is not None:
            self._identity.bind()
            state.portal_url, state.identity_url = self._listener.url, self._identity.url
        return self.url

    def serve_forever(self) -> None:
        """Serve in this thread until SIGINT or SIGTERM. uvicorn shuts down gracefully, then
        re-raises the signal; SIGTERM then exits through SystemExit, so callers' cleanup runs."""
        if self._listener.server is None:
            self.bind()
        if self._identity is not None:
            self._identity.start()
        previous = signal.signal(signal.SIGTERM, _exit_quietly)
        try:
            self._listener.server.run(sockets=[self._listener.socket])
        finally:
            signal.signal(signal.SIGTERM, previous)
            self._listener.socket.close()
            if self._identity is not None:
                self._identity.stop()

    def start(self) -> SandboxServer:
        """Serve from daemon threads; returns once the portal (and its identity server) answer."""
        self.bind()
        for listener in (self._listener, self._identity):
            if listener is not None:
                listener.start()
        return self

    def stop(self) -> None:
        for listener in (self._identity, self._listener):
            if listener is not None:
                listener.stop()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


class _Listener:
    """One ASGI app served by uvicorn on a socket bound up front."""

    def __init__(self, app, host: str, port: int):
        self.app = app
        self.host = host
        self.port = port
        self.socket: socket.socket | None = None
        self.server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self.socket is None:
            raise RuntimeError("the sandbox is not bound yet: call start() or bind()")
        host, port = self.socket.getsockname()[:2]
        return f"http://{host}:{port}" if ":" not in host else f"http://[{host}]:{port}"

    def bind(self) -> None:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # IPPROTO_TCP, not 0: asyncio turns on TCP_NODELAY only for sockets that say they are TCP, and
        # without it every small answer on a kept-alive connection waits 40 ms for a delayed ACK.
        self.socket = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind((self.host, self.port))
        self.socket.listen(2048)
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="off"))

    def start(self) -> None:
        """Serve from a daemon thread; returns once it answers."""
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox portal did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self.socket is not None:
            self.socket.close()


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
        self.identity_url: str | None = None
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
        self.identity_url = httpx.get(line + "/__sandbox/health", timeout=10).json().get("identity_url")
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
