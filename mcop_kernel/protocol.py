"""The wire protocol: client frames parsed with clear errors, and answer events encoded as v1 or v2.

v1 is the original design's protocol exactly: `user`, `agent_partial` carrying the whole text so
far, `tool`, `agent` with `diagram`, and `error`. v2, chosen by the client, sends only the new text
in each partial (`delta`), numbers every message (`seq`) so a client can resume, adds `tool_start`
messages, says when a question waits for a free slot (`queued`) and gives every error a `code`.

Every server message is built from, and decoded to, one of the models in `protocol_messages` (one
union on `type`); `protocol_schema` prints the JSON Schema of both directions. A question is checked
here only (`check_question`), whether a frame, `ExplorerSession.submit` or an AG-UI run brought it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, TypeAdapter, ValidationError

from .protocol_messages import (
    AgentMessage,
    ErrorCode,
    ErrorMessage,
    PartialMessage,
    QueuedMessage,
    ServerMessage,
    ToolMessage,
    ToolStartMessage,
    UserMessage,
    decode,
    wire,
)
from .protocol_tools import TOOL_CONTENT_LIMIT, bounded_tool_content

__all__ = [  # the names other modules take from here, declared where they are defined
    "TOOL_CONTENT_LIMIT",
    "ErrorCode",
    "ServerMessage",
    "bounded_tool_content",
    "decode",
]

ProtocolVersion = Literal[1, 2]
PROTOCOL_VERSIONS: tuple[ProtocolVersion, ...] = (1, 2)
DEFAULT_MAX_QUESTION_CHARS = 4_000


# ---------------------------------------------------------------------------- client -> server


class _Frame(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class AskFrame(_Frame):
    """A question: `{"content": "..."}` (the original design's only message)."""

    type: Literal["ask"] = "ask"
    content: StrictStr


class CancelFrame(_Frame):
    """Stop the answer in flight."""

    type: Literal["cancel"]


class ResumeFrame(_Frame):
    """v2: send me everything after `last_seq`."""

    type: Literal["resume"]
    last_seq: Annotated[StrictInt, Field(ge=0)]


ClientFrame = Annotated[AskFrame | CancelFrame | ResumeFrame, Field(discriminator="type")]
client_frames: TypeAdapter[AskFrame | CancelFrame | ResumeFrame] = TypeAdapter(ClientFrame)
_FRAME_TYPES = ("ask", "cancel", "resume")


class ProtocolError(ValueError):
    """A client frame that cannot be accepted. `message` is written for the user."""

    def __init__(self, code: ErrorCode, message: str):
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message


def parse(
    frame: str | bytes | dict[str, Any], *, max_question_chars: int = DEFAULT_MAX_QUESTION_CHARS
) -> ClientFrame:
    """Parse one client frame (JSON text, or the object a widget comm has decoded already), or raise
    ProtocolError saying what is wrong with it."""
    if isinstance(frame, bytes | bytearray | memoryview):
        raise ProtocolError("binary_frame", "Binary frames are not accepted; send JSON text.")
    try:
        data: Any = dict(frame) if isinstance(frame, dict) else json.loads(frame)
    except (ValueError, RecursionError):
        raise ProtocolError("invalid_json", "The message is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ProtocolError("not_an_object", 'The message must be a JSON object such as {"content": "..."}.')
    kind = data.setdefault("type", "ask")
    if kind not in _FRAME_TYPES:
        shown = json.dumps(kind)[:40]
        expected = ", ".join(_FRAME_TYPES)
        raise ProtocolError("unknown_type", f"Unknown message type {shown}; expected one of: {expected}.")
    if kind == "ask":
        if "content" not in data:
            raise ProtocolError(
                "missing_content", 'The message has no "content": send {"content": "your question"}.'
            )
        check_question(data["content"], max_question_chars)
    try:
        return client_frames.validate_python(data)
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"][1:]) or "message"
        raise ProtocolError("invalid_frame", f"Invalid {kind} message: {where} is not valid.") from None


def check_question(content: object, max_chars: int) -> None:
    """Refuse a question that is not a string, is empty, is not text or is over `max_chars`: the one
    check of a question, whatever brought it (a frame, `ExplorerSession.submit`, an AG-UI run)."""
    if not isinstance(content, str):
        raise ProtocolError("content_not_string", '"content" must be a string.')
    if not content.strip():
        raise ProtocolError("empty_content", "Empty message")
    try:
        content.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate such as "\ud800": it can be neither sent nor kept
        raise ProtocolError(
            "invalid_content",
            f"The question holds U+{ord(content[exc.start]):04X}, a lone surrogate that is not a character;"
            " remove it and ask again.",
        ) from None
    if len(content) > max_chars:
        raise ProtocolError(
            "content_too_long", f"The question is {len(content):,} characters; the limit is {max_chars:,}."
        )


# ---------------------------------------------------------------------------- server -> client


@dataclass(frozen=True, slots=True)
class UserEvent:
    """The question, echoed as the answer to it begins."""

    content: str
    kind: Literal["user"] = "user"


@dataclass(frozen=True, slots=True)
class PartialEvent:
    """New answer text: `delta` was appended, giving `text`."""

    delta: str
    text: str
    kind: Literal["agent_partial"] = "agent_partial"


@dataclass(frozen=True, slots=True)
class ToolStartEvent:
    """A tool was called (v2 only)."""

    tool_name: str
    args: dict[str, Any]
    tool_call_id: str
    kind: Literal["tool_start"] = "tool_start"


@dataclass(frozen=True, slots=True)
class ToolEvent:
    """A tool returned; `content` is its result as JSON text."""

    tool_name: str
    content: str
    tool_call_id: str = ""
    kind: Literal["tool"] = "tool"


@dataclass(frozen=True, slots=True)
class AgentEvent:
    """The final answer, with the diagram the tools drew for it (Mermaid text) or None."""

    content: str
    diagram: str | None = None
    tools: tuple[str, ...] = field(default=())
    kind: Literal["agent"] = "agent"


@dataclass(frozen=True, slots=True)
class ErrorEvent:
    """Something went wrong; the session stays usable."""

    content: str
    code: ErrorCode = "internal_error"
    kind: Literal["error"] = "error"


@dataclass(frozen=True, slots=True)
class QueuedEvent:
    """The question waits for one of the server's answer slots (v2 only): `position` is its place in
    the line (1: next), `running` how many answers run meanwhile."""

    position: int
    running: int
    kind: Literal["queued"] = "queued"


@dataclass(frozen=True, slots=True)
class NoticeEvent:
    """Something the readers of an answer must know after it ended, such as that it could not be
    saved; sent as an error message, after the final one."""

    content: str
    code: ErrorCode = "not_saved"
    kind: Literal["notice"] = "notice"


Event = (
    UserEvent
    | PartialEvent
    | ToolStartEvent
    | ToolEvent
    | AgentEvent
    | ErrorEvent
    | QueuedEvent
    | NoticeEvent
)
FINAL_KINDS = frozenset({"agent", "error"})


def to_message(event: Event, version: ProtocolVersion, seq: int | None = None) -> dict[str, Any] | None:
    """The JSON object a client of `version` receives for `event`; None when that version has none."""
    return None if (message := to_server_message(event, version, seq)) is None else wire(message)


def to_server_message(event: Event, version: ProtocolVersion, seq: int | None = None) -> ServerMessage | None:
    """The server message a client of `version` receives for `event` (numbered in v2 with `seq`)."""
    numbered: dict[str, Any] = {"seq": seq} if version == 2 and seq is not None else {}
    match event:
        case UserEvent(content=content):
            return UserMessage(type="user", content=content, **numbered)
        case PartialEvent(delta=delta, text=text):
            if version == 1:
                return PartialMessage(type="agent_partial", content=text)
            return PartialMessage(type="agent_partial", delta=delta, **numbered)
        case ToolStartEvent(tool_name=name, args=args, tool_call_id=call_id):
            if version == 1:
                return None
            return ToolStartMessage(
                type="tool_start", tool_name=name, args=args, tool_call_id=call_id, **numbered
            )
        case ToolEvent(tool_name=name, content=content, tool_call_id=call_id):
            shown = bounded_tool_content(content)
            if version == 1:
                return ToolMessage(type="tool", content=shown, tool_name=name)
            return ToolMessage(type="tool", content=shown, tool_name=name, tool_call_id=call_id, **numbered)
        case AgentEvent(content=content, diagram=diagram):
            return AgentMessage(type="agent", content=content, diagram=diagram, **numbered)
        case ErrorEvent(content=content, code=code) | NoticeEvent(content=content, code=code):
            if version == 1:
                return ErrorMessage(type="error", content=content)
            return ErrorMessage(type="error", content=content, code=code, **numbered)
        case QueuedEvent(position=position, running=running):
            if version == 1:
                return None
            return QueuedMessage(type="queued", position=position, running=running, **numbered)


def to_event(message: ServerMessage, text_so_far: str = "") -> Event:
    """A server message read back as the event it was encoded from; a partial continues
    `text_so_far`, the answer's text before it."""
    match message:
        case UserMessage(content=content):
            return UserEvent(content)
        case PartialMessage(delta=delta, content=content):
            new = delta if delta is not None else (content or "")[len(text_so_far) :]
            return PartialEvent(new, text_so_far + new)
        case ToolStartMessage(tool_name=name, args=args, tool_call_id=call_id):
            return ToolStartEvent(name, args, call_id)
        case ToolMessage(tool_name=name, content=content, tool_call_id=call_id):
            return ToolEvent(name, content, call_id or "")
        case AgentMessage(content=content, diagram=diagram):
            return AgentEvent(content, diagram)
        case ErrorMessage(content=content, code=code):
            return ErrorEvent(content, code or "internal_error")
        case QueuedMessage(position=position, running=running):
            return QueuedEvent(position, running)


def encode(event: Event, version: ProtocolVersion, seq: int | None = None) -> str | None:
    """`to_message` as JSON text (non-ASCII kept as is)."""
    message = to_message(event, version, seq)
    return None if message is None else json.dumps(message, ensure_ascii=False)


def error_message(error: ProtocolError, version: ProtocolVersion) -> str:
    """The frame that tells a client its message was refused (not numbered: it is not in the log)."""
    return json.dumps(to_message(ErrorEvent(error.message, error.code), version), ensure_ascii=False)
