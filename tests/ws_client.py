"""Talking to `{base_url}mcop/ws/{session_id}` from tests, every wait bounded.

Usage::

    from ws_client import ask, receive, until_final

    ws = await jp_ws_fetch("mcop", "ws", "my-session")
    messages = await ask(ws, "Show me all tables")  # ends with the `agent` or `error` message
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from tornado.websocket import WebSocketClientConnection

WsFetch = Callable[..., Awaitable[WebSocketClientConnection]]
"""pytest-jupyter's `jp_ws_fetch`: `await jp_ws_fetch("mcop", "ws", sid, params=..., headers=...)`."""

FINAL = ("agent", "error")


async def receive(ws: WebSocketClientConnection, timeout: float = 10) -> dict[str, Any]:
    """The next message; fails if none comes within `timeout` seconds or the server closed."""
    message = await asyncio.wait_for(ws.read_message(), timeout)
    assert message is not None, f"the server closed the connection ({ws.close_code} {ws.close_reason})"
    assert isinstance(message, str)
    return json.loads(message)  # type: ignore[no-any-return]


async def until_final(ws: WebSocketClientConnection, timeout: float = 10) -> list[dict[str, Any]]:
    """Messages up to and including the next `agent` or `error`."""
    got: list[dict[str, Any]] = []
    while not got or got[-1]["type"] not in FINAL:
        got.append(await receive(ws, timeout))
    return got


async def ask(ws: WebSocketClientConnection, question: str, timeout: float = 10) -> list[dict[str, Any]]:
    """Send a v1 question frame and read its answer (see `until_final`)."""
    await ws.write_message(json.dumps({"content": question}))
    return await until_final(ws, timeout)


async def closed(ws: WebSocketClientConnection, timeout: float = 10) -> list[dict[str, Any]]:
    """Every message until the server closes the connection."""
    got: list[dict[str, Any]] = []
    while (message := await asyncio.wait_for(ws.read_message(), timeout)) is not None:
        got.append(json.loads(message))
    return got
