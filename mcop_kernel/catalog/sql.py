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

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path, PurePath

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from .base import CatalogUnavailableError
from .loaded import LoadedCatalog
from .snapshot import CatalogSnapshot
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
        super().__init__(timeout=self._config.timeout)
        self._url = parse_url(self._config.url)  # ValueError, with no secret, for a bad URL
        self._label = display_url(self._url)
        self._lock = threading.Lock()
        self._engine: Engine | None = None

    @property
    def description(self) -> str:
        return f"{self._config.title} {self._label} ({self._state()})"

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

    def close(self) -> None:
        """Release the engine (no connection stays open between reads anyway)."""
        with self._lock:
            engine, self._engine = self._engine, None
        if engine is not None:
            engine.dispose()

    def read_snapshot(self) -> CatalogSnapshot:
        """Blocking (the loader runs it in a worker thread): introspect the database's metadata."""
        started = time.perf_counter()
        with self.engine.connect() as conn:
            database = introspect(conn, self._config.schemas, view_definitions=self._config.view_lineage)
        snapshot = snapshot_from_database(
            database, title=self._config.title, origin=self._label, system=self._system()
        )
        log.info(
            "Read %d tables from %s in %.2f s",
            len(snapshot.tables),
            self._label,
            time.perf_counter() - started,
        )
        return snapshot

    def _timed_out(self) -> CatalogUnavailableError:
        return CatalogUnavailableError(
            f"The database {self._label} did not finish describing its tables within "
            f"{self._config.timeout:g} s; it may be overloaded, or the catalog's timeout too short."
        )

    def _unavailable(self, exc: Exception) -> CatalogUnavailableError:
        return CatalogUnavailableError(self._reason(exc))

    def _reason(self, exc: Exception) -> str:
        missing = self._missing_file()
        if missing is not None:
            return mask(
                f"The database file {missing} does not exist. Check the path in the catalog setting: "
                "sql:sqlite:///NAME.db is relative to the current directory, "
                "sql:sqlite:////PATH.db absolute.",
                self._url,
            )
        cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
        detail = " ".join(str(cause).split()) or type(cause).__name__
        return mask(f"The database {self._label} could not be read: {detail}", self._url)

    def _missing_file(self) -> Path | None:
        """The SQLite file the URL names, when it does not exist (read-only opening never creates it)."""
        database = self._url.database or ""
        if (
            self._url.get_backend_name() != "sqlite"
            or not database
            or database.startswith(("file:", ":memory:"))
        ):
            return None
        path = Path(database).absolute()
        return None if path.exists() else path

    def _system(self) -> str:
        database = self._url.database or ""
        name = PurePath(database).name if self._url.get_backend_name() in ("sqlite", "duckdb") else database
        return f"{self._url.get_backend_name()} {name}".strip()
