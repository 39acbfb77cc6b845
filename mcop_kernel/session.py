"""ExplorerSession: one conversation, transport-agnostic. Runs one answer at a time, queues the next,
keeps history, and logs numbered events that any number of followers read at their own pace.

The log itself is `session_log.EventLog`; the running of one answer is `session_answer.AnswerRun`."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass, field

import pydantic_ai
from pydantic_ai import Agent
from pydantic_ai.messages import ModelMessage

from .agent import ExplorerDeps
from .answer_slots import DEFAULT_MAX_RUNNING_ANSWERS, AnswerSlots
from .catalog.base import Catalog
from .protocol import (
    DEFAULT_MAX_QUESTION_CHARS,
    FINAL_KINDS,
    Event,
    PartialEvent,
    ProtocolError,
    check_question,
)
from .session_answer import AnswerRun
from .session_log import EventLog, Logged
from .store_base import Exchange, MemoryStore, SavedSession, SessionStore
from .store_journal import JOURNAL_INTERVAL, StoreCalls

log = logging.getLogger(__name__)
pydantic_ai.BANNER_ENABLED = False  # pydantic-ai's first-run banner: our answers own the terminal


@dataclass
class SessionConfig:
    """What every session of one explorer shares."""

    agent: Agent[ExplorerDeps, str]
    catalog: Catalog
    store: SessionStore = field(default_factory=MemoryStore)
    timeout: float = 30.0
    max_queued: int = 8
    max_question_chars: int = DEFAULT_MAX_QUESTION_CHARS
    keep_answers: int = 20
    """Finished answers kept in the event log for clients that reconnect."""
    max_running_answers: int = DEFAULT_MAX_RUNNING_ANSWERS
    """Answers that run at once across every session sharing this config; the rest wait in order,
    and an answer's `timeout` counts from when it starts running."""
    journal_interval: float | None = JOURNAL_INTERVAL
    """Seconds between two writes of an answer's text to the store while it streams (None: off)."""
    slots: AnswerSlots = field(default_factory=AnswerSlots, repr=False)
    calls: StoreCalls = field(default_factory=StoreCalls, repr=False)
    """The threads and time limit of store calls (shared, so that shutdown waits for them)."""


class ExplorerSession:
    """One conversation. Create with `await ExplorerSession.open(...)`; ask with `ask()` (in process)
    or `submit()` + `follow()` (transports, several followers at once)."""

    def __init__(self, session_id: str, config: SessionConfig, *, user: str = "local"):
        self.session_id = session_id
        self.user = user
        self.config = config
        self.history: list[ModelMessage] = []
        self.transcript: list[Exchange] = []
        self.log = EventLog()
        self.answers = 0
        """Answers asked so far (the number of the latest)."""
        self.answer_start: int | None = None
        """The first event of the answer in flight, None between answers."""
        self.streaming = False
        """The answer in flight has started (it can be cancelled)."""
        self.closing = False
        self.store_version = 0
        """The version of the session the store had when this one last read or wrote it (-1: reload)."""
        self._queue: deque[tuple[int, str]] = deque()
        self._worker: asyncio.Task[None] | None = None
        self._current: asyncio.Task[None] | None = None
        self._delivered = 0
        self.followers = 0
        """How many readers are following this session right now."""

    @classmethod
    async def open(cls, session_id: str, config: SessionConfig, *, user: str = "local") -> ExplorerSession:
        """A session with its saved history, if the store has one."""
        session = cls(session_id, config, user=user)
        session.adopt(await config.calls.run(config.store.load, user, session_id))
        return session

    def adopt(self, saved: SavedSession) -> None:
        """Take the stored history and transcript (another server may have added to them)."""
        self.history, self.transcript, self.store_version = saved.history, saved.transcript, saved.version
        self._delivered = max(self._delivered, saved.last_seq)
        self.log.next_seq = max(self.log.next_seq, saved.last_seq + 1)

    # ------------------------------------------------------------------ asking

    @property
    def busy(self) -> bool:
        return self._worker is not None

    @property
    def last_seq(self) -> int:
        return self.log.last_seq

    def submit(self, question: str) -> int:
        """Queue a question; returns its answer number. Raises ProtocolError when it cannot be taken."""
        if self.closing:
            raise ProtocolError("internal_error", "This session is closed.")
        check_question(question, self.config.max_question_chars)
        if len(self._queue) >= self.config.max_queued:
            raise ProtocolError(
                "queue_full",
                f"{len(self._queue)} questions are already waiting; wait for an answer or cancel.",
            )
        self.answers += 1
        self._queue.append((self.answers, question))
        if self._worker is None:
            self._worker = asyncio.create_task(self._work(), name=f"mcop-session-{self.session_id}")
        return self.answers

    def cancel(self) -> bool:
        """Stop the answer in flight (queued questions still run). False when nothing was running."""
        if self._current is None or self._current.done() or not self.streaming:
            return False
        self._current.cancel()
        return True

    async def ask(self, question: str) -> AsyncGenerator[Event, None]:
        """Ask and iterate over this answer's events, ending with its `agent` or `error` event (and
        a `notice` when the answer could not be saved)."""
        answer, ended = self.submit(question), False
        async for batch in self.follow(self.last_seq):
            for item in batch:
                if item.answer == answer and not (ended and item.event.kind != "notice"):
                    yield item.event
                    ended = ended or item.event.kind in FINAL_KINDS
            if ended:
                return

    # ------------------------------------------------------------------ following

    def mark_delivered(self, seq: int) -> None:
        """A client has been sent everything up to `seq`."""
        self._delivered = max(self._delivered, seq)

    def resume_point(self) -> int:
        """Where a client that says nothing about what it saw starts: after what some client has
        been sent, and never later than the start of the answer in flight."""
        if self.answer_start is None:
            return self._delivered
        return min(self._delivered, self.answer_start - 1)

    def transcript_end(self) -> int:
        """The last event `transcript` covers: just before the answer in flight, else the last one."""
        return self.last_seq if self.answer_start is None else self.answer_start - 1

    def events_since(self, seq: int) -> list[Logged]:
        """Logged events after `seq`, partials coalesced (answers finished long ago are no longer
        there)."""
        return self.log.since(seq)

    async def follow(
        self, after_seq: int = 0, *, pause: Callable[[], float] | None = None
    ) -> AsyncIterator[list[Logged]]:
        """Batches of events after `after_seq`, partials coalesced, until the session closes. A reader
        slower than the answer gets fewer, larger batches; memory per reader stays constant.

        With `pause`, a batch that ends in a partial is followed by a pause of `pause()` seconds so
        that tokens arriving meanwhile share one message; the first token still goes out at once."""
        cursor = after_seq
        self.followers += 1
        try:
            while True:
                batch = self.log.since(cursor)
                if batch:
                    cursor = batch[-1].seq
                    yield batch
                    if pause is not None and isinstance(batch[-1].event, PartialEvent):
                        await self.log.pause(pause())
                elif self.closing and self._worker is None:
                    return
                else:
                    await self.log.wait_for_change()
        finally:
            self.followers -= 1

    # ------------------------------------------------------------------ answering

    async def _work(self) -> None:
        try:
            while self._queue:
                answer, question = self._queue.popleft()
                self._current = asyncio.create_task(AnswerRun(self, answer, question).run())
                try:
                    await self._current
                finally:
                    self._current = None
        finally:
            self._worker = None
            self.log.wake()

    async def close(self) -> None:
        """Stop the running answer (its followers get an error), drop queued ones, end every follow()."""
        self.closing = True
        self._queue.clear()
        if self._current is not None:
            self._current.cancel()
        if self._worker is not None:
            await asyncio.gather(self._worker, return_exceptions=True)
        self.log.wake()
