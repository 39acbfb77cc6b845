"""Talking to `{base_url}mcop/ws/{session_id}` from tests, every wait bounded.

Usage::

    from ws_client import ask, receive, until_final

    ws = await jp_ws_fetch("mcop", "ws", "my-session")
    messages = await ask(ws, "Show me all tables")  # ends with the `agent` or `error` message
"""

from __future__ import annotations

import asyncio
import base64
import fcntl
import json
import os
import shutil
import socket
import struct
import termios
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from tornado.websocket import WebSocketClientConnection
from traitlets.config import Config

import mcop_kernel.kernel

WsFetch = Callable[..., Awaitable[WebSocketClientConnection]]
"""pytest-jupyter's `jp_ws_fetch`: `await jp_ws_fetch("mcop", "ws", sid, params=..., headers=...)`."""

FINAL = ("agent", "error")
WAIT = 30.0
"""Seconds a test waits for a message: a bound against hanging, not a speed requirement (with
sessions in kernels, a user's first message waits for their kernel to start on a busy machine)."""


async def receive(ws: WebSocketClientConnection, timeout: float = WAIT) -> dict[str, Any]:
    """The next message; fails if none comes within `timeout` seconds or the server closed."""
    message = await asyncio.wait_for(ws.read_message(), timeout)
    assert message is not None, f"the server closed the connection ({ws.close_code} {ws.close_reason})"
    assert isinstance(message, str)
    return json.loads(message)  # type: ignore[no-any-return]


async def until_final(ws: WebSocketClientConnection, timeout: float = WAIT) -> list[dict[str, Any]]:
    """Messages up to and including the next `agent` or `error`."""
    got: list[dict[str, Any]] = []
    while not got or got[-1]["type"] not in FINAL:
        got.append(await receive(ws, timeout))
    return got


async def ask(ws: WebSocketClientConnection, question: str, timeout: float = WAIT) -> list[dict[str, Any]]:
    """Send a v1 question frame and read its answer (see `until_final`)."""
    await ws.write_message(json.dumps({"content": question}))
    return await until_final(ws, timeout)


async def closed(ws: WebSocketClientConnection, timeout: float = WAIT) -> list[dict[str, Any]]:
    """Every message until the server closes the connection."""
    got: list[dict[str, Any]] = []
    while (message := await asyncio.wait_for(ws.read_message(), timeout)) is not None:
        got.append(json.loads(message))
    return got


def stuck_client(port: int, path: str, token: str, question: str) -> socket.socket:
    """A raw WebSocket client on 127.0.0.1:`port` that sends `question` and then never reads
    (a browser tab frozen by the debugger, a script stuck elsewhere). Close it when done."""
    client = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    client.sendall(
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Authorization: token {token}\r\n\r\n"
        ).encode()
    )
    head = b""
    while not head.endswith(b"\r\n\r\n") and len(head) < 4096:
        head += client.recv(1)  # the handshake only: nothing after it is ever read
    assert head.startswith(b"HTTP/1.1 101"), head
    data, mask = json.dumps({"content": question}).encode(), os.urandom(4)
    assert len(data) < 126
    client.sendall(
        bytes([0x81, 0x80 | len(data)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))
    )
    return client


def unread_bytes(client: socket.socket) -> int:
    """How much the server has sent that `client` has not read (the kernel's receive queue)."""
    return struct.unpack("i", fcntl.ioctl(client.fileno(), termios.FIONREAD, b"\0\0\0\0"))[0]  # type: ignore[no-any-return]


TESTS = Path(__file__).parent
KERNELSPEC = Path(mcop_kernel.kernel.__file__).parent / "kernelspec"
SESSIONS_IN = ("server", "kernel")
"""Where the extension runs its sessions: in the server's process, or in MCOP kernels it relays to."""


@pytest.fixture(params=SESSIONS_IN)
def sessions_in(request: pytest.FixtureRequest) -> str:
    """Each test that takes it runs twice: sessions in process, and in MCOP kernels. Take it into a
    test module with `from ws_client import both_modes as jp_server_config, sessions_in`."""
    return str(request.param)


def modes(kernel_bug: str) -> pytest.MarkDecorator:
    """Both modes, the kernel's expected to fail for `kernel_bug` (strictly: fixing it flips the
    test to a failure that says to drop this)::

    @modes(kernel_bug="AG-UI answers 501 with sessions in kernels")
    async def test_ag_ui(jp_fetch): ...
    """
    kernel = pytest.param("kernel", marks=pytest.mark.xfail(strict=True, reason=kernel_bug))
    return pytest.mark.parametrize("sessions_in", ["server", kernel])


@pytest.fixture
def both_modes(
    jp_server_config: Config, sessions_in: str, jp_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Config:
    """The conftest's server config with `MCOPExtension.sessions_in` set to the test's mode (and
    the MCOP kernelspec where the test's isolated server looks for kernelspecs, and tests/ on the
    kernels' path, so that they load a test's catalog, `python:slow_catalog:factory`, as the server does)."""
    jp_server_config.MCOPExtension.sessions_in = sessions_in
    if sessions_in == "kernel":
        shutil.copytree(KERNELSPEC, jp_data_dir / "kernels" / "mcop", dirs_exist_ok=True)
        monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]))
    return jp_server_config
