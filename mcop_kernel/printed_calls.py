"""Tool calls a model printed as text (JSON, `<tool_call>`, `[TOOL_CALLS]`, a ```json fence, Llama's
`<function=...>`) found and turned into real calls when they name one of the agent's tools."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from pydantic_ai.messages import ModelResponse, ModelResponsePart, TextPart, ToolCallPart

__all__ = ["looks_like_call", "parse_tool_calls", "repaired"]

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
