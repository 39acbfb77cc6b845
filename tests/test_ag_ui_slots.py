"""An AG-UI run is an answer of a session: it takes the answer slots a session's answers take (waits
in line, says so, gives the slot back), continues the conversation the client sends, and tells the
session's events as AG-UI events."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from pydantic_ai.messages import ModelMessage, ModelRequest, ModelResponse, TextPart, UserPromptPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from mcop_kernel.ag_ui import RunInputError, ag_ui_events
from mcop_kernel.config import session_config


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
    earlier = [
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
