"""ExplorerSession: one conversation, transport-agnostic. Runs one answer at a time, queues the next,
keeps history, and logs numbered events that any number of followers read at their own pace."""

from __future__ import annotations

import asyncio
import bisect
import json
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pydantic_ai
from pydantic_ai import Agent
from pydantic_ai.messages import (
    FunctionToolCallEvent,
    FunctionToolResultEvent,
    ModelMessage,
    PartDeltaEvent,
    PartStartEvent,
    TextPart,
    TextPartDelta,
)
from pydantic_ai.run import AgentRunResultEvent

from .agent import ExplorerDeps
from .answer_slots import DEFAULT_MAX_RUNNING_ANSWERS, AnswerSlots
from .catalog.base import Catalog, CatalogUnavailableError
from .errors import unreachable_model
from .protocol import (
    DEFAULT_MAX_QUESTION_CHARS,
    FINAL_KINDS,
    AgentEvent,
    ErrorCode,
    ErrorEvent,
    Event,
    NoticeEvent,
    PartialEvent,
    ProtocolError,
    QueuedEvent,
    ToolEvent,
    ToolStartEvent,
    UserEvent,
    check_question,
)
from .secrets import redact
from .session_log import AnswerText, Logged, _Entry, _Token, coalesce
from .store_base import Exchange, MemoryStore, SavedSession, SessionStore
from .store_journal import JOURNAL_INTERVAL, AnswerJournal, StoreCalls

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
        self._log: list[_Entry] = []
        self._seqs: list[int] = []
        self._next_seq = 1
        self._answers = 0
        self._queue: deque[tuple[int, str]] = deque()
        self._worker: asyncio.Task[None] | None = None
        self._current: asyncio.Task[None] | None = None
        self._waiters: list[asyncio.Future[None]] = []
        self._urgent: list[asyncio.Future[None]] = []
        self._closing = False
        self._streaming = False
        self._delivered = 0
        self._answer_start: int | None = None
        self._version = 0
        self.followers = 0
        """How many readers are following this session right now."""

    @classmethod
    async def open(cls, session_id: str, config: SessionConfig, *, user: str = "local") -> ExplorerSession:
        """A session with its saved history, if the store has one."""
        session = cls(session_id, config, user=user)
        session._adopt(await config.calls.run(config.store.load, user, session_id))
        return session

    def _adopt(self, saved: SavedSession) -> None:
        """Take the stored history and transcript (another server may have added to them)."""
        self.history, self.transcript, self._version = saved.history, saved.transcript, saved.version
        self._delivered = max(self._delivered, saved.last_seq)
        self._next_seq = max(self._next_seq, saved.last_seq + 1)

    # ------------------------------------------------------------------ asking

    @property
    def busy(self) -> bool:
        return self._worker is not None

    @property
    def last_seq(self) -> int:
        return self._next_seq - 1

    def submit(self, question: str) -> int:
        """Queue a question; returns its answer number. Raises ProtocolError when it cannot be taken."""
        if self._closing:
            raise ProtocolError("internal_error", "This session is closed.")
        check_question(question, self.config.max_question_chars)
        if len(self._queue) >= self.config.max_queued:
            raise ProtocolError(
                "queue_full",
                f"{len(self._queue)} questions are already waiting; wait for an answer or cancel.",
            )
        self._answers += 1
        self._queue.append((self._answers, question))
        if self._worker is None:
            self._worker = asyncio.create_task(self._work(), name=f"mcop-session-{self.session_id}")
        return self._answers

    def cancel(self) -> bool:
        """Stop the answer in flight (queued questions still run). False when nothing was running."""
        if self._current is None or self._current.done() or not self._streaming:
            return False
        self._current.cancel()
        return True

    async def ask(self, question: str) -> AsyncIterator[Event]:
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
        if self._answer_start is None:
            return self._delivered
        return min(self._delivered, self._answer_start - 1)

    def transcript_end(self) -> int:
        """The last event `transcript` covers: just before the answer in flight, else the last one."""
        return self.last_seq if self._answer_start is None else self._answer_start - 1

    def events_since(self, seq: int) -> list[Logged]:
        """Logged events after `seq`, partials coalesced (answers finished long ago are no longer
        there)."""
        return coalesce(self._log[bisect.bisect_right(self._seqs, seq) :])

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
                batch = self.events_since(cursor)
                if batch:
                    cursor = batch[-1].seq
                    yield batch
                    if pause is not None and isinstance(batch[-1].event, PartialEvent):
                        await self._pause(pause())
                elif self._closing and self._worker is None:
                    return
                else:
                    await self._wait_for_change()
        finally:
            self.followers -= 1

    async def _pause(self, seconds: float) -> None:
        """Sleep up to `seconds`, waking early for anything but more partial text (a tool result or
        the final answer is never held back)."""
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        timer = loop.call_later(seconds, _resolve, waiter)
        self._urgent.append(waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            if waiter in self._urgent:
                self._urgent.remove(waiter)

    async def _wait_for_change(self) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        finally:
            if not waiter.done():
                self._waiters.remove(waiter)

    def _emit(self, answer: int, event: Event) -> None:
        seq = self._next_seq
        self._next_seq += 1
        self._log.append(_Entry(seq, answer, event))
        self._seqs.append(seq)
        self._wake()

    def _emit_text(self, answer: int, text: AnswerText, delta: str) -> None:
        """Log a token (the hot path: one per token, so it does as little as it can)."""
        seq = self._next_seq
        self._next_seq = seq + 1
        self._log.append(_Entry(seq, answer, _Token(delta, text, text.add(delta))))
        self._seqs.append(seq)
        if self._waiters:
            self._wake(urgent=False)

    def _wake(self, *, urgent: bool = True) -> None:
        """Wake readers waiting for events; `urgent` also cuts short readers pausing between partials."""
        if not self._waiters and not (urgent and self._urgent):
            return  # the common case while tokens stream: every reader is pausing
        waiters, self._waiters = self._waiters, []
        if urgent:
            waiters += self._urgent
            self._urgent = []
        for waiter in waiters:
            _resolve(waiter)

    def _compact(self) -> None:
        """Shrink finished answers before a new one starts: partials are dropped where the final
        message holds the whole text, else merged into one; answers older than `keep_answers` go.
        (The last answer keeps its partials until then, so a reader never misses a delta.)"""
        oldest = self._answers - self.config.keep_answers
        failed = {item.answer for item in self._log if isinstance(item.event, ErrorEvent)}
        kept = [
            _Entry(*item)
            for item in coalesce(
                [
                    item
                    for item in self._log
                    if item.answer > oldest and (item.answer in failed or not isinstance(item.event, _Token))
                ]
            )
        ]
        self._log = kept
        self._seqs = [item.seq for item in kept]

    # ------------------------------------------------------------------ answering

    async def _work(self) -> None:
        try:
            while self._queue:
                answer, question = self._queue.popleft()
                self._current = asyncio.create_task(self._answer(answer, question))
                try:
                    await self._current
                finally:
                    self._current = None
        finally:
            self._worker = None
            self._wake()

    async def _answer(self, answer: int, question: str) -> None:
        deps = ExplorerDeps(catalog=self.config.catalog)
        exchange = Exchange(question=question, unfinished=True)
        text = AnswerText()
        pending: dict[str, str] = {}
        self._compact()
        self._answer_start = self._next_seq
        self._emit(answer, UserEvent(question))
        self._streaming = True  # from here on it can be cancelled, waiting or running
        where = (self.user, self.session_id)
        config = self.config
        journal = AnswerJournal(config.calls, config.store, where, exchange, text, config.journal_interval)
        running = False
        try:
            running = await self._take_slot(answer)
            reloaded = await journal.begin(self._version)
            if reloaded is not None:  # another server answered in this session meanwhile
                self._adopt(reloaded)
            async with asyncio.timeout(config.timeout):
                new, history = await self._run(answer, question, deps, exchange, text, pending)
        except asyncio.CancelledError:
            self._streaming = False
            if self._closing:
                stopped = "The server stopped; the answer was not finished."
                await self._fail(answer, exchange, text, stopped, "cancelled", journal)
                raise
            await self._fail(answer, exchange, text, "Answer cancelled.", "cancelled", journal)
            return
        except TimeoutError:
            self._streaming = False
            message = f"Request timeout ({config.timeout:g}s). Please try a simpler query."
            await self._fail(answer, exchange, text, message, "timeout", journal)
            return
        except Exception as exc:
            self._streaming = False
            code, message, explained = _describe_failure(exc, pending, config.agent.model)
            (log.info if explained else log.warning)(
                "answer failed in session %s: %s", self.session_id, message
            )
            await self._fail(answer, exchange, text, message, code, journal)
            return
        finally:
            journal.stop()
            if running:
                config.slots.release()
        self._streaming = False
        diagram = deps.diagram.source if deps.diagram else None
        exchange.answer, exchange.diagram, exchange.unfinished = str(text), diagram, False
        self.history = history or self.history
        self.transcript.append(exchange)
        saved = False
        try:
            saved = await self._keep(journal, new, exchange, last_seq=self._next_seq)
        finally:
            tools = tuple(t["tool_name"] for t in exchange.tools)
            self._emit(answer, AgentEvent(exchange.answer, diagram, tools))
            self._answer_start = None
            if not saved:
                self._not_saved(answer, journal)

    async def _take_slot(self, answer: int) -> bool:
        """Wait for one of the server's answer slots, telling readers where the question is in line."""
        slots = self.config.slots
        if not slots.try_acquire(self.config.max_running_answers):
            turn = slots.join()
            if not turn.done():
                self._emit(answer, QueuedEvent(slots.position(turn), slots.running))
            await slots.wait(turn)
        return True

    async def _run(
        self,
        answer: int,
        question: str,
        deps: ExplorerDeps,
        exchange: Exchange,
        text: AnswerText,
        pending: dict[str, str],
    ) -> tuple[list[ModelMessage], list[ModelMessage] | None]:
        """Stream the agent's answer into the log; the messages it added, and the whole history."""
        run = self.config.agent.run_stream_events(question, deps=deps, message_history=self.history)
        new: list[ModelMessage] = []
        history: list[ModelMessage] | None = None
        async with run as events:
            new_part = False
            async for event in events:
                delta = ""
                if isinstance(event, PartDeltaEvent):  # most events: one per token
                    if isinstance(event.delta, TextPartDelta):
                        delta = event.delta.content_delta
                elif isinstance(event, PartStartEvent):
                    if isinstance(event.part, TextPart):
                        delta = event.part.content
                        if text.length and new_part and not text.endswith("\n"):
                            delta = "\n\n" + delta.lstrip()
                        new_part = False
                elif isinstance(event, FunctionToolCallEvent):
                    call = event.part
                    pending[call.tool_call_id] = call.tool_name
                    self._emit(answer, ToolStartEvent(call.tool_name, call.args_as_dict(), call.tool_call_id))
                    new_part = True
                elif isinstance(event, FunctionToolResultEvent):
                    part = event.part
                    pending.pop(part.tool_call_id, None)
                    content = _tool_content(part.content)
                    exchange.tools.append({"tool_name": part.tool_name, "content": content})
                    self._emit(answer, ToolEvent(part.tool_name, content, part.tool_call_id))
                elif isinstance(event, AgentRunResultEvent):
                    history, new = event.result.all_messages(), event.result.new_messages()
                    if not text.length:
                        delta = event.result.output
                if delta:
                    self._emit_text(answer, text, delta)
        return new, history

    async def _fail(
        self,
        answer: int,
        exchange: Exchange,
        text: AnswerText,
        message: str,
        code: ErrorCode,
        journal: AnswerJournal,
    ) -> None:
        """End the answer with an error; the transcript keeps the text its readers saw."""
        exchange.error, exchange.answer, exchange.unfinished = message, str(text), False
        self.transcript.append(exchange)
        self._answer_start = None
        saved = False
        try:
            saved = await self._keep(journal, [], exchange, last_seq=self._next_seq)
        finally:
            self._emit(answer, ErrorEvent(message, code))
            if not saved:
                self._not_saved(answer, journal)

    async def _keep(
        self, journal: AnswerJournal, new: list[ModelMessage], exchange: Exchange, *, last_seq: int
    ) -> bool:
        """Save the ended exchange and the messages it added; `last_seq` is its final event's."""
        version = await journal.finish(new, exchange, last_seq)
        if version is None:
            return False
        # One more than ours: nobody else saved meanwhile. Otherwise reload before the next answer.
        self._version = version if version == self._version + 1 else -1
        return True

    def _not_saved(self, answer: int, journal: AnswerJournal) -> None:
        problem = journal.problem or "the save did not finish"
        self._emit(
            answer, NoticeEvent(f"This answer could not be saved and will be lost at a restart: {problem}")
        )

    async def close(self) -> None:
        """Stop the running answer (its followers get an error), drop queued ones, end every follow()."""
        self._closing = True
        self._queue.clear()
        if self._current is not None:
            self._current.cancel()
        if self._worker is not None:
            await asyncio.gather(self._worker, return_exceptions=True)
        self._wake()


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


def _tool_content(content: Any) -> str:
    return content if isinstance(content, str) else json.dumps(content, ensure_ascii=False, default=str)


def _describe_failure(exc: Exception, pending: dict[str, str], model: object) -> tuple[ErrorCode, str, bool]:
    """The code and message of a failed answer, and whether the message explains it (a user's
    setting or a server that is down, logged quietly) or not (worth a warning)."""
    detail = redact(str(exc) or type(exc).__name__)
    if isinstance(exc, CatalogUnavailableError):
        return "catalog_error", detail, True  # its messages are written for the user
    if pending:
        tools = ", ".join(sorted(set(pending.values())))
        return "tool_error", f"The tool {tools} failed: {detail}", False
    unreachable = unreachable_model(exc, model)
    if unreachable is not None:
        return "model_error", unreachable, True
    return "model_error", f"Agent error: {detail}", False
