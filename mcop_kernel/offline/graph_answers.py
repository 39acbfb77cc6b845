"""The offline model's answers about how tables connect: relationships, join paths and lineage."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .answers import Result, and_list, count
from .intents import Intent


def directly_related(hood: Result, other: str) -> bool:
    """Whether a foreign key joins the neighbourhood's centre to the table the words `other` name."""
    center = hood["table"]
    return any(_names_other(other, r, center) for r in hood.get("relationships", []))


def relationships_answer(
    intent: Intent, hood: Result, drawn: Result | None, path: Result | None = None
) -> str:
    """The asked-about pairs first, then what the table references and what references it."""
    center = hood["table"]
    rels: list[Result] = hood.get("relationships", [])
    outgoing = [r for r in rels if r["from_table"] == center]
    incoming = [r for r in rels if r["to_table"] == center and r["from_table"] != center]
    lines: list[str] = []
    focus = [f"`{center}`"]
    for other in intent.tables[1:]:
        direct = [r for r in outgoing + incoming if _names_other(other, r, center)]
        if direct:
            name = direct[0]["to_table"] if direct[0]["from_table"] == center else direct[0]["from_table"]
            focus.append(f"`{name}`")
            lines.append(f"`{center}` and `{name}` are directly related. {relationship_sentence(direct[0])}")
        elif path is not None and path.get("steps"):
            focus.append(f"`{path['end']}`")
            lines.append(
                f"`{center}` and `{path['end']}` are not directly related; they join in "
                f"{count(len(path['steps']), 'step')}: "
                + " → ".join(f"`{t}`" for t in path.get("tables", []))
            )
            if path.get("warning"):
                lines.append(f"**Note:** {path['warning']}")
        else:
            focus.append(other)
            lines.append(
                f"`{center}` and {other} are not directly related; ask “How do I join {center} to {other}?” "
                "for the path between them."
            )
    if lines:
        lines.append("")
    if outgoing:
        targets = len({r["to_table"] for r in outgoing})
        lines += [f"`{center}` references {count(targets, 'table')}:", ""]
        lines += [f"- {relationship_sentence(r)}" for r in outgoing] + [""]
    if incoming:
        sources = len({r["from_table"] for r in incoming})
        lines += [f"`{center}` is referenced by {count(sources, 'table')}:", ""]
        lines += [f"- {relationship_sentence(r)}" for r in incoming] + [""]
    if not outgoing and not incoming:
        lines += [f"`{center}` has no recorded relationships.", ""]
    if drawn is None:
        return "\n".join(lines).strip()
    if "error" in drawn:
        return "\n".join([*lines, f"I couldn't draw the diagram: {drawn['error']}"])
    drawn_tables: list[str] = drawn.get("tables", [])
    shown = set(drawn_tables)
    among = sum(
        1
        for r in rels
        if center not in (r["from_table"], r["to_table"]) and {r["from_table"], r["to_table"]} <= shown
    )
    tail = f"I've attached an ER diagram of {count(len(drawn_tables), 'table')} around {and_list(focus)}"
    whose = "their" if len(focus) > 1 else "its"
    tail += (
        f", which also shows {count(among, 'relationship')} among {whose} neighbours." if among > 0 else "."
    )
    if drawn.get("omitted"):
        tail += f" It leaves out {count(len(drawn['omitted']), 'more distant table')} to stay readable."
    return "\n".join([*lines, tail])


def relationship_sentence(rel: Result) -> str:
    """One relationship in words: `from_table` holds the foreign key (the *many* side)."""
    src, dst = f"`{rel['from_table']}`", f"`{rel['to_table']}`"
    from_cols, to_cols = list(rel.get("from_columns", [])), list(rel.get("to_columns", []))
    if from_cols == to_cols:
        via = "via " + ", ".join(f"`{c}`" for c in from_cols)
    else:
        via = "via " + ", ".join(
            f"`{f}` → `{rel['to_table']}.{t}`" for f, t in zip(from_cols, to_cols, strict=False)
        )
    if rel.get("optional") and rel.get("cardinality") in ("many-to-one", "one-to-one", None):
        return f"Each {src} row references zero or one {dst} row {via} (the foreign key may be null)."
    sentence = {
        "one-to-one": f"Each {src} row matches exactly one {dst} row {via}",
        "one-to-many": f"Each {src} row can have many {dst} rows {via}",
        "many-to-many": f"{src} and {dst} are linked many-to-many {via}",
    }.get(str(rel.get("cardinality")), f"Each {src} row references one {dst} row {via}")
    label = str(rel.get("label") or "")
    return f"{sentence} ({label})." if label and label not in from_cols else f"{sentence}."


def join_answer(path: Result) -> str:
    """The path, each join condition and the SQL; a hub warning and the path that avoids the hub."""
    text = _join_path(path)
    if path.get("warning"):
        text += f"\n\n**Note:** {path['warning']}"
    alternative = path.get("alternative")
    if isinstance(alternative, dict) and alternative.get("steps"):
        other = {"start": path["start"], "end": path["end"], **alternative}
        text += "\n\nA path that avoids it:\n\n" + _join_path(other)
    return text


def _join_path(path: Result) -> str:
    start, end, tables = path["start"], path["end"], path.get("tables", [])
    steps: list[Result] = path.get("steps", [])
    if not steps:
        return f"`{start}` and `{end}` are the same table, so there is nothing to join."
    lines = [
        f"To join `{start}` to `{end}`, follow {count(len(steps), 'step')}: "
        + " → ".join(f"`{t}`" for t in tables),
        "",
    ]
    for n, step in enumerate(steps, 1):
        pairs = zip(step.get("from_columns", []), step.get("to_columns", []), strict=False)
        on = " and ".join(f"`{step['from_table']}.{f}` = `{step['to_table']}.{t}`" for f, t in pairs)
        lines.append(f"{n}. {on}")
    return "\n".join([*lines, "", "```sql", str(path.get("sql", "")).strip(), "```"])


def lineage_answer(graph: Result) -> str:
    center, direction = graph["center"], graph.get("direction", "both")
    edges: list[Result] = graph.get("edges", [])
    types = {t["name"]: t.get("type", "") for t in graph.get("tables", [])}
    sections: list[str] = []
    for way, forward, title in (("upstream", False, "Upstream"), ("downstream", True, "Downstream")):
        if direction not in (way, "both"):
            continue
        flows = _reachable(edges, center, forward)
        if not flows:
            sections.append(f"No {way} lineage is recorded for `{center}`.")
            continue
        ends = list(dict.fromkeys(e["source"] if not forward else e["target"] for e in flows))
        verb = "is fed by" if not forward else "feeds"
        head = f"**{title}:** `{center}` {verb} {and_list([_typed(n, types) for n in ends])}."
        sections.append("\n".join([head, "", *(f"- {_flow(e)}" for e in flows)]))
    if not edges:
        sections = [f"No lineage is recorded for `{center}`."]
    tail = "I've attached a lineage flowchart."
    if graph.get("omitted"):
        tail += f" It leaves out {len(graph['omitted'])} tables to stay readable."
    return "\n\n".join([*sections, tail] if edges else sections)


def _reachable(edges: Sequence[Result], center: str, forward: bool) -> list[Result]:
    """The flows reachable from `center` going downstream (`forward`) or upstream, nearest first."""
    seen, frontier, order = {center}, [center], list[Result]()
    while frontier:
        following: list[str] = []
        for node in frontier:
            for edge in edges:
                near, far = (edge["source"], edge["target"]) if forward else (edge["target"], edge["source"])
                if near == node and edge not in order:
                    order.append(edge)
                    if far not in seen:
                        seen.add(far)
                        following.append(far)
        frontier = following
    return order


def _flow(edge: Result) -> str:
    via = f" ({edge['process']})" if edge.get("process") else ""
    return f"`{edge['source']}` → `{edge['target']}`{via}"


def _typed(name: str, types: dict[str, str]) -> str:
    return f"`{name}` ({types[name]})" if types.get(name) else f"`{name}`"


def _names_other(phrase: str, rel: Result, center: str) -> bool:
    """Whether `rel` joins `center` to a table the user's words name."""
    ends = (rel["from_table"], rel["to_table"])
    return center in ends and any(names_table(phrase, end) for end in ends if end != center)


def names_table(phrase: str, table: str) -> bool:
    """Whether the user's words plausibly name `table` ("suppliers" names `dimv_bs_supplier`)."""
    if phrase.lower() == table.lower():
        return True
    if "_" in phrase or phrase != phrase.lower():
        return False
    stems = [re.sub(r"(?<=[a-z])s$", "", w) for w in re.findall(r"[a-z0-9]+", phrase.lower())]
    return bool(stems) and all(stem in table.lower() for stem in stems)


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
