"""Deciding the offline model's next step from the conversation: which tools to call next, or the answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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

from . import answers, graph_answers
from .intents import Context, Intent, IntentKind, parse_question

MAX_STEPS = 6
"""Tool results after which the model answers with what it has, whatever the plan."""

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
    if kind != "list" or listing is None:
        return Context(table=table, kind=kind)
    page = listing.content
    shown = int(page.get("offset", 0)) + len(page.get("items", []))
    return Context(
        table=table,
        kind=kind,
        next_offset=shown if shown < int(page.get("total", 0)) else None,
        table_type=listing.args.get("type"),
        domain=listing.args.get("domain"),
    )


def plan(messages: Sequence[ModelMessage]) -> Step:
    """The next response for a conversation whose last message is a prompt or tool returns."""
    conversation = read_conversation(messages)
    intent = parse_question(conversation.question, conversation.context)
    results = conversation.results
    failed = next((r for r in results if not r.ok), None)
    if failed is not None:
        return Step(answers.failure_answer(failed.tool))
    if len(results) >= MAX_STEPS:
        return Step(answers.failure_answer(results[-1].tool))
    return _SCRIPTS[intent.kind](intent, results)


def _single(
    tool: str, args: Callable[[Intent], dict[str, Any]], answer: Callable[[Intent, Any], str]
) -> _Script:
    """A script of one call per table (or one call), then an answer from each result."""

    def script(intent: Intent, results: Sequence[ToolResult]) -> Step:
        if not results:
            return Step(answers.lead_in(intent), tuple(ToolCall(tool, a) for a in _fan_out(intent, args)))
        return Step("\n\n".join(_answer_or_error(intent, r, answer) for r in results))

    return script


def _fan_out(intent: Intent, args: Callable[[Intent], dict[str, Any]]) -> list[dict[str, Any]]:
    if intent.kind in ("describe", "owner"):
        return [args(Intent(intent.kind, tables=(table,))) for table in intent.tables]
    return [args(intent)]


def _answer_or_error(intent: Intent, result: ToolResult, answer: Callable[[Intent, Any], str]) -> str:
    return answer(intent, result.content) if result.found else answers.error_answer(intent, result.content)


def _relationships(intent: Intent, results: Sequence[ToolResult]) -> Step:
    if not results:
        call = ToolCall("find_relationships", {"table": intent.tables[0]})
        return Step(answers.lead_in(intent), (call,))
    hood = results[0]
    if not hood.found:
        return Step(answers.error_answer(intent, hood.content))
    if len(results) == 1:
        tables = [hood.content["table"], *intent.tables[1:]]
        return Step(calls=(ToolCall("show_er_diagram", {"tables": tables}),))
    return Step(graph_answers.relationships_answer(intent, hood.content, results[1].content))


def _term(intent: Intent, results: Sequence[ToolResult]) -> Step:
    if not results:
        return Step(calls=(ToolCall("lookup_term", {"term": intent.phrase}),))
    looked_up = results[0]
    if looked_up.found:
        return Step(answers.term_answer(looked_up.content))
    if len(results) == 1:
        return Step(calls=(ToolCall("search_catalog", {"query": intent.phrase}),))
    note = f"{looked_up.content.get('error', '')} I searched the whole catalog instead.".strip()
    return Step(answers.search_answer(intent, results[1].content, note=note))


def _list_args(intent: Intent) -> dict[str, Any]:
    args: dict[str, Any] = {
        "type": intent.table_type,
        "domain": intent.domain,
        "offset": intent.offset or None,
    }
    return {k: v for k, v in args.items() if v is not None}


def _lineage_args(intent: Intent) -> dict[str, Any]:
    return {"table": intent.tables[0], "direction": intent.direction}


_Script = Callable[[Intent, Sequence[ToolResult]], Step]
_SCRIPTS: dict[IntentKind, _Script] = {
    "list": _single("list_tables", _list_args, answers.list_answer),
    "describe": _single(
        "describe_table", lambda i: {"table": i.tables[0]}, lambda _, c: answers.describe_answer(c)
    ),
    "search": _single("search_catalog", lambda i: {"query": i.phrase}, answers.search_answer),
    "relationships": _relationships,
    "join": _single(
        "find_join_path",
        lambda i: {"start": i.tables[0], "end": i.tables[1]},
        lambda _, c: graph_answers.join_answer(c),
    ),
    "lineage": _single("trace_lineage", _lineage_args, lambda _, c: graph_answers.lineage_answer(c)),
    "owner": _single("get_owner", lambda i: {"table": i.tables[0]}, lambda _, c: answers.owner_answer(c)),
    "term": _term,
    "help": lambda intent, _: Step(answers.help_answer(intent)),
    "clarify": lambda intent, _: Step(answers.clarify_answer(intent)),
}


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
    key = {
        "describe_table": "name",
        "get_owner": "table",
        "find_relationships": "table",
        "trace_lineage": "center",
        "find_join_path": "end",
    }.get(result.tool)
    if key is not None:
        name = content.get(key)
        return name if isinstance(name, str) else None
    return None
