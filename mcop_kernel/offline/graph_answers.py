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
