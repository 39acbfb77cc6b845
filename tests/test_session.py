"""The session streams answers in order, queues, cancels, times out, survives failures and restarts."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import socket
from pathlib import Path
from typing import Any

import pytest
from pydantic_ai import models
from pydantic_ai.exceptions import ModelHTTPError
from pydantic_ai.models import Model
from scripted import failing, tool_then_text, words

from mcop_kernel.agent import build_agent
from mcop_kernel.catalog.sample import sample_catalog
from mcop_kernel.protocol import (
    AgentEvent,
    ErrorEvent,
    Event,
    PartialEvent,
    ProtocolError,
    QueuedEvent,
    ToolEvent,
    ToolStartEvent,
)
from mcop_kernel.session import ExplorerSession, SessionConfig
from mcop_kernel.store import MemoryStore, SessionStore, SQLiteStore

models.ALLOW_MODEL_REQUESTS = False


def config(
    model: Model, *, catalog: Any = None, store: SessionStore | None = None, **kw: Any
) -> SessionConfig:
    return SessionConfig(build_agent(model), catalog or sample_catalog(), store or MemoryStore(), **kw)


async def collect(session: ExplorerSession, question: str) -> list[Event]:
    return [event async for event in session.ask(question)]


DESCRIBE = tool_then_text(
    "describe_table", {"table": "suppliers"}, ["Let ", "me ", "check."], ["It ", "has ", "columns."]
)


async def test_tool_message_comes_between_partials_and_the_final_answer() -> None:
    session = await ExplorerSession.open("s1", config(DESCRIBE))
    events = await collect(session, "Describe the supplier table")
    kinds = [e.kind for e in events]
    assert kinds[0] == "user"
    assert kinds[-1] == "agent"
    first_tool = kinds.index("tool")
    assert "agent_partial" in kinds[:first_tool]
    assert "agent_partial" in kinds[first_tool:]
    assert kinds.index("tool_start") < first_tool
    tool = next(e for e in events if isinstance(e, ToolEvent))
    assert tool.tool_name == "describe_table"
    assert json.loads(tool.content)["name"] == "dimv_bs_supplier"
    final = events[-1]
    assert isinstance(final, AgentEvent)
    assert final.content == "Let me check.\n\nIt has columns."
    partials = [e for e in events if isinstance(e, PartialEvent)]
    assert "".join(p.delta for p in partials) == final.content
    assert partials[-1].text == final.content


async def test_an_unknown_table_is_an_answer_not_a_failure() -> None:
    model = tool_then_text("describe_table", {"table": "spaceships"}, [], ["Not ", "found."])
    session = await ExplorerSession.open("s", config(model))
    events = await collect(session, "Describe spaceships")
    tool = next(e for e in events if isinstance(e, ToolEvent))
    assert "No table named 'spaceships'" in json.loads(tool.content)["error"]
    assert isinstance(events[-1], AgentEvent)


async def test_questions_are_answered_one_at_a_time_in_order() -> None:
    session = await ExplorerSession.open("s", config(words("one two three", delay=0.01)))
    first, second = session.submit("first"), session.submit("second")
    finals: list[tuple[int, str]] = []
    async for batch in session.follow(0):
        finals += [(item.answer, item.event.kind) for item in batch if item.event.kind in {"user", "agent"}]
        if len(finals) == 4:
            break
    assert finals == [(first, "user"), (first, "agent"), (second, "user"), (second, "agent")]


async def test_a_full_queue_refuses_with_a_clear_error() -> None:
    session = await ExplorerSession.open("s", config(words("slow answer", delay=0.5), max_queued=2))
    session.submit("a")
    await asyncio.sleep(0.05)  # "a" is running: the queue is empty again
    session.submit("b")
    session.submit("c")
    with pytest.raises(ProtocolError) as caught:
        session.submit("d")
    assert caught.value.code == "queue_full"
    await session.close()


async def test_empty_and_oversized_questions_are_refused() -> None:
    session = await ExplorerSession.open("s", config(words("x"), max_question_chars=10))
    for question, code in [("", "empty_content"), ("  ", "empty_content"), ("x" * 11, "content_too_long")]:
        with pytest.raises(ProtocolError) as caught:
            session.submit(question)
        assert caught.value.code == code


async def test_cancel_stops_the_answer_and_the_session_goes_on() -> None:
    session = await ExplorerSession.open("s", config(words(" ".join(["word"] * 200), delay=0.01)))
    seen: list[Event] = []
    async for event in session.ask("a long answer please"):
        seen.append(event)
        if isinstance(event, PartialEvent) and sum(isinstance(e, PartialEvent) for e in seen) == 3:
            assert session.cancel()
    assert isinstance(seen[-1], ErrorEvent)
    assert seen[-1].code == "cancelled"
    assert sum(isinstance(e, PartialEvent) for e in seen) < 50
    assert not session.cancel()
    stopped = session.transcript[-1]
    assert stopped.error == "Answer cancelled." and stopped.answer.startswith("word word word")
    again = await collect(session, "again")
    assert isinstance(again[-1], AgentEvent)


async def test_a_slow_answer_times_out_as_an_error_message() -> None:
    session = await ExplorerSession.open("s", config(words("never ending story", delay=1.0), timeout=0.2))
    events = await collect(session, "anything")
    assert isinstance(events[-1], ErrorEvent)
    assert events[-1].code == "timeout"
    assert events[-1].content == "Request timeout (0.2s). Please try a simpler query."


class ExplodingCatalog:
    description = "a catalog that fails"

    async def describe_table(self, name: str) -> Any:
        raise RuntimeError("connection reset by catalog")


async def test_a_failing_tool_is_an_error_and_the_session_stays_usable() -> None:
    session = await ExplorerSession.open("s", config(DESCRIBE, catalog=ExplodingCatalog()))
    events = await collect(session, "Describe suppliers")
    assert isinstance(events[-1], ErrorEvent)
    assert events[-1].code == "tool_error"
    assert "describe_table" in events[-1].content and "connection reset" in events[-1].content
    session.config.catalog = sample_catalog()
    assert isinstance((await collect(session, "Describe suppliers"))[-1], AgentEvent)


async def test_a_failing_model_is_an_error_without_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-live-abcdef123456")
    boom = failing(lambda: ModelHTTPError(401, "gpt-x", {"message": "bad key sk-live-abcdef123456"}))
    session = await ExplorerSession.open("s", config(boom))
    events = await collect(session, "Show me all tables")
    assert isinstance(events[-1], ErrorEvent)
    assert events[-1].code == "model_error"
    assert events[-1].content.startswith("Agent error:")
    assert "sk-live-abcdef123456" not in events[-1].content
    assert session.history == []


async def test_two_followers_see_the_same_answer() -> None:
    session = await ExplorerSession.open("s", config(words("alpha beta gamma delta", delay=0.005)))

    async def text_seen() -> str:
        text = ""
        async for batch in session.follow(session.last_seq):
            for item in batch:
                if isinstance(item.event, PartialEvent):
                    text += item.event.delta
                if isinstance(item.event, AgentEvent):
                    assert text == item.event.content
                    return text
        return text

    one = asyncio.create_task(text_seen())
    two = asyncio.create_task(text_seen())
    await asyncio.sleep(0)
    session.submit("q")
    assert await one == await two == "alpha beta gamma delta "


async def test_a_slow_reader_gets_partials_merged_not_one_per_token() -> None:
    session = await ExplorerSession.open("s", config(words(" ".join(f"w{i}" for i in range(300)))))
    session.submit("q")
    batches = 0
    partial_messages = 0
    async for batch in session.follow(0):
        batches += 1
        partial_messages += sum(isinstance(item.event, PartialEvent) for item in batch)
        await asyncio.sleep(0.02)  # a reader slower than the tokens
        if any(item.event.kind == "agent" for item in batch):
            break
    assert partial_messages < 30


async def test_every_partial_carries_the_text_so_far_wherever_a_reader_joins() -> None:
    """v1 clients show `text`; it must be exactly the deltas so far, for a reader that keeps up, a
    slow one, one that joins mid-answer and one that reads everything again afterwards, across the
    tool call that splits the answer's text."""
    lead, rest = [f"l{i} " for i in range(100)], [f"r{i} " for i in range(100)]
    model = tool_then_text("describe_table", {"table": "suppliers"}, lead, rest, delay=0.001)
    session = await ExplorerSession.open("s", config(model))

    async def read(after: int, pause: float) -> list[PartialEvent]:
        partials: list[PartialEvent] = []
        async for batch in session.follow(after):
            partials += [item.event for item in batch if isinstance(item.event, PartialEvent)]
            if any(item.event.kind == "agent" for item in batch):
                return partials
            await asyncio.sleep(pause)
        return partials

    session.submit("q")
    keeping_up = asyncio.create_task(read(0, 0))
    slow = asyncio.create_task(read(0, 0.03))
    while session.last_seq < 50:  # some way into the first 100 tokens
        await asyncio.sleep(0.005)
    mid_answer = asyncio.create_task(read(session.last_seq, 0.01))
    runs = [await keeping_up, await slow, await mid_answer, await read(0, 0)]
    answer = "".join(lead) + "\n\n" + "".join(rest)
    for partials in runs:
        assert partials[-1].text == answer
        assert all(b.text == a.text + b.delta for a, b in itertools.pairwise(partials))
    assert runs[0][0].text == runs[0][0].delta
    assert len(runs[1]) < len(runs[0])
    start = runs[2][0]
    assert 0 < len(start.text) - len(start.delta) < len(answer)
    assert [p.text for p in runs[3]] == ["".join(lead), answer]  # one partial each side of the tool


async def test_a_reconnecting_reader_gets_what_it_missed() -> None:
    session = await ExplorerSession.open("s", config(DESCRIBE))
    events = await collect(session, "Describe suppliers")
    assert isinstance(events[-1], AgentEvent)
    missed = [item.event for item in session.events_since(0)]
    assert missed[-1] == events[-1]
    assert "".join(e.delta for e in missed if isinstance(e, PartialEvent)) == events[-1].content
    await collect(session, "Describe suppliers again")
    older = [item.event for item in session.events_since(0) if item.answer == 1]
    assert [e.kind for e in older if not isinstance(e, ToolStartEvent)] == ["user", "tool", "agent"]


async def test_history_survives_a_new_session_on_the_same_store(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "sessions.sqlite")
    first = await ExplorerSession.open("kept", config(DESCRIBE, store=store))
    await collect(first, "Describe suppliers")
    again = await ExplorerSession.open(
        "kept", config(DESCRIBE, store=SQLiteStore(tmp_path / "sessions.sqlite"))
    )
    assert len(again.history) == len(first.history) > 0
    assert [x.question for x in again.transcript] == ["Describe suppliers"]
    assert again.transcript[0].answer == "Let me check.\n\nIt has columns."
    assert again.last_seq == first.last_seq
    other = await ExplorerSession.open("kept", config(DESCRIBE, store=store), user="someone-else")
    assert other.history == []


async def test_many_sessions_save_at_once_through_one_store(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "sessions.sqlite")
    sessions = [await ExplorerSession.open(f"s{i}", config(DESCRIBE, store=store)) for i in range(12)]
    await asyncio.gather(*(collect(session, f"Question {i}") for i, session in enumerate(sessions)))
    store.close()
    reopened = SQLiteStore(tmp_path / "sessions.sqlite")
    for i in range(12):
        saved = reopened.load("local", f"s{i}")
        assert [x.question for x in saved.transcript] == [f"Question {i}"]
        assert saved.last_seq == sessions[i].last_seq
    with pytest.raises(RuntimeError, match="closed"):
        store.load("local", "s0")
    reopened.close()


async def test_close_ends_a_running_answer_with_an_error() -> None:
    session = await ExplorerSession.open("s", config(words(" ".join(["w"] * 100), delay=0.05)))
    session.submit("q")
    await asyncio.sleep(0.1)
    await session.close()
    final = session.events_since(0)[-1].event
    assert isinstance(final, ErrorEvent) and final.code == "cancelled"
    with pytest.raises(ProtocolError):
        session.submit("after close")


async def test_a_model_server_that_is_down_is_named_in_the_error(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.providers.ollama import OllamaProvider

    with socket.socket() as probe:  # a port on 127.0.0.1 that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(models, "ALLOW_MODEL_REQUESTS", True)  # to a closed local port only
    url = f"http://127.0.0.1:{port}/v1"
    model = OpenAIChatModel("llama3.2", provider=OllamaProvider(base_url=url))
    session = await ExplorerSession.open("down", config(model, timeout=20))
    with caplog.at_level(logging.INFO, logger="mcop_kernel"):
        events = await collect(session, "Show me all tables")
    await session.close()
    final = events[-1]
    assert isinstance(final, ErrorEvent) and final.code == "model_error"
    assert final.content == (
        f"Could not reach the model server at {url} (ollama:llama3.2): connection refused. "
        "Is Ollama running? Set OLLAMA_BASE_URL to its address."
    )
    logged = [r for r in caplog.records if url in r.getMessage()]
    assert len(logged) == 1 and logged[0].levelno == logging.INFO and logged[0].exc_info is None
    assert session.transcript[-1].error == final.content


# ---------------------------------------------------------------------------- a server's answer slots


async def test_answers_beyond_the_limit_wait_in_order_across_sessions() -> None:
    shared = config(words("one two three four", delay=0.02), max_running_answers=2, timeout=0.5)
    sessions = [await ExplorerSession.open(f"s{i}", shared) for i in range(5)]
    started: list[str] = []
    most = 0

    async def answer(session: ExplorerSession) -> list[Event]:
        nonlocal most
        events: list[Event] = []
        async for event in session.ask("q"):
            if isinstance(event, PartialEvent) and not any(isinstance(e, PartialEvent) for e in events):
                started.append(session.session_id)
            most = max(most, shared.slots.running)
            events.append(event)
        return events

    results = await asyncio.gather(*(answer(s) for s in sessions))
    assert started == [f"s{i}" for i in range(5)]  # first come, first served
    assert most == 2 and shared.slots.running == 0
    queued = [[e for e in events if isinstance(e, QueuedEvent)] for events in results]
    assert queued[:2] == [[], []]
    assert [q[0].position for q in queued[2:]] == [1, 2, 3]
    # Five answers of about 0.1 s, two at a time: the last ends after 0.3 s, yet each one's 0.5 s
    # timeout counts only from when it started, so all of them finish.
    assert all(isinstance(events[-1], AgentEvent) for events in results)


async def test_a_waiting_question_can_be_cancelled_and_gives_its_place_up() -> None:
    shared = config(words(" ".join(["w"] * 40), delay=0.01), max_running_answers=1)
    first, second, third = [await ExplorerSession.open(f"s{i}", shared) for i in range(3)]
    first.submit("long")
    await asyncio.sleep(0.05)
    second.submit("waits")
    third.submit("waits too")
    await asyncio.sleep(0.02)
    assert second.cancel()
    again = await collect(second, "next")  # waits behind the third session's question
    assert isinstance(again[-1], AgentEvent)
    cancelled = [item.event for item in second.events_since(0) if item.answer == 1]
    assert isinstance(cancelled[-1], ErrorEvent) and cancelled[-1].code == "cancelled"
    assert second.transcript[0].error == "Answer cancelled." and not second.transcript[0].unfinished
    assert [x.question for x in third.transcript] == ["waits too"]
    assert shared.slots.running == 0 and shared.slots.waiting == 0
