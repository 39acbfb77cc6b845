"""What a session store keeps and promises: exchanges, their model messages, a version per session."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple, Protocol

from pydantic_ai.messages import ModelMessage


@dataclass
class Exchange:
    """One question and what came of it, as a transcript shows it. `unfinished` is true while the
    answer streams, and stays true in the store if its server died before the answer ended."""

    question: str
    answer: str = ""
    diagram: str | None = None
    tools: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    unfinished: bool = False


@dataclass
class SavedSession:
    """What a store gives back for a session. `version` counts the answers saved to it, by any
    server; a server whose copy has an older version reloads it before answering."""

    history: list[ModelMessage] = field(default_factory=list)
    transcript: list[Exchange] = field(default_factory=list)
    last_seq: int = 0
    version: int = 0


class Begun(NamedTuple):
    """An answer journaled as begun: its place in the transcript, and the stored session when
    another server saved answers to it since the version the caller knew (else None)."""

    position: int
    reloaded: SavedSession | None


class StoreError(RuntimeError):
    """The session store cannot be used; the message names the store and says why."""


class SessionStore(Protocol):
    """Keeps sessions by (user, session id). Calls are blocking and short; sessions run them in
    threads of their own (see `store_journal`). Two servers may share a store: every exchange has
    its own row and brings its own model messages, so answers from both are all kept."""

    def load(self, user: str, session_id: str) -> SavedSession: ...

    def begin(self, user: str, session_id: str, exchange: Exchange, known_version: int) -> Begun:
        """Journal a question as it starts being answered (`exchange.unfinished` is true)."""
        ...

    def journal(self, user: str, session_id: str, position: int, exchange: Exchange) -> None:
        """Keep the answer's text so far (only while the exchange is unfinished)."""
        ...

    def save(
        self,
        user: str,
        session_id: str,
        messages: list[ModelMessage],
        exchange: Exchange,
        last_seq: int,
        position: int | None = None,
    ) -> int:
        """Keep a finished exchange (at `position`, or appended) and the model messages it added;
        returns the session's new version."""
        ...

    def close(self) -> None: ...


@dataclass
class _Kept:
    base: list[ModelMessage] = field(default_factory=list)
    rows: dict[int, tuple[Exchange, list[ModelMessage]]] = field(default_factory=dict)
    last_seq: int = 0
    version: int = 0

    def saved(self) -> SavedSession:
        history = list(self.base)
        transcript = []
        for position in sorted(self.rows):
            exchange, messages = self.rows[position]
            history += messages
            transcript.append(replace(exchange, tools=list(exchange.tools)))
        return SavedSession(history, transcript, self.last_seq, self.version)


class MemoryStore:
    """Keeps sessions for the life of the process (tests, scripts)."""

    def __init__(self) -> None:
        self._sessions: dict[tuple[str, str], _Kept] = {}
        self._lock = threading.Lock()

    def load(self, user: str, session_id: str) -> SavedSession:
        with self._lock:
            return self._sessions.get((user, session_id), _Kept()).saved()

    def begin(self, user: str, session_id: str, exchange: Exchange, known_version: int) -> Begun:
        with self._lock:
            kept = self._sessions.setdefault((user, session_id), _Kept())
            reloaded = kept.saved() if kept.version != known_version else None
            position = max(kept.rows, default=-1) + 1
            kept.rows[position] = (replace(exchange, unfinished=True), [])
            return Begun(position, reloaded)

    def journal(self, user: str, session_id: str, position: int, exchange: Exchange) -> None:
        with self._lock:
            kept = self._sessions.get((user, session_id))
            if kept is not None and position in kept.rows and kept.rows[position][0].unfinished:
                kept.rows[position] = (replace(exchange, unfinished=True), [])

    def save(
        self,
        user: str,
        session_id: str,
        messages: list[ModelMessage],
        exchange: Exchange,
        last_seq: int,
        position: int | None = None,
    ) -> int:
        with self._lock:
            kept = self._sessions.setdefault((user, session_id), _Kept())
            if position is None:
                position = max(kept.rows, default=-1) + 1
            kept.rows[position] = (replace(exchange, unfinished=False), list(messages))
            kept.last_seq = max(kept.last_seq, last_seq)
            kept.version += 1
            return kept.version

    def close(self) -> None:
        """Nothing to release."""
