"""The load client of benchmarks/transport.py: C WebSocket connections, one question each, measured.

All connections are opened first; then every client sends `{"content": "go"}` at the same moment and
reads until the `agent` message, each message read with the protocol's own decoder
(`mcop_kernel.protocol_messages.decode`). Per answer it records the time to the first `agent_partial`, the
total time, the messages received (the `user` echo, partials and the final message) and the payload
bytes of every frame received, next to the final answer's own text bytes. Compression is not offered
(`compression=None`), so payload bytes are the bytes on the wire less the frame headers, and no
proxy is used: the client connects only to the 127.0.0.1 URL it is given.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from mcop_kernel.protocol_messages import AgentMessage, ErrorMessage, PartialMessage, decode

QUESTION = json.dumps({"content": "go"})


@dataclass
class Answer:
    """One answer as a client saw it; `error` is None when the expected answer arrived."""

    ttft: float | None = None
    total: float | None = None
    messages: int = 0
    wire_bytes: int = 0
    answer_bytes: int = 0
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Answer:
        return cls(**data)


def describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:160] if text else type(exc).__name__


async def _ask(ws: ClientConnection, expected: str) -> Answer:
    answer = Answer()
    start = time.perf_counter()
    await ws.send(QUESTION)
    while True:
        raw = await ws.recv(decode=False)
        now = time.perf_counter()
        answer.messages += 1
        answer.wire_bytes += len(raw)
        message = decode(raw)
        if isinstance(message, PartialMessage):
            if answer.ttft is None:
                answer.ttft = now - start
        elif isinstance(message, AgentMessage):
            answer.total = now - start
            content = message.content
            answer.answer_bytes = len(content.encode())
            if content != expected:
                answer.error = f"wrong answer: {len(content)} characters, expected {len(expected)}"
            elif answer.ttft is None:
                answer.error = "no agent_partial before the agent message"
            return answer
        elif isinstance(message, ErrorMessage):
            answer.error = f"server error: {message.content[:120]}"
            return answer


async def _open(url: str, headers: dict[str, str], timeout: float) -> ClientConnection:
    return await connect(
        url,
        additional_headers=headers,
        compression=None,
        proxy=None,
        open_timeout=timeout,
        ping_interval=None,
        close_timeout=2,
        max_size=None,
        max_queue=256,
    )


async def run_load(
    url_for: Callable[[int], str],
    headers: dict[str, str],
    clients: int,
    expected: str,
    deadline: float,
) -> list[Answer]:
    """Open `clients` connections (URL `url_for(i)`), ask on all at once, wait for every answer.

    Bounded by `deadline` seconds in all (connecting included); an answer still missing then is
    reported as an error, never waited for. Every connection is closed before returning.
    """
    loop = asyncio.get_running_loop()
    ends_at = loop.time() + deadline
    open_timeout = min(30.0, deadline)
    opened = await asyncio.gather(
        *(asyncio.wait_for(_open(url_for(i), headers, open_timeout), open_timeout) for i in range(clients)),
        return_exceptions=True,
    )
    sockets = [ws for ws in opened if isinstance(ws, ClientConnection)]

    async def ask(conn: ClientConnection | BaseException) -> Answer:
        if not isinstance(conn, ClientConnection):
            return Answer(error=f"connect: {describe(conn)}")
        try:
            async with asyncio.timeout_at(ends_at):
                return await _ask(conn, expected)
        except TimeoutError:
            return Answer(error=f"no answer within {deadline:g} s")
        except Exception as exc:
            return Answer(error=describe(exc))

    try:
        return list(await asyncio.gather(*(ask(conn) for conn in opened)))
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(
                asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True), 10
            )
