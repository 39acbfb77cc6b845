"""Client frames are parsed with clear errors; events encode as the original design (v1) or v2."""

from __future__ import annotations

import json

import pytest

from mcop_kernel.protocol import (
    AgentEvent,
    AskFrame,
    CancelFrame,
    ErrorEvent,
    PartialEvent,
    ProtocolError,
    ResumeFrame,
    ToolEvent,
    ToolStartEvent,
    UserEvent,
    encode,
    error_message,
    parse,
)


def test_the_original_designs_message_is_a_question() -> None:
    assert parse('{"content": "Show me all tables"}') == AskFrame(content="Show me all tables")


def test_cancel_and_resume_frames() -> None:
    assert parse('{"type": "cancel"}') == CancelFrame(type="cancel")
    assert parse('{"type": "resume", "last_seq": 12}') == ResumeFrame(type="resume", last_seq=12)


@pytest.mark.parametrize(
    ("frame", "code", "words"),
    [
        ("not json", "invalid_json", "not valid JSON"),
        ('{"content": "unterminated', "invalid_json", "not valid JSON"),
        ("[1, 2]", "not_an_object", "JSON object"),
        ('"just a string"', "not_an_object", "JSON object"),
        ("{}", "missing_content", 'no "content"'),
        ('{"question": "hi"}', "missing_content", 'no "content"'),
        ('{"content": 42}', "content_not_string", "must be a string"),
        ('{"content": null}', "content_not_string", "must be a string"),
        ('{"content": ["a"]}', "content_not_string", "must be a string"),
        ('{"content": ""}', "empty_content", "Empty message"),
        ('{"content": "   \\n\\t"}', "empty_content", "Empty message"),
        ('{"type": "explode", "content": "x"}', "unknown_type", "Unknown message type"),
        ('{"type": 7}', "unknown_type", "Unknown message type"),
        ('{"type": "resume"}', "invalid_frame", "last_seq"),
        ('{"type": "resume", "last_seq": -1}', "invalid_frame", "last_seq"),
        ('{"type": "resume", "last_seq": "3"}', "invalid_frame", "last_seq"),
        ("[" * 100_000 + "]" * 100_000, "invalid_json", "not valid JSON"),
    ],
)
def test_bad_frames_say_what_is_wrong(frame: str, code: str, words: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse(frame)
    assert caught.value.code == code
    assert words in caught.value.message


def test_binary_frames_are_refused() -> None:
    with pytest.raises(ProtocolError) as caught:
        parse(b'{"content": "hi"}')
    assert caught.value.code == "binary_frame"


def test_oversized_questions_are_refused_with_the_limit() -> None:
    assert parse(json.dumps({"content": "x" * 100}), max_question_chars=100).content == "x" * 100  # type: ignore[union-attr]
    with pytest.raises(ProtocolError) as caught:
        parse(json.dumps({"content": "x" * 101}), max_question_chars=100)
    assert caught.value.code == "content_too_long"
    assert "101" in caught.value.message and "100" in caught.value.message


def test_v1_is_the_original_design_exactly() -> None:
    assert json.loads(encode(UserEvent("Show me all tables"), 1) or "") == {
        "type": "user",
        "content": "Show me all tables",
    }
    assert json.loads(encode(PartialEvent(" are", "Here are"), 1, seq=5) or "") == {
        "type": "agent_partial",
        "content": "Here are",
    }
    assert json.loads(encode(ToolEvent("list_tables", '[{"name": "x"}]', "call-1"), 1) or "") == {
        "type": "tool",
        "content": '[{"name": "x"}]',
        "tool_name": "list_tables",
    }
    assert json.loads(encode(AgentEvent("Done", "erDiagram\n  a ||--o{ b : has"), 1) or "") == {
        "type": "agent",
        "content": "Done",
        "diagram": "erDiagram\n  a ||--o{ b : has",
    }
    assert json.loads(encode(AgentEvent("Done"), 1) or "") == {
        "type": "agent",
        "content": "Done",
        "diagram": None,
    }
    assert json.loads(encode(ErrorEvent("Agent error: boom", "model_error"), 1) or "") == {
        "type": "error",
        "content": "Agent error: boom",
    }
    assert encode(ToolStartEvent("list_tables", {}, "call-1"), 1) is None


def test_v2_sends_deltas_sequence_numbers_tool_starts_and_codes() -> None:
    assert json.loads(encode(PartialEvent(" are", "Here are"), 2, seq=5) or "") == {
        "type": "agent_partial",
        "delta": " are",
        "seq": 5,
    }
    assert json.loads(encode(ToolStartEvent("describe_table", {"table": "x"}, "c1"), 2, seq=6) or "") == {
        "type": "tool_start",
        "tool_name": "describe_table",
        "args": {"table": "x"},
        "tool_call_id": "c1",
        "seq": 6,
    }
    assert (
        json.loads(encode(ErrorEvent("Answer cancelled.", "cancelled"), 2, seq=9) or "")["code"]
        == "cancelled"
    )


def test_non_ascii_travels_as_is() -> None:
    assert "Lieferant Ä 客户" in (encode(PartialEvent("客户", "Lieferant Ä 客户"), 1) or "")


def test_refusals_are_error_messages_in_the_clients_version() -> None:
    refusal = ProtocolError("empty_content", "Empty message")
    assert json.loads(error_message(refusal, 1)) == {"type": "error", "content": "Empty message"}
    assert json.loads(error_message(refusal, 2)) == {
        "type": "error",
        "content": "Empty message",
        "code": "empty_content",
    }
