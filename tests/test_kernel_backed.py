"""Sessions in MCOP kernels (`MCOPExtension.sessions_in = "kernel"`): what only that mode has to
show — kernels started through the server's kernel manager, a kernel that dies, a server that stops
or restarts with its sessions in kernels. The WebSocket guarantees themselves run in both modes in
test_extension_ws.py and test_extension_limits.py."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.serverapp import ServerApp
from server_process import ServerProcess
from tornado.websocket import WebSocketClientConnection
from ws_client import ask, closed, receive, until_final
from ws_client import both_modes as jp_server_config

Connect = Callable[..., Awaitable[WebSocketClientConnection]]
Fetch = Callable[..., Awaitable[Any]]
OWNER_QUESTION = "who owns the supplier table?"
STOPPED = "The server stopped; the answer was not finished."
DIED = "The explorer's kernel stopped; the answer was not finished. Ask again."
KERNEL_MODE = (
    "--ServerApp.jpserver_extensions=mcop_extension=True",
    "--MCOPExtension.sessions_in=kernel",
)

__all__ = ["jp_server_config"]


@pytest.fixture
def sessions_in() -> str:
    return "kernel"


@pytest.fixture
def server_config() -> dict[str, Any]:
    return {"KernelRestarter": {"time_to_dead": 0.5}}  # a dead kernel is seen within half a second


def _kernel_pids(serverapp: ServerApp) -> list[int]:
    manager = serverapp.kernel_manager
    return [manager.get_kernel(k).provisioner.pid for k in manager.list_kernel_ids()]  # type: ignore[union-attr]


async def test_the_owners_kernel_is_started_with_the_server_and_hosts_the_answer(
    jp_serverapp: ServerApp, jp_fetch: Fetch, mcop_ws: Connect
) -> None:
    for _ in range(100):  # pre-started: it is there before anyone asks
        if jp_serverapp.kernel_manager.list_kernel_ids():
            break
        await asyncio.sleep(0.05)
    assert len(jp_serverapp.kernel_manager.list_kernel_ids()) == 1
    info = json.loads((await jp_fetch("mcop", "api", "info")).body)
    assert info["sessions_in"] == "kernel" and info["ready"] is True
    final = (await ask(await mcop_ws("hosted"), OWNER_QUESTION))[-1]
    assert final["type"] == "agent" and "Anna Lindqvist" in final["content"]
    assert len(jp_serverapp.kernel_manager.list_kernel_ids()) == 1  # the same kernel answered


@pytest.mark.parametrize("server_model", ["synthetic:600:5"])
async def test_a_kernel_that_dies_ends_its_answers_with_an_error_and_the_session_goes_on(
    jp_serverapp: ServerApp, jp_fetch: Fetch, mcop_ws: Connect
) -> None:
    ws = await mcop_ws("survivor", params={"protocol": "2"})
    await ws.write_message(json.dumps({"content": "first"}))
    first = await until_final(ws, timeout=60)
    assert first[-1]["type"] == "agent"
    await ws.write_message(json.dumps({"content": "second"}))
    while (await receive(ws))["type"] != "agent_partial":
        pass  # the answer is under way in the kernel
    (pid,) = _kernel_pids(jp_serverapp)
    os.kill(pid, signal.SIGKILL)
    after = await until_final(ws, timeout=30)
    assert after[-1] == {"type": "error", "content": DIED, "code": "internal_error"}
    again = await ask(ws, "third", timeout=60)  # the same connection, in the restarted kernel
    assert again[-1]["type"] == "agent" and again[0]["seq"] > first[-1]["seq"]
    assert _kernel_pids(jp_serverapp) != [pid]
    transcript = json.loads((await jp_fetch("mcop", "api", "sessions", "survivor", "transcript")).body)
    questions = [x["question"] for x in transcript["exchanges"]]
    assert questions[0] == "first" and questions[-1] == "third"  # history kept across the kernel


async def test_stopping_the_server_tells_clients_and_a_restarted_one_has_the_conversation(
    tmp_path: Path,
) -> None:
    store = f"--MCOPExtension.store_path={tmp_path / 'sessions.sqlite'}"
    settings = (*KERNEL_MODE, store, "--MCOPExtension.model=offline:20")
    async with ServerProcess.start(tmp_path, *settings) as server:
        ws = await server.websocket("mcop/ws/kept")
        try:
            first = (await ask(ws, OWNER_QUESTION, timeout=60))[-1]
            await ws.write_message(json.dumps({"content": "Show me all tables"}))
            while (await receive(ws))["type"] != "agent_partial":
                pass
            assert await server.stop(signal.SIGTERM) == 0
            after_stop = await closed(ws)
        finally:
            ws.close()
    assert after_stop[-1:] == [{"type": "error", "content": STOPPED}]
    async with ServerProcess.start(tmp_path, *settings) as server:
        exchanges = json.loads((await server.fetch("mcop/api/sessions/kept/transcript")).body)["exchanges"]
        again = await server.websocket("mcop/ws/kept")
        try:
            follow_up = (await ask(again, "and who owns invoices?", timeout=60))[-1]
        finally:
            again.close()
    assert exchanges[0]["question"] == OWNER_QUESTION and exchanges[0]["answer"] == first["content"]
    assert [(x["question"], x["error"]) for x in exchanges[1:]] == [("Show me all tables", STOPPED)]
    assert follow_up["type"] == "agent"
