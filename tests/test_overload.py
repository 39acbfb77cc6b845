"""A stuck catalog and too many questions at once: nobody else is locked out, nothing is lost."""

from __future__ import annotations

import asyncio
import json
import signal
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from server_process import ServerProcess
from tornado.websocket import WebSocketClientConnection
from ws_client import receive, until_final

from mcop_kernel.catalog.threaded import CatalogThreads, ThreadedCatalog
from mcop_kernel.config import SyntheticStream

Connect = Callable[..., Awaitable[WebSocketClientConnection]]

STUCK_SETTINGS = (
    "--ServerApp.jpserver_extensions=mcop_extension=True",
    "--MCOPExtension.catalog=python:slow_catalog:stuck",
    "--MCOPExtension.answer_timeout=4",
    "--MCOPExtension.catalog_threads=3",
)


async def ask_v2(server: ServerProcess, session_id: str, question: str) -> WebSocketClientConnection:
    ws = await server.websocket(f"mcop/ws/{session_id}?protocol=2")
    await ws.write_message(json.dumps({"content": question}))
    return ws


async def until_tool_start(ws: WebSocketClientConnection) -> None:
    while (await receive(ws))["type"] != "tool_start":
        pass


async def test_a_stuck_catalog_locks_nobody_else_out_and_its_questions_time_out(tmp_path: Path) -> None:
    async with ServerProcess.start(tmp_path, *STUCK_SETTINGS) as server:
        stuck = [await ask_v2(server, f"stuck-{n}", "Show me all tables") for n in range(8)]
        await asyncio.wait_for(asyncio.gather(*(until_tool_start(ws) for ws in stuck)), 10)
        # Eight calls of list_tables hang: three in the catalog's threads, five waiting for one.

        started = time.perf_counter()
        fresh = await ask_v2(server, "fresh", "hello")
        greeting = (await until_final(fresh, timeout=5))[-1]
        assert greeting["type"] == "agent" and "Hello" in greeting["content"]
        assert time.perf_counter() - started < 2.0, "a new session waited for the stuck catalog"

        started = time.perf_counter()
        transcript = await server.fetch("mcop/api/sessions/fresh/transcript")
        status = await server.fetch("api/status")
        assert (transcript.code, status.code) == (200, 200)
        assert time.perf_counter() - started < 1.0, "REST waited for the stuck catalog"

        finals = await asyncio.wait_for(asyncio.gather(*(until_final(ws, 10) for ws in stuck)), 10)
        assert [f[-1].get("code") for f in finals] == ["timeout"] * 8
        for ws in [*stuck, fresh]:
            ws.close()
        started = time.perf_counter()
        assert await server.stop(signal.SIGTERM) == 0  # the threads still stuck never hold it up
        assert time.perf_counter() - started < 10


class _Gate:
    """A blocking catalog whose `describe_table` waits until the gate opens."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.running = 0

    def describe_table(self, name: str) -> str:
        self.running += 1
        self.open.wait(10)
        return name


async def test_a_stuck_catalog_takes_only_its_own_threads() -> None:
    gate = _Gate()
    stuck, other = ThreadedCatalog(gate, threads=2), ThreadedCatalog(_Gate(), threads=2)
    other._inner.open.set()
    try:
        waiting = [asyncio.ensure_future(stuck.describe_table(f"t{n}")) for n in range(6)]
        await asyncio.sleep(0.2)
        assert (gate.running, stuck.threads.threads) == (2, 2)  # bounded: the rest wait their turn
        assert await asyncio.wait_for(other.describe_table("orders"), 1) == "orders"
        assert await asyncio.wait_for(asyncio.to_thread(lambda: "free"), 1) == "free"
        waiting[-1].cancel()  # a question that gave up leaves the queue
        await asyncio.sleep(0.05)
        gate.open.set()
        assert await asyncio.wait_for(asyncio.gather(*waiting[:-1]), 5) == [f"t{n}" for n in range(5)]
        assert gate.running == 5
    finally:
        gate.open.set()


def test_the_threads_are_refused_after_shutdown() -> None:
    threads = CatalogThreads(1)
    assert threads.submit(lambda: 42).result(5) == 42
    threads.shutdown()
    try:
        threads.submit(lambda: 0)
    except RuntimeError:
        return
    raise AssertionError("a call was taken after shutdown")


# ---------------------------------------------------------------------------- many answers at once

CLIENTS, LIMIT = 30, 4


@dataclass
class Seen:
    """One client's view of its answer."""

    queued: list[int] = field(default_factory=list)
    first_token: float | None = None
    deltas: list[str] = field(default_factory=list)
    final: dict[str, Any] | None = None


async def follow(ws: WebSocketClientConnection, seen: Seen) -> None:
    while seen.final is None:
        message = await receive(ws, timeout=30)
        if message["type"] == "queued":
            seen.queued.append(message["position"])
        elif message["type"] == "agent_partial":
            seen.first_token = seen.first_token or time.perf_counter()
            seen.deltas.append(message["delta"])
        elif message["type"] in ("agent", "error"):
            seen.final = message


@pytest.mark.parametrize("server_model", ["synthetic:60:3"])
@pytest.mark.parametrize("server_settings", [{"max_running_answers": LIMIT}])
async def test_many_answers_at_once_wait_in_order_are_told_so_and_all_finish(mcop_ws: Connect) -> None:
    expected = "".join(SyntheticStream(60).words())
    sockets = [await mcop_ws(f"crowd-{n}", params={"protocol": "2"}) for n in range(CLIENTS)]
    seen = [Seen() for _ in sockets]
    readers = []
    for ws, one in zip(sockets, seen, strict=True):
        await ws.write_message(json.dumps({"content": "go"}))  # one after the other: the line's order
        readers.append(asyncio.ensure_future(follow(ws, one)))
    await asyncio.wait_for(asyncio.gather(*readers), 90)

    assert [one.final and one.final["type"] for one in seen] == ["agent"] * CLIENTS
    assert all(one.final and one.final["content"] == expected for one in seen)
    assert all("".join(one.deltas) == expected for one in seen)  # nothing lost on the way
    assert [one.queued[:1] for one in seen] == [[]] * LIMIT + [[n] for n in range(1, CLIENTS - LIMIT + 1)]
    starts = [one.first_token or 0.0 for one in seen]
    overtaken = [(i, j) for i in range(CLIENTS) for j in range(i + LIMIT, CLIENTS) if starts[j] < starts[i]]
    assert not overtaken, f"answers started out of the order they were asked in: {overtaken[:5]}"
