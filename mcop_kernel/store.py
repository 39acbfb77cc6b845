"""Where conversations outlive a process: a session's model history, transcript and last sequence number."""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic_ai.messages import ModelMessage, ModelMessagesTypeAdapter

log = logging.getLogger(__name__)


@dataclass
class Exchange:
    """One finished question and what came of it, as a transcript shows it."""

    question: str
    answer: str = ""
    diagram: str | None = None
    tools: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


@dataclass
class SavedSession:
    """What a store gives back for a session."""

    history: list[ModelMessage] = field(default_factory=list)
    transcript: list[Exchange] = field(default_factory=list)
    last_seq: int = 0


class SessionStore(Protocol):
    """Keeps sessions by (user, session id). Calls are synchronous and short; the Session runs them
    off the event loop."""

    def load(self, user: str, session_id: str) -> SavedSession: ...

    def save(
        self, user: str, session_id: str, history: list[ModelMessage], exchange: Exchange, last_seq: int
    ) -> None: ...

    def close(self) -> None: ...


class MemoryStore:
    """Keeps sessions for the life of the process (tests, scripts)."""

    def __init__(self) -> None:
        self._sessions: dict[tuple[str, str], SavedSession] = {}
        self._lock = threading.Lock()

    def load(self, user: str, session_id: str) -> SavedSession:
        with self._lock:
            saved = self._sessions.get((user, session_id), SavedSession())
            return SavedSession(list(saved.history), list(saved.transcript), saved.last_seq)

    def save(
        self, user: str, session_id: str, history: list[ModelMessage], exchange: Exchange, last_seq: int
    ) -> None:
        with self._lock:
            saved = self._sessions.setdefault((user, session_id), SavedSession())
            saved.history = list(history)
            saved.transcript.append(exchange)
            saved.last_seq = last_seq

    def close(self) -> None:
        """Nothing to release."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS session (
    user TEXT NOT NULL, session_id TEXT NOT NULL, history BLOB NOT NULL, last_seq INTEGER NOT NULL,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (user, session_id));
CREATE TABLE IF NOT EXISTS exchange (
    user TEXT NOT NULL, session_id TEXT NOT NULL, position INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (user, session_id, position));
"""


class StoreError(RuntimeError):
    """The session store cannot be used; the message names the file and says why."""


class _Damaged(Exception):
    """The file is not a SQLite database, or its pages are damaged."""


_DAMAGED = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


class SQLiteStore:
    """Sessions in one SQLite file (the default). Safe to share between threads and processes.

    One connection serves every call, one call at a time: opening a connection per call cost about
    a millisecond (and a WAL checkpoint whenever the last one closed). The file is in WAL mode with
    `synchronous=NORMAL`: a crash of the process loses nothing; a power cut may lose the last answers.

    A file that is not a SQLite database, or one whose pages are damaged (SQLite's `quick_check`),
    is moved aside as `NAME.corrupt-TIMESTAMP` with one warning naming both files, and the store
    starts empty; `recovered_from` then names the moved file. A file that cannot be opened or moved
    raises StoreError.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path).expanduser()
        self.recovered_from: Path | None = None
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._db = self._open()
            except _Damaged as exc:
                self.recovered_from = self._move_aside()
                log.warning(
                    "The session store %s is damaged (%s): moved it to %s and started a new one",
                    self.path,
                    exc,
                    self.recovered_from,
                )
                self._db = self._open()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"The session store {self.path} cannot be used: {exc}") from None
        self._finalizer = weakref.finalize(self, self._db.close)

    def _open(self) -> sqlite3.Connection:
        """A connection to a sound file with the schema in place; _Damaged when the file is not."""
        db = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
        try:
            [(verdict,)] = db.execute("PRAGMA quick_check(1)").fetchall()
            if verdict != "ok":
                raise _Damaged(f"database disk image is malformed: {verdict.splitlines()[-1]}")
            with db:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            db.close()
            if exc.sqlite_errorcode in _DAMAGED:
                raise _Damaged(str(exc)) from None
            raise
        except BaseException:
            db.close()
            raise
        return db

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

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """The shared connection, held by one thread at a time, inside one transaction."""
        with self._lock:
            if not self._finalizer.alive:
                raise RuntimeError(f"the session store {self.path} is closed")
            with self._db:
                yield self._db

    def close(self) -> None:
        """Close the file (also done when the store is garbage-collected)."""
        with self._lock:
            self._finalizer()

    def load(self, user: str, session_id: str) -> SavedSession:
        with self._connect() as db:
            row = db.execute(
                "SELECT history, last_seq FROM session WHERE user = ? AND session_id = ?", (user, session_id)
            ).fetchone()
            if row is None:
                return SavedSession()
            rows = db.execute(
                "SELECT data FROM exchange WHERE user = ? AND session_id = ? ORDER BY position",
                (user, session_id),
            ).fetchall()
        history = list(ModelMessagesTypeAdapter.validate_json(row[0]))
        return SavedSession(history, [Exchange(**json.loads(data)) for (data,) in rows], int(row[1]))

    def save(
        self, user: str, session_id: str, history: list[ModelMessage], exchange: Exchange, last_seq: int
    ) -> None:
        blob = ModelMessagesTypeAdapter.dump_json(history)
        with self._connect() as db:
            db.execute(
                "INSERT INTO session (user, session_id, history, last_seq) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (user, session_id) DO UPDATE SET history = excluded.history, "
                "last_seq = excluded.last_seq, updated_at = CURRENT_TIMESTAMP",
                (user, session_id, blob, last_seq),
            )
            db.execute(
                "INSERT INTO exchange (user, session_id, position, data) VALUES (?, ?, "
                "(SELECT COUNT(*) FROM exchange WHERE user = ? AND session_id = ?), ?)",
                (user, session_id, user, session_id, json.dumps(exchange.__dict__, ensure_ascii=False)),
            )


def default_store_path() -> Path:
    """`$MCOP_HOME/sessions.sqlite`, else a file in Jupyter's data directory."""
    import os

    home = os.environ.get("MCOP_HOME")
    if home:
        return Path(home) / "sessions.sqlite"
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "mcop" / "sessions.sqlite"
