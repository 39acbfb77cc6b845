"""A measuring probe loaded into a Jupyter server for a benchmark: how late its event loop runs,
which callbacks hold it, and how long the garbage collector stops it.

Enabled as a server extension (`--ServerApp.jpserver_extensions=transport_loop_probe=True`, with
this folder on PYTHONPATH) and `MCOP_LOOP_PROBE=FILE`: every `INTERVAL` seconds a timer notes how
late it fired; every loop callback that runs longer than `SLOW` seconds is counted under its name,
with the part of that time its thread was on a CPU; every garbage collection is timed. SIGUSR1
starts the figures afresh; SIGUSR2 (and exit) writes them to FILE as JSON. It changes nothing the
server does but adds a few clock reads per callback.
"""

from __future__ import annotations

import asyncio
import atexit
import gc
import json
import os
import signal
import time
from collections import Counter, defaultdict
from typing import Any

INTERVAL = 0.005
SLOW = 0.005


class Probe:
    """The figures of one server's loop since the last `reset()`."""

    def __init__(self, path: str):
        self.path = path
        self.lags: list[float] = []
        self.gcs: list[tuple[int, float]] = []
        self.slow: Counter[str] = Counter()
        self.slow_time: dict[str, float] = defaultdict(float)
        self.slow_cpu: dict[str, float] = defaultdict(float)
        """The part of `slow_time` this thread was on a CPU (the rest: other processes, the GIL)."""
        self.objects_at_start = 0
        self.callbacks = 0
        self._gc_started = 0.0
        self._due = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        self._loop = asyncio.get_event_loop()
        self._patch()
        gc.callbacks.append(self._gc)
        self._tick()
        self._loop.add_signal_handler(signal.SIGUSR1, self.reset)
        self._loop.add_signal_handler(signal.SIGUSR2, self.dump)
        atexit.register(self.dump)

    def _tick(self) -> None:
        assert self._loop is not None
        now = self._loop.time()
        if self._due:
            self.lags.append(max(0.0, now - self._due))
        self._due = now + INTERVAL
        self._loop.call_at(self._due, self._tick)

    def _gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.gcs.append((int(info["generation"]), time.perf_counter() - self._gc_started))

    def _patch(self) -> None:
        probe = self
        original = asyncio.events.Handle._run

        def _run(handle: asyncio.events.Handle) -> None:
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                original(handle)
            finally:
                took = time.perf_counter() - started
                probe.callbacks += 1
                if took > SLOW:
                    name = _name(handle)
                    probe.slow[name] += 1
                    probe.slow_time[name] += took
                    probe.slow_cpu[name] += time.thread_time() - cpu

        asyncio.events.Handle._run = _run  # type: ignore[method-assign,assignment]

    def dump(self) -> None:
        lags = sorted(self.lags)
        by_gen: dict[str, list[float]] = {}
        for gen, took in self.gcs:
            by_gen.setdefault(str(gen), []).append(took)
        data = {
            "samples": len(lags),
            "lag_ms": {f"p{q}": 1000 * _pct(lags, q) for q in (50, 90, 99, 99.9)}
            | {"max": 1000 * max(lags or [0])},
            "callbacks": self.callbacks,
            "tracked_objects": {"at_start": self.objects_at_start, "now": len(gc.get_objects())},
            "gc": {
                g: {"n": len(t), "total_ms": 1000 * sum(t), "max_ms": 1000 * max(t)}
                for g, t in by_gen.items()
            },
            "slow": [
                {
                    "callback": name,
                    "n": n,
                    "total_ms": round(1000 * self.slow_time[name], 1),
                    "cpu_ms": round(1000 * self.slow_cpu[name], 1),
                }
                for name, n in self.slow.most_common(15)
            ],
        }
        with open(self.path, "w") as out:
            json.dump(data, out, indent=1)

    def reset(self) -> None:
        self.lags.clear()
        self.gcs.clear()
        self.slow.clear()
        self.slow_time.clear()
        self.slow_cpu.clear()
        self.callbacks = 0
        self.objects_at_start = len(gc.get_objects())


def _pct(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] if ordered else float("nan")


def _name(handle: asyncio.events.Handle) -> str:
    callback = getattr(handle, "_callback", None)
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, asyncio.Task):
        coro = owner.get_coro()
        code = getattr(coro, "cr_code", None) or getattr(coro, "ag_code", None)
        where = "/".join(code.co_filename.rsplit("/", 2)[-2:]) if code else ""
        return f"task {getattr(coro, '__qualname__', coro)} ({where})"
    return repr(getattr(callback, "__qualname__", callback))[:120]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "transport_loop_probe"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    path = os.environ.get("MCOP_LOOP_PROBE")
    if path:
        Probe(path).start()
