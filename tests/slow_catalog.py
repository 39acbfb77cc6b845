"""Catalogs with blocking methods, for proving that a slow or stuck database harms nobody else.

- `python:slow_catalog:factory`: the bundled sample, every call blocking DELAY seconds first (the
  server's event loop must stay free meanwhile).
- `python:slow_catalog:stuck`: the sample whose `list_tables` blocks STUCK seconds (a database that
  stopped answering); its other methods answer at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import Any

from mcop_kernel.catalog.models import TablePage
from mcop_kernel.catalog.sample import sample_catalog

DELAY = 1.5
"""Seconds every call of the slow catalog blocks for."""
STUCK = 120.0
"""Seconds `list_tables` of the stuck catalog blocks for: longer than any test waits."""


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


class StuckCatalog:
    """The sample, except that listing tables blocks as a database that stopped answering does;
    describing a table is a plain function too (so the catalog runs in its threads), the rest are
    the sample's own coroutines."""

    description = "the sample catalog, stuck listing tables"

    def __init__(self) -> None:
        self._sample = sample_catalog()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sample, name)

    def list_tables(self, **kwargs: Any) -> TablePage:
        time.sleep(STUCK)
        return _finish(self._sample.list_tables(**kwargs))  # type: ignore[no-any-return]

    def describe_table(self, name: str) -> Any:
        return _finish(self._sample.describe_table(name))


def factory() -> SlowCatalog:
    return SlowCatalog()


def stuck() -> StuckCatalog:
    return StuckCatalog()
