"""A connection follows its session at the client's pace and drops a client that stopped reading."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from mcop_kernel import ExplorerSession, session_config
from mcop_kernel.connection import ConnectionSettings, StreamConnection


class Client:
    """Records what a connection sends; `stuck` never takes a message (a client that stopped reading)."""

    def __init__(self, *, stuck: bool = False):
        self.messages: list[dict[str, Any]] = []
        self.stuck = stuck
        self.dropped = False

    async def send(self, text: str) -> None:
        if self.stuck:
            await asyncio.Event().wait()
        self.messages.append(json.loads(text))

    def drop(self) -> None:
        self.dropped = True


async def until(condition: Any, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


async def test_a_client_that_stops_reading_is_dropped_and_others_go_on() -> None:
    session = await ExplorerSession.open("s", session_config("synthetic:400:1"))
    stuck, reader = Client(stuck=True), Client()
    settings = ConnectionSettings(stall_timeout=0.3)
    stuck_connection = StreamConnection(session, stuck.send, settings, on_stall=stuck.drop)
    stuck_connection.start()
    StreamConnection(session, reader.send, settings).start()
    session.submit("go")
    await until(lambda: stuck.dropped)
    await until(lambda: bool(reader.messages) and reader.messages[-1]["type"] == "agent")
    await stuck_connection.wait_closed()
    assert reader.messages[-1]["content"].count("token") == 400
    await session.close()


async def test_a_new_client_gets_the_answer_in_flight_from_its_start() -> None:
    session = await ExplorerSession.open("s", session_config("synthetic:100:5"))
    first = Client()
    first_connection = StreamConnection(session, first.send, ConnectionSettings())
    first_connection.start()
    session.submit("go")
    await until(lambda: len(first.messages) >= 3)
    first_connection.close()
    late = Client()
    StreamConnection(session, late.send, ConnectionSettings()).start()
    await until(lambda: bool(late.messages) and late.messages[-1]["type"] == "agent")
    assert late.messages[0] == {"type": "user", "content": "go"}
    await session.close()


async def test_a_client_that_saw_everything_is_not_sent_it_again() -> None:
    session = await ExplorerSession.open("s", session_config("synthetic:20"))
    first = Client()
    connection = StreamConnection(session, first.send, ConnectionSettings())
    connection.start()
    session.submit("go")
    await until(lambda: bool(first.messages) and first.messages[-1]["type"] == "agent")
    connection.close()
    second = Client()
    StreamConnection(session, second.send, ConnectionSettings()).start()
    await asyncio.sleep(0.1)
    assert second.messages == []
    await session.close()


async def test_the_window_merges_tokens_without_delaying_the_first() -> None:
    session = await ExplorerSession.open("s", session_config("synthetic:2000"))
    windowed, eager = Client(), Client()
    StreamConnection(session, windowed.send, ConnectionSettings(window=0.005)).start()
    StreamConnection(session, eager.send, ConnectionSettings(window=0.0)).start()
    session.submit("go")
    await until(lambda: bool(windowed.messages) and windowed.messages[-1]["type"] == "agent")
    await until(lambda: bool(eager.messages) and eager.messages[-1]["type"] == "agent")
    merged = sum(m["type"] == "agent_partial" for m in windowed.messages)
    one_each = sum(m["type"] == "agent_partial" for m in eager.messages)
    assert merged * 5 < one_each, (merged, one_each)
    assert windowed.messages[1] == {"type": "agent_partial", "content": "token0 "}  # the first goes out alone
    assert windowed.messages[-1] == eager.messages[-1]
    await session.close()


class FullSocket:
    """A transport whose buffers hold `capacity` characters, read by its client `trickle`
    characters every `every` seconds: `send` returns a future while the buffers are full, done once
    the client has read enough for the message to fit (as Tornado's write futures behave)."""

    def __init__(self, capacity: int, trickle: int, every: float):
        self.capacity, self.trickle, self.every = capacity, trickle, every
        self.written = self.read = 0
        self.waiting: list[tuple[int, asyncio.Future[None]]] = []
        self.dropped_at: float | None = None
        self._reader = asyncio.ensure_future(self._read())

    def send(self, text: str) -> asyncio.Future[None] | None:
        self.written += len(text)
        if self.written - self.read <= self.capacity:
            return None
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((self.written - self.capacity, future))
        return future

    async def _read(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            self.read = min(self.written, self.read + self.trickle)
            for needed, future in list(self.waiting):
                if self.read >= needed and not future.done():
                    future.set_result(None)

    def drop(self) -> None:
        self.dropped_at = asyncio.get_running_loop().time()
        self._reader.cancel()


async def test_a_trickle_is_not_reading_and_a_slow_reader_is_not_dropped() -> None:
    session = await ExplorerSession.open("s", session_config("synthetic:3000:1"))
    settings = ConnectionSettings(version=2, stall_timeout=0.5)
    # A few hundred characters now and then (a kernel freeing a little of a full buffer) ...
    trickling = FullSocket(capacity=4_000, trickle=100, every=0.05)
    # ... and a client that reads slowly but really reads (a megabyte a second).
    slow = FullSocket(capacity=4_000, trickle=50_000, every=0.05)
    for socket in (trickling, slow):
        StreamConnection(session, socket.send, settings, on_stall=socket.drop).start()
    started = asyncio.get_running_loop().time()
    session.submit("go")
    async with asyncio.timeout(20):
        while session.busy:
            await asyncio.sleep(0.05)
    session_ended = asyncio.get_running_loop().time()
    slow.drop()
    assert trickling.dropped_at is not None and trickling.dropped_at - started < 2.5
    assert slow.dropped_at is not None and slow.dropped_at >= session_ended  # not while the answer ran
    await session.close()
