"""Running a synchronous catalog off the event loop, so a slow database never stalls the server."""

from __future__ import annotations

import asyncio
import functools
import inspect
from typing import Any


class ThreadedCatalog:
    """Wraps a catalog whose methods are plain (blocking) functions: each call runs in a worker
    thread and is awaited, so the event loop (which also serves JupyterLab) stays free."""

    def __init__(self, inner: Any):
        self._inner = inner

    @property
    def description(self) -> str:
        return str(getattr(self._inner, "description", type(self._inner).__name__))

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not callable(attribute) or inspect.iscoroutinefunction(attribute):
            return attribute

        @functools.wraps(attribute)
        async def off_the_loop(*args: Any, **kwargs: Any) -> Any:
            return await asyncio.to_thread(attribute, *args, **kwargs)

        return off_the_loop


def as_async_catalog(catalog: Any) -> Any:
    """`catalog` itself when its methods are coroutines, else wrapped in a ThreadedCatalog."""
    describe = getattr(catalog, "describe_table", None)
    if describe is not None and not inspect.iscoroutinefunction(describe):
        return ThreadedCatalog(catalog)
    return catalog
