"""The answer so far: one fold of an answer's events into its text, tool calls, diagram, error and
whether it is finished. Every view (a notebook cell, the terminal, the MCOP kernel, a server's
session read back over its WebSocket) folds with it and keeps only the rendering."""

from __future__ import annotations

from typing import Any, NamedTuple

from .protocol import AgentEvent, ErrorEvent, Event, PartialEvent, ToolEvent, ToolStartEvent


class Failure(NamedTuple):
    """An answer that ended outside the session: refused, or the server could not be reached."""

    message: str
    code: str


Item = Event | Failure
"""What an answer is folded from: the session's events, and a failure outside it."""


class ToolCall(NamedTuple):
    """A tool the agent called: name, arguments, and its result as JSON text ("" if it never returned).
    Through a server the result is what every client receives: past 2,000 characters, a JSON summary
    that says what it left out (`protocol.bounded_tool_content`); in process it is the whole result."""

    name: str
    args: dict[str, Any]
    result: str


class AnswerSoFar:
    """One answer as its events arrive: `add` each, read the fields at any time."""

    def __init__(self, question: str):
        self.question = question
        self.text = ""
        self.tools: list[ToolCall] = []
        self.diagram: str | None = None
        self.error: str | None = None
        self.error_code: str | None = None
        self.done = False
        self.final: AgentEvent | ErrorEvent | None = None
        """The event that finished the answer (a failure outside the session as an `ErrorEvent`)."""
        self._calls: dict[str, int] = {}

    def add(self, item: Item) -> None:
        match item:
            case Failure(message=message, code=code):
                self.error, self.error_code, self.done = message, code, True
                self.final = ErrorEvent(message)
            case ErrorEvent(content=message, code=code):
                self.error, self.error_code, self.done, self.final = message, code, True, item
            case PartialEvent(text=text):
                self.text = text
            case ToolStartEvent(tool_name=name, args=args, tool_call_id=call_id):
                self._calls[call_id] = len(self.tools)
                self.tools.append(ToolCall(name, args, ""))
            case ToolEvent(tool_name=name, content=content, tool_call_id=call_id):
                index = self._calls.pop(call_id, None)
                if index is None:
                    self.tools.append(ToolCall(name, {}, content))
                else:
                    self.tools[index] = self.tools[index]._replace(result=content)
            case AgentEvent(content=content, diagram=diagram):
                self.text, self.diagram, self.done, self.final = content, diagram, True, item

    def continued(self, delta: str) -> PartialEvent:
        """The partial event that adds `delta` to the text so far (for events read back from a
        transport that sends only the new text)."""
        return PartialEvent(delta, self.text + delta)
