"""JupyterLab's REST calls timed while answers stream: what a user of the same server feels.

The calls are made by a process of their own (`RestSampler`), as a browser would make them: a
sampler inside the load client would time the client's own event loop and GIL as well, which are
busy reading hundreds of WebSockets, and blame the server for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import signal
import subprocess
import sys
import time
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPRequest

INTERVAL = 0.05
"""Seconds between two calls (about what an open JupyterLab sends while a user works)."""


async def poll(url: str, headers: dict[str, str], stop: asyncio.Event, limit: int = 20_000) -> list[float]:
    """GET `url` every INTERVAL until `stop` is set (at most `limit` calls); the latencies in ms."""
    client = AsyncHTTPClient(force_instance=True)
    took: list[float] = []
    try:
        while not stop.is_set() and len(took) < limit:
            started = time.perf_counter()
            request = HTTPRequest(url, headers=headers, request_timeout=30)
            response = await client.fetch(request, raise_error=False)
            if response.code == 200:
                took.append(1000 * (time.perf_counter() - started))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), INTERVAL)
    finally:
        client.close()
    return took


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def sample_blocking(
    port: int, token: str, paths: tuple[str, ...], stop: Any, limit: int = 20_000
) -> list[float]:
    """GET `paths` in turn on one keep-alive connection every INTERVAL until `stop()`; latencies in ms
    (a failed call counts as its time, and is retried on a new connection)."""
    headers = {"Authorization": f"token {token}"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    took: list[float] = []
    while not stop() and len(took) < limit:
        started = time.perf_counter()
        try:
            conn.request("GET", paths[len(took) % len(paths)], headers=headers)
            conn.getresponse().read()
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        elapsed = time.perf_counter() - started
        took.append(1000 * elapsed)
        time.sleep(max(0.0, INTERVAL - elapsed))
    conn.close()
    return took


class RestSampler:
    """`python transport_rest.py PORT TOKEN PATH...` in a process of its own: `start()`, then
    `stop()` gives the latencies in ms."""

    def __init__(self, port: int, token: str, paths: tuple[str, ...]):
        self.argv = [sys.executable, __file__, str(port), token, *paths]
        self.popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.popen = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)

    def stop(self, timeout: float = 15.0) -> list[float]:
        if self.popen is None:
            return []
        popen, self.popen = self.popen, None
        popen.send_signal(signal.SIGTERM)
        try:
            out, _ = popen.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.communicate(timeout=timeout)
            return []
        return [float(x) for x in json.loads(out or b"[]")]


def main() -> None:
    port, token, *paths = sys.argv[1:]
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))
    took = sample_blocking(int(port), token, tuple(paths) or ("/api/status",), lambda: bool(stopping))
    print(json.dumps([round(t, 3) for t in took]))


if __name__ == "__main__":
    main()
