"""Deciding the offline model's next step from the conversation: which tools to call next, or the answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic_ai.messages import ModelMessage

from . import answers, catalog_answers, graph_answers, reference_answers, steward_answers, value_kinds
from .conversation import Step, ToolCall, ToolResult, read_context, read_conversation
from .intents import Intent, IntentKind, parse_question
from .vocabulary import Vocabulary

__all__ = ["MAX_STEPS", "Step", "ToolCall", "ToolResult", "plan", "read_context", "read_conversation"]

MAX_STEPS = 8
"""Tool results after which the model answers with what it has, whatever the plan."""

_Script = Callable[[Intent, Sequence[ToolResult]], Step]
_Answer = Callable[[Intent, Any], str]


def plan(messages: Sequence[ModelMessage], vocab: Vocabulary | None = None) -> Step:
    """The next response for a conversation whose last message is a prompt or tool returns; `vocab` is
    the connected catalog's vocabulary (None: names are read from the question's words alone)."""
    conversation = read_conversation(messages)
    intent = parse_question(conversation.question, conversation.context, vocab)
    results = conversation.results
    failed = next((r for r in results if not r.ok and not _kind_refused(r)), None)
    if failed is not None:
        return Step(answers.failure_answer(failed.tool))
    if len(results) >= MAX_STEPS:
        return Step(answers.failure_answer(results[-1].tool))
    step = _SCRIPTS[intent.kind](intent, results)
    if not step.calls and intent.notes and step.text:
        return Step("\n".join(intent.notes) + "\n\n" + step.text)
    return step


def _single(tool: str, args: Callable[[Intent], dict[str, Any]], answer: _Answer) -> _Script:
    """A script of one call per table (or one call), then an answer from each result."""

    def script(intent: Intent, results: Sequence[ToolResult]) -> Step:
        if not results:
            return Step(answers.lead_in(intent), tuple(ToolCall(tool, a) for a in _fan_out(intent, args)))
        return Step("\n\n".join(_answer_or_error(intent, r, answer) for r in results))

    return script


def _fan_out(intent: Intent, args: Callable[[Intent], dict[str, Any]]) -> list[dict[str, Any]]:
    if intent.kind in ("describe", "owner") and len(intent.tables) > 1:
        return [args(Intent(intent.kind, tables=(table,))) for table in intent.tables]
    return [args(intent)]


def _answer_or_error(intent: Intent, result: ToolResult, answer: _Answer) -> str:
    return answer(intent, result.content) if result.found else answers.error_answer(intent, result.content)


def _relationships(intent: Intent, results: Sequence[ToolResult]) -> Step:
    if not results:
        call = ToolCall("find_relationships", {"table": intent.tables[0]})
        return Step(answers.lead_in(intent), (call,))
    hood = results[0]
    if not hood.found:
        return Step(answers.error_answer(intent, hood.content))
    center = hood.content["table"]
    if len(results) == 1:
        args: dict[str, Any] = {"tables": [center, *intent.tables[1:]]}
        if intent.what == "neighbourhood":
            args["mode"] = "neighbourhood"
        calls = [ToolCall("show_er_diagram", args)]
        apart = [t for t in intent.tables[1:2] if not graph_answers.directly_related(hood.content, t)]
        calls += [ToolCall("find_join_path", {"start": center, "end": t}) for t in apart]
        return Step(calls=tuple(calls))
    path = results[2].content if len(results) > 2 and results[2].found else None
    return Step(graph_answers.relationships_answer(intent, hood.content, results[1].content, path))


def _term(intent: Intent, results: Sequence[ToolResult]) -> Step:
    if not results:
        return Step(calls=(ToolCall("lookup_term", {"term": intent.phrase}),))
    looked_up = results[0]
    if looked_up.found:
        return Step(answers.term_answer(looked_up.content, columns_first=intent.what == "columns"))
    if len(results) == 1:
        return Step(calls=(ToolCall("search_catalog", {"query": intent.phrase}),))
    note = f"{looked_up.content.get('error', '')} I searched the whole catalog instead.".strip()
    return Step(answers.search_answer(intent, results[1].content, note=note))


def _count(intent: Intent, results: Sequence[ToolResult]) -> Step:
    if not results:
        return Step(calls=(ToolCall("catalog_summary", {}),))
    summary = results[0]
    if not summary.found:
        return Step(answers.error_answer(intent, summary.content))
    text = catalog_answers.count_answer(intent, summary.content)
    if intent.order == "list" and len(results) == 1:
        return Step(calls=(ToolCall("list_tables", _list_args(intent)),))
    if len(results) > 1:
        return Step(text + "\n\n" + _answer_or_error(intent, results[1], answers.list_answer))
    return Step(text)


def _coverage(intent: Intent, results: Sequence[ToolResult]) -> Step:
    """Coverage figures, then the tables lacking a description: the debt to pay first."""
    if not results:
        calls = (
            ToolCall("documentation_coverage", {}),
            ToolCall("find_tables_lacking", {"what": "description"}),
        )
        return Step(calls=calls)
    coverage = results[0]
    if not coverage.found:
        return Step(answers.error_answer(intent, coverage.content))
    lacking = results[1].content if len(results) > 1 and results[1].found else None
    return Step(catalog_answers.coverage_answer(intent, coverage.content, lacking))


def _column_kind(intent: Intent, results: Sequence[ToolResult]) -> Step:
    if intent.tables:
        if not results:
            return Step(calls=(ToolCall("describe_table", {"table": intent.tables[0]}),))
        first = results[0]
        if not first.found or steward_answers.kind_columns(intent, first.content):
            return Step(_answer_or_error(intent, first, steward_answers.table_kind_answer))
        if len(results) == 1 or all(_kind_refused(r) for r in results[1:]):
            return Step(calls=_kind_calls(intent, results))
        none = steward_answers.table_kind_answer(intent, first.content)
        wide = [r.content for r in results[1:] if r.found]
        return Step(none + " Across the catalog:\n\n" + steward_answers.column_kind_answer(intent, wide))
    if not results or all(_kind_refused(r) for r in results):
        return Step(calls=_kind_calls(intent, results))
    return Step(steward_answers.column_kind_answer(intent, [r.content for r in results if r.found]))


def _kind_refused(result: ToolResult) -> bool:
    """A find_columns that took no `kind` (a tool set from before kinds of value): the kind's name words
    are looked for instead."""
    return result.tool == "find_columns" and "kind" in result.args and not result.ok


def _kind_calls(intent: Intent, results: Sequence[ToolResult] = ()) -> tuple[ToolCall, ...]:
    """A kind of value the tools know: every column of that kind, by name words and data type, in one
    call. Else find_columns for the question's own words, then the kind's name words (at most five)."""
    if intent.what in value_kinds.VALUE_KINDS and not any(_kind_refused(r) for r in results):
        return (ToolCall("find_columns", {"kind": intent.what, "limit": 200}),)
    names, _types = value_kinds.VALUE_KINDS.get(intent.what, ((intent.phrase,), ()))
    words = intent.phrase.lower().split()
    own = [w.rstrip("s") for w in words if w.rstrip("s") in names]
    mixed = len(words) > 1 and not all(w in value_kinds.VALUE_WORDS for w in words)
    wanted = list(dict.fromkeys([*([intent.phrase] if mixed else []), *own, *names]))[:5]
    return tuple(ToolCall("find_columns", {"name": w}) for w in wanted)


def _list_args(intent: Intent) -> dict[str, Any]:
    args: dict[str, Any] = {
        "type": intent.table_type,
        "domain": intent.domain,
        "area": intent.area,
        "order": intent.order if intent.order in ("rows", "columns") else None,
        "certified": intent.certified,
        "offset": intent.offset or None,
    }
    return {k: v for k, v in args.items() if v is not None}


def _widest(intent: Intent, results: Sequence[ToolResult]) -> Step:
    """The table with the most columns; "biggest" means rows where the catalog counts them."""
    if not results:
        first = "largest_tables" if intent.what == "biggest" else "list_tables"
        args: dict[str, Any] = {"limit": 3} if first == "largest_tables" else {"order": "columns", "limit": 5}
        if first == "list_tables":
            args |= {k: v for k, v in (("area", intent.area), ("domain", intent.domain)) if v}
        return Step(calls=(ToolCall(first, args),))
    last = results[-1]
    if not last.found:
        return Step(answers.error_answer(intent, last.content))
    if last.tool == "largest_tables":
        top = list(last.content.get("tables") or [])
        if int(last.content.get("known", 0)) and top:
            return Step(calls=(ToolCall("describe_table", {"table": top[0]["name"]}),))
        return Step(calls=(ToolCall("list_tables", {"order": "columns", "limit": 5}),))
    biggest = results[0].content if results[0].tool == "largest_tables" else None
    return Step(catalog_answers.widest_answer(last.tool, last.content, biggest))


def _search_args(intent: Intent) -> dict[str, Any]:
    return {"query": intent.phrase} | ({"scope": intent.scope} if intent.scope else {})


def _table(intent: Intent) -> dict[str, Any]:
    return {"table": intent.tables[0]}


def _clarify(intent: Intent, _: Sequence[ToolResult]) -> Step:
    return Step(answers.clarify_answer(intent))


_SCRIPTS: dict[IntentKind, _Script] = {
    "list": _single("list_tables", _list_args, answers.list_answer),
    "count": _count,
    "describe": _single("describe_table", _table, lambda _, c: answers.describe_answer(c)),
    "keys": _single("get_keys", _table, catalog_answers.keys_answer),
    "references": _single("table_references", _table, reference_answers.references_answer),
    "rel_kind": _single(
        "find_relationships_of_kind",
        lambda i: {"kind": i.what} | ({"limit": 200} if i.tables else {}),
        reference_answers.kind_answer,
    ),
    "lacking": _single("find_tables_lacking", lambda i: {"what": i.what}, catalog_answers.lacking_answer),
    "coverage": _coverage,
    "largest": _single("largest_tables", lambda _: {}, catalog_answers.largest_answer),
    "find_columns": _single("find_columns", lambda i: {"name": i.phrase}, steward_answers.columns_answer),
    "column_kind": _column_kind,
    "search": _single("search_catalog", _search_args, answers.search_answer),
    "relationships": _relationships,
    "join": _single(
        "find_join_path",
        lambda i: {"start": i.tables[0], "end": i.tables[1]},
        lambda _, c: graph_answers.join_answer(c),
    ),
    "lineage": _single(
        "trace_lineage",
        lambda i: {"table": i.tables[0], "direction": i.direction},
        lambda _, c: graph_answers.lineage_answer(c),
    ),
    "impact": _single("impact_analysis", _table, reference_answers.impact_answer),
    "owner": _single("get_owner", _table, lambda _, c: answers.owner_answer(c)),
    "person": _single("assets_of_person", lambda i: {"person": i.person}, steward_answers.person_answer),
    "status": _single("table_status", _table, steward_answers.status_answer),
    "classified": _single(
        "find_classified",
        lambda i: {"label": i.phrase} if i.phrase else {},
        steward_answers.classified_answer,
    ),
    "compare": _single(
        "compare_tables",
        lambda i: {"first": i.tables[0], "second": i.tables[1]},
        steward_answers.compare_answer,
    ),
    "glossary": _single("list_glossary", lambda _: {}, steward_answers.glossary_answer),
    "term": _term,
    "people": _single("list_people", lambda _: {}, steward_answers.people_answer),
    "widest": _widest,
    "complete": lambda intent, _: Step(catalog_answers.COMPLETE),
    "help": lambda intent, _: Step(answers.help_answer(intent)),
    "clarify": _clarify,
}
