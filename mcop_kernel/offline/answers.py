"""The offline model's Markdown answers about tables, search hits, terms and owners, and its help text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .intents import TABLE_KINDS, Intent, IntentKind

Result = dict[str, Any]


def capabilities(intent: Intent) -> str:
    """What the offline model understands, with examples taken from the connected catalog."""
    ex = dict(intent.examples)
    table, other = ex.get("table", "orders"), ex.get("other", ex.get("table", "customers"))
    lines = [
        "I'm the offline MCOP Explorer model: rule-based, with no API key and no network, so I read "
        "questions "
        "against this catalog's own names and answer them from the catalog. You can ask me, for example:",
        "",
        "- **What is here**: “Show me all tables”, “How many tables are there?”"
        + (f", “List {ex['type'].lower()} tables”" if "type" in ex else "")
        + (f", “List the {ex['area']} tables”" if "area" in ex else "")
        + (f", “Tables in the {ex['domain']} domain”" if "domain" in ex else ""),
        f"- **About a table**: “Describe {table}”, “What is the primary key of {table}?”, “Who owns "
        f"{table}?”",
        f"- **How tables connect**: “Which tables reference {table}?”, “Show relationships between "
        f"{table} and "
        f"{other}”, “How do I join {table} to {other}?”",
        f"- **Lineage and impact**: “Where does {table} come from?”, “What breaks if I change {table}?”",
        "- **Columns**: “Is there a column for email anywhere?”, “Which columns hold money amounts?”",
        "- **Documentation debt**: “Which tables have no owner?”, “Tables without foreign keys”, "
        "“How well documented is the catalog?”",
        f"- **Steward facts**: “Is {table} certified?”, “Where is personal data?”, “What are the "
        "largest tables?”",
    ]
    if "term" in ex or "person" in ex:
        glossary = f"“What does {ex['term']} mean?”, “Show me the glossary”" if "term" in ex else ""
        person = f"“What does {ex['person']} own?”" if "person" in ex else ""
        lines.append("- **Glossary and people**: " + ", ".join(x for x in (glossary, person) if x))
    lines += [
        "",
        "Follow-ups such as “Who owns it?” or “And its lineage?” mean the table we just talked about.",
    ]
    return "\n".join(lines)


def help_answer(intent: Intent) -> str:
    opener = f"{intent.greeting} " if intent.greeting else ""
    if intent.phrase and not intent.greeting:
        words = intent.phrase
        opener = f"I'm not sure what you'd like to know about “{words}”; try “Search for {words}”. "
    return opener + capabilities(intent)


def clarify_answer(intent: Intent) -> str:
    ex = dict(intent.examples)
    if intent.choices:
        lines = [f"“{intent.phrase}” could mean more than one table. Which one do you mean?", ""]
        lines += [f"- `{name}`" + (f" ({told})" if told else "") for name, told in intent.choices]
        first = intent.choices[0][0]
        return "\n".join(
            [*lines, "", f"For example: “{_example(intent.asked or 'describe', (first, first))}”"]
        )
    if intent.asked in ("join", "compare"):
        pair = (ex.get("table", "orders"), ex.get("other", "customers"))
        return f"Which two tables do you mean? For example: “{_example(intent.asked, pair)}”"
    if intent.asked in ("search", "term"):
        term = ex.get("term") or ex.get("table", "customer")
        return f"What should I look for? For example: “Search for {term}” or “What does {term} mean?”"
    table = ex.get("table", "orders")
    example = _example(intent.asked or "describe", (table, ex.get("other", table)))
    return f"Which table do you mean? For example: “{example}”"


def lead_in(intent: Intent) -> str:
    """The sentence written before the first tool call, as a model says what it is about to check."""
    first = intent.tables[0] if intent.tables else ""
    if intent.kind == "relationships" and len(intent.tables) > 1:
        return f"Let me look up how {and_list(intent.tables)} are related."
    if intent.kind == "relationships":
        return f"Let me look up the relationships of {first}."
    if intent.kind == "join":
        return f"Let me find a join path from {first} to {intent.tables[1]}."
    if intent.kind == "impact":
        return f"Let me check what depends on {first}."
    if intent.kind == "lineage":
        return {
            "upstream": f"Let me trace where {first} comes from.",
            "downstream": f"Let me trace where the data in {first} goes.",
            "both": f"Let me trace the lineage of {first}.",
        }[intent.direction]
    return ""


def error_answer(intent: Intent, result: Result) -> str:
    """A name the catalog does not know: relay its message and turn a suggestion into a question."""
    message = str(result.get("error", "The catalog could not answer that."))
    opener = (
        "That name is ambiguous" if message.endswith("Which one?") else "I couldn't find that in the catalog"
    )
    text = f"{opener}: {message}"
    query = str(result.get("query") or "")
    suggestions = [str(s) for s in result.get("suggestions") or []]
    if suggestions and intent.kind != "search":
        tables = tuple(suggestions[0] if t == query else t for t in intent.tables)
        if intent.kind == "term" or not tables:
            tables = (suggestions[0],)
        if intent.kind in ("person",):
            return f"{text}\n\nYou could ask, for example: “What does {suggestions[0]} own?”"
        return f"{text}\n\nYou could ask, for example: “{_example(intent.kind, tables)}”"
    search = f"“Search for {query}”" if query else "“Search for …”"
    example = dict(intent.examples).get("table")
    known = f" (for example “Describe {example}”)" if example and intent.kind in TABLE_KINDS else ""
    return f"{text}\n\nTry {search} or “Show me all tables” to see what the catalog holds{known}."


def failure_answer(tool: str) -> str:
    return (
        f"Sorry, the `{tool}` lookup did not accept my request, so I can't answer that one. "
        "Try rephrasing it, or ask “help” to see the questions I understand."
    )


def list_answer(intent: Intent, page: Result) -> str:
    items: list[Result] = page.get("items", [])
    total, offset = int(page.get("total", len(items))), int(page.get("offset", 0))
    kind = f"{intent.table_type} tables" if intent.table_type else "tables"
    if intent.certified is not None:
        if page.get("note"):
            return f"{page['note']} Ask “Describe …” about a table to see what it does record."
        kind = ("certified " if intent.certified else "uncertified ") + kind
    where = (
        f" in the {intent.domain} domain" if intent.domain else f" in {intent.area}" if intent.area else ""
    )
    if not items:
        return f"There are no {kind}{where} in the catalog. Ask “Show me all tables” to see what is there."
    heading = (
        f"Here are the {kind}{where}:"
        if intent.table_type or where or intent.certified is not None
        else "Here are the available tables:"
    )
    lines = [
        f"{offset + n}. {t['name']} ({t['type']})" + dash(t.get("description"))
        for n, t in enumerate(items, 1)
    ]
    noun = f"{intent.table_type} " if intent.table_type else ""
    noun += "table" if total == 1 else "tables"
    if offset + len(items) < total:
        shown = f"Showing {offset + 1}–{offset + len(items)} of {total} {noun}."
        tail = f"{shown} Ask “show more tables” for the next page."
    else:
        tail = f"{'That is the last page: ' if offset else ''}{total} {noun} in all."
    return "\n".join([heading, "", *lines, "", tail])


def describe_answer(table: Result) -> str:
    name = table["name"]
    kind = "table" if table.get("type") in ("TABLE", None, "") else f"{table['type']} table"
    facts = ", ".join(x for x in (kind, _domain(table), table.get("status")) if x)
    lines = [f"**`{name}`** — {table.get('display_name') or name} ({facts})"]
    if table.get("description"):
        lines += ["", str(table["description"])]
    people = [f"- Owner: {_person(table.get('owner'))}", f"- Steward: {_person(table.get('steward'))}"]
    if table.get("system"):
        where = f", schema `{table['schema_name']}`" if table.get("schema_name") else ""
        people.append(f"- System: {table['system']}{where}")
    lines += ["", *people]
    columns: list[Result] = table.get("columns", [])
    if columns:
        lines += ["", f"{count(len(columns), 'column')}:", ""]
        lines += ["| Column | Type | Key | Description |", "|---|---|---|---|"]
        lines += [_column_row(c) for c in columns]
    return "\n".join(lines)


def owner_answer(ownership: Result) -> str:
    table, owner, steward = ownership["table"], ownership.get("owner"), ownership.get("steward")
    if owner and steward and owner.get("name") == steward.get("name"):
        return f"`{table}` is owned by {_person(owner)}, who is also its data steward."
    who = f"is owned by {_person(owner)}" if owner else "has no owner recorded"
    stewarded = f"its data steward is {_person(steward)}" if steward else "it has no data steward recorded"
    return f"`{table}` {who}, and {stewarded}."


def search_answer(intent: Intent, result: Result, note: str = "") -> str:
    """Search hits, those of the kind the question asked for (tables, columns) first."""
    hits: list[Result] = result.get("hits", [])
    query = intent.phrase
    prefix = f"{note}\n\n" if note else ""
    if not hits:
        tail = "Ask “Show me all tables” to see what is there."
        return f"{prefix}Nothing in the catalog matches “{query}”. {tail}"
    if intent.scope:
        hits = sorted(hits, key=lambda hit: hit.get("kind") != intent.scope)
    lines = [f"I found {count(len(hits), 'match', 'matches')} for “{query}”:", ""]
    lines += [f"{n}. {_hit(hit)}" for n, hit in enumerate(hits, 1)]
    return prefix + "\n".join(lines)


def _hit(hit: Result) -> str:
    name, snippet = str(hit["name"]), " ".join(str(hit.get("snippet") or "").split())
    if hit.get("kind") == "column":
        qualified = f"{hit.get('table')}.{name}"
        if snippet.startswith(qualified):
            return f"`{qualified}`{snippet[len(qualified) :]}"
        return f"`{qualified}` (column)" + dash(snippet)
    if hit.get("kind") == "term":
        return f"**{name}** (glossary term)" + dash(snippet)
    return f"`{name}`" + (dash(snippet) if "table" in snippet else " (table)" + dash(snippet))


def term_answer(term: Result, columns_first: bool = False) -> str:
    """A glossary term; `columns_first` when the question asked which columns it is linked to."""
    if columns_first:
        columns = list(term.get("columns") or [])
        head = f"**{term['name']}** is linked to {count(len(columns), 'column')}"
        listed = [f"- `{c}`" for c in columns]
        definition = f"It means: {term.get('definition') or 'no definition recorded.'}"
        return "\n".join(
            [head + (":" if columns else "."), "", *listed, *([""] if listed else []), definition]
        )
    lines = [f"**{term['name']}**: {term.get('definition') or 'no definition recorded.'}", ""]
    if term.get("domain"):
        lines.append(f"- Domain: {term['domain']} ({term.get('status', 'Approved')})")
    lines.append(f"- Steward: {_person(term.get('steward'))}")
    if term.get("synonyms"):
        lines.append("- Synonyms: " + ", ".join(term["synonyms"]))
    if term.get("columns"):
        lines.append("- Columns it describes: " + ", ".join(f"`{c}`" for c in term["columns"]))
    return "\n".join(lines)


def _column_row(column: Result) -> str:
    keys = ["PK"] if column.get("is_primary_key") else []
    fk = column.get("foreign_key")
    if fk:
        keys.append(f"FK → {fk['table']}.{fk['column']}")
    description = str(column.get("description") or "")
    if column.get("terms"):
        description = f"{description} (term: {', '.join(column['terms'])})".strip()
    cells = [f"`{column['name']}`", str(column.get("data_type", "")), ", ".join(keys), description]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def count(n: int, noun: str, plural: str = "") -> str:
    """`1 table`, `3 tables`."""
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _person(person: Result | None) -> str:
    if not person:
        return "not recorded"
    email = f" ({person['email']})" if person.get("email") else ""
    return f"**{person['name']}**{email}"


def _domain(table: Result) -> str:
    return f"{table['domain']} domain" if table.get("domain") else ""


def dash(text: object) -> str:
    return f" — {' '.join(str(text).split())}" if text else ""


def and_list(items: Iterable[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _example(kind: IntentKind, tables: Sequence[str]) -> str:
    first = tables[0]
    return {
        "describe": f"Describe {first}",
        "keys": f"What is the primary key of {first}?",
        "references": f"Which tables reference {first}?",
        "impact": f"What breaks if I change {first}?",
        "status": f"Is {first} certified?",
        "compare": f"Compare {tables[0]} and {tables[-1]}",
        "owner": f"Who owns {first}?",
        "lineage": f"Show the lineage of {first}",
        "relationships": f"Show relationships between {' and '.join(tables)}"
        if len(tables) > 1
        else f"Show relationships of {first}",
        "join": f"How do I join {tables[0]} to {tables[-1]}?",
        "term": f"What does {first} mean?",
        "list": f"Show me the tables in the {first} domain",
    }.get(kind, f"Describe {first}")
