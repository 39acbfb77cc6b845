"""Where conversations outlive a process: a SQLite file (the default), PostgreSQL, or memory.

`open_store("sqlite-file-or-sql-url")` picks the store; `SQLiteStore(path)` is the default, with
a damaged file moved aside. The records and the interface are in `store_base`, the SQL in
`store_sql`, and what sessions do to keep an answer while it streams in `store_journal`.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from pathlib import Path

import sqlalchemy as sa
from jupyter_core.paths import jupyter_data_dir

from .store_base import Begun, Exchange, MemoryStore, SavedSession, SessionStore, StoreError
from .store_sql import SQLStore

__all__ = [
    "Begun",
    "Exchange",
    "MemoryStore",
    "SQLStore",
    "SQLiteStore",
    "SavedSession",
    "SessionStore",
    "StoreError",
    "default_store_path",
    "open_store",
]

log = logging.getLogger(__name__)


class _Damaged(Exception):
    """The file is not a SQLite database, or its pages are damaged."""


_DAMAGED = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


class SQLiteStore(SQLStore):
    """Sessions in one SQLite file (the default). Safe to share between threads and between the
    processes of one machine. The file is in WAL mode with `synchronous=NORMAL`: a crash of the
    process loses nothing; a power cut may lose the last answers.

    A file that is not a SQLite database, or one whose pages are damaged (SQLite's `quick_check`),
    is moved aside as `NAME.corrupt-TIMESTAMP` with one warning naming both files, and the store
    starts empty; `recovered_from` then names the moved file. A file that cannot be opened or moved
    raises StoreError.
    """

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path).expanduser()
        self.recovered_from: Path | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                _check(self.path)
            except _Damaged as exc:
                self.recovered_from = self._move_aside()
                log.warning(
                    "The session store %s is damaged (%s): moved it to %s and started a new one",
                    self.path,
                    exc,
                    self.recovered_from,
                )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"The session store {self.path} cannot be used: {exc}") from None
        super().__init__(sa.URL.create("sqlite", database=str(self.path)), label=str(self.path))

    def _move_aside(self) -> Path:
        """Rename the damaged file (and its -wal and -shm files) to NAME.corrupt-TIMESTAMP."""
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for n in range(1, 1000):
            if not target.exists():
                break
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        self.path.rename(target)
        for suffix in ("-wal", "-shm"):
            companion = self.path.with_name(self.path.name + suffix)
            if companion.exists():
                companion.rename(target.with_name(target.name + suffix))
        return target


def _check(path: Path) -> None:
    """Raise _Damaged when the file is not a sound SQLite database (a missing file is sound)."""
    db = sqlite3.connect(path, timeout=10)
    try:
        [(verdict,)] = db.execute("PRAGMA quick_check(1)").fetchall()
        if verdict != "ok":
            raise _Damaged(f"database disk image is malformed: {verdict.splitlines()[-1]}")
    except sqlite3.DatabaseError as exc:
        if exc.sqlite_errorcode in _DAMAGED:
            raise _Damaged(str(exc)) from None
        raise
    finally:
        db.close()


def open_store(where: str | os.PathLike[str]) -> SQLStore:
    """A SQL URL (`postgresql://user@host/db`, `sqlite:///file`) or a SQLite file's path."""
    text = os.fspath(where)
    if "://" in text:
        return SQLStore(text)
    return SQLiteStore(text)


def default_store_path() -> Path:
    """`$MCOP_HOME/sessions.sqlite`, else a file in Jupyter's data directory."""
    home = os.environ.get("MCOP_HOME")
    if home:
        return Path(home) / "sessions.sqlite"
    return Path(jupyter_data_dir()) / "mcop" / "sessions.sqlite"
