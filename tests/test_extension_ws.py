"""The WebSocket endpoint inside a real Jupyter server: the original design's scenarios, v1 and v2,
bad input, reconnects, several tabs, cancel, queue, timeout and failures."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from pydantic_ai import models
from tornado.httpclient import HTTPClientError
from tornado.websocket import WebSocketClientConnection
from ws_client import ask, receive, sessions_in, until_final
from ws_client import both_modes as jp_server_config

__all__ = ["jp_server_config", "sessions_in"]  # every test here runs in both modes

Connect = Callable[..., Awaitable[WebSocketClientConnection]]
OWNER_QUESTION = "who owns the supplier table?"
RELATIONSHIPS = "Show relationships between fact_bs_purchase_order and suppliers"


async def test_the_original_designs_websocket_streaming_scenario(mcop_ws: Connect) -> None:
    ws = await mcop_ws("test-session")
    responses = await ask(ws, "Show me all tables")
    assert responses[0] == {"type": "user", "content": "Show me all tables"}
    assert any(r["type"] == "agent_partial" for r in responses)
    assert responses[-1]["type"] == "agent"
    assert "fact_bs_purchase_order (FACT)" in responses[-1]["content"]
    assert "dimv_bs_supplier (DIMENSION)" in responses[-1]["content"]
    assert responses[-1]["diagram"] is None
    partials = [r["content"] for r in responses if r["type"] == "agent_partial"]
    assert all(later.startswith(earlier) for earlier, later in itertools.pairwise(partials))
    assert partials[-1] == responses[-1]["content"]
    assert set(responses[0]) == {"type", "content"}  # v1: no seq, exactly the design's fields


async def test_relationships_stream_a_tool_message_and_end_with_an_er_diagram(mcop_ws: Connect) -> None:
    ws = await mcop_ws("er")
    responses = await ask(ws, RELATIONSHIPS)
    kinds = [r["type"] for r in responses]
    first_tool = kinds.index("tool")
    assert "agent_partial" in kinds[:first_tool] and "agent_partial" in kinds[first_tool:]
    tool = responses[first_tool]
    assert tool["tool_name"] == "find_relationships"
    assert json.loads(tool["content"])["table"] == "fact_bs_purchase_order"
    final = responses[-1]
    assert final["diagram"].startswith("erDiagram")
    assert "dimv_bs_supplier ||--o{ fact_bs_purchase_order" in final["diagram"]
    assert "tool_start" not in kinds


async def test_v2_sends_deltas_with_sequence_numbers(mcop_ws: Connect) -> None:
    ws = await mcop_ws("v2", params={"protocol": "2"})
    responses = await ask(ws, RELATIONSHIPS)
    seqs = [r["seq"] for r in responses]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    kinds = [r["type"] for r in responses]
    assert kinds.index("tool_start") < kinds.index("tool")
    text = "".join(r["delta"] for r in responses if r["type"] == "agent_partial")
    assert text == responses[-1]["content"]
    assert all("content" not in r for r in responses if r["type"] == "agent_partial")


async def test_v2_by_subprotocol(mcop_ws: Connect) -> None:
    ws = await mcop_ws("sub", subprotocols=["mcop.v2"])
    assert ws.selected_subprotocol == "mcop.v2"
    responses = await ask(ws, "who owns the supplier table?")
    assert "seq" in responses[-1] and "Anna Lindqvist" in responses[-1]["content"]


async def test_no_credentials_no_connection(mcop_ws: Connect) -> None:
    with pytest.raises(HTTPClientError) as refused:
        await mcop_ws("x", headers={"Authorization": ""})
    assert refused.value.code == 403


@pytest.mark.parametrize(
    ("frame", "words", "code"),
    [
        ("not json", "not valid JSON", "invalid_json"),
        ("[1, 2]", "JSON object", "not_an_object"),
        ('{"question": "hi"}', 'no "content"', "missing_content"),
        ('{"content": 5}', "must be a string", "content_not_string"),
        ('{"content": ""}', "Empty message", "empty_content"),
        ('{"content": "' + "x" * 4001 + '"}', "limit is 4,000", "content_too_long"),
        ('{"type": "dance"}', "Unknown message type", "unknown_type"),
        ('{"type": "cancel"}', "No answer is running", "nothing_to_cancel"),
        (b'{"content": "binary"}', "Binary frames", "binary_frame"),
    ],
)
async def test_bad_input_gets_an_error_and_the_connection_stays_open(
    mcop_ws: Connect, frame: str | bytes, words: str, code: str
) -> None:
    v1 = await mcop_ws("bad")
    await v1.write_message(frame, binary=isinstance(frame, bytes))
    refusal = await receive(v1)
    assert refusal["type"] == "error" and words in refusal["content"]
    assert (await ask(v1, "who owns invoices?"))[-1]["type"] == "agent"
    v2 = await mcop_ws("bad2", params={"protocol": "2"})
    await v2.write_message(frame, binary=isinstance(frame, bytes))
    assert (await receive(v2))["code"] == code


async def test_a_frame_over_the_size_limit_closes_with_1009(mcop_ws: Connect) -> None:
    ws = await mcop_ws("huge")
    await ws.write_message(json.dumps({"content": "x" * 200_000}))
    assert await asyncio.wait_for(ws.read_message(), 60) is None  # a starting kernel: read once it is up
    assert ws.close_code == 1009
    other = await mcop_ws("huge")
    assert (await ask(other, "who owns invoices?"))[-1]["type"] == "agent"


@pytest.mark.parametrize("server_model", ["synthetic:300:5"])
async def test_disconnect_mid_answer_then_reconnect_gets_the_answer(mcop_ws: Connect) -> None:
    ws = await mcop_ws("flaky")
    await ws.write_message(json.dumps({"content": "go"}))
    assert (await receive(ws))["type"] == "user"
    assert (await receive(ws))["type"] == "agent_partial"
    ws.close()
    again = await mcop_ws("flaky")
    final = (await until_final(again))[-1]
    assert final["type"] == "agent" and final["content"].count("token") == 300


@pytest.mark.parametrize("server_model", ["synthetic:200:5"])
async def test_v2_resumes_after_the_last_sequence_number_seen(mcop_ws: Connect) -> None:
    ws = await mcop_ws("resume", params={"protocol": "2"})
    await ws.write_message(json.dumps({"content": "go"}))
    seen = [await receive(ws) for _ in range(3)]
    ws.close()
    await asyncio.sleep(1.5)  # the answer finishes while nobody is connected
    again = await mcop_ws("resume", params={"protocol": "2", "last_seq": str(seen[-1]["seq"])})
    rest = await until_final(again)
    assert rest[0]["seq"] > seen[-1]["seq"]
    assert rest[-1]["type"] == "agent" and rest[-1]["content"].count("token") == 200


@pytest.mark.parametrize("server_model", ["synthetic:200:2"])
async def test_two_tabs_see_the_same_answer(mcop_ws: Connect) -> None:
    one = await mcop_ws("shared")
    two = await mcop_ws("shared")
    await one.write_message(json.dumps({"content": "go"}))
    first, second = await asyncio.gather(until_final(one), until_final(two))
    assert first[0] == second[0] == {"type": "user", "content": "go"}
    assert first[-1] == second[-1]


@pytest.mark.parametrize("server_model", ["synthetic:2000:5"])
async def test_cancel_stops_the_answer(mcop_ws: Connect) -> None:
    ws = await mcop_ws("stop", params={"protocol": "2"})
    await ws.write_message(json.dumps({"content": "go"}))
    assert (await receive(ws))["type"] == "user"
    await ws.write_message(json.dumps({"type": "cancel"}))
    final = (await until_final(ws))[-1]
    assert final["type"] == "error" and final["code"] == "cancelled"


@pytest.mark.parametrize("server_model", ["synthetic:100:5"])
@pytest.mark.parametrize("server_settings", [{"max_queued": 1}])
async def test_questions_queue_and_a_full_queue_is_refused(mcop_ws: Connect) -> None:
    ws = await mcop_ws("queue", params={"protocol": "2"})
    for question in ("first", "second", "third"):
        await ws.write_message(json.dumps({"content": question}))
    got: list[dict[str, Any]] = []
    while sum(m["type"] == "agent" for m in got) < 2:
        got.append(await receive(ws))
    refusals = [m for m in got if m["type"] == "error"]
    assert [m["code"] for m in refusals] == ["queue_full"]
    assert [m["content"] for m in got if m["type"] == "user"] == ["first", "second"]


@pytest.mark.parametrize("server_model", ["synthetic:100:20"])
@pytest.mark.parametrize("server_settings", [{"answer_timeout": 0.3}])
async def test_a_slow_answer_times_out(mcop_ws: Connect) -> None:
    ws = await mcop_ws("slow")
    final = (await ask(ws, "go"))[-1]
    assert final == {"type": "error", "content": "Request timeout (0.3s). Please try a simpler query."}


@pytest.mark.parametrize("server_model", ["openai-chat:some-model"])
@pytest.mark.parametrize(
    "server_env",
    [{"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": "sk-never-shown-0123456789"}],
)
async def test_an_unreachable_model_is_an_error_message(
    mcop_ws: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(models, "ALLOW_MODEL_REQUESTS", True)  # nothing listens on 127.0.0.1:9
    ws = await mcop_ws("down")
    final = (await ask(ws, "Show me all tables"))[-1]
    assert final["type"] == "error"
    assert final["content"].startswith("Could not reach the model server at http://127.0.0.1:9/v1")
    assert "connection refused" in final["content"] and "OPENAI_BASE_URL" in final["content"]
    assert "sk-never-shown" not in final["content"]


@pytest.mark.parametrize("server_model", ["synthetic:2000"])
async def test_a_slow_reader_gets_merged_partials_not_one_per_token(mcop_ws: Connect) -> None:
    ws = await mcop_ws("lazy")
    await ws.write_message(json.dumps({"content": "go"}))
    got: list[dict[str, Any]] = []
    while not got or got[-1]["type"] != "agent":
        got.append(await receive(ws))
        await asyncio.sleep(0.01)  # reads slower than tokens arrive
    partials = [m for m in got if m["type"] == "agent_partial"]
    assert len(partials) < 200
    wire = sum(len(json.dumps(m)) for m in got)
    assert wire < 250 * len(got[-1]["content"])  # the original would send ~1,000x the text


async def test_resuming_past_the_last_message_follows_from_the_end(mcop_ws: Connect) -> None:
    first = await mcop_ws("ahead", params={"protocol": "2"})
    done = await ask(first, OWNER_QUESTION)
    # A number the session never reached (kept from another server, or from before a reset).
    ahead = await mcop_ws("ahead", params={"protocol": "2", "last_seq": str(done[-1]["seq"] + 1000)})
    later = await ask(ahead, "who owns invoices?")
    assert later[0]["type"] == "user" and later[0]["seq"] == done[-1]["seq"] + 1
    assert later[-1]["type"] == "agent"
    await ahead.write_message(json.dumps({"type": "resume", "last_seq": 10**9}))
    assert (await ask(ahead, OWNER_QUESTION))[-1]["type"] == "agent"  # and so does a resume frame


async def test_a_text_frame_that_is_not_utf8_closes_with_1007(mcop_ws: Connect) -> None:
    ws = await mcop_ws("bytes")
    assert ws.protocol is not None
    await ws.protocol._write_frame(True, 0x1, b'{"content": "\xc3\x28"}')  # type: ignore[attr-defined]
    assert await asyncio.wait_for(ws.read_message(), 60) is None  # a starting kernel: read once it is up
    assert ws.close_code == 1007
    other = await mcop_ws("bytes")
    assert (await ask(other, OWNER_QUESTION))[-1]["type"] == "agent"
