"""The MCOP kernels that host the extension's sessions: started through the server's kernel manager
(local processes, or a gateway's kernels with `--gateway-url`), one comm each, restarted when they die."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import queue
import uuid
from collections.abc import Callable
from typing import Any

from mcop_kernel.kernel.host import TARGET

from .relay import Relay

log = logging.getLogger(__name__)

KERNEL_NAME = "mcop"
READY_TIMEOUT = 120.0
"""Seconds a kernel may take to start and load its catalog (a gateway may schedule a pod first)."""
GATEWAY_POLL = 0.002
"""Seconds between two looks at a gateway client's iopub queue when it is empty."""
DIED = "The explorer's kernel stopped; the answer was not finished. Ask again."


class KernelHost:
    """One MCOP kernel and the clients relayed to it."""

    def __init__(self, kernel_manager: Any, settings: dict[str, Any], kernel_name: str = KERNEL_NAME):
        self.kernel_manager = kernel_manager
        self.settings = settings
        self.kernel_name = kernel_name
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

    async def start(self) -> None:
        """Start the kernel, open the host comm with the settings, and wait until it is ready."""
        self.kernel_id = await self.kernel_manager.start_kernel(kernel_name=self.kernel_name)
        kernel = self.kernel_manager.get_kernel(self.kernel_id)
        if hasattr(kernel, "add_restart_callback"):
            kernel.add_restart_callback(self._on_restart, "restart")
            kernel.add_restart_callback(self._on_dead, "dead")
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
        content = {"comm_id": self.comm_id, "data": data}
        self.client.shell_channel.send(_on_shell(self.client.session.msg("comm_msg", content)))

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
            if msg["header"]["msg_type"] != "comm_msg" or msg["content"].get("comm_id") != self.comm_id:
                continue
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
        elif "ready" in data:
            if not self.ready.done():
                self.ready.set_result(None if data["ready"] else str(data.get("problem")))
        elif "stopped" in data and self._stopped is not None and not self._stopped.done():
            self._stopped.set_result(None)

    # ------------------------------------------------------------------ a kernel that died

    def _on_restart(self) -> None:
        """The kernel manager restarted a dead kernel: the answers that ran there end with an error,
        and every client follows its session again in the new kernel (its history is in the store)."""
        self._restarting = True
        for relay in list(self.relays.values()):
            relay.kernel_died(DIED)
        self._reconnecting = asyncio.ensure_future(self._reconnect())

    def _on_dead(self) -> None:
        self._restarting = True
        for relay in list(self.relays.values()):
            relay.kernel_died(DIED)
            relay.closed(1011, "The explorer's kernel could not be restarted.")

    async def _reconnect(self) -> None:
        old = self.client
        if self._reader is not None:
            self._reader.cancel()
        with contextlib.suppress(Exception):
            old.stop_channels()
        self.ready = asyncio.get_running_loop().create_future()
        self.client = None
        try:
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
        if self.client is not None and not self._restarting:
            self._stopped = asyncio.get_running_loop().create_future()
            self.send({"op": "shutdown"})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped, grace)
            await asyncio.sleep(0.05)  # the messages read with "stopped" are written
        if self._reader is not None:
            self._reader.cancel()
        with contextlib.suppress(Exception):
            self.client.stop_channels()
        if self.kernel_id is not None:  # its sessions are saved and its store closed: no need to wait
            with contextlib.suppress(Exception):  # bounded: a gateway that is gone is not waited for
                await asyncio.wait_for(
                    _maybe(self.kernel_manager.shutdown_kernel(self.kernel_id, now=True)), grace
                )


class KernelPool:
    """The kernels of each user: `per_user` of them, a session always in the same one."""

    def __init__(self, kernel_manager: Any, settings: dict[str, Any], per_user: int, kernel_name: str):
        self.kernel_manager = kernel_manager
        self.settings = settings
        self.per_user = max(1, per_user)
        self.kernel_name = kernel_name
        self._users: dict[str, list[asyncio.Task[KernelHost]]] = {}

    def prestart(self, user: str) -> None:
        """Start `user`'s kernels now, so that their first question waits for none."""
        if user not in self._users:
            self._users[user] = [asyncio.ensure_future(self._started()) for _ in range(self.per_user)]

    async def _started(self) -> KernelHost:
        host = KernelHost(self.kernel_manager, self.settings, self.kernel_name)
        await host.start()
        return host

    async def host_for(self, user: str, session_id: str) -> KernelHost:
        self.prestart(user)
        kernels = self._users[user]
        digest = hashlib.blake2b(session_id.encode(), digest_size=4).digest()
        index = int.from_bytes(digest) % len(kernels)
        if kernels[index].done() and kernels[index].exception() is not None:  # try again, not forever
            kernels[index] = asyncio.ensure_future(self._started())
        return await asyncio.shield(kernels[index])

    def hosts(self) -> list[KernelHost]:
        return [t.result() for ts in self._users.values() for t in ts if t.done() and not t.exception()]

    async def stop(self, grace: float) -> None:
        hosts = self.hosts()
        await asyncio.gather(*(h.stop(grace) for h in hosts), return_exceptions=True)
        for tasks in self._users.values():
            for task in tasks:
                task.cancel()


def _on_shell(msg: dict[str, Any]) -> dict[str, Any]:
    """A gateway's channels are one WebSocket: each message says which channel it is for."""
    msg["channel"] = "shell"
    return msg


async def _maybe(value: Any) -> None:
    if asyncio.iscoroutine(value) or isinstance(value, asyncio.Future):
        await value
