"""The server's bound on running answers (`max_running_answers`) held across all its MCOP kernels: the
slots are lent to the kernels, by how many answers each has running and waiting, and a slot taken back
is lent again only once its kernel has applied the change (the kernel side: mcop_kernel.kernel.shared_slots).

So at no moment do the kernels together run more answers than the bound: a kernel counts as holding
the most it was lent until it says it applied less, and then what it lent or still runs, if more."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Send = Callable[[dict[str, Any]], None]


@dataclass
class _Share:
    send: Send
    credits: int = 0
    """The slots last lent."""
    sent: int = 0
    """The number of the last lending sent; `applied`: the last the kernel said it applied."""
    applied: int = 0
    counted: int = 0
    """What the kernel may hold while a lending is on its way: the most of the old and the new."""
    running: int = 0
    waiting: int = 0

    @property
    def held(self) -> int:
        lent = self.credits if self.applied == self.sent else self.counted
        return max(self.running, lent)


class AnswerCredits:
    """`total` answer slots shared by the kernels that `join`: each kernel's demand (running and
    waiting, at least one so its next answer starts at once) is met in turn, those with answers
    waiting first; slots nobody needs are lent evenly."""

    def __init__(self, total: int):
        self.total = max(1, total)
        self._shares: dict[Any, _Share] = {}

    def join(self, kernel: Any, send: Send) -> None:
        """A kernel ready to answer (again, after a restart: what it held is gone)."""
        self._shares[kernel] = share = _Share(send)
        self._lend(share, 0)  # from now on the kernel's answers wait for what is lent
        self._rebalance()

    def leave(self, kernel: Any) -> None:
        """A kernel that stopped or restarted: its answers have ended."""
        if self._shares.pop(kernel, None) is not None:
            self._rebalance()

    def report(self, kernel: Any, running: int, waiting: int, applied: int) -> None:
        share = self._shares.get(kernel)
        if share is None:
            return
        share.running, share.waiting = running, waiting
        share.applied = max(share.applied, applied)
        self._rebalance()

    @property
    def running(self) -> int:
        """Answers running in all the kernels, as last reported."""
        return sum(s.running for s in self._shares.values())

    def _targets(self) -> dict[Any, int]:
        order = sorted(self._shares, key=lambda k: -self._shares[k].waiting)  # those waiting first
        want = {k: max(1, s.running + s.waiting) for k, s in self._shares.items()}
        target = dict.fromkeys(order, 0)
        left = self.total
        while left and any(target[k] < want[k] for k in order):  # one slot each in turn, up to demand
            for k in order:
                if left and target[k] < want[k]:
                    target[k], left = target[k] + 1, left - 1
        while left and order:  # the rest, evenly: an answer then starts without asking the server
            for k in order:
                if left:
                    target[k], left = target[k] + 1, left - 1
        return target

    def _rebalance(self) -> None:
        targets = self._targets()
        for kernel, target in targets.items():  # take back first ...
            if target < self._shares[kernel].credits:
                self._lend(self._shares[kernel], target)
        free = self.total - sum(s.held for s in self._shares.values())
        for kernel, target in targets.items():  # ... then lend what is free
            share = self._shares[kernel]
            if target > share.credits and free > 0:
                more = min(target - share.credits, free)
                free -= more
                self._lend(share, share.credits + more)

    def _lend(self, share: _Share, credits: int) -> None:
        share.counted = max(share.held, credits)
        share.credits, share.sent = credits, share.sent + 1
        share.send({"op": "slots", "credits": credits, "n": share.sent})
