"""A catalog with blocking methods (the bundled sample, each call sleeping first), to prove the server's
event loop stays free: configure `MCOPExtension.catalog = "python:slow_catalog:factory"`."""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import Any

from mcop_kernel.catalog.sample import sample_catalog

DELAY = 1.5
"""Seconds every catalog call blocks for."""


def _finish(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine that never waits (the sample catalog's) without an event loop."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise RuntimeError("the sample catalog was expected never to wait")


class SlowCatalog:
    """The sample's answers from plain functions that block for DELAY seconds, like a slow database driver."""

    description = "the sample catalog, slowly"

    def __init__(self) -> None:
        self._sample = sample_catalog()

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._sample, name)

        def blocking(*args: Any, **kwargs: Any) -> Any:
            time.sleep(DELAY)
            return _finish(method(*args, **kwargs))

        return blocking

    # Declared so `as_async_catalog` sees a synchronous describe_table and wraps the catalog.
    def describe_table(self, name: str) -> Any:
        return self.__getattr__("describe_table")(name)


def factory() -> SlowCatalog:
    return SlowCatalog()
