"""JupyterLab's REST calls timed while answers stream: what a user of the same server feels."""

from __future__ import annotations

import asyncio
import contextlib
import time

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
