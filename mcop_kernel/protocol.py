"""The wire protocol: client frames parsed with clear errors, and answer events encoded as v1 or v2.

v1 is the original design's protocol exactly: `user`, `agent_partial` carrying the whole text so
far, `tool`, `agent` with `diagram`, and `error`. v2, chosen by the client, sends only the new text
in each partial (`delta`), numbers every message (`seq`) so a client can resume, adds `tool_start`
messages, says when a question waits for a free slot (`queued`) and gives every error a `code`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, TypeAdapter, ValidationError

ProtocolVersion = Literal[1, 2]
PROTOCOL_VERSIONS: tuple[ProtocolVersion, ...] = (1, 2)
DEFAULT_MAX_QUESTION_CHARS = 4_000
TOOL_CONTENT_LIMIT = 2_000
"""The most characters of a tool result a client receives (the model always gets all of it)."""

ErrorCode = Literal[
    "invalid_json",
    "binary_frame",
    "not_an_object",
    "missing_content",
    "content_not_string",
    "empty_content",
    "content_too_long",
    "invalid_content",
    "unknown_type",
    "invalid_frame",
    "queue_full",
    "nothing_to_cancel",
    "cancelled",
    "timeout",
    "model_error",
    "tool_error",
    "catalog_error",
    "not_saved",
    "internal_error",
]


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
_client_frames: TypeAdapter[AskFrame | CancelFrame | ResumeFrame] = TypeAdapter(ClientFrame)
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
        _check_question(data, max_question_chars)
    try:
        return _client_frames.validate_python(data)
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"][1:]) or "message"
        raise ProtocolError("invalid_frame", f"Invalid {kind} message: {where} is not valid.") from None


def _check_question(data: dict[str, Any], max_chars: int) -> None:
    if "content" not in data:
        raise ProtocolError(
            "missing_content", 'The message has no "content": send {"content": "your question"}.'
        )
    content = data["content"]
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
    match event:
        case UserEvent(content=content):
            message: dict[str, Any] = {"type": "user", "content": content}
        case PartialEvent(delta=delta, text=text):
            message = (
                {"type": "agent_partial", "content": text}
                if version == 1
                else {"type": "agent_partial", "delta": delta}
            )
        case ToolStartEvent(tool_name=name, args=args, tool_call_id=call_id):
            if version == 1:
                return None
            message = {"type": "tool_start", "tool_name": name, "args": args, "tool_call_id": call_id}
        case ToolEvent(tool_name=name, content=content, tool_call_id=call_id):
            message = {"type": "tool", "content": bounded_tool_content(content), "tool_name": name}
            if version == 2:
                message["tool_call_id"] = call_id
        case AgentEvent(content=content, diagram=diagram):
            message = {"type": "agent", "content": content, "diagram": diagram}
        case ErrorEvent(content=content, code=code) | NoticeEvent(content=content, code=code):
            message = {"type": "error", "content": content}
            if version == 2:
                message["code"] = code
        case QueuedEvent(position=position, running=running):
            if version == 1:
                return None
            message = {"type": "queued", "position": position, "running": running}
    if version == 2 and seq is not None:
        message["seq"] = seq
    return message


def encode(event: Event, version: ProtocolVersion, seq: int | None = None) -> str | None:
    """`to_message` as JSON text (non-ASCII kept as is)."""
    message = to_message(event, version, seq)
    return None if message is None else json.dumps(message, ensure_ascii=False)


def error_message(error: ProtocolError, version: ProtocolVersion) -> str:
    """The frame that tells a client its message was refused (not numbered: it is not in the log)."""
    return json.dumps(to_message(ErrorEvent(error.message, error.code), version), ensure_ascii=False)


# ---------------------------------------------------------------------------- tool results on the wire

_SHRINK_STEPS = ((10, 400), (5, 160), (3, 80), (1, 48), (0, 32))
"""(items kept per list, characters kept per string), tried in turn until a summary fits."""


@lru_cache(maxsize=64)
def bounded_tool_content(content: str, limit: int = TOOL_CONTENT_LIMIT) -> str:
    """A tool result as clients receive it: as is up to `limit` characters; longer, valid JSON that
    keeps the scalar keys and the first items of each list, and says under `"_summary"` how long the
    result was and how many items of each list were left out (`"tables[].columns"`: summed over the
    tables shown). A result that is not JSON becomes `{"text": its beginning, "_summary": ...}`."""
    if len(content) <= limit:
        return content
    try:
        data: Any = json.loads(content)
    except ValueError:
        data = content
    for items, chars in _SHRINK_STEPS:
        left_out: dict[str, int] = {}
        summary = _summary(len(content), left_out)
        shrunk = _shrink(data, items, chars, "", left_out)
        body = {**shrunk, "_summary": summary} if isinstance(shrunk, dict) else _wrap(shrunk, summary)
        text = json.dumps(body, ensure_ascii=False)
        if len(text) <= limit:
            return text
    preview = content[: limit // 2]
    while True:  # each round halves the preview, so this ends
        text = json.dumps({"preview": preview, "_summary": _summary(len(content), {})}, ensure_ascii=False)
        if len(text) <= limit or not preview:
            return text
        preview = preview[: len(preview) // 2]


def _summary(characters: int, left_out: dict[str, int]) -> dict[str, Any]:
    return {
        "characters": characters,
        "left_out": left_out,
        "note": "Shortened for display; the model read the whole result.",
    }


def _wrap(value: Any, summary: dict[str, Any]) -> dict[str, Any]:
    return {"text" if isinstance(value, str) else "items": value, "_summary": summary}


def _shrink(value: Any, items: int, chars: int, path: str, left_out: dict[str, int]) -> Any:
    """`value` with lists cut to `items` entries (counted in `left_out` by path) and strings to `chars`."""
    if isinstance(value, str):
        return value if len(value) <= chars else value[: max(chars - 1, 0)] + "…"
    if isinstance(value, list):
        where = path or "items"
        if len(value) > items:
            left_out[where] = left_out.get(where, 0) + len(value) - items
        return [_shrink(item, items, chars, where + "[]", left_out) for item in value[:items]]
    if isinstance(value, dict):
        return {
            key: _shrink(item, items, chars, f"{path}.{key}" if path else str(key), left_out)
            for key, item in value.items()
        }
    return value
