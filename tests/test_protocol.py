"""Client frames are parsed with clear errors; events encode as the original design (v1) or v2."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable

import pytest
from tornado.websocket import WebSocketClientConnection
from ws_client import ask, receive, until_final

from mcop_kernel.protocol import (
    TOOL_CONTENT_LIMIT,
    AgentEvent,
    AskFrame,
    CancelFrame,
    ErrorEvent,
    NoticeEvent,
    PartialEvent,
    ProtocolError,
    ProtocolVersion,
    QueuedEvent,
    ResumeFrame,
    ToolEvent,
    ToolStartEvent,
    UserEvent,
    bounded_tool_content,
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


def large_result(tables: int = 120) -> str:
    return json.dumps(
        {
            "total": tables,
            "offset": 0,
            "items": [
                {
                    "name": f"table_{i}",
                    "type": "FACT",
                    "description": "A table whose description is long enough to matter. " * 3,
                    "columns": [{"name": f"c{j}", "data_type": "integer"} for j in range(12)],
                }
                for i in range(tables)
            ],
        }
    )


@pytest.mark.parametrize("version", [1, 2])
def test_a_large_tool_result_reaches_clients_as_a_bounded_json_summary(version: ProtocolVersion) -> None:
    full = large_result()
    assert len(full) > 20 * TOOL_CONTENT_LIMIT
    message = json.loads(encode(ToolEvent("list_tables", full, "c1"), version, seq=3) or "")
    content = message["content"]
    assert len(content) <= TOOL_CONTENT_LIMIT
    summary = json.loads(content)
    assert summary["total"] == 120 and summary["offset"] == 0  # scalar keys are kept
    shown = summary["items"]
    assert 0 < len(shown) < 120
    assert shown[0]["name"] == "table_0"
    assert summary["_summary"]["characters"] == len(full)
    assert summary["_summary"]["left_out"]["items"] == 120 - len(shown)
    assert summary["_summary"]["left_out"]["items[].columns"] == len(shown) * 12 - sum(
        len(t["columns"]) for t in shown
    )


def test_small_tool_results_travel_unchanged_and_odd_ones_stay_bounded() -> None:
    small = '{"name": "suppliers", "columns": [1, 2, 3]}'
    assert bounded_tool_content(small) == small
    for odd in (
        "plain text, not JSON " * 500,
        json.dumps([list(range(50)) for _ in range(100)]),
        json.dumps({f"key_{i}": i for i in range(2_000)}),  # thousands of scalars: a preview
        json.dumps({"deep": [[[["x" * 300] * 20] * 20] * 5]}),
        json.dumps('"quoted\\\\' * 2_000),
    ):
        bounded = bounded_tool_content(odd)
        assert len(bounded) <= TOOL_CONTENT_LIMIT
        assert json.loads(bounded)["_summary"]["characters"] == len(odd)


@pytest.mark.parametrize("version", ["1", "2"])
async def test_a_websocket_client_gets_a_bounded_list_tables_and_the_full_answer(
    mcop_ws: Callable[..., Awaitable[WebSocketClientConnection]], version: str
) -> None:
    ws = await mcop_ws(f"bounded-v{version}", params={"protocol": version})
    responses = await ask(ws, "Show me all tables")
    tool = next(r for r in responses if r["type"] == "tool")
    assert tool["tool_name"] == "list_tables"
    assert len(tool["content"]) <= TOOL_CONTENT_LIMIT
    summary = json.loads(tool["content"])
    shown = [t["name"] for t in summary["items"]]
    left_out = summary["_summary"]["left_out"]["items"]
    assert left_out > 0
    answer = responses[-1]["content"]
    listed = re.findall(r"^\d+\. (\S+) \(", answer, flags=re.MULTILINE)
    assert len(listed) >= len(shown) + left_out  # the model read every table, not the summary
    assert set(shown) <= set(listed)


def test_queued_is_a_v2_message_and_v1_clients_never_see_it() -> None:
    event = QueuedEvent(position=3, running=16)
    assert encode(event, 1, seq=7) is None
    assert json.loads(encode(event, 2, seq=7) or "") == {
        "type": "queued",
        "position": 3,
        "running": 16,
        "seq": 7,
    }
    notice = NoticeEvent("This answer could not be saved: disk full")
    assert json.loads(encode(notice, 1) or "") == {"type": "error", "content": notice.content}
    assert json.loads(encode(notice, 2, seq=8) or "")["code"] == "not_saved"


@pytest.mark.parametrize("server_model", ["synthetic:100:10"])  # about 1 s an answer
@pytest.mark.parametrize("server_settings", [{"max_running_answers": 1, "answer_timeout": 2.5}])
async def test_answers_beyond_the_servers_limit_wait_in_order_and_v2_clients_are_told(
    mcop_ws: Callable[..., Awaitable[WebSocketClientConnection]],
) -> None:
    running = await mcop_ws("running", params={"protocol": "2"})
    waiting = await mcop_ws("waiting", params={"protocol": "2"})
    original = await mcop_ws("original")  # v1
    await running.write_message(json.dumps({"content": "the first question"}))
    assert (await receive(running))["type"] == "user"
    assert (await receive(running))["type"] == "agent_partial"  # it runs: the only slot is taken
    await waiting.write_message(json.dumps({"content": "the second question"}))
    await asyncio.sleep(0.05)
    await original.write_message(json.dumps({"content": "the third question"}))
    asked = time.monotonic()
    second, third = await asyncio.gather(until_final(waiting, 15), until_final(original, 15))
    waited = time.monotonic() - asked
    first = await until_final(running, 15)
    assert [m["type"] for m in second[:2]] == ["user", "queued"]
    assert {k: second[1][k] for k in ("position", "running")} == {"position": 1, "running": 1}
    assert "queued" not in [m["type"] for m in third]  # v1 is the original design's protocol exactly
    # The third answer waited for two others and ran for about 1 s: its 2.5 s timeout counts from
    # when it started running.
    assert [x[-1]["type"] for x in (first, second, third)] == ["agent", "agent", "agent"]
    assert waited > 2.5
