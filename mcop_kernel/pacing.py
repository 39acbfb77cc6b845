"""How often partial answers are sent: at once when the server is idle, less often when it is busy.

Every message costs the server a fixed amount of work (framing, a write, a wake-up), whatever it
carries. When the event loop is idle, tokens go out almost one by one (a `base` pause of a few
milliseconds). When it is busy — many answers streaming at once — timers fire late; the pause
between messages then grows with that lateness, up to `longest`, so the same text travels in fewer,
larger messages and the server spends its time answering rather than framing.
"""

from __future__ import annotations

import asyncio
import weakref

PROBE_INTERVAL = 0.05
LAG_TO_PAUSE = 80.0
"""A loop running timers 5 ms late spaces messages 400 ms apart (at most `longest`)."""


class LoopLoad:
    """The event loop's lateness, smoothed; measured only while something is streaming."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self._loop = loop
        self._users = 0
        self._due = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self.lag = 0.0

    def acquire(self) -> None:
        self._users += 1
        if self._timer is None:
            self._schedule()

    def release(self) -> None:
        self._users = max(0, self._users - 1)
        if self._users == 0 and self._timer is not None:
            self._timer.cancel()
            self._timer = None
            self.lag = 0.0

    def _schedule(self) -> None:
        self._due = self._loop.time() + PROBE_INTERVAL
        self._timer = self._loop.call_at(self._due, self._probe)

    def _probe(self) -> None:
        late = max(0.0, self._loop.time() - self._due)
        self.lag = 0.6 * self.lag + 0.4 * late
        self._schedule()

    def pause(self, base: float, longest: float) -> float:
        """The pause after a message of partial text."""
        return min(longest, max(base, LAG_TO_PAUSE * self.lag))


_loads: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LoopLoad] = weakref.WeakKeyDictionary()


def loop_load() -> LoopLoad:
    """The running loop's LoopLoad (one per loop, shared by every connection on it)."""
    loop = asyncio.get_running_loop()
    load = _loads.get(loop)
    if load is None:
        load = _loads[loop] = LoopLoad(loop)
    return load
