"""How many answers one server runs at once, across all its sessions; the rest wait in order."""

from __future__ import annotations

import asyncio
from collections import deque

DEFAULT_MAX_RUNNING_ANSWERS = 16
"""Enough for a real model's usual 20–50 tokens/s per answer on one core, few enough that answers
streaming as fast as the offline model can still leave the event loop free for everyone else."""


class AnswerSlots:
    """A first-come, first-served limit on running answers. `acquire(limit)` takes a slot or waits
    for one in line; `release()` hands it to the first in line. The limit is read at each call, so
    a changed setting applies to the next answer."""

    def __init__(self) -> None:
        self.running = 0
        self.limit = DEFAULT_MAX_RUNNING_ANSWERS
        self._line: deque[asyncio.Future[None]] = deque()

    @property
    def waiting(self) -> int:
        return sum(not f.done() for f in self._line)

    def try_acquire(self, limit: int) -> bool:
        """Take a slot if one is free and nobody waits for it; False otherwise."""
        self.limit = max(1, limit)
        if self.running < self.limit and not self.waiting:
            self.running += 1
            return True
        return False

    def join(self) -> asyncio.Future[None]:
        """A place at the end of the line: the future resolves when it holds a slot (then
        `release()` once done), or cancel it to leave the line."""
        turn = asyncio.get_running_loop().create_future()
        self._line.append(turn)
        self._hand_over()
        return turn

    async def wait(self, turn: asyncio.Future[None]) -> None:
        """Wait for `turn`; a waiter cancelled as it was handed the slot gives it back."""
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()
            raise
        finally:
            if turn in self._line:
                self._line.remove(turn)

    def position(self, turn: asyncio.Future[None]) -> int:
        """`turn`'s place in the line: 1 when it is next."""
        ahead = 0
        for other in self._line:
            if other is turn:
                break
            ahead += not other.done()
        return ahead + 1

    def release(self) -> None:
        self.running = max(0, self.running - 1)
        self._hand_over()

    def _hand_over(self) -> None:
        while self._line and self.running < self.limit:
            turn = self._line.popleft()
            if not turn.done():
                turn.set_result(None)
                self.running += 1
