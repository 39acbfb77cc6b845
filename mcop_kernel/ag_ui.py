"""The explorer for AG-UI clients: an AG-UI run input in, AG-UI events out, through a Session.

AG-UI is stateless on the server: the client sends the conversation with every run. A run is one
answer of an `ExplorerSession` whose history is that conversation (kept in memory for the run only),
so it has the session's limits, answer slots, timeout and error messages, and its events are the
session's events told in AG-UI's words: text messages, tool calls with their results, a CUSTOM
`mcop.queued` event while the question waits for a slot (value: position, running), a CUSTOM
`mcop.diagram` event before the end (value: kind and Mermaid source), RUN_FINISHED or RUN_ERROR.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import uuid
from collections import Counter
from collections.abc import AsyncGenerator, Iterator
from typing import Any

from ag_ui.core import (
    BaseEvent,
    CustomEvent,
    RunErrorEvent,
    RunFinishedEvent,
    RunStartedEvent,
    TextMessageContentEvent,
    TextMessageEndEvent,
    TextMessageStartEvent,
    ToolCallArgsEvent,
    ToolCallEndEvent,
    ToolCallResultEvent,
    ToolCallStartEvent,
)
from ag_ui.encoder import EventEncoder
from pydantic import ValidationError
from pydantic_ai.messages import ModelMessage
from pydantic_ai.ui.ag_ui import AGUIAdapter

from .protocol import (
    AgentEvent,
    ErrorEvent,
    Event,
    PartialEvent,
    ProtocolError,
    QueuedEvent,
    ToolEvent,
    ToolStartEvent,
)
from .session import ExplorerSession, SessionConfig
from .store_base import MemoryStore

DIAGRAM_EVENT = "mcop.diagram"
QUEUED_EVENT = "mcop.queued"


class RunInputError(ValueError):
    """The request body is not an AG-UI run input the explorer takes; the message says why."""


class RunRefused(RuntimeError):
    """Too many AG-UI runs of one user are in progress; the message says so."""


def parse_run_input(body: bytes, max_question_chars: int) -> Any:
    """The run input in `body`, or RunInputError: not a run input, or a user message over
    `max_question_chars` characters (every user message of the conversation goes to the model)."""
    try:
        run_input = AGUIAdapter.build_run_input(body)
    except (ValidationError, ValueError) as exc:
        raise RunInputError(f"Not an AG-UI run input: {str(exc).splitlines()[0]}") from None
    for message in run_input.messages:
        if message.role != "user":
            continue
        content = message.content
        text = content if isinstance(content, str) else "".join(getattr(p, "text", "") for p in content)
        if len(text) > max_question_chars:
            raise RunInputError(
                f"A question is {len(text):,} characters; the limit is {max_question_chars:,}."
            )
    return run_input


class RunLimit:
    """At most `limit` AG-UI runs of one user at once: AG-UI runs have no session to queue in, so
    this bounds what one user can make the server do at the same time."""

    def __init__(self, limit: int):
        self.limit = limit
        self._running: Counter[str] = Counter()

    @contextlib.contextmanager
    def slot(self, user: str) -> Iterator[None]:
        """Hold one of `user`'s runs for the duration; RunRefused when they are all taken."""
        if self._running[user] >= self.limit:
            raise RunRefused(
                f"{self._running[user]} AG-UI runs are already in progress (the limit is {self.limit});"
                " try again when one has finished."
            )
        self._running[user] += 1
        try:
            yield
        finally:
            self._running[user] -= 1
            if not self._running[user]:
                del self._running[user]


def conversation(run_input: Any) -> tuple[list[ModelMessage], str]:
    """The history a run continues and its question (the last message, a user's), or RunInputError."""
    try:
        AGUIAdapter.load_messages(run_input.messages)  # a tool result whose call is not in the history
    except ValueError as exc:
        raise RunInputError(f"Not a conversation the explorer can continue: {exc}") from None
    last = run_input.messages[-1] if run_input.messages else None
    if last is None or last.role != "user":
        raise RunInputError("The conversation must end with the user's question.")
    content = last.content
    question = content if isinstance(content, str) else "".join(getattr(p, "text", "") for p in content)
    return AGUIAdapter.load_messages(run_input.messages[:-1]), question


class AGUIEvents:
    """A session's answer events as the AG-UI events of one run."""

    def __init__(self, thread_id: str, run_id: str):
        self.thread_id, self.run_id = thread_id, run_id
        self._text_id: str | None = None

    def started(self) -> BaseEvent:
        return RunStartedEvent(thread_id=self.thread_id, run_id=self.run_id)

    def of(self, event: Event) -> list[BaseEvent]:
        """The AG-UI events that tell `event` (none for the echoed question and a save notice)."""
        match event:
            case PartialEvent(delta=delta) if delta:
                opened: list[BaseEvent] = []
                if self._text_id is None:
                    self._text_id = uuid.uuid4().hex
                    opened.append(TextMessageStartEvent(message_id=self._text_id, role="assistant"))
                return [*opened, TextMessageContentEvent(message_id=self._text_id, delta=delta)]
            case ToolStartEvent(tool_name=name, args=args, tool_call_id=call_id):
                return [
                    *self._end_text(),
                    ToolCallStartEvent(tool_call_id=call_id, tool_call_name=name),
                    ToolCallArgsEvent(tool_call_id=call_id, delta=json.dumps(args, ensure_ascii=False)),
                    ToolCallEndEvent(tool_call_id=call_id),
                ]
            case ToolEvent(content=content, tool_call_id=call_id):
                # the whole result: the client sends it back with the conversation, for the model
                return [
                    ToolCallResultEvent(message_id=uuid.uuid4().hex, tool_call_id=call_id, content=content)
                ]
            case QueuedEvent(position=position, running=running):
                return [CustomEvent(name=QUEUED_EVENT, value={"position": position, "running": running})]
            case AgentEvent(diagram=diagram):
                drawn: list[BaseEvent] = []
                if diagram is not None:
                    kind = "er" if diagram.lstrip().startswith("erDiagram") else "lineage"
                    drawn.append(CustomEvent(name=DIAGRAM_EVENT, value={"kind": kind, "source": diagram}))
                finished = RunFinishedEvent(thread_id=self.thread_id, run_id=self.run_id)
                return [*self._end_text(), *drawn, finished]
            case ErrorEvent(content=message, code=code):
                return [*self._end_text(), RunErrorEvent(message=message, code=code)]
        return []

    def _end_text(self) -> list[BaseEvent]:
        if self._text_id is None:
            return []
        ended, self._text_id = TextMessageEndEvent(message_id=self._text_id), None
        return [ended]


def run_error(message: str, accept: str | None = None, code: str = "internal_error") -> str:
    """One encoded RUN_ERROR event: a run that ended for a reason outside its session (its kernel
    restarted or stopped)."""
    return EventEncoder(accept=accept or "").encode(RunErrorEvent(message=message, code=code))


async def ag_ui_events(
    config: SessionConfig, body: bytes, accept: str | None = None
) -> AsyncGenerator[str, None]:
    """Encoded AG-UI events (server-sent events) for one run. Raises RunInputError before the first.
    Closing the generator early (the client left) cancels the answer and gives its slot back."""
    run_input = parse_run_input(body, config.max_question_chars)
    history, question = conversation(run_input)
    # the client holds the conversation: nothing of the run is stored, its slots are the server's
    ephemeral = dataclasses.replace(config, store=MemoryStore(), journal_interval=None)
    session = ExplorerSession(run_input.thread_id, ephemeral, user="ag-ui")
    session.history = history
    encoder, told = EventEncoder(accept=accept or ""), AGUIEvents(run_input.thread_id, run_input.run_id)
    answer = session.ask(question)
    try:
        try:
            first = await anext(answer)  # the question echoed: the run has started
        except ProtocolError as refused:
            raise RunInputError(refused.message) from None
        for opening in [told.started(), *told.of(first)]:
            yield encoder.encode(opening)
        async for later in answer:
            for ag_ui_event in told.of(later):
                yield encoder.encode(ag_ui_event)
    finally:
        await answer.aclose()
        await session.close()
