"""The offline model's answers about one table's foreign keys and reach: what references it and what it
points to, how many keys it holds, the catalog's relationships of one kind, and what a change affects."""

from __future__ import annotations

from .answers import Result, and_list, count
from .intents import Intent


def _link(link: Result, other_key: str = "table") -> str:
    cols = ", ".join(f"`{c}`" for c in link.get("columns") or [])
    extra = " (optional)" if link.get("optional") else ""
    return f"- `{link[other_key]}`" + (f" via {cols}" if cols else "") + extra


def references_answer(intent: Intent, result: Result) -> str:
    """Which tables point at this one (`in`), what it points to (`out`), or both."""
    table = result["table"]
    incoming, outgoing = list(result.get("referenced_by") or []), list(result.get("references") or [])
    sections: list[str] = []
    if intent.what == "count":
        return _key_count(table, result, incoming, outgoing)
    if intent.what in ("in", "both"):
        if incoming:
            names = len({r["table"] for r in incoming})
            verb = "references" if names == 1 else "reference"
            keys = int(result.get("referenced_by_count") or len(incoming))
            through = f" through {count(keys, 'foreign key')}" if keys != names else ""
            head = f"{count(names, 'table')} {verb} `{table}`{through}:"
            sections.append("\n".join([head, "", *map(_link, incoming)]))
        else:
            sections.append(f"No table references `{table}` by foreign key.")
    if intent.what in ("out", "both"):
        if outgoing:
            names = len({r["table"] for r in outgoing})
            keys = int(result.get("references_count") or len(outgoing))
            through = f" through {count(keys, 'foreign key')}" if keys != names else ""
            sections.append(
                "\n".join(
                    [f"`{table}` references {count(names, 'table')}{through}:", "", *map(_link, outgoing)]
                )
            )
        else:
            sections.append(f"`{table}` references no other table.")
    return "\n\n".join(sections)


def _key_count(table: str, result: Result, incoming: list[Result], outgoing: list[Result]) -> str:
    """How many foreign keys a table holds (each key counted, even several to one table), then the list."""
    keys = int(result.get("references_count") or len(outgoing))
    names = len({r["table"] for r in outgoing})
    if not keys:
        head = f"`{table}` has **no foreign keys** of its own (it references no other table)."
    else:
        head = f"`{table}` has **{count(keys, 'foreign key')}**, to {count(names, 'table')}:"
    lines = [head, "", *map(_link, outgoing)] if keys else [head]
    inbound = int(result.get("referenced_by_count") or len(incoming))
    sources = len({r["table"] for r in incoming})
    if inbound:
        lines += ["", f"It is referenced by {count(inbound, 'foreign key')} from {count(sources, 'table')}."]
    return "\n".join(lines)


_KIND_TEXT = {
    "optional": "optional references (nullable foreign keys: zero or one related row)",
    "one-to-one": "one-to-one relationships",
    "self-referencing": "self-referencing tables (a foreign key to the same table)",
    "many-to-many": "many-to-many links",
}


_ONE_KIND_TEXT = {
    "optional": "optional reference (a nullable foreign key: zero or one related row)",
    "one-to-one": "one-to-one relationship",
    "self-referencing": "self-referencing table (a foreign key to the same table)",
    "many-to-many": "many-to-many link",
}


def kind_answer(intent: Intent, result: Result) -> str:
    """The catalog's relationships of one kind, or (a table named) that table's own."""
    rels, kind = list(result.get("relationships") or []), str(result.get("kind") or intent.what)
    n = int(result.get("count", len(rels)))
    holder = "The catalog"
    if intent.tables:
        table = intent.tables[0]
        own = "from_table" if kind == "optional" else ""
        rels = [r for r in rels if table in ((r[own],) if own else (r["from_table"], r["to_table"]))]
        n, holder = len(rels), f"`{table}`"
    if not rels:
        return f"{holder} has no {_KIND_TEXT.get(kind, kind)}."
    text = _KIND_TEXT.get(kind, kind) if n != 1 else _ONE_KIND_TEXT.get(kind, kind)
    lines = [f"{holder} has {n} {text}:", ""]
    for rel in rels[:30]:
        cols = ", ".join(f"`{c}`" for c in rel.get("from_columns") or [])
        lines.append(f"- `{rel['from_table']}` → `{rel['to_table']}`" + (f" via {cols}" if cols else ""))
    if n > 30:
        lines.append(f"- … and {n - 30} more")
    return "\n".join(lines)


def impact_answer(intent: Intent, result: Result) -> str:
    """What is downstream by lineage and what references the table, then the people to tell."""
    table = result["table"]
    downstream, referencing = list(result.get("downstream") or []), list(result.get("referenced_by") or [])
    if not downstream and not referencing:
        lines = [f"Nothing recorded depends on `{table}`: no downstream lineage and no table references it."]
    else:
        lines = [
            f"Changing `{table}` can affect {count(len(downstream), 'downstream table')} (lineage) and "
            f"{count(len(referencing), 'table')} that "
            f"{'references' if len(referencing) == 1 else 'reference'} it "
            "by foreign key.",
            "",
        ]
        for item in downstream[:30]:
            lines.append(f"- `{item['table']}` (downstream, {count(int(item.get('depth', 1)), 'step')})")
        for item in referencing[:30]:
            lines.append(f"- `{item['table']}` (references it)")
    people = list(result.get("people_to_tell") or [])
    if people:
        lines += ["", "People to tell: " + and_list([f"**{p}**" for p in people]) + "."]
    elif downstream or referencing:
        lines += ["", "The catalog records no owners or stewards for them, so I can't say whom to tell."]
    if result.get("note") and result.get("unknown"):
        lines += ["", str(result["note"])]
    return "\n".join(lines)
