"""`SQLCatalog`: any SQLAlchemy database as a catalog, introspected once (read-only) and answered from memory.

Usage::

    catalog = SQLCatalog(SQLCatalogConfig("postgresql://steward@db.example.com/warehouse"))
    table = await catalog.describe_table("orders")  # the first question reads the database
    await catalog.refresh()                          # read it again (new tables, changed comments)

Opening the catalog connects to nothing; the first question reads every schema's tables, views,
columns, keys and comments in a worker thread (never on the event loop), and every further answer
comes from that snapshot through `SnapshotCatalog`'s indexes. A database that is down or slow raises
`CatalogUnavailableError` after the connect timeout or the overall timeout, its message free of the
password. The password comes from the URL, `MCOP_SQL_PASSWORD` or (PostgreSQL) `PGPASSWORD`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from .base import CatalogUnavailableError
from .loaded import LoadedCatalog
from .snapshot import CatalogSnapshot
from .snapshot_catalog import SnapshotCatalog
from .sql_connect import display_url, mask, parse_url, read_only_engine
from .sql_introspect import introspect
from .sql_snapshot import snapshot_from_database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SQLCatalogConfig:
    """Which database to read, and how long to wait for it.

    `schemas`: the schemas to read (all but system schemas when empty); tables of the default schema
    are named `table`, others `schema.table`. `connect_timeout`: seconds to wait for a connection.
    `timeout`: seconds a question waits for the whole introspection (PostgreSQL statements stop then
    too). `view_lineage`: lineage from the tables each view reads (one query per view)."""

    url: str
    schemas: tuple[str, ...] = ()
    connect_timeout: float = 10.0
    timeout: float = 60.0
    view_lineage: bool = True
    title: str = "SQL database"


class SQLCatalog(LoadedCatalog):
    """The Catalog protocol over a database's own metadata (no data is queried, nothing is written),
    read on first use and answered from memory. Lineage comes only from views (the tables their SQL
    reads): a database records no other, so a plain table's lineage is often empty."""

    def __init__(self, config: SQLCatalogConfig | str) -> None:
        self._config = SQLCatalogConfig(config) if isinstance(config, str) else config
        self._url = parse_url(self._config.url)  # ValueError, with no secret, for a bad URL
        self._label = display_url(self._url)
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._loaded: SnapshotCatalog | None = None
        self._loading: Future[SnapshotCatalog] | None = None

    @property
    def description(self) -> str:
        loaded = self._loaded
        state = f"{len(loaded.snapshot.tables)} tables" if loaded else "not read yet"
        return f"{self._config.title} {self._label} ({state})"

    @property
    def engine(self) -> Engine:
        """The read-only engine introspection uses (created on first use; connects per use)."""
        with self._lock:
            if self._engine is None:
                self._engine = read_only_engine(
                    self._url,
                    connect_timeout=self._config.connect_timeout,
                    statement_timeout=self._config.timeout,
                )
            return self._engine

    async def snapshot(self) -> CatalogSnapshot:
        """The database's facts, read on first use."""
        return (await self._catalog()).snapshot

    async def refresh(self) -> CatalogSnapshot:
        """Read the database again; answers use the new snapshot once it is complete (the previous
        one is kept if reading fails)."""
        return (await self._wait(self._start(again=True))).snapshot

    def close(self) -> None:
        """Release the engine (no connection stays open between reads anyway)."""
        with self._lock:
            engine, self._engine = self._engine, None
        if engine is not None:
            engine.dispose()

    async def _catalog(self) -> SnapshotCatalog:
        loaded = self._loaded
        return loaded if loaded is not None else await self._wait(self._start(again=False))

    def _start(self, *, again: bool) -> Future[SnapshotCatalog]:
        """The read in flight, or a new one in a worker thread; callers on any event loop share it,
        and one caller giving up (a cancelled answer) does not stop it for the others."""
        with self._lock:
            current = self._loading
            reusable = current is not None and not (current.done() and current.exception() is not None)
            if current is not None and reusable and not again:
                return current
            future: Future[SnapshotCatalog] = Future()
            future.set_running_or_notify_cancel()
            self._loading = future
        threading.Thread(target=self._read, args=(future,), name="mcop-sql-catalog", daemon=True).start()
        return future

    async def _wait(self, future: Future[SnapshotCatalog]) -> SnapshotCatalog:
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self._config.timeout)
        except TimeoutError:
            raise CatalogUnavailableError(
                f"The database {self._label} did not finish describing its tables within "
                f"{self._config.timeout:g} s; it may be overloaded, or the catalog's timeout too short."
            ) from None

    def _read(self, future: Future[SnapshotCatalog]) -> None:
        """Runs in a worker thread: introspect, index, install (if no newer read started meanwhile)."""
        started = time.perf_counter()
        try:
            with self.engine.connect() as conn:
                database = introspect(conn, self._config.schemas, view_definitions=self._config.view_lineage)
            snapshot = snapshot_from_database(
                database, title=self._config.title, origin=self._label, system=self._system()
            )
            catalog = SnapshotCatalog(snapshot)
        except Exception as exc:
            error = CatalogUnavailableError(self._reason(exc))
            log.warning("%s", error)
            future.set_exception(error)
            return
        with self._lock:
            if self._loading is future:
                self._loaded = catalog
        log.info(
            "Read %d tables from %s in %.2f s",
            len(snapshot.tables),
            self._label,
            time.perf_counter() - started,
        )
        future.set_result(catalog)

    def _reason(self, exc: Exception) -> str:
        cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
        detail = " ".join(str(cause).split()) or type(cause).__name__
        return mask(f"The database {self._label} could not be read: {detail}", self._url)

    def _system(self) -> str:
        database = self._url.database or ""
        name = PurePath(database).name if self._url.get_backend_name() in ("sqlite", "duckdb") else database
        return f"{self._url.get_backend_name()} {name}".strip()
