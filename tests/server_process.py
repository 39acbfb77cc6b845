"""A Jupyter server in a process of its own, on 127.0.0.1, for restart tests and for servers a test
module shares: started, stopped by PID.

Usage::

    async with ServerProcess.start(tmp_path, "--MCOPExtension.model=offline") as server:
        info = await server.fetch("mcop/api/info")
        ws = await server.websocket("mcop/ws/my-session")
        await server.stop()  # SIGTERM, as a service manager sends it

    shared = shared_server("--MCOPExtension.model=offline")  # one per module and mode

    async def test_info(shared: ServerProcess) -> None:
        info = await shared.request("mcop", "api", "info")  # jp_fetch's call shape
        ws = await shared.mcop_ws("my-session", params={"protocol": "2"})  # mcop_ws's
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tornado.escape import url_escape
from tornado.httpclient import AsyncHTTPClient, HTTPRequest, HTTPResponse
from tornado.websocket import WebSocketClientConnection, websocket_connect
from ws_client import SESSIONS_IN

TESTS = Path(__file__).parent
OPENED: list[WebSocketClientConnection] = []
"""WebSockets opened by `ServerProcess.mcop_ws`; the conftest closes them after each test."""
TOKEN = "process-token-0123456789"
LAUNCH = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from jupyter_server.serverapp import main; sys.exit(main())"
)
"""`python -m jupyter_server`, with Ctrl-C's signal at Python's default as a service manager or a
terminal delivers it: a shell script that runs the tests in the background (`.ci/run &`) makes every
process it starts ignore SIGINT, and a server that inherits that never stops on it."""


@dataclass
class ServerProcess:
    process: subprocess.Popen[bytes]
    url: str
    """`http://127.0.0.1:PORT/` (the base URL is `/`)."""
    headers: dict[str, str]
    """What authenticates requests (default: the server's token)."""

    @classmethod
    @asynccontextmanager
    async def start(
        cls, home: Path, *args: str, headers: dict[str, str] | None = None, timeout: float = 60
    ) -> AsyncIterator[ServerProcess]:
        """Run `python -m jupyter_server ARGS` (see LAUNCH) with HOME and Jupyter's directories under
        `home` and tests/ importable; stopped (killed if it will not stop) on exit. Its log:
        `home/server.log`."""
        process = _launch(home, args)
        try:
            info = await _server_info(home / "runtime", process, time.monotonic() + timeout)
            yield cls(
                process, f"http://127.0.0.1:{info['port']}/", headers or {"Authorization": f"token {TOKEN}"}
            )
        finally:
            await _stop(process, signal.SIGTERM, timeout)

    @classmethod
    @contextmanager
    def running(
        cls, home: Path, *args: str, headers: dict[str, str] | None = None, timeout: float = 60
    ) -> Iterator[ServerProcess]:
        """`start` for a fixture outside any event loop (a module's, see `shared_server`)."""
        process = _launch(home, args)
        try:
            port = _wait_listening(home / "runtime", process, time.monotonic() + timeout)
            yield cls(process, f"http://127.0.0.1:{port}/", headers or {"Authorization": f"token {TOKEN}"})
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)

    @property
    def port(self) -> int:
        return int(self.url.rstrip("/").rsplit(":", 1)[1])

    async def request(
        self,
        *parts: str,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> HTTPResponse:
        """pytest-jupyter's `jp_fetch` on this server: an error status raises unless
        `raise_error=False`; `headers` override the server's own for this request."""
        url = self.url + url_escape("/".join(parts), plus=False) + "?" + urllib.parse.urlencode(params or {})
        raise_error = kwargs.pop("raise_error", True)
        request = HTTPRequest(url, headers=self.headers | (headers or {}), request_timeout=20, **kwargs)
        return await AsyncHTTPClient().fetch(request, raise_error=raise_error)

    async def mcop_ws(
        self,
        session_id: str,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> WebSocketClientConnection:
        """The conftest's `mcop_ws` on this server; closed when the test ends (see OPENED)."""
        path = f"mcop/ws/{url_escape(session_id, plus=False)}?{urllib.parse.urlencode(params or {})}"
        ws = await self.websocket(path, self.headers | (headers or {}), **kwargs)
        OPENED.append(ws)
        return ws

    async def fetch(self, path: str, headers: dict[str, str] | None = None) -> HTTPResponse:
        """GET `path` (an error status is returned, not raised)."""
        request = HTTPRequest(self.url + path, headers=headers or self.headers, request_timeout=10)
        return await AsyncHTTPClient().fetch(request, raise_error=False)

    async def post(self, path: str, body: str, headers: dict[str, str] | None = None) -> HTTPResponse:
        """POST `body` to `path` (an error status is returned, not raised)."""
        request = HTTPRequest(
            self.url + path, method="POST", body=body, headers=headers or self.headers, request_timeout=20
        )
        return await AsyncHTTPClient().fetch(request, raise_error=False)

    async def websocket(
        self, path: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> WebSocketClientConnection:
        url = "ws" + self.url.removeprefix("http") + path
        request = HTTPRequest(url, headers=self.headers if headers is None else headers, connect_timeout=30)
        return await websocket_connect(request, **kwargs)

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        """Send `sig` and wait for the process to end. Returns its exit code."""
        return await _stop(self.process, sig, timeout)


async def _stop(process: subprocess.Popen[bytes], sig: int, timeout: float) -> int:
    if process.poll() is None:
        process.send_signal(sig)
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    if process.poll() is None:
        process.kill()
        process.wait(5)
        raise AssertionError(f"the server did not stop within {timeout:g}s of signal {sig}")
    return process.returncode


async def _server_info(runtime: Path, process: subprocess.Popen[bytes], deadline: float) -> dict[str, Any]:
    """The `jpserver-PID.json` the server writes as it starts, once the server answers on its port
    (the file is written before the port is bound, on the IOLoop's first turn)."""
    path = runtime / f"jpserver-{process.pid}.json"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode} before listening")
        try:
            info: dict[str, Any] = json.loads(path.read_text())
            await AsyncHTTPClient().fetch(f"http://127.0.0.1:{info['port']}/api", request_timeout=5)
            return info
        except (OSError, ValueError):
            await asyncio.sleep(0.05)  # no file yet, half written, or nobody listening yet
    raise AssertionError("the server did not start listening in time")


def _launch(home: Path, args: tuple[str, ...]) -> subprocess.Popen[bytes]:
    """`python -m jupyter_server ARGS` (see LAUNCH) with HOME and Jupyter's directories under `home`
    and tests/ importable (by the server and its kernels); its log: `home/server.log`."""
    env = os.environ | {
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
    }
    command = [
        sys.executable,
        "-c",
        LAUNCH,
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port=0",
        "--ServerApp.open_browser=False",
        "--ServerApp.allow_root=True",
        f"--ServerApp.root_dir={home}",
        f"--IdentityProvider.token={TOKEN}",
        *args,
    ]
    with (home / "server.log").open("ab") as log:
        # No terminal on stdin, as under a service manager (on a terminal SIGINT asks to confirm).
        return subprocess.Popen(
            command, env=env, cwd=home, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log
        )


def _wait_listening(runtime: Path, process: subprocess.Popen[bytes], deadline: float) -> int:
    """`_server_info`'s port, waited for without an event loop."""
    path = runtime / f"jpserver-{process.pid}.json"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode} before listening")
        try:
            port = int(json.loads(path.read_text())["port"])
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=5):
                return port
        except (OSError, ValueError):
            time.sleep(0.05)  # no file yet, half written, or nobody listening yet
    raise AssertionError("the server did not start listening in time")


def shared_server(
    *args: str, headers: dict[str, str] | None = None
) -> Callable[..., Iterator[ServerProcess]]:
    """A fixture: one server process with the extension and `args` for the whole module, started once
    per mode (sessions in the server's process, then in MCOP kernels), for tests that need no settings
    of their own. Assign it to the name tests ask for: `named = shared_server(...)`. Tests on it use
    session ids of their own, since they share its sessions."""

    @pytest.fixture(scope="module", params=SESSIONS_IN)
    def server(
        request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[ServerProcess]:
        home = tmp_path_factory.mktemp(f"server-{request.param}")
        mode = (
            "--ServerApp.jpserver_extensions=mcop_extension=True",
            f"--MCOPExtension.sessions_in={request.param}",
            f"--MCOPExtension.store_path={home / 'sessions.sqlite'}",
        )
        with ServerProcess.running(home, *mode, *args, headers=headers, timeout=120) as started:
            yield started

    return server
