"""Self-hosted OpenAI-compatible servers (llama.cpp, vLLM, Ollama) as they are: their quirks handled.

- An assistant message that only calls tools goes out with `content: ""`, not `null` (llama.cpp's
  server answers HTTP 500 to `null`).
- A server that cannot stream a turn with tools ("streaming tool choice is not supported") is asked
  again without streaming for such turns; the text still arrives, in pieces (model_streams.py).
- A tool call printed as text becomes a real call when it names one of the agent's tools with an
  object of arguments; otherwise it is the answer (printed_calls.py).
- A request that offers no tools (the answer after the last round of calls) carries the earlier calls'
  results as plain text in a user message, not as `tool` messages: some servers' chat templates drop
  `tool` messages (llama-cpp-python's chatml-function-calling renders none of them, and HTML-escapes
  the quotes of JSON), so the model would answer without ever reading what the tools returned.
- A refusal is said in one sentence naming the server, its status and what to change (server_refusals.py).
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import replace
from typing import Any

from pydantic_ai import RunContext
from pydantic_ai.exceptions import ModelHTTPError, UnexpectedModelBehavior
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequestPart,
    ModelResponse,
    RetryPromptPart,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.models import ModelRequestParameters, StreamedResponse
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.profiles import merge_profile
from pydantic_ai.profiles.openai import OpenAIModelProfile
from pydantic_ai.settings import ModelSettings

from .model_streams import Repairing, Replayed
from .printed_calls import looks_like_call, parse_tool_calls, repaired
from .server_refusals import TOOL_FLAGS, ModelServerRefusal, cannot_stream_tools, refusal, server_message

__all__ = [
    "TOOL_FLAGS",
    "CompatibleChatModel",
    "ModelServerRefusal",
    "compatible_model",
    "looks_like_call",
    "parse_tool_calls",
    "plain_text",
    "server_message",
    "tools_as_text",
]


def _tool_names(parameters: ModelRequestParameters) -> frozenset[str]:
    return frozenset(tool.name for tool in parameters.function_tools)


def plain_text(value: Any, indent: str = "") -> str:
    """A tool's JSON result as indented `key: value` lines: fewer tokens than JSON, and no quotes for a
    template to escape."""
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            if isinstance(item, dict | list) and item and not _flat(item):
                lines.append(f"{indent}{key}:\n{plain_text(item, indent + '  ')}")
            else:
                lines.append(f"{indent}{key}: {plain_text(item)}")
        return "\n".join(lines)
    if isinstance(value, list):
        if _flat(value):
            return ", ".join(plain_text(item) for item in value) or "none"
        return "\n".join(f"{indent}- {plain_text(item, indent + '  ').lstrip()}" for item in value)
    return "none" if value is None else str(value)


def _flat(value: dict[str, Any] | list[Any]) -> bool:
    items = value.values() if isinstance(value, dict) else value
    return isinstance(value, list) and all(not isinstance(item, dict | list) for item in items)


def _result_text(part: ToolReturnPart | RetryPromptPart) -> str:
    if isinstance(part, RetryPromptPart):
        return f"{part.tool_name} failed: {part.model_response()}"
    text = part.model_response_str()
    with suppress(ValueError):
        text = plain_text(json.loads(text))
    return f"{part.tool_name}:\n{text}"


def tools_as_text(messages: list[ModelMessage], parameters: ModelRequestParameters) -> list[ModelMessage]:
    """`messages` for a request offering no tools: every tool result becomes a user message in plain
    text (repeating the question it serves), and responses keep only their text. Unchanged when the
    request offers tools, or when no tool was called."""
    if parameters.function_tools or parameters.output_tools:
        return messages
    if not any(
        isinstance(part, ToolCallPart) for m in messages if isinstance(m, ModelResponse) for part in m.parts
    ):
        return messages
    out: list[ModelMessage] = []
    question = ""
    for message in messages:
        if isinstance(message, ModelResponse):
            said = [part for part in message.parts if isinstance(part, TextPart) and part.content.strip()]
            if said:
                out.append(replace(message, parts=said))
            continue
        asked = [
            p.content for p in message.parts if isinstance(p, UserPromptPart) and isinstance(p.content, str)
        ]
        question = asked[-1] if asked else question
        results = [
            p for p in message.parts if isinstance(p, ToolReturnPart | RetryPromptPart) and p.tool_name
        ]
        kept: list[ModelRequestPart] = [p for p in message.parts if p not in results]
        if results:
            facts = "\n\n".join(_result_text(part) for part in results)
            again = f"\n\nQuestion: {question}" if question else ""
            kept.append(UserPromptPart(f"Catalog facts from {facts}{again}"))
        if kept:
            out.append(replace(message, parts=kept))
    return out


class CompatibleChatModel(OpenAIChatModel):
    """`OpenAIChatModel` for self-hosted OpenAI-compatible servers (see the module's docstring)."""

    streams_tools: bool | None = None
    """Whether the server streams turns that offer tools; None until a turn has told."""

    def _map_model_response(self, message: ModelResponse) -> Any:
        param = super()._map_model_response(message)
        if isinstance(param, dict) and param.get("role") == "assistant" and param.get("content") is None:
            param["content"] = ""
        return param

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        messages = tools_as_text(messages, model_request_parameters)
        try:
            response = await super().request(messages, model_settings, model_request_parameters)
        except ModelServerRefusal:
            raise
        except ModelHTTPError as exc:
            raise refusal(exc, self) from exc
        return repaired(response, _tool_names(model_request_parameters))

    @asynccontextmanager
    async def request_stream(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
        run_context: RunContext[Any] | None = None,
    ) -> AsyncGenerator[StreamedResponse]:
        tools = _tool_names(model_request_parameters)
        messages = tools_as_text(messages, model_request_parameters)
        async with AsyncExitStack() as stack:
            inner: StreamedResponse | None = None
            if not (tools and self.streams_tools is False):
                try:
                    opening = super().request_stream(
                        messages, model_settings, model_request_parameters, run_context
                    )
                    inner = await stack.enter_async_context(opening)
                except ModelHTTPError as exc:
                    if not (tools and cannot_stream_tools(exc)):
                        raise refusal(exc, self) from exc
                    self.streams_tools = False
                except UnexpectedModelBehavior as exc:  # llama-cpp-python: an empty stream, status 200
                    if not (tools and "ended without content" in str(exc)):
                        raise
                    self.streams_tools = False
            if inner is None:
                whole = await self.request(messages, model_settings, model_request_parameters)
                yield Replayed(model_request_parameters, whole)
                return
            if tools:
                self.streams_tools = True
            yield Repairing(model_request_parameters, inner, tools, self)


def compatible_model(
    name: str, base_url: str, *, api_key: str, ollama: bool = False, settings: ModelSettings | None = None
) -> CompatibleChatModel:
    """A model on an OpenAI-compatible server at `base_url`: one retry, two minutes per request at most
    (the answer's own timeout usually ends it first)."""
    from openai import AsyncOpenAI
    from pydantic_ai.providers.ollama import OllamaProvider
    from pydantic_ai.providers.openai import OpenAIProvider

    client = AsyncOpenAI(base_url=base_url, api_key=api_key, max_retries=1, timeout=120.0)
    provider = OllamaProvider(openai_client=client) if ollama else OpenAIProvider(openai_client=client)
    # `max_tokens`, not OpenAI's newer `max_completion_tokens`, which llama-cpp-python ignores (measured:
    # answers ran on for thousands of tokens with max_tokens 96)
    classic = OpenAIModelProfile(openai_chat_supports_max_completion_tokens=False)
    profile = merge_profile(provider.model_profile(name), classic)
    return CompatibleChatModel(name, provider=provider, settings=settings, profile=profile)
