"""A kernel's answer slots when the bound on running answers is the Jupyter server's, across all its
kernels: the server lends each kernel some of its `max_running_answers` slots, and the kernel runs at
most that many answers at once, telling the server how many it has running and waiting.

Server to kernel: {"op": "slots", "credits": C, "n": N}   run at most C answers at once (the Nth
                                                           lending; the server counts on it once told)
Kernel to server: {"slots": {"running": R, "waiting": W, "n": N}}   on every change, and as the
                                                           answer to each lending (N: the last applied)
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from ..answer_slots import AnswerSlots

if TYPE_CHECKING:
    from .host import SessionHost


class SharedSlots(AnswerSlots):
    """`AnswerSlots` whose limit is the credits the server lent; first come, first served in here."""

    def __init__(self, host: SessionHost):
        super().__init__()
        self.host = host
        self.credits = 0
        self.lent = 0
        """The number of the server's last lending applied here."""
        self._told: tuple[int, int, int] | None = None
        self._telling = False

    @property
    def limit(self) -> int:
        return self.credits

    @limit.setter
    def limit(self, value: int) -> None:
        """The session config's own limit is the server's, which lends from it: credits decide."""

    def lend(self, credits: int, n: int) -> None:
        self.credits, self.lent = max(0, credits), n
        self._hand_over()
        self._tell(force=True)

    def join(self) -> asyncio.Future[None]:
        turn = super().join()
        self._tell()
        return turn

    def try_acquire(self, limit: int) -> bool:
        taken = super().try_acquire(limit)
        self._tell()
        return taken

    async def wait(self, turn: asyncio.Future[None]) -> None:
        try:
            await super().wait(turn)
        finally:
            self._tell()  # it has a slot, or it left the line

    def release(self) -> None:
        super().release()
        self._tell()

    def _tell(self, *, force: bool = False) -> None:
        """Report running and waiting once per turn of the loop (a left waiter is counted then)."""
        if force:
            self._told = None
        if not self._telling:
            self._telling = True
            asyncio.get_running_loop().call_soon(self._report)

    def _report(self) -> None:
        self._telling = False
        now = (self.running, self.waiting, self.lent)
        if now != self._told:
            self._told = now
            self.host.emit({"slots": {"running": now[0], "waiting": now[1], "n": now[2]}})


def lend(host: SessionHost, data: dict[str, Any]) -> None:
    """The server's lending: the first one puts the shared slots in place of the kernel's own (it
    comes before any client, so no answer holds one of the old)."""
    if host.registry is None:
        return
    config = host.registry.config
    if not isinstance(config.slots, SharedSlots):
        config.slots = SharedSlots(host)
    config.slots.lend(int(data.get("credits", 0)), int(data.get("n", 0)))
