"""Reading the conversation so far: this turn's question and tool results, and what earlier turns settled."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    RetryPromptPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)

from .intents import Context, IntentKind

_KIND_OF_TOOL: dict[str, IntentKind] = {
    "list_tables": "list",
    "describe_table": "describe",
    "search_catalog": "search",
    "find_relationships": "relationships",
    "show_er_diagram": "relationships",
    "find_join_path": "join",
    "trace_lineage": "lineage",
    "lookup_term": "term",
    "get_owner": "owner",
    "get_keys": "keys",
    "table_references": "references",
    "impact_analysis": "impact",
    "table_status": "status",
    "compare_tables": "compare",
    "catalog_summary": "count",
}
_TABLE_KEY = {
    "describe_table": "name",
    "get_owner": "table",
    "find_relationships": "table",
    "trace_lineage": "center",
    "find_join_path": "end",
    "get_keys": "table",
    "table_references": "table",
    "impact_analysis": "table",
    "table_status": "table",
}


@dataclass(frozen=True)
class ToolCall:
    """A call the model asks for: a tool in `agent.py` and its arguments."""

    tool: str
    args: dict[str, Any]


@dataclass(frozen=True)
class ToolResult:
    """A call made in this turn and what came back. `ok` is False when the tool did not run (bad
    arguments); a name the catalog does not know is `ok`, with an "error" key in `content`."""

    tool: str
    args: dict[str, Any]
    content: Any
    ok: bool = True

    @property
    def found(self) -> bool:
        return self.ok and isinstance(self.content, dict) and "error" not in self.content


@dataclass(frozen=True)
class Step:
    """One model response: text (a lead-in or the answer), then any tool calls. No calls: the answer."""

    text: str = ""
    calls: tuple[ToolCall, ...] = field(default=())


@dataclass(frozen=True)
class Conversation:
    """The question being answered, what earlier turns settled, and this turn's tool results so far."""

    question: str
    context: Context
    results: tuple[ToolResult, ...]


def read_conversation(messages: Sequence[ModelMessage]) -> Conversation:
    """Split the messages at the last user prompt: the turns before it, and this turn's tool results."""
    start = max((i for i, m in enumerate(messages) if _starts_turn(m)), default=-1)
    question = _prompt(messages[start]) if start >= 0 else None
    return Conversation(
        question=question or "",
        context=read_context(messages[: max(start, 0)]),
        results=tuple(_results(messages[start + 1 :])),
    )


def read_context(history: Sequence[ModelMessage]) -> Context:
    """The table last named by a tool result, the kind of the last question, and its listing's paging."""
    turns: list[list[ToolResult]] = []
    for i, message in enumerate(history):
        if _starts_turn(message):
            end = next((j for j in range(i + 1, len(history)) if _starts_turn(history[j])), len(history))
            turns.append(_results(history[i + 1 : end]))
    every = [result for turn in turns for result in turn]
    table = next((name for r in reversed(every) if (name := _table_named(r))), None)
    last = turns[-1] if turns else []
    kind = _KIND_OF_TOOL.get(last[0].tool) if last else None
    listing = next((r for r in reversed(last) if r.tool == "list_tables" and r.found), None)
    listed = tuple(name for r in last for name in _listed(r))[:LISTED]
    if kind != "list" or listing is None:
        return Context(table=table, kind=kind, listed=listed)
    page = listing.content
    shown = int(page.get("offset", 0)) + len(page.get("items", []))
    return Context(
        table=table,
        kind=kind,
        next_offset=shown if shown < int(page.get("total", 0)) else None,
        table_type=listing.args.get("type"),
        domain=listing.args.get("domain"),
        area=listing.args.get("area"),
        listed=listed,
    )


LISTED = 8
"""At most this many listed tables are what `them` means (more would be a second listing, not a follow-up)."""


def _listed(result: ToolResult) -> list[str]:
    """The tables a listing result names: a page of tables, a search's table hits, tables lacking a kind."""
    if not result.found:
        return []
    content: dict[str, Any] = result.content
    if result.tool == "list_tables":
        return [str(t["name"]) for t in content.get("items") or [] if isinstance(t, dict) and t.get("name")]
    if result.tool == "search_catalog":
        hits = content.get("hits") or []
        return [
            str(h["name"]) for h in hits if isinstance(h, dict) and h.get("kind") == "table" and h.get("name")
        ]
    if result.tool == "find_tables_lacking":
        return [str(t) for t in content.get("tables") or []]
    return []


def _prompt(message: ModelMessage) -> str | None:
    if not isinstance(message, ModelRequest):
        return None
    for part in message.parts:
        if isinstance(part, UserPromptPart):
            content = part.content
            return content if isinstance(content, str) else " ".join(c for c in content if isinstance(c, str))
    return None


def _starts_turn(message: ModelMessage) -> bool:
    return isinstance(message, ModelRequest) and _prompt(message) is not None


def _results(messages: Sequence[ModelMessage]) -> list[ToolResult]:
    """Each tool return in `messages`, paired with the call it answers."""
    calls = {
        part.tool_call_id: part
        for m in messages
        if isinstance(m, ModelResponse)
        for part in m.parts
        if isinstance(part, ToolCallPart)
    }
    results: list[ToolResult] = []
    for message in messages:
        if not isinstance(message, ModelRequest):
            continue
        for part in message.parts:
            if isinstance(part, ToolReturnPart | RetryPromptPart) and part.tool_call_id in calls:
                call = calls[part.tool_call_id]
                ok = isinstance(part, ToolReturnPart) and part.outcome == "success"
                results.append(ToolResult(call.tool_name, call.args_as_dict(), part.content, ok))
    return results


def _table_named(result: ToolResult) -> str | None:
    """The (resolved) table a tool result is about, for `it` in the next question."""
    if not result.found:
        return None
    content: dict[str, Any] = result.content
    if result.tool == "compare_tables":
        second = content.get("second")
        name = second.get("name") if isinstance(second, dict) else None
        return name if isinstance(name, str) else None
    if result.tool == "search_catalog":
        hits = content.get("hits") or []
        top = next((h for h in hits if isinstance(h, dict) and h.get("kind") == "table"), None)
        top = top or next((h for h in hits if isinstance(h, dict) and h.get("table")), None)
        name = (top.get("name") if top.get("kind") == "table" else top.get("table")) if top else None
        return name if isinstance(name, str) else None
    key = _TABLE_KEY.get(result.tool)
    if key is not None:
        name = content.get(key)
        return name if isinstance(name, str) else None
    return None
