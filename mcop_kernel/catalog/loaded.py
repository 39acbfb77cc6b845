"""`LoadedCatalog`: one loader for catalogs read from a source (a database, Collibra), answered from memory.

A source supplies `read_snapshot()`, blocking or async; the loader reads it once on first use (in a
worker thread, never on the event loop), shares the read in flight with every concurrent caller on
any event loop, keeps the last good snapshot when a read fails, and reads again on `refresh()`.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from typing import Any

from .base import CatalogUnavailableError
from .models import (
    GlossaryTerm,
    JoinPath,
    LineageDirection,
    LineageGraph,
    Neighbourhood,
    Ownership,
    SearchHit,
    Table,
    TablePage,
    TableType,
)
from .snapshot import CatalogSnapshot
from .snapshot_catalog import SnapshotCatalog

log = logging.getLogger(__name__)

AFTER_READ: list[Callable[[CatalogSnapshot], object]] = []
"""Called in the loader's thread with each snapshot once it is read and answering: work a reader of
the snapshot would otherwise pay for at its first question (the offline model builds its vocabulary)."""


class LoadedCatalog(ABC):
    """Answers every Catalog question from the snapshot its source last read, through a SnapshotCatalog.

    A subclass implements `read_snapshot()` and may override `_unavailable` and `_timed_out` to word
    errors; `timeout` is how many seconds a caller waits for a read (None: no limit)."""

    def __init__(self, *, timeout: float | None = None) -> None:
        self._timeout = timeout
        self._loader_lock = threading.Lock()
        self._current: tuple[CatalogSnapshot, SnapshotCatalog] | None = None
        self._loading: Future[tuple[CatalogSnapshot, SnapshotCatalog]] | None = None

    @abstractmethod
    def read_snapshot(self) -> CatalogSnapshot | Coroutine[Any, Any, CatalogSnapshot]:
        """Read the source's facts now (called in a worker thread; a coroutine runs on its own loop there)."""

    def _unavailable(self, exc: Exception) -> CatalogUnavailableError:
        """The error a caller sees for a read that raised `exc` (never holding a secret)."""
        return CatalogUnavailableError(f"The catalog could not be read: {exc}")

    def _timed_out(self) -> CatalogUnavailableError:
        return CatalogUnavailableError(f"The catalog did not finish reading within {self._timeout:g} s.")

    # -- the shared read ---------------------------------------------------------------------------

    @property
    def loaded(self) -> CatalogSnapshot | None:
        """The snapshot as last read, or None before the first read completes (never waits)."""
        current = self._current
        return current[0] if current else None

    def _state(self) -> str:
        """ "N tables", or "not read yet": for a description."""
        loaded = self.loaded
        return f"{len(loaded.tables)} tables" if loaded is not None else "not read yet"

    async def snapshot(self) -> CatalogSnapshot:
        """The source's facts, read on first use."""
        return (await self._read(again=False))[0]

    async def refresh(self) -> CatalogSnapshot:
        """Read the source again; answers use the new snapshot once it is complete (the previous one
        is kept if reading fails)."""
        return (await self._read(again=True))[0]

    async def _catalog(self) -> SnapshotCatalog:
        current = self._current
        return current[1] if current is not None else (await self._read(again=False))[1]

    async def _read(self, *, again: bool) -> tuple[CatalogSnapshot, SnapshotCatalog]:
        future = self._start(again=again)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self._timeout)
        except TimeoutError:
            raise self._timed_out() from None

    def _start(self, *, again: bool) -> Future[tuple[CatalogSnapshot, SnapshotCatalog]]:
        """The read in flight (or done), or a new one in a worker thread. Callers on any event loop
        share it, and one caller giving up (a cancelled answer) does not stop it for the others."""
        with self._loader_lock:
            current = self._loading
            failed = current is not None and current.done() and current.exception() is not None
            if current is not None and not failed and not again:
                return current
            future: Future[tuple[CatalogSnapshot, SnapshotCatalog]] = Future()
            future.set_running_or_notify_cancel()  # a running future cannot be cancelled by a caller
            self._loading = future
        name = f"mcop-{type(self).__name__}"
        threading.Thread(target=self._run, args=(future,), name=name, daemon=True).start()
        return future

    def _run(self, future: Future[tuple[CatalogSnapshot, SnapshotCatalog]]) -> None:
        """In the worker thread: read, index, install (unless a newer read started meanwhile)."""
        try:
            read = self.read_snapshot()
            snapshot = asyncio.run(read) if inspect.iscoroutine(read) else read
            assert isinstance(snapshot, CatalogSnapshot)
            loaded = (snapshot, SnapshotCatalog(snapshot))
        except Exception as exc:
            error = exc if isinstance(exc, CatalogUnavailableError) else self._unavailable(exc)
            log.info("%s", error)  # whoever waits for the read reports it (once)
            future.set_exception(error)
            return
        with self._loader_lock:
            if self._loading is future:
                self._current = loaded
        future.set_result(loaded)
        for prepare in AFTER_READ:
            try:
                prepare(snapshot)
            except Exception:
                log.exception("preparing the catalog just read failed")

    # -- the Catalog protocol, answered from memory -------------------------------------------------

    async def list_tables(
        self,
        *,
        type: TableType | None = None,
        domain: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> TablePage:
        catalog = await self._catalog()
        return await catalog.list_tables(type=type, domain=domain, offset=offset, limit=limit)

    async def search(self, query: str, *, limit: int = 10) -> list[SearchHit]:
        return await (await self._catalog()).search(query, limit=limit)

    async def resolve_table(self, name: str) -> str:
        return await (await self._catalog()).resolve_table(name)

    async def describe_table(self, name: str) -> Table:
        return await (await self._catalog()).describe_table(name)

    async def relationships(self, name: str, *, depth: int = 1) -> Neighbourhood:
        return await (await self._catalog()).relationships(name, depth=depth)

    async def join_path(self, start: str, end: str) -> JoinPath:
        return await (await self._catalog()).join_path(start, end)

    async def lineage(
        self, name: str, *, direction: LineageDirection = "both", depth: int = 3
    ) -> LineageGraph:
        return await (await self._catalog()).lineage(name, direction=direction, depth=depth)

    async def term(self, name: str) -> GlossaryTerm:
        return await (await self._catalog()).term(name)

    async def owner(self, name: str) -> Ownership:
        return await (await self._catalog()).owner(name)
