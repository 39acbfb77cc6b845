"""The server's requests to an MCOP kernel beside its relayed WebSocket clients (AG-UI runs, MCP tool
calls), and their replies as they come (the kernel side and the messages: mcop_kernel.kernel.server_calls)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

End = dict[str, Any] | None


class CallRefused(Exception):
    """The kernel refused the request's input (for AG-UI: not a run input it takes); `str()` says why."""


class CallFailed(Exception):
    """The request could not be answered: the kernel failed it, restarted or stopped; `str()` says why."""


class KernelCall:
    """One request in progress: `async for part in call.parts()`, `cancel()` if its client leaves."""

    def __init__(self, calls: KernelCalls, rid: str):
        self.calls, self.rid = calls, rid
        self._replies: asyncio.Queue[tuple[list[Any], End]] = asyncio.Queue()
        self.done = False

    def reply(self, parts: list[Any], end: End) -> None:
        self._replies.put_nowait((parts, end))

    async def parts(self, timeout: float | None = None) -> AsyncIterator[Any]:
        """The reply's parts in order; CallRefused or CallFailed if it ends so. `timeout`: the most
        seconds between two replies (None: no limit)."""
        while not self.done:
            try:
                parts, end = await asyncio.wait_for(self._replies.get(), timeout)
            except TimeoutError:
                self.cancel()
                raise CallFailed("The explorer's kernel did not answer in time.") from None
            for part in parts:
                yield part
            if end is None:
                continue
            self._finish()
            if "refused" in end:
                raise CallRefused(str(end["refused"]))
            if "failed" in end:
                raise CallFailed(str(end["failed"]))

    async def result(self, timeout: float | None = None) -> list[Any]:
        return [part async for part in self.parts(timeout)]

    def cancel(self) -> None:
        """Its client left: the kernel stops working on it."""
        if not self.done:
            self._finish()
            self.calls.send({"op": "cancel", "id": self.rid})

    def _finish(self) -> None:
        self.done = True
        self.calls.pending.pop(self.rid, None)


class KernelCalls:
    """The requests in progress in one kernel, by id."""

    def __init__(self, send: Callable[[dict[str, Any]], None]):
        self.send = send
        self.pending: dict[str, KernelCall] = {}

    def start(self, op: str, **data: Any) -> KernelCall:
        call = KernelCall(self, uuid.uuid4().hex)
        self.pending[call.rid] = call
        self.send({"op": op, "id": call.rid, **data})
        return call

    def reply(self, rid: str, parts: list[Any], end: End) -> None:
        if (call := self.pending.get(rid)) is not None:
            call.reply(parts, end)

    def stopped(self, message: str, *, tell_kernel: bool = False) -> None:
        """The kernel stopped or restarted (or, `tell_kernel`, the server stops): every request in
        progress there fails with `message`."""
        for call in list(self.pending.values()):
            if tell_kernel:
                self.send({"op": "cancel", "id": call.rid})
            call.reply([], {"failed": message})
        self.pending.clear()
