"""The server's messages are models in one union: every message a client of v1 or v2 receives is
valid against the published JSON Schema, decodes to its model and reads back as the same event."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from mcop_kernel.protocol import (
    AgentEvent,
    ErrorEvent,
    Event,
    NoticeEvent,
    PartialEvent,
    ProtocolVersion,
    QueuedEvent,
    ToolEvent,
    ToolStartEvent,
    UserEvent,
    decode,
    encode,
    to_event,
)
from mcop_kernel.protocol_messages import ErrorMessage, MessageError, PartialMessage
from mcop_kernel.protocol_schema import json_schema, schema_text

SCHEMA_FILE = Path(__file__).parents[1] / "docs" / "protocol.schema.json"
ANSWER: list[Event] = [
    UserEvent("Show me all tables"),
    QueuedEvent(1, 4),
    PartialEvent("Here ", "Here "),
    ToolStartEvent("list_tables", {"limit": 3}, "call_1"),
    ToolEvent("list_tables", json.dumps({"tables": ["a" * 50] * 100}), "call_1"),
    PartialEvent("are é tables", "Here are é tables"),
    AgentEvent("Here are é tables", "erDiagram\n  a ||--o{ b : has", ("list_tables",)),
    ErrorEvent("Answer cancelled.", "cancelled"),
    NoticeEvent("This answer could not be saved"),
]


def _validator(ref: str) -> Any:
    schema = {**json_schema(), "oneOf": [{"$ref": f"#/$defs/{ref}"}]}
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_the_published_schema_is_what_the_models_generate() -> None:
    """Regenerate with `python -m mcop_kernel.protocol_schema > docs/protocol.schema.json`."""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text()


@pytest.mark.parametrize("version", [1, 2])
def test_every_message_a_client_receives_is_valid_against_the_schema(version: ProtocolVersion) -> None:
    server = _validator("ServerMessage")
    sent = [encode(event, version, seq) for seq, event in enumerate(ANSWER, start=1)]
    messages = [json.loads(text) for text in sent if text is not None]
    assert len(messages) == (7 if version == 1 else 9)  # v1 has no queued or tool_start messages
    for message in messages:
        server.validate(message)
    assert all(("seq" in m) == (version == 2) for m in messages)


def test_v2_messages_read_back_as_the_events_they_came_from() -> None:
    text, read = "", []
    for seq, event in enumerate(ANSWER, start=1):
        wire = encode(event, 2, seq)
        assert wire is not None
        back = to_event(decode(wire), text)
        text = back.text if isinstance(back, PartialEvent) else text
        read.append(back)
    shown = read[4]
    assert isinstance(shown, ToolEvent) and json.loads(shown.content)["_summary"]["left_out"]
    expected = list(ANSWER)
    expected[4] = ToolEvent("list_tables", shown.content, "call_1")  # clients get the bounded result
    expected[6] = AgentEvent("Here are é tables", "erDiagram\n  a ||--o{ b : has")  # tools: not sent
    expected[8] = ErrorEvent("This answer could not be saved", "not_saved")  # a notice is an error
    assert read == expected


def test_v1_partials_read_back_as_the_text_they_add() -> None:
    first = to_event(decode('{"type": "agent_partial", "content": "Here"}'), "")
    second = to_event(decode('{"type": "agent_partial", "content": "Here are"}'), "Here")
    assert (first, second) == (PartialEvent("Here", "Here"), PartialEvent(" are", "Here are"))


def test_client_frames_are_valid_against_the_schema_and_bad_ones_are_not() -> None:
    client = _validator("ClientFrame")
    for good in ({"content": "hi"}, {"type": "cancel"}, {"type": "resume", "last_seq": 3}):
        client.validate(good)
    for bad in ({"type": "resume", "last_seq": -1}, {"type": "explode"}, {"content": 42}):
        with pytest.raises(jsonschema.ValidationError):
            client.validate(bad)


@pytest.mark.parametrize(
    "message",
    [
        '{"type": "agent", "content": "x"}',  # the diagram is always sent, null when there is none
        '{"type": "tool", "content": "{}"}',
        '{"type": "agent_partial", "seq": 3}',  # a partial carries its text: content (v1) or delta (v2)
        '{"type": "agent_partial", "content": null, "delta": null}',
        '{"type": "launch"}',
        '{"content": "no type"}',
        '{"type": "user", "content": "x", "seq": 0}',
        "[1]",
        "not json",
    ],
)
def test_what_is_not_a_server_message_is_refused_by_the_decoder_and_the_schema(message: str) -> None:
    with pytest.raises(MessageError):
        decode(message)
    try:
        data: Any = json.loads(message)
    except ValueError:
        return
    with pytest.raises(jsonschema.ValidationError):
        _validator("ServerMessage").validate(data)


def test_an_error_code_this_client_does_not_know_reads_as_internal_error() -> None:
    message = decode({"type": "error", "content": "new", "code": "from_the_future", "seq": 4})
    assert message == ErrorMessage(type="error", content="new", code="internal_error", seq=4)
    assert isinstance(decode({"type": "agent_partial", "delta": "x", "extra": 1}), PartialMessage)
