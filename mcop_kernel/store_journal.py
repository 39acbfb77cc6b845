"""Keeping answers without blocking or losing them: store calls off the event loop and bounded in
time, an answer journaled while it streams, and shutdown waiting for the saves still running."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, Protocol, TypeVar

from pydantic_ai.messages import ModelMessage

from .secrets import redact
from .store_base import Exchange, SavedSession, SessionStore, StoreError

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

STORE_TIMEOUT = 15.0
"""Seconds a session waits for one store call before it reports the store as failing."""
JOURNAL_INTERVAL = 1.0
"""Seconds between two writes of an answer's text while it streams, at the least."""
JOURNAL_CHARS = 256
"""Characters an answer's text must have grown by since its last write before it is written again:
with both bounds a write (about 0.2 ms of CPU on SQLite) costs a streamed token well under 1%."""


class Text(Protocol):
    """An answer's text as it streams: its length is cheap to read, its text is joined on demand."""

    length: int

    def __str__(self) -> str: ...


class StoreCalls:
    """Runs a store's blocking calls in threads of its own, so that a slow or hung store never takes
    the threads the server needs for anything else; each call is waited for at most `timeout`
    seconds (it goes on, and `drain()` waits for it)."""

    def __init__(self, threads: int = 4, timeout: float = STORE_TIMEOUT):
        self.threads = threads
        self.timeout = timeout
        self._pool: ThreadPoolExecutor | None = None
        self._running: set[asyncio.Future[Any]] = set()

    async def run(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="mcop-store")
        future = asyncio.get_running_loop().run_in_executor(
            self._pool, functools.partial(call, *args, **kwargs)
        )
        self._running.add(future)
        future.add_done_callback(self._running.discard)
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.timeout)
        except TimeoutError:
            raise StoreError(f"The session store did not answer within {self.timeout:g}s.") from None

    @property
    def running(self) -> int:
        return len(self._running)

    async def drain(self, timeout: float) -> None:
        """Wait up to `timeout` seconds for the calls still running (a save begun as the server
        stops finishes before its store is closed)."""
        if self._running:
            await asyncio.wait(set(self._running), timeout=timeout)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None


def describe_store_failure(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return redact(text if isinstance(exc, StoreError) else f"The session store failed: {text}")


class AnswerJournal:
    """One answer kept in the store while it streams: the question as it starts, its text so far at
    most every `interval` seconds and JOURNAL_CHARS characters (one write at a time), then the
    finished exchange in the same row. The tokens themselves cost nothing: a timer reads the
    text. A write that fails is logged once; `problem` then says why."""

    def __init__(
        self,
        calls: StoreCalls,
        store: SessionStore,
        where: tuple[str, str],
        exchange: Exchange,
        text: Text,
        interval: float | None = JOURNAL_INTERVAL,
    ):
        self.calls, self.store, self.where = calls, store, where
        self.exchange, self.text, self.interval = exchange, text, interval
        self.position: int | None = None
        self.problem: str | None = None
        self._written = 0
        self._timer: asyncio.TimerHandle | None = None
        self._writing: asyncio.Future[None] | None = None

    async def begin(self, known_version: int) -> SavedSession | None:
        """Journal the question; the stored session when another server moved it on since
        `known_version`, to be reloaded before answering."""
        user, session_id = self.where
        try:
            begun = await self.calls.run(
                self.store.begin, user, session_id, self._snapshot(""), known_version
            )
        except Exception as exc:
            self._failed(exc)
            return None
        self.position = begun.position
        if self.interval is not None:
            self._timer = asyncio.get_running_loop().call_later(self.interval, self._tick)
        return begun.reloaded

    def _snapshot(self, answer: str) -> Exchange:
        x = self.exchange
        return Exchange(x.question, answer, None, list(x.tools), None, unfinished=True)

    def _tick(self) -> None:
        grown = self.text.length - self._written >= JOURNAL_CHARS
        if self._writing is None and grown and self.position is not None:
            answer = str(self.text)
            self._written = len(answer)
            user, session_id = self.where
            write = self.calls.run(
                self.store.journal, user, session_id, self.position, self._snapshot(answer)
            )
            self._writing = asyncio.ensure_future(write)
            self._writing.add_done_callback(self._wrote)
        assert self.interval is not None
        self._timer = asyncio.get_running_loop().call_later(self.interval, self._tick)

    def _wrote(self, write: asyncio.Future[None]) -> None:
        self._writing = None
        if not write.cancelled() and write.exception() is not None:
            self._failed(write.exception())  # type: ignore[arg-type]

    def _failed(self, exc: BaseException) -> None:
        if self.problem is None:
            self.problem = describe_store_failure(exc)
            log.warning(
                "session %s: the answer in flight cannot be journaled: %s", self.where[1], self.problem
            )

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    async def finish(self, messages: list[ModelMessage], exchange: Exchange, last_seq: int) -> int | None:
        """Save the ended exchange over its journal row; the session's new version, or None when it
        could not be saved (`problem` says why)."""
        self.stop()
        user, session_id = self.where
        try:
            return await self.calls.run(
                self.store.save, user, session_id, messages, exchange, last_seq, self.position
            )
        except Exception as exc:
            self.problem = describe_store_failure(exc)
            log.error("session %s: an answer could not be saved: %s", session_id, self.problem)
            return None
