"""One WebSocket client relayed to the MCOP kernel hosting its session: frames in, the kernel's
messages out as it encoded them; the server only writes them and tells the kernel what was written."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from mcop_kernel.kernel.host import WINDOW
from mcop_kernel.protocol import ErrorEvent, to_message

if TYPE_CHECKING:
    from .kernels import KernelHost

log = logging.getLogger(__name__)
ACK_EVERY = WINDOW // 2
"""The kernel is told every this many messages that the socket took them."""


class Relay:
    """The server side of one client: `start()`, `receive()` per frame, `close()` at the end."""

    def __init__(
        self,
        host: KernelHost,
        cid: str,
        send: Callable[[str], Awaitable[None] | None],
        on_close: Callable[[int, str], None],
    ):
        self.host, self.cid = host, cid
        self._send, self._on_close = send, on_close
        self.user, self.session_id, self.version = "", "", 1
        self.written = 0
        self.seq: int | None = None
        """The last event number the client has been sent (where it resumes after a kernel restart)."""
        self._done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def start(self, user: str, session_id: str, version: int, after_seq: int | None) -> None:
        self.user, self.session_id, self.version = user, session_id, version
        self.seq = after_seq
        self._open(after_seq)

    def _open(self, after_seq: int | None) -> None:
        self.written = 0
        self.host.send(
            {
                "op": "open",
                "id": self.cid,
                "user": self.user,
                "session": self.session_id,
                "version": self.version,
                "after_seq": after_seq,
            }
        )

    async def receive(self, frame: str | bytes) -> None:
        if isinstance(frame, bytes):
            self.host.send({"op": "frame", "id": self.cid, "frame": frame.decode("latin-1"), "binary": True})
        else:
            self.host.send({"op": "frame", "id": self.cid, "frame": frame})

    # ------------------------------------------------------------------ from the kernel

    def deliver(self, text: str, seq: int) -> None:
        self.seq = seq
        try:
            sent = self._send(text)
        except Exception:  # the client left; its close is on the way
            return
        self.written += 1
        if self.written % ACK_EVERY == 0:
            n = self.written
            if sent is None:
                self._ack(n)
            else:
                asyncio.ensure_future(sent).add_done_callback(
                    lambda f: None if f.cancelled() else self._ack(n)
                )

    def _ack(self, n: int) -> None:
        self.host.send({"op": "ack", "id": self.cid, "n": n})

    def closed(self, code: int, reason: str) -> None:
        """The kernel ended this client (one that stopped reading, a store that failed); the kernel
        has written why to the server's log already."""
        log.debug("closing a client of session %s: %s", self.session_id, reason)
        self._finish()
        self._on_close(code, reason)

    def ended(self) -> None:
        self._finish()

    def kernel_died(self, message: str) -> None:
        """The kernel stopped under this client: the answer it was following is over."""
        error = to_message(ErrorEvent(message, "internal_error"), 2 if self.version == 2 else 1, None)
        if error is not None:
            with contextlib.suppress(Exception):
                self._send(json.dumps(error, ensure_ascii=False))

    def reopen(self) -> None:
        """Follow the session again in the restarted kernel, from where this client was."""
        self._open(self.seq)

    # ------------------------------------------------------------------ the client left

    def close(self) -> None:
        self.host.send({"op": "close", "id": self.cid})
        self.host.forget(self)
        self._finish()

    def _finish(self) -> None:
        if not self._done.done():
            self._done.set_result(None)

    async def wait_closed(self) -> None:
        await self._done
