"""Scripted models and catalogs for session tests: each turn of a conversation written out by hand."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
)
from pydantic_ai.models.function import AgentInfo, DeltaToolCall, FunctionModel


def _after_tool(messages: list[ModelMessage]) -> bool:
    last = messages[-1]
    return isinstance(last, ModelRequest) and any(isinstance(p, ToolReturnPart) for p in last.parts)


def tool_then_text(
    tool: str, args: dict[str, Any], lead: list[str], answer: list[str], *, delay: float = 0.0
) -> FunctionModel:
    """Streams `lead`, calls `tool`, then streams `answer` (like an LLM that says "let me check")."""

    async def stream(
        messages: list[ModelMessage], info: AgentInfo
    ) -> AsyncIterator[str | dict[int, DeltaToolCall]]:
        if _after_tool(messages):
            for word in answer:
                await asyncio.sleep(delay)
                yield word
            return
        for word in lead:
            await asyncio.sleep(delay)
            yield word
        yield {1: DeltaToolCall(name=tool, json_args=json.dumps(args), tool_call_id="call-1")}

    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if _after_tool(messages):
            return ModelResponse(parts=[TextPart("".join(answer))])
        return ModelResponse(parts=[TextPart("".join(lead)), ToolCallPart(tool, args, "call-1")])

    return FunctionModel(respond, stream_function=stream, model_name="scripted")


def words(text: str, *, delay: float = 0.0) -> FunctionModel:
    """Streams `text` word by word, `delay` seconds apart; calls no tool."""
    chunks = [w + " " for w in text.split()]

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        for chunk in chunks:
            await asyncio.sleep(delay)
            yield chunk

    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[TextPart("".join(chunks))])

    return FunctionModel(respond, stream_function=stream, model_name="words")


def failing(error: Callable[[], Exception]) -> FunctionModel:
    """A model whose provider fails on every request."""

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        raise error()
        yield ""  # pragma: no cover - makes this an async generator

    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        raise error()

    return FunctionModel(respond, stream_function=stream, model_name="failing")
