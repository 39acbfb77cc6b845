"""The MCOP kernels that host the extension's sessions: started through the server's kernel manager
(local processes, or a gateway's kernels with `--gateway-url`), one comm each, restarted when they die."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import uuid
from collections.abc import Callable
from typing import Any

from mcop_kernel.kernel.host import TARGET

from .answer_credits import AnswerCredits
from .kernel_calls import KernelCall, KernelCalls
from .relay import Relay

log = logging.getLogger(__name__)

KERNEL_NAME = "mcop"
READY_TIMEOUT = 120.0
"""Seconds a kernel may take to start and load its catalog (a gateway may schedule a pod first)."""
GATEWAY_POLL = 0.002
"""Seconds between two looks at a gateway client's iopub queue when it is empty."""
DIED = "The explorer's kernel stopped; the answer was not finished. Ask again."
RESTARTED = "The explorer's kernel was restarted; the answer was not finished. Ask again."
SHUT_DOWN = "The explorer's kernel was shut down; the answer was not finished. Ask again."
STOPPED = "The server stopped; the answer was not finished."
KERNEL_ACTIONS = "https://events.jupyter.org/jupyter_server/kernel_actions/v1"
"""Jupyter's event of a kernel restarted, interrupted or shut down through its REST API."""


class KernelHost:
    """One MCOP kernel and the clients relayed to it."""

    def __init__(
        self,
        kernel_manager: Any,
        settings: dict[str, Any],
        kernel_name: str = KERNEL_NAME,
        credits: AnswerCredits | None = None,
    ):
        self.kernel_manager = kernel_manager
        self.settings = settings
        self.kernel_name = kernel_name
        self.credits = credits or AnswerCredits(int(settings.get("max_running_answers", 16)))
        """The server's answer slots, which this kernel shares with the server's other kernels."""
        self.kernel_id: str | None = None
        self.client: Any = None
        self.comm_id = ""
        self.ready: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        self.relays: dict[str, Relay] = {}
        self._reader: asyncio.Task[None] | None = None
        self._stopped: asyncio.Future[None] | None = None
        self._restarting = False
        self._reconnecting: asyncio.Future[None] | None = None
        self._held: list[dict[str, Any]] = []
        """Client frames that came while the kernel restarted: sent once it is back."""
        self.calls = KernelCalls(self.send)
        """The server's AG-UI runs and MCP calls in progress in this kernel."""
        self._kernel_session: str | None = None
        """The kernel process's own session id (in every message it publishes): a new one is a restart."""
        self._stopping = False
        self._events: Any = None

    async def start(self) -> None:
        """Start the kernel, open the host comm with the settings, and wait until it is ready."""
        self.kernel_id = await self.kernel_manager.start_kernel(kernel_name=self.kernel_name)
        kernel = self.kernel_manager.get_kernel(self.kernel_id)
        if hasattr(kernel, "add_restart_callback"):
            kernel.add_restart_callback(self._on_restart, "restart")
            kernel.add_restart_callback(self._on_dead, "dead")
        if (events := getattr(kernel, "event_logger", None)) is not None and self._events is None:
            self._events = events
            events.add_listener(schema_id=KERNEL_ACTIONS, listener=self._on_action)
        await self._connect()

    async def _connect(self) -> None:
        kernel = self.kernel_manager.get_kernel(self.kernel_id)
        self.client = kernel.client()
        await _maybe(self.client.start_channels())
        await self.client.wait_for_ready(timeout=READY_TIMEOUT)
        self.comm_id = uuid.uuid4().hex
        self._reader = asyncio.create_task(self._read(self.client), name=f"mcop-kernel-{self.kernel_id}")
        content = {"comm_id": self.comm_id, "target_name": TARGET, "data": self.settings}
        self.client.shell_channel.send(_on_shell(self.client.session.msg("comm_open", content)))
        problem = await asyncio.wait_for(asyncio.shield(self.ready), READY_TIMEOUT)
        if problem is not None:
            log.error("MCOP Explorer's kernel is not ready: %s", problem)

    def send(self, data: dict[str, Any]) -> None:
        """One message to the kernel's host (kept until it is back while the kernel restarts)."""
        if self.client is None or self._restarting:
            if data.get("op") in ("frame", "close"):
                self._held.append(data)
            return
        self._send_now(data)

    def _send_now(self, data: dict[str, Any]) -> None:
        if self.client is None:
            return
        content = {"comm_id": self.comm_id, "data": data}
        self.client.shell_channel.send(_on_shell(self.client.session.msg("comm_msg", content)))

    def call(self, op: str, **data: Any) -> KernelCall:
        """Start a request (an AG-UI run, an MCP call); see `KernelCall` for its replies."""
        call = self.calls.start(op, **data)
        if self.client is None or self._restarting:
            self.calls.stopped("The explorer's kernel is restarting; try again in a moment.")
        return call

    def relay(self, send: Callable[[str], Any], on_close: Callable[[int, str], None]) -> Relay:
        relay = Relay(self, uuid.uuid4().hex, send, on_close)
        self.relays[relay.cid] = relay
        return relay

    def forget(self, relay: Relay) -> None:
        self.relays.pop(relay.cid, None)

    async def _read(self, client: Any) -> None:
        """Follow the kernel's iopub for the host comm's messages."""
        queued = hasattr(client.iopub_channel, "response_router_finished")
        while True:
            try:
                if queued:  # a gateway's client: its queue's own wait spins, so wait here
                    msg = await client.get_iopub_msg(timeout=0)
                else:
                    msg = await client.get_iopub_msg()
            except queue.Empty:
                await asyncio.sleep(GATEWAY_POLL)
                continue
            except asyncio.CancelledError:
                raise
            except Exception:  # the channel closed (a restart replaces the client)
                log.debug("MCOP kernel iopub ended", exc_info=True)
                return
            header = msg["header"]
            if self._kernel_session is not None and header.get("session") != self._kernel_session:
                if not self._restarting and header["msg_type"] == "status":  # restarted under us
                    self._restarted(RESTARTED)
                continue
            if header["msg_type"] != "comm_msg" or msg["content"].get("comm_id") != self.comm_id:
                continue
            if "ready" in msg["content"]["data"]:
                self._kernel_session = header.get("session")
            self._dispatch(msg["content"]["data"])

    def _dispatch(self, data: dict[str, Any]) -> None:
        out = data.get("out")
        if out is not None:
            for cid, text, seq in out:
                relay = self.relays.get(cid)
                if relay is not None:
                    relay.deliver(text, seq)
        elif "closed" in data:
            cid, code, reason = data["closed"]
            if (relay := self.relays.get(cid)) is not None:
                relay.closed(code, reason)
        elif "ended" in data:
            if (relay := self.relays.get(data["ended"])) is not None:
                relay.ended()
        elif "reply" in data:
            self.calls.reply(*data["reply"])
        elif "slots" in data:
            slots = data["slots"]
            self.credits.report(self, int(slots["running"]), int(slots["waiting"]), int(slots["n"]))
        elif "ready" in data:
            if data["ready"]:  # its slots are lent before any client is relayed to it
                self.credits.join(self, self._send_now)
            if not self.ready.done():
                self.ready.set_result(None if data["ready"] else str(data.get("problem")))
        elif "stopped" in data and self._stopped is not None and not self._stopped.done():
            self._stopped.set_result(None)

    # ------------------------------------------------------------------ a kernel that died

    def _on_restart(self) -> None:
        """The kernel manager restarted a dead kernel: the answers that ran there end with an error,
        and every client follows its session again in the new kernel (its history is in the store)."""
        self._restarted(DIED)

    def _restarted(self, message: str, *, new_kernel: bool = False) -> None:
        """The kernel restarted (or, `new_kernel`, was shut down and is replaced): what ran there ends
        with `message`; the clients follow their sessions again once the comm is open again."""
        if self._restarting or self._stopping:
            return
        self._restarting = True
        self.credits.leave(self)
        for relay in list(self.relays.values()):
            relay.kernel_died(message)
        self.calls.stopped(message)
        self._reconnecting = asyncio.ensure_future(self._reconnect(new_kernel))

    async def _on_action(self, logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        """Jupyter restarted or shut down this kernel at someone's request (JupyterLab's Restart
        Kernel, the kernels REST API)."""
        if data.get("kernel_id") != self.kernel_id or data.get("status") != "success":
            return
        if data.get("action") == "restart":
            self._restarted(RESTARTED)
        elif data.get("action") == "shutdown":
            self._restarted(SHUT_DOWN, new_kernel=True)

    def _on_dead(self) -> None:
        self._restarting = True
        self.credits.leave(self)
        self.calls.stopped(DIED)
        for relay in list(self.relays.values()):
            relay.kernel_died(DIED)
            relay.closed(1011, "The explorer's kernel could not be restarted.")

    async def _reconnect(self, new_kernel: bool = False) -> None:
        old = self.client
        if self._reader is not None:
            self._reader.cancel()
        with contextlib.suppress(Exception):
            old.stop_channels()
        self.ready = asyncio.get_running_loop().create_future()
        self.client, self._kernel_session = None, None
        try:
            if new_kernel:
                await self.start()
            else:
                await self._connect()
        except Exception:
            log.exception("MCOP Explorer could not reconnect to its restarted kernel")
            return
        self._restarting = False
        for relay in list(self.relays.values()):
            relay.reopen()
        held, self._held = self._held, []
        for data in held:
            self.send(data)

    # ------------------------------------------------------------------ stopping

    async def stop(self, grace: float) -> None:
        """End the running answers (their clients are sent the end), then stop the channels."""
        self._stopping = True
        self.calls.stopped(STOPPED, tell_kernel=True)
        if self.client is not None and not self._restarting:
            self._stopped = asyncio.get_running_loop().create_future()
            self.send({"op": "shutdown"})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped, grace)
            await asyncio.sleep(0.05)  # the messages read with "stopped" are written
        self.credits.leave(self)
        if self._reader is not None:
            self._reader.cancel()
        if self._events is not None:
            self._events.remove_listener(schema_id=KERNEL_ACTIONS, listener=self._on_action)
        with contextlib.suppress(Exception):
            self.client.stop_channels()
        if self.kernel_id is not None:  # its sessions are saved and its store closed: no need to wait
            with contextlib.suppress(Exception):  # bounded: a gateway that is gone is not waited for
                await asyncio.wait_for(
                    _maybe(self.kernel_manager.shutdown_kernel(self.kernel_id, now=True)), grace
                )


def _on_shell(msg: dict[str, Any]) -> dict[str, Any]:
    """A gateway's channels are one WebSocket: each message says which channel it is for."""
    msg["channel"] = "shell"
    return msg


async def _maybe(value: Any) -> None:
    if asyncio.iscoroutine(value) or isinstance(value, asyncio.Future):
        await value
