"""Running a synchronous catalog off the event loop, in threads of its own, so a slow or stuck
database never stalls the server nor takes the threads anything else needs.

Each `ThreadedCatalog` has its own bounded pool (`CatalogThreads`), not the event loop's default
executor: that one is shared with the session store's loads and saves and with anything else in the
process that calls `asyncio.to_thread`, and has only `min(32, cores + 4)` threads, so a handful of
calls that never return would lock every session out. When all of a catalog's threads are stuck, its
further calls wait in its own queue (and give up with the answer's timeout); nothing else waits.
The threads are daemons, so a call that never returns does not keep the server from stopping.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any, ParamSpec, TypeVar

DEFAULT_THREADS = 4
"""Threads one catalog's blocking calls may use at once (`MCOPExtension.catalog_threads`)."""

P = ParamSpec("P")
T = TypeVar("T")
_Work = tuple[Future[Any], Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class CatalogThreads(Executor):
    """At most `max_threads` daemon threads, started as calls need them and kept for later calls."""

    def __init__(self, max_threads: int = DEFAULT_THREADS, *, name: str = "mcop-catalog") -> None:
        if max_threads < 1:
            raise ValueError("a catalog needs at least one thread")
        self.max_threads = max_threads
        self._name = name
        self._work: queue.SimpleQueue[_Work | None] = queue.SimpleQueue()
        self._idle = threading.Semaphore(0)
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future: Future[T] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the catalog's threads were shut down")
            self._work.put((future, fn, args, kwargs))
            if not self._idle.acquire(timeout=0) and len(self._threads) < self.max_threads:
                thread = threading.Thread(
                    target=self._serve, name=f"{self._name}-{len(self._threads)}", daemon=True
                )
                thread.start()
                self._threads.append(thread)
        return future

    @property
    def threads(self) -> int:
        """Threads started so far (never more than `max_threads`)."""
        return len(self._threads)

    def _serve(self) -> None:
        while (work := self._work.get()) is not None:
            future, fn, args, kwargs = work
            if future.set_running_or_notify_cancel():  # False: its caller gave up while it waited
                try:
                    future.set_result(fn(*args, **kwargs))
                except BaseException as exc:
                    future.set_exception(exc)
            del work, future, fn, args, kwargs
            self._idle.release()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Refuse new calls; waiting calls are cancelled with `cancel_futures`. Threads stuck in a
        call are left to finish it (daemons: they never hold the process up)."""
        with self._lock:
            self._closed = True
            threads = list(self._threads)
        if cancel_futures:
            while True:
                try:
                    work = self._work.get_nowait()
                except queue.Empty:
                    break
                if work is not None:
                    work[0].cancel()
        for _ in threads:
            self._work.put(None)
        if wait:
            for thread in threads:
                thread.join()


class ThreadedCatalog:
    """Wraps a catalog whose methods are plain (blocking) functions: each call runs in one of the
    catalog's own threads and is awaited, so the event loop (which also serves JupyterLab) stays
    free and a stuck call only holds up this catalog's own questions."""

    def __init__(self, inner: Any, *, threads: int = DEFAULT_THREADS):
        self._inner = inner
        self.threads = CatalogThreads(threads, name=f"mcop-catalog-{type(inner).__name__}")

    @property
    def description(self) -> str:
        return str(getattr(self._inner, "description", type(self._inner).__name__))

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not callable(attribute) or inspect.iscoroutinefunction(attribute):
            return attribute

        @functools.wraps(attribute)
        async def off_the_loop(*args: Any, **kwargs: Any) -> Any:
            call = functools.partial(attribute, *args, **kwargs)
            return await asyncio.get_running_loop().run_in_executor(self.threads, call)

        return off_the_loop


def as_async_catalog(catalog: Any, *, threads: int = DEFAULT_THREADS) -> Any:
    """`catalog` itself when its methods are coroutines, else wrapped in a ThreadedCatalog."""
    describe = getattr(catalog, "describe_table", None)
    if describe is not None and not inspect.iscoroutinefunction(describe):
        return ThreadedCatalog(catalog, threads=threads)
    return catalog


def limit_catalog_threads(catalog: Any, threads: int) -> None:
    """Give a threaded catalog at most `threads` threads, at least one (a catalog of coroutines has
    none); takes effect for threads not yet started, so call it before the first question."""
    if isinstance(catalog, ThreadedCatalog):
        catalog.threads.max_threads = max(1, threads)
