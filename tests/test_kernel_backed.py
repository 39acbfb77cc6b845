"""Sessions in MCOP kernels (`MCOPExtension.sessions_in = "kernel"`): what only that mode has to
show — kernels started through the server's kernel manager, a kernel that dies, a server that stops
or restarts with its sessions in kernels. The WebSocket guarantees themselves run in both modes in
test_extension_ws.py and test_extension_limits.py."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from jupyter_server.serverapp import ServerApp
from mcop_extension.answer_credits import AnswerCredits
from server_process import ServerProcess
from tornado.websocket import WebSocketClientConnection
from ws_client import ask, closed, receive, until_final
from ws_client import both_modes as jp_server_config

from mcop_kernel.kernel.shared_slots import SharedSlots, lend

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
    for _ in range(1200):  # pre-started: it is there before anyone asks (a loaded machine is slow)
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


RESTARTED = "The explorer's kernel was restarted; the answer was not finished. Ask again."


async def _kernel_id(serverapp: ServerApp) -> str:
    for _ in range(600):  # pre-started with the server; on this machine it may take a while
        if ids := serverapp.kernel_manager.list_kernel_ids():
            return str(ids[0])
        await asyncio.sleep(0.1)
    raise AssertionError("no MCOP kernel was started")


@pytest.mark.parametrize("server_model", ["synthetic:600:5"])
async def test_a_kernel_restarted_by_hand_ends_its_answer_and_the_same_websocket_goes_on(
    jp_serverapp: ServerApp, jp_fetch: Fetch, mcop_ws: Connect
) -> None:
    ws = await mcop_ws("by-hand", params={"protocol": "2"})
    first = await ask(ws, "first", timeout=90)
    assert first[-1]["type"] == "agent"
    await ws.write_message(json.dumps({"content": "second"}))
    while (await receive(ws))["type"] != "agent_partial":
        pass
    kernel_id = await _kernel_id(jp_serverapp)
    (pid,) = _kernel_pids(jp_serverapp)
    await jp_fetch("api", "kernels", kernel_id, "restart", method="POST", body="")  # JupyterLab's Restart
    after = await until_final(ws, timeout=30)
    assert after[-1] == {"type": "error", "content": RESTARTED, "code": "internal_error"}
    again = await ask(ws, "third", timeout=90)  # the same connection, in the restarted kernel
    assert again[-1]["type"] == "agent" and again[-1]["content"].count("token") == 600
    assert again[0]["seq"] > first[-1]["seq"]
    assert _kernel_pids(jp_serverapp) != [pid] and jp_serverapp.kernel_manager.list_kernel_ids() == [
        kernel_id
    ]
    other = await ask(await mcop_ws("by-hand-2"), "fourth", timeout=60)  # and a new client is served
    assert other[-1]["type"] == "agent"
    transcript = json.loads((await jp_fetch("mcop", "api", "sessions", "by-hand", "transcript")).body)
    questions = [x["question"] for x in transcript["exchanges"]]
    assert questions[0] == "first" and questions[-1] == "third"


SHUT_DOWN = "The explorer's kernel was shut down; the answer was not finished. Ask again."


@pytest.mark.parametrize("server_model", ["synthetic:600:5"])
async def test_a_kernel_shut_down_by_hand_is_replaced_and_the_same_websocket_goes_on(
    jp_serverapp: ServerApp, jp_fetch: Fetch, mcop_ws: Connect
) -> None:
    ws = await mcop_ws("shut", params={"protocol": "2"})
    assert (await ask(ws, "first", timeout=90))[-1]["type"] == "agent"
    await ws.write_message(json.dumps({"content": "second"}))
    while (await receive(ws))["type"] != "agent_partial":
        pass
    kernel_id = await _kernel_id(jp_serverapp)
    await jp_fetch("api", "kernels", kernel_id, method="DELETE")  # JupyterLab's Shut Down Kernel
    after = await until_final(ws, timeout=30)
    assert after[-1] == {"type": "error", "content": SHUT_DOWN, "code": "internal_error"}
    again = await ask(ws, "third", timeout=90)
    assert again[-1]["type"] == "agent"
    (replaced,) = jp_serverapp.kernel_manager.list_kernel_ids()
    assert replaced != kernel_id


@pytest.mark.parametrize("server_model", ["synthetic:400:5"])
async def test_interrupting_the_kernel_leaves_its_answers_and_clients_alone(
    jp_serverapp: ServerApp, jp_fetch: Fetch, mcop_ws: Connect
) -> None:
    ws = await mcop_ws("interrupted", params={"protocol": "2"})
    await ws.write_message(json.dumps({"content": "first"}))
    while (await receive(ws, timeout=90))["type"] != "agent_partial":
        pass
    kernel_id = await _kernel_id(jp_serverapp)
    (pid,) = _kernel_pids(jp_serverapp)
    await jp_fetch("api", "kernels", kernel_id, "interrupt", method="POST", body="")
    finished = await until_final(ws, timeout=30)
    assert finished[-1]["type"] == "agent" and finished[-1]["content"].count("token") == 400
    assert (await ask(ws, "second", timeout=30))[-1]["type"] == "agent"
    assert _kernel_pids(jp_serverapp) == [pid]


def _kernel_index(session_id: str, kernels: int) -> int:
    """Which of a user's kernels hosts `session_id` (as KernelPool.host_for picks it)."""
    return int.from_bytes(hashlib.blake2b(session_id.encode(), digest_size=4).digest()) % kernels


@pytest.mark.parametrize("server_model", ["synthetic:300:10"])
@pytest.mark.parametrize("server_settings", [{"kernels_per_user": 2, "max_running_answers": 1}])
async def test_the_bound_on_running_answers_holds_across_the_servers_kernels(
    jp_serverapp: ServerApp, mcop_ws: Connect
) -> None:
    one, two = "bound-a", next(f"bound-{n}" for n in range(100) if _kernel_index(f"bound-{n}", 2) == 1)
    assert _kernel_index(one, 2) == 0  # the two sessions are in different kernels
    first = await mcop_ws(one, params={"protocol": "2"})
    second = await mcop_ws(two, params={"protocol": "2"})
    await first.write_message(json.dumps({"content": "go"}))
    while (await receive(first, timeout=90))["type"] != "agent_partial":
        pass  # the server's one slot is taken, in the first kernel
    await second.write_message(json.dumps({"content": "go"}))
    told = [await receive(second, timeout=90) for _ in range(2)]
    assert [m["type"] for m in told] == ["user", "queued"]
    assert told[1]["position"] == 1
    first_done = await until_final(first, timeout=30)
    rest = await until_final(second, timeout=30)
    assert first_done[-1]["type"] == rest[-1]["type"] == "agent"
    assert rest[-1]["content"].count("token") == 300
    assert len(jp_serverapp.kernel_manager.list_kernel_ids()) == 2
    # with the first kernel idle, the second may run two at once when the bound is two: not here
    await first.write_message(json.dumps({"content": "go"}))
    await second.write_message(json.dumps({"content": "go"}))
    kinds = {m["type"] for m in [*await until_final(first, 60), *await until_final(second, 60)]}
    assert "queued" in kinds  # one of the two waited for the other


class _Kernel:
    """A kernel's side of the lending, as `SessionHost` hands it over, its messages to the server
    held until the test delivers them (a comm is slow and ordered)."""

    def __init__(self) -> None:
        self.registry = SimpleNamespace(config=SimpleNamespace(slots=None))
        self.outbox: list[dict[str, Any]] = []
        self.inbox: list[dict[str, Any]] = []

    def emit(self, data: dict[str, Any]) -> None:
        self.outbox.append(data)

    @property
    def slots(self) -> SharedSlots:
        return self.registry.config.slots  # type: ignore[no-any-return]


async def _answer(kernel: _Kernel, done: asyncio.Event, ran: list[int]) -> None:
    """One answer as `AnswerRun` takes its slot: at once if one is free, else in line."""
    slots = kernel.slots
    if not slots.try_acquire(1):
        turn = slots.join()
        await slots.wait(turn)
    ran.append(1)
    try:
        await done.wait()
    finally:
        slots.release()


@pytest.mark.parametrize("seed", range(12))
async def test_kernels_sharing_the_bound_never_run_more_answers_than_it_and_every_answer_runs(
    seed: int,
) -> None:
    rng = random.Random(seed)
    total, kernels = rng.choice([1, 2, 3, 5]), [_Kernel() for _ in range(rng.choice([2, 3, 4]))]
    credits = AnswerCredits(total)
    for kernel in kernels:
        credits.join(kernel, kernel.inbox.append)

    def deliver(kernel: _Kernel) -> None:
        if kernel.inbox:
            lend(kernel, kernel.inbox.pop(0))  # type: ignore[arg-type]
        elif kernel.outbox:
            slots = kernel.outbox.pop(0)["slots"]
            credits.report(kernel, slots["running"], slots["waiting"], slots["n"])

    answers: list[tuple[asyncio.Task[None], asyncio.Event]] = []
    ran: list[int] = []
    for kernel in kernels:
        deliver(kernel)  # the first lending, before any client
    for _ in range(400):
        kernel = rng.choice(kernels)
        move = rng.random()
        if move < 0.5:
            deliver(kernel)
        elif move < 0.7:
            done = asyncio.Event()
            answers.append((asyncio.ensure_future(_answer(kernel, done, ran)), done))
        elif answers:
            answers[rng.randrange(len(answers))][1].set()
        await asyncio.sleep(0)
        assert sum(k.slots.running for k in kernels) <= total
    for _ in range(2000):  # every answer is let finish; the messages keep flowing
        for _task, done in answers:
            done.set()
        for kernel in kernels:
            deliver(kernel)
        await asyncio.sleep(0)
        assert sum(k.slots.running for k in kernels) <= total
        if all(task.done() for task, _ in answers):
            break
    assert all(task.done() for task, _ in answers) and len(ran) == len(answers)
