"""An AG-UI run is an answer of a session: it takes the answer slots a session's answers take (waits
in line, says so, gives the slot back), continues the conversation the client sends, and tells the
session's events as AG-UI events. The tests at the end POST runs to a real Jupyter server, in both
modes: the run answered in the server's process, and in the user's MCOP kernel."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from pydantic_ai.messages import ModelMessage, ModelRequest, ModelResponse, TextPart, UserPromptPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from tornado.httpclient import HTTPResponse
from tornado.websocket import WebSocketClientConnection
from ws_client import SESSIONS_IN, receive, until_final
from ws_client import both_modes as jp_server_config

from mcop_kernel.ag_ui import RunInputError, ag_ui_events
from mcop_kernel.config import session_config

__all__ = ["jp_server_config"]  # the server tests take `sessions_in` by parametrize
Fetch = Callable[..., Awaitable[HTTPResponse]]
Connect = Callable[..., Awaitable[WebSocketClientConnection]]


def run_body(question: str, *earlier: dict[str, Any]) -> bytes:
    messages = [*earlier, {"id": "m9", "role": "user", "content": question}]
    body = {"threadId": "t1", "runId": "r1", "state": None, "messages": messages, "tools": []}
    body |= {"context": [], "forwardedProps": None}
    return json.dumps(body).encode()


def parsed(chunks: list[str]) -> list[dict[str, Any]]:
    lines = "".join(chunks).splitlines()
    return [json.loads(line.removeprefix("data: ")) for line in lines if line.startswith("data: ")]


async def run(config: Any, body: bytes) -> list[dict[str, Any]]:
    return parsed([chunk async for chunk in ag_ui_events(config, body)])


async def test_an_ag_ui_run_waits_for_a_free_answer_slot_and_gives_it_back() -> None:
    config = session_config("offline", "sample")
    config.max_running_answers = 1
    assert config.slots.try_acquire(1)  # a session's answer holds the server's one slot
    events = ag_ui_events(config, run_body("Who owns the supplier table?"))
    chunks = [await asyncio.wait_for(anext(events), 30), await asyncio.wait_for(anext(events), 30)]
    started, queued = parsed(chunks)
    assert started["type"] == "RUN_STARTED"
    assert queued == {"type": "CUSTOM", "name": "mcop.queued", "value": {"position": 1, "running": 1}}
    more = asyncio.ensure_future(anext(events))
    await asyncio.sleep(0.5)
    assert not more.done(), "the answer went on although every answer slot was taken"
    config.slots.release()
    chunks.append(await asyncio.wait_for(more, 30))
    async for chunk in events:
        chunks.append(chunk)
    kinds = [event["type"] for event in parsed(chunks)]
    assert kinds[-1] == "RUN_FINISHED" and "RUN_ERROR" not in kinds
    assert config.slots.running == 0
    assert config.slots.try_acquire(1)
    config.slots.release()


async def test_an_ag_ui_run_abandoned_midway_gives_its_slot_back() -> None:
    config = session_config("offline", "sample")
    config.max_running_answers = 1
    events = ag_ui_events(config, run_body("Show me all tables"))
    await anext(events)
    assert config.slots.running == 1
    await events.aclose()
    assert config.slots.running == 0


async def test_a_run_tells_text_tool_calls_and_the_diagram_in_ag_ui_order() -> None:
    config = session_config("offline", "sample")
    events = await run(config, run_body("Show relationships between fact_bs_purchase_order and suppliers"))
    kinds = [event["type"] for event in events]
    assert kinds[0] == "RUN_STARTED" and kinds[-2:] == ["CUSTOM", "RUN_FINISHED"]
    calls = [e for e in events if e["type"].startswith("TOOL_CALL")]
    assert calls and {e["toolCallId"] for e in calls} == {
        e["toolCallId"] for e in calls if e["type"] == "TOOL_CALL_RESULT"
    }
    open_text: set[str] = set()
    for event in events:  # every text message is started before its content, and ended
        if event["type"] == "TEXT_MESSAGE_START":
            assert not open_text
            open_text.add(event["messageId"])
        elif event["type"] == "TEXT_MESSAGE_CONTENT":
            assert event["messageId"] in open_text and event["delta"]
        elif event["type"] == "TEXT_MESSAGE_END":
            open_text.remove(event["messageId"])
        else:
            assert not open_text, f"{event['type']} inside a text message"
    text = "".join(e["delta"] for e in events if e["type"] == "TEXT_MESSAGE_CONTENT")
    assert "dimv_bs_supplier" in text
    diagram = events[-2]
    assert diagram["name"] == "mcop.diagram" and diagram["value"]["kind"] == "er"
    assert "dimv_bs_supplier ||--o{ fact_bs_purchase_order" in diagram["value"]["source"]


async def test_a_run_continues_the_conversation_the_client_sends() -> None:
    seen: list[list[ModelMessage]] = []

    def reply(messages: list[ModelMessage], info: AgentInfo) -> Any:
        seen.append(messages)
        return ModelResponse(parts=[TextPart("noted")])

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> Any:
        seen.append(messages)
        yield "noted"

    config = session_config(FunctionModel(reply, stream_function=stream), "sample")
    earlier: list[dict[str, Any]] = [
        {"id": "m1", "role": "user", "content": "Who owns suppliers?"},
        {"id": "m2", "role": "assistant", "content": "Ana owns it."},
    ]
    events = await run(config, run_body("And orders?", *earlier))
    assert events[-1]["type"] == "RUN_FINISHED"
    prompts = [
        part.content
        for message in seen[0]
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, UserPromptPart)
    ]
    assert prompts == ["Who owns suppliers?", "And orders?"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (run_body("   "), "Empty message"),
        (
            json.dumps(
                {
                    "threadId": "t",
                    "runId": "r",
                    "messages": [{"id": "a", "role": "assistant", "content": "hi"}],
                }
                | {"state": None, "tools": [], "context": [], "forwardedProps": None}
            ).encode(),
            "must end with the user's question",
        ),
    ],
)
async def test_a_run_without_a_question_is_refused_before_it_starts(body: bytes, words: str) -> None:
    events = ag_ui_events(session_config("offline", "sample"), body)
    with pytest.raises(RunInputError, match=words):
        await anext(events)


async def test_a_run_past_the_timeout_ends_with_the_sessions_run_error() -> None:
    config = session_config("synthetic:200:20", "sample")
    config.timeout = 0.3
    events = await run(config, run_body("go"))
    assert events[-1] == {
        "type": "RUN_ERROR",
        "message": "Request timeout (0.3s). Please try a simpler query.",
        "code": "timeout",
    }
    assert config.slots.running == 0


# ---------------------------------------------------------------------------- in a real server, both modes


async def post_run(jp_fetch: Fetch, body: bytes, on_chunk: Callable[[bytes], None] | None = None) -> Any:
    headers = {"Accept": "text/event-stream"}
    return await asyncio.wait_for(
        jp_fetch("mcop", "ag-ui", method="POST", body=body, headers=headers, streaming_callback=on_chunk),
        90,  # a kernel still starting, then the answer
    )


@pytest.mark.parametrize("sessions_in", SESSIONS_IN)
async def test_a_run_in_the_server_tells_the_answer_and_a_follow_up_uses_the_conversation(
    jp_fetch: Fetch,
) -> None:
    response = await post_run(jp_fetch, run_body("Describe the supplier table"))
    assert response.headers["Content-Type"].startswith("text/event-stream")
    first = parsed([response.body.decode()])
    assert first[0]["type"] == "RUN_STARTED" and first[-1]["type"] == "RUN_FINISHED"
    start = next(e for e in first if e["type"] == "TOOL_CALL_START")
    args = next(e for e in first if e["type"] == "TOOL_CALL_ARGS")
    result = next(e for e in first if e["type"] == "TOOL_CALL_RESULT")
    said = "".join(e["delta"] for e in first if e["type"] == "TEXT_MESSAGE_CONTENT")
    assert "dimv_bs_supplier" in said
    call = {"id": start["toolCallId"], "type": "function"}
    call["function"] = {"name": start["toolCallName"], "arguments": args["delta"]}
    earlier: list[dict[str, Any]] = [
        {"id": "m1", "role": "user", "content": "Describe the supplier table"},
        {"id": "m2", "role": "assistant", "content": "", "toolCalls": [call]},
        {"id": "m3", "role": "tool", "content": result["content"], "toolCallId": start["toolCallId"]},
        {"id": "m4", "role": "assistant", "content": said},
    ]
    follow_up = parsed([(await post_run(jp_fetch, run_body("who owns it?", *earlier))).body.decode()])
    text = "".join(e["delta"] for e in follow_up if e["type"] == "TEXT_MESSAGE_CONTENT")
    assert "Anna Lindqvist" in text and "dimv_bs_supplier" in text


@pytest.mark.parametrize("sessions_in", SESSIONS_IN)
@pytest.mark.parametrize("server_model", ["synthetic:300:10"])
@pytest.mark.parametrize("server_settings", [{"max_running_answers": 1}])
async def test_a_run_waits_behind_a_websocket_answer_for_the_one_answer_slot(
    jp_fetch: Fetch, mcop_ws: Connect
) -> None:
    ws = await mcop_ws("busy", params={"protocol": "2"})
    await ws.write_message(json.dumps({"content": "go"}))
    while (await receive(ws, timeout=90))["type"] != "agent_partial":
        pass  # the WebSocket's answer holds the slot
    chunks: list[bytes] = []
    run_ = asyncio.ensure_future(post_run(jp_fetch, run_body("go"), chunks.append))
    answered = await until_final(ws, timeout=30)
    events = parsed([b"".join(chunks).decode()])
    assert answered[-1]["type"] == "agent"
    assert events[:2] == [
        {"type": "RUN_STARTED", "threadId": "t1", "runId": "r1"},
        {"type": "CUSTOM", "name": "mcop.queued", "value": {"position": 1, "running": 1}},
    ]
    await run_
    events = parsed([b"".join(chunks).decode()])
    assert events[-1]["type"] == "RUN_FINISHED"
    text = "".join(e["delta"] for e in events if e["type"] == "TEXT_MESSAGE_CONTENT")
    assert text.count("token") == 300
