"""AG-UI runs take the answer slots a session's answers take: they wait in line, then give it back."""

from __future__ import annotations

import asyncio
import json

from mcop_kernel.ag_ui import ag_ui_events
from mcop_kernel.config import session_config


def run_body(question: str) -> bytes:
    message = {"id": "m1", "role": "user", "content": question}
    body = {"threadId": "t1", "runId": "r1", "state": None, "messages": [message], "tools": []}
    body |= {"context": [], "forwardedProps": None}
    return json.dumps(body).encode()


async def test_an_ag_ui_run_waits_for_a_free_answer_slot_and_gives_it_back() -> None:
    config = session_config("offline", "sample")
    config.max_running_answers = 1
    assert config.slots.try_acquire(1)  # a session's answer holds the server's one slot
    events = ag_ui_events(config, run_body("Who owns the supplier table?"))
    first = asyncio.ensure_future(anext(events))
    await asyncio.sleep(0.5)
    assert not first.done(), "the run started although every answer slot was taken"
    config.slots.release()
    chunks = [await asyncio.wait_for(first, 30)]
    async for chunk in events:
        chunks.append(chunk)
    text = "".join(chunks)
    assert "RUN_FINISHED" in text and "RUN_ERROR" not in text
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
