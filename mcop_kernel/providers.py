"""Self-hosted OpenAI-compatible servers (llama.cpp, vLLM, Ollama) as they are: their quirks handled.

- An assistant message that only calls tools goes out with `content: ""`, not `null` (llama.cpp's
  server answers HTTP 500 to `null`).
- A server that cannot stream a turn with tools ("streaming tool choice is not supported") is asked
  again without streaming for such turns; the text still arrives, in pieces.
- A tool call printed as text (JSON, `<tool_call>`, `[TOOL_CALLS]`, a ```json fence) becomes a real
  call when it names one of the agent's tools with an object of arguments; otherwise it is the answer.
- A refusal is said in one sentence naming the server, its status and what to change.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic_ai import RunContext
from pydantic_ai.exceptions import ModelHTTPError, UnexpectedModelBehavior
from pydantic_ai.messages import (
    ModelMessage,
    ModelResponse,
    ModelResponsePart,
    ModelResponseStreamEvent,
    PartDeltaEvent,
    PartStartEvent,
    TextPart,
    TextPartDelta,
    ToolCallPart,
)
from pydantic_ai.models import ModelRequestParameters, StreamedResponse
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.settings import ModelSettings

from .secrets import redact

__all__ = [
    "CompatibleChatModel",
    "ModelServerRefusal",
    "compatible_model",
    "looks_like_call",
    "parse_tool_calls",
]

TOOL_FLAGS = (
    "enable tool calls on the server (vLLM: --enable-auto-tool-choice --tool-call-parser NAME; "
    "llama.cpp's llama-server: --jinja; Ollama: a model tagged 'tools')"
)
_NO_STREAMED_TOOLS = ("streaming tool choice is not supported", "streaming is not supported with tools")


class ModelServerRefusal(ModelHTTPError):
    """A model server's error answer, said in one sentence with what to change."""

    def __init__(self, status_code: int, model_name: str, text: str) -> None:
        super().__init__(status_code, model_name)
        self.text = text

    def __str__(self) -> str:
        return self.text


def server_message(body: object) -> str:
    """The error message inside a server's error body (OpenAI's `{"error": {"message": ...}}` and kin)."""
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            inner = inner.get("message") or inner.get("detail") or inner
        return redact(str(inner))[:300]
    return redact(str(body or ""))[:300]


def refusal(exc: ModelHTTPError, model: OpenAIChatModel) -> ModelServerRefusal:
    """`exc` as a sentence: who refused, with which status and message, and what to change."""
    message = server_message(exc.body)
    low = message.lower()
    prefix = "ollama" if model.system == "ollama" else "openai-chat"
    doctor = f"`mcop doctor --model {prefix}:{model.model_name}`"
    if exc.status_code in (401, 403):
        hint = "Set OPENAI_API_KEY (or the server's key) to a key it accepts."
    elif exc.status_code == 404 or ("model" in low and ("not found" in low or "does not exist" in low)):
        hint = f"Check the model name: {doctor} lists what the server serves."
    elif "context" in low and ("length" in low or "window" in low or "exceed" in low):
        hint = "The conversation outgrew the model's context: start a new session or give the server more."
    elif "tool" in low:
        hint = f"The server refused the catalog tools: {TOOL_FLAGS}."
    else:
        hint = f"Run {doctor} to see what the server supports."
    where = redact(str(model.base_url).rstrip("/"))
    said = f": {message}" if message else ""
    text = f"The model server at {where} answered HTTP {exc.status_code}{said}. {hint}"
    return ModelServerRefusal(exc.status_code, model.model_name, text)


def _cannot_stream_tools(exc: ModelHTTPError) -> bool:
    message = server_message(exc.body).lower() + str(exc).lower()
    return any(phrase in message for phrase in _NO_STREAMED_TOOLS)


_WRAPPERS = re.compile(r"</?tool_call>|\[TOOL_CALLS\]|<\|python_tag\|>|<\|tool_call\|>", re.IGNORECASE)
_FENCE = re.compile(r"^```[\w-]*\s*|\s*```$")
_CALL_STARTS = ("{", "<tool_call>", "[TOOL_CALLS]", "<|python_tag|>", "<|tool_call|>", "<function")


def looks_like_call(text: str) -> bool | None:
    """Whether the start of an answer may be a tool call printed as text: True, False, or None (too
    early to say)."""
    start = text.lstrip()
    if start.startswith("```"):
        fence = re.match(r"```([\w-]*)([ \t]*\n?)\s*", start)
        assert fence is not None
        if fence.group(1).lower() not in ("", "json", "tool_call", "tool_code"):
            return False
        if not fence.group(2) or fence.end() == len(start):
            return None
        start = start[fence.end() :]
    if start.upper().startswith("[TOOL_CALLS]"):
        return True
    if start.startswith("[") and "[TOOL_CALLS]".startswith(start.upper()):
        return None
    if start.startswith("["):  # a list of calls, or Markdown such as a link
        rest = start[1:].lstrip()
        return rest.startswith("{") if rest else None
    if not start:
        return None
    for opening in _CALL_STARTS:
        if start.startswith(opening):
            return True
        if opening.startswith(start):
            return None
    return False


def _json_values(text: str) -> list[Any]:
    """The JSON values written one after another in `text`; [] when anything else is there."""
    decoder, at = json.JSONDecoder(), 0
    values: list[Any] = []
    text = text.strip()
    while at < len(text) and len(values) < 20:
        try:
            value, end = decoder.raw_decode(text, at)
        except ValueError:
            return []
        values.append(value)
        at = end
        while at < len(text) and text[at] in " \t\r\n,;":
            at += 1
    return values


def _call(item: object, tools: frozenset[str]) -> ToolCallPart | None:
    if not isinstance(item, dict):
        return None
    function = item.get("function")
    source = function if isinstance(function, dict) else item
    name = source.get("name") or item.get("tool") or item.get("tool_name")
    keys = [key for key in ("arguments", "parameters", "args", "input") if key in source]
    args: Any = source[keys[0]] if keys else {}
    if isinstance(args, str):
        try:
            args = json.loads(args or "{}")
        except ValueError:
            return None
    if not isinstance(name, str) or name not in tools or not isinstance(args, dict):
        return None
    return ToolCallPart(name, args, tool_call_id=f"call_{uuid.uuid4().hex[:12]}")


def parse_tool_calls(text: str, tools: frozenset[str]) -> list[ToolCallPart]:
    """The tool calls `text` prints, when all of it is calls of `tools`; [] when it is an answer."""
    body = _FENCE.sub("", text.strip())
    function = re.fullmatch(r"\s*<function=([\w.-]+)>(.*?)</function>\s*", body, re.DOTALL)
    items: list[Any]
    if function:  # Llama 3.1's <function=name>{...}</function>
        args = _json_values(function.group(2) or "{}")
        items = [{"name": function.group(1), "arguments": args[0] if len(args) == 1 else None}]
    else:
        values = _json_values(_WRAPPERS.sub(" ", body))
        items = [item for value in values for item in (value if isinstance(value, list) else [value])]
    calls = [_call(item, tools) for item in items]
    return [call for call in calls if call is not None] if items and all(calls) else []


def repaired(response: ModelResponse, tools: frozenset[str]) -> ModelResponse:
    """`response` with a tool call printed as its whole text turned into the call itself."""
    if not tools or any(isinstance(part, ToolCallPart) for part in response.parts):
        return response
    text = "".join(part.content for part in response.parts if isinstance(part, TextPart))
    calls = parse_tool_calls(text, tools) if looks_like_call(text) else []
    if not calls:
        return response
    kept: list[ModelResponsePart] = [part for part in response.parts if not isinstance(part, TextPart)]
    response.parts = [*kept, *calls]
    response.finish_reason = "tool_call"
    return response


def _tool_names(parameters: ModelRequestParameters) -> frozenset[str]:
    return frozenset(tool.name for tool in parameters.function_tools)


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
        async with AsyncExitStack() as stack:
            inner: StreamedResponse | None = None
            if not (tools and self.streams_tools is False):
                try:
                    opening = super().request_stream(
                        messages, model_settings, model_request_parameters, run_context
                    )
                    inner = await stack.enter_async_context(opening)
                except ModelHTTPError as exc:
                    if not (tools and _cannot_stream_tools(exc)):
                        raise refusal(exc, self) from exc
                    self.streams_tools = False
                except UnexpectedModelBehavior as exc:  # llama-cpp-python: an empty stream, status 200
                    if not (tools and "ended without content" in str(exc)):
                        raise
                    self.streams_tools = False
            if inner is None:
                whole = await self.request(messages, model_settings, model_request_parameters)
                yield _Replayed(model_request_parameters, whole)
                return
            if tools:
                self.streams_tools = True
            yield _Repairing(model_request_parameters, inner, tools, self)


def _pieces(text: str) -> Iterator[str]:
    """`text` in word-sized pieces, each with the space after it."""
    yield from re.findall(r"\S+\s*|\s+", text)


@dataclass
class _Replayed(StreamedResponse):
    """A whole response, told as a stream: its text in word-sized deltas, then its tool calls."""

    response: ModelResponse

    def __post_init__(self) -> None:
        self._usage = self.response.usage
        self.provider_response_id = self.response.provider_response_id
        self.finish_reason = self.response.finish_reason

    async def _get_event_iterator(self) -> AsyncIterator[ModelResponseStreamEvent]:
        for index, part in enumerate(self.response.parts):
            if isinstance(part, TextPart):
                for piece in _pieces(part.content):
                    for event in self._parts_manager.handle_text_delta(vendor_part_id=index, content=piece):
                        yield event
            else:
                yield self._parts_manager.handle_part(vendor_part_id=index, part=part)

    async def close_stream(self) -> None:
        pass

    @property
    def model_name(self) -> str:
        return self.response.model_name or ""

    @property
    def provider_name(self) -> str | None:
        return self.response.provider_name

    @property
    def provider_url(self) -> str | None:
        return self.response.provider_url

    @property
    def timestamp(self) -> datetime:
        return self.response.timestamp


@dataclass
class _Repairing(StreamedResponse):
    """A server's stream passed on token by token, except text that may be a printed tool call: that
    is held until the response ends, then becomes the call (or, if it is not one, the text)."""

    inner: StreamedResponse
    tools: frozenset[str]
    model: CompatibleChatModel
    held: dict[int, str] = field(default_factory=dict)

    def _text(self, index: int, text: str) -> Iterator[ModelResponseStreamEvent]:
        yield from self._parts_manager.handle_text_delta(vendor_part_id=index, content=text)

    async def _get_event_iterator(self) -> AsyncIterator[ModelResponseStreamEvent]:
        plain: set[int] = set()
        try:
            async for event in self.inner:
                text = None
                if isinstance(event, PartStartEvent) and isinstance(event.part, TextPart):
                    index, text = event.index, event.part.content
                elif isinstance(event, PartDeltaEvent) and isinstance(event.delta, TextPartDelta):
                    index, text = event.index, event.delta.content_delta
                if not text:
                    continue
                if index in plain or not self.tools:
                    for out in self._text(index, text):
                        yield out
                    continue
                self.held[index] = self.held.get(index, "") + text
                if looks_like_call(self.held[index]) is False:
                    plain.add(index)
                    for out in self._text(index, self.held.pop(index)):
                        yield out
        except ModelServerRefusal:
            raise
        except ModelHTTPError as exc:
            raise refusal(exc, self.model) from exc
        final = self.inner.get()
        self._usage, self.finish_reason = final.usage, final.finish_reason
        self.provider_response_id = final.provider_response_id
        for index, part in enumerate(final.parts):
            if isinstance(part, TextPart) and index in self.held:
                text = self.held.pop(index)
                calls = parse_tool_calls(text, self.tools) if looks_like_call(text) else []
                for number, call in enumerate(calls):
                    yield self._parts_manager.handle_part(vendor_part_id=(index, number), part=call)
                if not calls:
                    for out in self._text(index, text):
                        yield out
            elif not isinstance(part, TextPart):
                yield self._parts_manager.handle_part(vendor_part_id=("inner", index), part=part)
        for index, text in self.held.items():  # text the final response lacks: never lost
            for out in self._text(index, text):
                yield out

    async def close_stream(self) -> None:
        await self.inner.close_stream()

    @property
    def model_name(self) -> str:
        return self.inner.model_name

    @property
    def provider_name(self) -> str | None:
        return self.inner.provider_name

    @property
    def provider_url(self) -> str | None:
        return self.inner.provider_url

    @property
    def timestamp(self) -> datetime:
        return self.inner.timestamp


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
    return CompatibleChatModel(name, provider=provider, settings=settings)
