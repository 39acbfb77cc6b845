"""The server's messages, declared once: one pydantic model per `type`, unioned on that field, with
one decoder; `protocol_schema` publishes their JSON Schema (`docs/protocol.schema.json`).

A field that only one protocol version sends is optional here and left out of the other's messages
(`model_dump(exclude_unset=True)`): v1's `agent_partial` has `content` (the whole text so far), v2's
`delta` (the new text) and every v2 message of the log has `seq`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

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

_ERROR_CODES: frozenset[str] = frozenset(get_args(ErrorCode))

Absent = SkipJsonSchema[None]
"""A field a message may leave out (never sent as null): `str | Absent = None`."""
Seq = Annotated[int, Field(ge=1, description="v2: the message's number in the session's log.")]


class _Message(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class UserMessage(_Message):
    """The question, echoed as the answer to it begins."""

    type: Literal["user"]
    content: str
    seq: Seq | Absent = None


class PartialMessage(_Message):
    """More answer text: v1 sends the whole text so far in `content`, v2 the new text in `delta`."""

    model_config = ConfigDict(
        json_schema_extra={"anyOf": [{"required": ["content"]}, {"required": ["delta"]}]}
    )

    type: Literal["agent_partial"]
    content: str | Absent = Field(default=None, description="v1: the whole answer text so far.")
    delta: str | Absent = Field(default=None, description="v2: the text added since the last partial.")
    seq: Seq | Absent = None

    @model_validator(mode="after")
    def _carries_text(self) -> PartialMessage:
        """One of the two is there (a reader given both takes `delta`); the schema says so with anyOf."""
        if self.content is None and self.delta is None:
            raise ValueError("an agent_partial carries content (v1) or delta (v2)")
        return self


class ToolStartMessage(_Message):
    """v2: a tool was called with `args`."""

    type: Literal["tool_start"]
    tool_name: str
    args: dict[str, Any]
    tool_call_id: str
    seq: Seq | Absent = None


class ToolMessage(_Message):
    """A tool returned; `content` is its result as JSON text, summarised past 2,000 characters."""

    type: Literal["tool"]
    content: str
    tool_name: str
    tool_call_id: str | Absent = Field(default=None, description="v2: matches the `tool_start` message.")
    seq: Seq | Absent = None


class AgentMessage(_Message):
    """The final answer, with the Mermaid source of the diagram its tools drew, or null."""

    type: Literal["agent"]
    content: str
    diagram: str | None
    seq: Seq | Absent = None


class ErrorMessage(_Message):
    """The answer failed, or a client frame was refused (then not numbered); the session stays usable."""

    type: Literal["error"]
    content: str
    code: ErrorCode | Absent = Field(default=None, description="v2: what went wrong, for programs.")
    seq: Seq | Absent = None

    @field_validator("code", mode="before")
    @classmethod
    def _known_code(cls, code: object) -> object:
        """A code this side does not know (a newer server's) reads as `internal_error`."""
        return "internal_error" if isinstance(code, str) and code not in _ERROR_CODES else code


class QueuedMessage(_Message):
    """v2: the question waits for an answer slot; `position` 1 is next, `running` answers run meanwhile."""

    type: Literal["queued"]
    position: int
    running: int
    seq: Seq | Absent = None


ServerMessage = Annotated[
    UserMessage
    | PartialMessage
    | ToolStartMessage
    | ToolMessage
    | AgentMessage
    | ErrorMessage
    | QueuedMessage,
    Field(discriminator="type"),
]
server_messages: TypeAdapter[ServerMessage] = TypeAdapter(ServerMessage)


class MessageError(ValueError):
    """A server message that is not one of the protocol's."""


def decode(message: str | bytes | dict[str, Any]) -> ServerMessage:
    """A server message (JSON text, or the object a widget comm has decoded) as its model, or
    MessageError saying why it is not one."""
    try:
        if isinstance(message, dict):
            return server_messages.validate_python(message)
        return server_messages.validate_json(message)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "message"
        raise MessageError(f"Not a server message ({where}: {first['msg']}).") from None


def wire(message: _Message) -> dict[str, Any]:
    """The JSON object a client receives: the fields the message was built with, in declared order."""
    return message.model_dump(exclude_unset=True)
