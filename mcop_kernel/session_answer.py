"""The runner of one answer: waits for an answer slot, streams the agent's events into the
session's log as answer events, and ends with the final event once the exchange is kept."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any

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
from .catalog.base import CatalogUnavailableError
from .errors import unreachable_model
from .protocol import (
    AgentEvent,
    ErrorCode,
    ErrorEvent,
    Event,
    NoticeEvent,
    QueuedEvent,
    ToolEvent,
    ToolStartEvent,
    UserEvent,
)
from .secrets import redact
from .session_log import AnswerText
from .store_base import Exchange
from .store_journal import AnswerJournal

if TYPE_CHECKING:
    from .session import ExplorerSession

log = logging.getLogger(__name__)


class AnswerRun:
    """Answer number `answer` of `session`, to `question`: `await run()` once."""

    def __init__(self, session: ExplorerSession, answer: int, question: str):
        self.session = session
        self.answer = answer
        self.question = question
        self.deps = ExplorerDeps(catalog=session.config.catalog)
        self.exchange = Exchange(question=question, unfinished=True)
        self.text = AnswerText()
        self.pending: dict[str, str] = {}
        """Tool calls that have not returned: call id -> tool name."""
        config = session.config
        where = (session.user, session.session_id)
        self.journal = AnswerJournal(
            config.calls, config.store, where, self.exchange, self.text, config.journal_interval
        )

    def _emit(self, event: Event) -> None:
        self.session.log.emit(self.answer, event)

    async def run(self) -> None:
        session, config, journal = self.session, self.session.config, self.journal
        session.log.compact(session.answers - config.keep_answers)
        session.answer_start = session.log.next_seq
        self._emit(UserEvent(self.question))
        session.streaming = True  # from here on it can be cancelled, waiting or running
        running = False
        try:
            running = await self._take_slot()
            reloaded = await journal.begin(session.store_version)
            if reloaded is not None:  # another server answered in this session meanwhile
                session.adopt(reloaded)
            async with asyncio.timeout(config.timeout):
                new, history = await self._stream()
        except asyncio.CancelledError:
            session.streaming = False
            if session.closing:
                await self._fail("The server stopped; the answer was not finished.", "cancelled")
                raise
            await self._fail("Answer cancelled.", "cancelled")
            return
        except TimeoutError:
            session.streaming = False
            await self._fail(f"Request timeout ({config.timeout:g}s). Please try a simpler query.", "timeout")
            return
        except Exception as exc:
            session.streaming = False
            code, message, explained = describe_failure(exc, self.pending, config.agent.model)
            (log.info if explained else log.warning)(
                "answer failed in session %s: %s", session.session_id, message
            )
            await self._fail(message, code)
            return
        finally:
            journal.stop()
            if running:
                config.slots.release()
        session.streaming = False
        exchange = self.exchange
        diagram = self.deps.diagram.source if self.deps.diagram else None
        exchange.answer, exchange.diagram, exchange.unfinished = str(self.text), diagram, False
        session.history = history or session.history
        session.transcript.append(exchange)
        saved = False
        try:
            saved = await self._keep(new)
        finally:
            tools = tuple(t["tool_name"] for t in exchange.tools)
            self._emit(AgentEvent(exchange.answer, diagram, tools))
            session.answer_start = None
            if not saved:
                self._not_saved()

    async def _take_slot(self) -> bool:
        """Wait for one of the server's answer slots, telling readers where the question is in line."""
        config = self.session.config
        slots = config.slots
        if not slots.try_acquire(config.max_running_answers):
            turn = slots.join()
            if not turn.done():
                self._emit(QueuedEvent(slots.position(turn), slots.running))
            await slots.wait(turn)
        return True

    async def _stream(self) -> tuple[list[ModelMessage], list[ModelMessage] | None]:
        """Stream the agent's answer into the log; the messages it added, and the whole history."""
        session, text, answer = self.session, self.text, self.answer
        emit_text = session.log.emit_text
        run = session.config.agent.run_stream_events(
            self.question, deps=self.deps, message_history=session.history
        )
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
                    self.pending[call.tool_call_id] = call.tool_name
                    self._emit(ToolStartEvent(call.tool_name, call.args_as_dict(), call.tool_call_id))
                    new_part = True
                elif isinstance(event, FunctionToolResultEvent):
                    part = event.part
                    self.pending.pop(part.tool_call_id, None)
                    content = tool_content(part.content)
                    self.exchange.tools.append({"tool_name": part.tool_name, "content": content})
                    self._emit(ToolEvent(part.tool_name, content, part.tool_call_id))
                elif isinstance(event, AgentRunResultEvent):
                    history, new = event.result.all_messages(), event.result.new_messages()
                    if not text.length:
                        delta = event.result.output
                if delta:
                    emit_text(answer, text, delta)
        return new, history

    async def _fail(self, message: str, code: ErrorCode) -> None:
        """End the answer with an error; the transcript keeps the text its readers saw."""
        session, exchange = self.session, self.exchange
        exchange.error, exchange.answer, exchange.unfinished = message, str(self.text), False
        session.transcript.append(exchange)
        session.answer_start = None
        saved = False
        try:
            saved = await self._keep([])
        finally:
            self._emit(ErrorEvent(message, code))
            if not saved:
                self._not_saved()

    async def _keep(self, new: list[ModelMessage]) -> bool:
        """Save the ended exchange and the messages it added, with the number its final event gets."""
        session = self.session
        version = await self.journal.finish(new, self.exchange, session.log.next_seq)
        if version is None:
            return False
        # One more than ours: nobody else saved meanwhile. Otherwise reload before the next answer.
        session.store_version = version if version == session.store_version + 1 else -1
        return True

    def _not_saved(self) -> None:
        problem = self.journal.problem or "the save did not finish"
        self._emit(NoticeEvent(f"This answer could not be saved and will be lost at a restart: {problem}"))


def tool_content(content: Any) -> str:
    """A tool's result as the JSON text the log and the transcript keep."""
    return content if isinstance(content, str) else json.dumps(content, ensure_ascii=False, default=str)


def describe_failure(exc: Exception, pending: dict[str, str], model: object) -> tuple[ErrorCode, str, bool]:
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
