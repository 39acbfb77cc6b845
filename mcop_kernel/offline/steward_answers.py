"""The offline model's answers to a steward's questions about tables, columns and people: keys, columns,
status, classification, comparisons, the glossary and people. Each is written from one tool's result."""

from __future__ import annotations

from collections.abc import Sequence

from ..catalog.words import singular
from . import value_kinds
from .answers import Result, and_list, count, dash
from .intents import Intent
from .vocabulary import split_words

SHOWN = 30


def be(n: int) -> str:
    return "is" if n == 1 else "are"


def unknown_note(result: Result) -> str:
    return str(result.get("note") or "")


def names_list(names: Sequence[str], total: int | None = None) -> list[str]:
    lines = [f"- `{n}`" for n in names[:SHOWN]]
    more = (total if total is not None else len(names)) - min(len(names), SHOWN)
    return lines + ([f"- … and {more} more"] if more > 0 else [])


def columns_answer(intent: Intent, result: Result) -> str:
    columns, query = list(result.get("columns") or []), result.get("query", intent.phrase)
    if not columns:
        return (
            f"No column name in the catalog contains “{query}”. "
            f"Try “Search for {query}” to look in descriptions too."
        )
    tables = list(result.get("tables") or {c["table"] for c in columns})
    n = int(result.get("count", len(columns)))
    lines = [f"Yes: {count(n, 'column')} in {count(len(tables), 'table')} match “{query}”:", ""]
    if result.get("corrected_from"):
        lines[0] = f"(No column name holds “{result['corrected_from']}”; I took it as “{query}”.) " + lines[0]
    lines += [_column_line(c) for c in columns[:SHOWN]]
    if n > SHOWN:
        lines.append(f"- … and {n - SHOWN} more")
    return "\n".join(lines)


def _column_line(column: Result) -> str:
    kind = f" ({column['data_type']})" if column.get("data_type") else ""
    return f"- `{column['table']}.{column['column']}`{kind}" + dash(column.get("description"))


def column_kind_answer(intent: Intent, results: Sequence[Result]) -> str:
    """Columns that look like a kind of value (by name words and data type), in table order."""
    seen: dict[tuple[str, str], Result] = {}
    for result in results:
        for column in result.get("columns") or []:
            seen.setdefault((column["table"], column["column"]), column)
    columns = [
        c
        for c in seen.values()
        if value_kinds.matches(intent.what, str(c["column"]), str(c.get("data_type") or ""))
    ]
    what = intent.phrase or intent.what
    if not columns:
        return f"I found no columns that look like they hold {what}."
    kinded = [r for r in results if r.get("kind")]
    by_table: dict[str, list[Result]] = {}
    for column in sorted(columns, key=lambda c: (c["table"], c["column"])):
        by_table.setdefault(column["table"], []).append(column)
    n_columns = max(len(columns), sum(int(r.get("count", 0)) for r in kinded))
    n_tables = max(len(by_table), sum(int(r.get("tables_count", 0)) for r in kinded))
    if kinded:
        how = "by their names and data types"
    else:
        how = "names containing " + and_list([f"“{r.get('query')}”" for r in results if r.get("query")])
    lines = [
        f"{count(n_columns, 'column')} in {count(n_tables, 'table')} {_look(n_columns)} {what} ({how}):",
        "",
    ]
    shown = [c for held in by_table.values() for c in held][:SHOWN]
    lines += [_column_line(c) for c in shown]
    if n_columns > len(shown):
        lines.append(f"- … and {n_columns - len(shown)} more")
    return "\n".join(lines)


def _look(n: int) -> str:
    return "looks like it holds" if n == 1 else "look like they hold"


def kind_columns(intent: Intent, table: Result) -> list[Result]:
    """The table's columns that look like they hold the kind of value asked (or bear the words asked)."""
    wanted = {singular(w) for w in split_words(intent.phrase)}

    def fits(column: Result) -> bool:
        column_name, data_type = str(column.get("name", "")), str(column.get("data_type") or "")
        if intent.what in value_kinds.VALUE_KINDS:
            return value_kinds.matches(intent.what, column_name, data_type)
        return bool(wanted) and wanted <= {singular(w) for w in split_words(column_name)}

    return [c | {"table": table["name"]} for c in table.get("columns") or [] if fits(c)]


def table_kind_answer(intent: Intent, table: Result) -> str:
    """One table's columns that look like they hold a kind of value, by name words and data type."""
    name, what = table["name"], intent.phrase or intent.what
    columns = kind_columns(intent, table)
    if not columns:
        return f"No column of `{name}` looks like it holds {what} (by its name or data type)."
    if intent.what not in value_kinds.VALUE_KINDS:
        lines = [f"`{name}` keeps {what} in {count(len(columns), 'column')}:", ""]
    else:
        lines = [f"{count(len(columns), 'column')} of `{name}` {_look(len(columns))} {what}:", ""]
    lines += [_column_line(c | {"column": c["name"]}) for c in columns[:SHOWN]]
    return "\n".join(lines)


def person_answer(intent: Intent, result: Result) -> str:
    person, owns, stewards = (
        result["person"],
        list(result.get("owns") or []),
        list(result.get("stewards") or []),
    )
    terms = list(result.get("terms") or [])
    if not (owns or stewards or terms):
        return f"**{person}** owns and stewards nothing in this catalog."
    lines = [
        f"**{person}** owns {count(len(owns), 'table')}, stewards {count(len(stewards), 'table')}"
        + (f" and {count(len(terms), 'glossary term')}." if terms else ".")
    ]
    for title, names in (("Owns", owns), ("Stewards", stewards)):
        if names:
            lines += ["", f"{title}:", *names_list(names)]
    if terms:
        lines += ["", "Glossary terms: " + ", ".join(terms)]
    return "\n".join(lines)


def status_answer(intent: Intent, result: Result) -> str:
    table = result["table"]
    certified = result.get("certified")
    facts = []
    if result.get("status"):
        facts.append(f"- Status: {result['status']}")
    facts.append("- Certified: " + ("yes" if certified else "no" if certified is False else "not recorded"))
    labels = (
        ("classification", "Classification"),
        ("refresh_schedule", "Refreshed"),
        ("last_loaded", "Last loaded"),
        ("quality_score", "Quality score"),
        ("row_count", "Rows"),
    )
    for k, label in labels:
        if result.get(k) not in (None, ""):
            facts.append(f"- {label}: {result[k]}")
    sensitive = result.get("sensitive_columns") or []
    if sensitive:
        facts.append(
            "- Sensitive columns: " + ", ".join(f"`{c['column']}` ({c['classification']})" for c in sensitive)
        )
    head = f"`{table}`" + (
        " is certified." if certified else " is not certified." if certified is False else ":"
    )
    if intent.what == "freshness":
        schedule, loaded = result.get("refresh_schedule"), result.get("last_loaded")
        when = [
            f"is refreshed **{schedule}**" if schedule else "",
            f"was last loaded **{loaded}**" if loaded else "",
        ]
        said = " and ".join(w for w in when if w)
        head = (
            f"`{table}` {said}."
            if said
            else f"The catalog records no refresh schedule or last load for `{table}`."
        )
    unknown = list(result.get("unknown") or [])
    tail = (
        [str(result["note"])]
        if result.get("note")
        else ([f"The catalog does not record {and_list(unknown)} for it."] if unknown else [])
    )
    return "\n".join([head, "", *facts, *(["", *tail] if tail else [])])


def classified_answer(intent: Intent, result: Result) -> str:
    tables, columns = list(result.get("tables") or []), list(result.get("columns") or [])
    label = result.get("label") or intent.phrase
    what = f"classified “{label}”" if label else "with a classification"
    if not tables and not columns:
        return str(result.get("note") or f"Nothing in the catalog is {what}.")
    n_tables = int(result.get("tables_count", len(tables)))
    n_columns = int(result.get("columns_count", len(columns)))
    lines = [f"{count(n_tables, 'table')} and {count(n_columns, 'column')} are {what}."]
    if n_tables == len(tables) and n_columns == len(columns):
        holding = {t["name"] for t in tables} | {c["table"] for c in columns}
        lines[0] += f" They sit in {count(len(holding), 'table')} in all:"
    if tables:
        lines += ["", *[f"- `{t['name']}` ({t['classification']})" for t in tables[:SHOWN]]]
    if columns:
        lines += ["", *[f"- `{c['table']}.{c['column']}` ({c['classification']})" for c in columns[:SHOWN]]]
    return "\n".join(lines)


def compare_answer(intent: Intent, result: Result) -> str:
    first, second = result["first"], result["second"]

    def side(t: Result) -> str:
        owner = t.get("owner")
        who = owner.get("name") if isinstance(owner, dict) else owner
        parts = [
            str(t.get("type") or ""),
            f"{t.get('domain')} domain" if t.get("domain") else "",
            count(int(t.get("columns") or 0), "column"),
            f"owner {who}" if who else "no owner recorded",
        ]
        return f"- `{t['name']}`: " + ", ".join(p for p in parts if p)

    shared = list(result.get("shared_columns") or [])
    lines = [f"Comparing `{first['name']}` and `{second['name']}`:", "", side(first), side(second), ""]
    lines.append(
        f"They share {count(len(shared), 'column name')}"
        + (": " + ", ".join(f"`{c}`" for c in shared[:20]) if shared else "")
        + "."
    )
    for label, k in ((first["name"], "only_first"), (second["name"], "only_second")):
        only = list(result.get(k) or [])
        if only:
            lines.append(
                f"Only in `{label}`: "
                + ", ".join(f"`{c}`" for c in only[:20])
                + (" …" if len(only) > 20 else "")
            )
    joined = result.get("joined_by")
    if result.get("direct"):
        lines.append("A foreign key joins them directly.")
    elif joined:
        lines.append("They join through " + " → ".join(f"`{t}`" for t in joined) + ".")
    else:
        lines.append("No join path connects them.")
    return "\n".join(lines)


def glossary_answer(intent: Intent, result: Result) -> str:
    terms, total = list(result.get("terms") or []), int(result.get("total", 0))
    if not terms:
        return "This catalog has no glossary terms."
    lines = [f"The glossary has {count(total, 'term')}:", ""]
    lines += [f"- **{t['name']}**" + dash(t.get("definition")) for t in terms]
    if total > len(terms):
        lines.append(f"- … and {total - len(terms)} more")
    return "\n".join(lines)


def people_answer(intent: Intent, result: Result) -> str:
    people = list(result.get("people") or [])
    if not people:
        return "This catalog records no people (no owners or stewards)."
    lines = [f"{count(len(people), 'person', 'people')} answer for assets in this catalog:", ""]
    lines += [
        f"- **{p['name']}**"
        + (f" ({p['email']})" if p.get("email") else "")
        + f": owns {count(int(p.get('owns', 0)), 'table')}, stewards "
        f"{count(int(p.get('stewards', 0)), 'table')}"
        for p in people
    ]
    return "\n".join(lines)
