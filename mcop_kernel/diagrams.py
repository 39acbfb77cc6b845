"""Mermaid diagrams drawn from catalog facts: ER diagrams and lineage flowcharts within Mermaid's limits.

Every catalog name survives into the drawing: names that are not plain identifiers get a generated
Mermaid id and are shown through a quoted label, in which every character the Mermaid lexers,
Markdown or HTML could read as syntax is written as a Mermaid entity code (`#34;` for `"`).
Diagrams that would pass Mermaid's text limit (or its edge limit) show the neighbourhood of the
focus tables and say what they left out.

The output is valid for Mermaid 11.15 onwards (what JupyterLab 4.6 bundles), which is stricter than
11.17 about attribute types: `decimal(18,2)` is written `decimal_18_2`.
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

from .catalog.models import Column, LineageEdge, LineageGraph, Relationship, Table, TableType

__all__ = [
    "MERMAID_MAX_EDGES",
    "MERMAID_MAX_TEXT",
    "Diagram",
    "cardinality_words",
    "er_diagram",
    "lineage_diagram",
]

MERMAID_MAX_TEXT = 50_000
"""Mermaid's default `maxTextSize`: longer text is drawn as "Maximum text size in diagram exceeded"."""
MERMAID_MAX_EDGES = 500
"""Mermaid's default `maxEdges`: a flowchart with more edges fails to parse. ER diagrams are held to
it too, as a limit of what a reader (and the layout) can take in."""


class Diagram(BaseModel):
    """A Mermaid diagram and what it shows of the catalog."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["er", "lineage"]
    source: str
    tables: tuple[str, ...]
    omitted: tuple[str, ...]
    note: str


# -- Text: labels, identifiers, attribute words ---------------------------------------------------

_SAFE_PUNCTUATION = frozenset(" .,-/()'+=!?@")
_DIRECTION = re.compile(r"d(?=irection\s)", re.IGNORECASE)
_STYLES: dict[str, str] = {
    "fact": "fill:#fde2c4,stroke:#c2410c",
    "dimension": "fill:#dbeafe,stroke:#1d4ed8",
    "staging": "fill:#f3f4f6,stroke:#6b7280",
    "source": "fill:#ecfccb,stroke:#4d7c0f",
    "view": "fill:#f5f3ff,stroke:#6d28d9",
}
_CLASS_OF: dict[TableType, str] = {
    "FACT": "fact",
    "DIMENSION": "dimension",
    "STAGING": "staging",
    "SOURCE": "source",
    "VIEW": "view",
}
# Words the erDiagram lexer reads as keywords (it matches them case-insensitively before names).
_ER_KEYWORDS = frozenset(
    {"erdiagram", "style", "classdef", "class", "subgraph", "end", "one", "many", "only", "to", "u", "o", "x"}
    | {"acctitle", "accdescr", "direction", "default", "title"}
)


def _text(value: str) -> str:
    """Quoted-label text: letters, digits, spaces and harmless punctuation as they are, every other
    character as a Mermaid entity code, so no lexer, Markdown or HTML reads it as syntax."""
    value = " ".join(value.split())
    text = "".join(
        c if c.isalnum() or c in _SAFE_PUNCTUATION or (c == "_" and _inside_word(value, i)) else f"#{ord(c)};"
        for i, c in enumerate(value)
    )
    # The erDiagram lexer takes any line holding "direction LR" (and TB, BT, RL) as a statement.
    return _DIRECTION.sub(lambda m: f"#{ord(m.group(0))};", text)


def _inside_word(value: str, i: int) -> bool:
    """Whether value[i] sits between two letters or digits (so Markdown reads it as a character)."""
    return 0 < i < len(value) - 1 and value[i - 1].isalnum() and value[i + 1].isalnum()


def _word(value: str, *, fallback: str, prefix: str, non_ascii: bool) -> str:
    """An erDiagram attribute type or name: letters, digits and inner underscores only."""
    keep = [c if c.isalnum() and (c.isascii() or (non_ascii and c <= "\uffff")) else "_" for c in value]
    word = re.sub("_+", "_", "".join(keep)).strip("_") or fallback
    if word[0].isascii() and word[0].isdigit():
        word = f"{prefix}_{word}"
    if re.match(r"(?i)(pk|fk|uk)(?![0-9a-z_])", word):  # PK, FK and UK are key markers
        word = f"{word[:2]}_{word[2:]}"
    return word


def _js_length(text: str) -> int:
    """Length as Mermaid counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _ids(names: Iterable[str], *, keep_plain: bool) -> dict[str, str]:
    """A Mermaid id for each name: the name itself when it is a plain identifier (and `keep_plain`),
    else `t_<ascii slug>` (a hash when nothing is left of the name), unique in the diagram."""
    ordered = sorted(set(names))
    ids: dict[str, str] = {}
    if keep_plain:
        for name in ordered:
            if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) and name.lower() not in _ER_KEYWORDS:
                ids[name] = name
    taken = {i.lower() for i in ids.values()}
    for name in ordered:
        if name in ids:
            continue
        slug = re.sub("[^0-9A-Za-z]+", "_", name).strip("_")[:40]
        base = f"t_{slug or hashlib.sha1(name.encode()).hexdigest()[:8]}"
        candidate, n = base, 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{base}_{n}"
        ids[name] = candidate
        taken.add(candidate.lower())
    return ids


def _node(node_id: str, name: str) -> str:
    """A node: its id, and the catalog name as a quoted label unless the id is the name."""
    return node_id if node_id == name else f'{node_id}["{_text(name)}"]'


# -- Choosing what fits ----------------------------------------------------------------------------


def _by_distance(names: Sequence[str], links: Iterable[tuple[str, str]], seeds: Sequence[str]) -> list[str]:
    """`names` ordered by how many links away they are from `seeds` (seeds first, in their order;
    then by distance and name; unreachable names last). Without seeds, the best-linked name is the seed."""
    neighbours: dict[str, set[str]] = {name: set() for name in names}
    for a, b in links:
        neighbours[a].add(b)
        neighbours[b].add(a)
    if not seeds and names:
        seeds = [min(names, key=lambda n: (-len(neighbours[n]), n))]
    distance = {seed: 0 for seed in seeds}
    queue = deque(seeds)
    while queue:
        current = queue.popleft()
        for nxt in sorted(neighbours[current]):
            if nxt not in distance:
                distance[nxt] = distance[current] + 1
                queue.append(nxt)
    rest = sorted((n for n in names if n not in seeds), key=lambda n: (distance.get(n, len(names) + 1), n))
    return list(dict.fromkeys(seeds)) + rest


def _largest(low: int, high: int, fits: Callable[[int], bool]) -> int | None:
    """The largest n in [low, high] with fits(n), for a `fits` that holds up to some n and not after."""
    if low > high or not fits(low):
        return None
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if fits(mid) else (low, mid - 1)
    return low


def _showing(drawn: int, total: int, around: Sequence[str]) -> str:
    """The note's first sentence: how many tables a cut diagram shows, and around what."""
    if drawn == total:
        return ""
    where = f" around {', '.join(around[:3])}" if around else ""
    if len(around) > 3:
        where += f" and {len(around) - 3} more"
    return f"Showing {drawn} of {total} tables{where}; {total - drawn} left out."


# -- ER diagrams -----------------------------------------------------------------------------------

Detail = Literal["all", "keys", "none"]


def _attribute(column: Column) -> str:
    name = _word(column.name, fallback="column", prefix="c", non_ascii=True)
    keys = ",".join(k for k, on in (("PK", column.is_primary_key), ("FK", column.foreign_key)) if on)
    said = [column.name] if name != column.name else []  # the name as the catalog writes it
    if column.description.strip():
        said.append(column.description)
    comment = ": ".join(said)
    parts = [_word(column.data_type, fallback="unknown", prefix="t", non_ascii=False), name, keys]
    parts.append(f'"{_text(comment)}"' if said else "")
    return "    " + " ".join(p for p in parts if p)


_CROWS: dict[str, str] = {"one-to-one": "||--o|", "one-to-many": "||--o{", "many-to-many": "}o--o{"}


def _relationship(rel: Relationship, ids: dict[str, str]) -> str:
    """One line, the "one" side on the left: a many-to-one from purchase_order to supplier is drawn
    `supplier ||--o{ purchase_order` (one supplier, many purchase orders). An optional (nullable) key
    is drawn zero-or-one on the referenced side: `supplier |o--o{ purchase_order`."""
    one, other, crow = rel.to_table, rel.from_table, _CROWS["one-to-many"]
    if rel.cardinality == "one-to-one":
        crow = _CROWS["one-to-one"]  # one to_table row; at most one from_table row points to it
    elif rel.cardinality in ("one-to-many", "many-to-many"):
        one, other, crow = rel.from_table, rel.to_table, _CROWS[rel.cardinality]
    if rel.optional and one == rel.to_table:
        crow = "|o" + crow[2:]  # a from_table row references zero or one to_table row
    label = rel.label or ", ".join(rel.from_columns)
    if not rel.label and rel.to_columns and rel.to_columns != rel.from_columns:
        label += " = " + ", ".join(rel.to_columns)
    return f'  {ids[one]} {crow} {ids[other]} : "{_text(label or rel.id)}"'


def cardinality_words(rel: Relationship) -> str:
    """The relationship in words, as a reader checks it against the diagram: "each purchase_order row
    references zero or one supplier row" for an optional key, "exactly one" for a required one."""
    src, dst = rel.from_table, rel.to_table
    how_many = "zero or one" if rel.optional else "exactly one"
    if rel.cardinality == "one-to-one":
        return f"each {src} row references {how_many} {dst} row, and each {dst} row has at most one {src} row"
    if rel.cardinality == "many-to-many":
        return f"{src} and {dst} are linked many-to-many"
    if rel.cardinality == "one-to-many":
        return f"each {src} row can have many {dst} rows"
    return f"each {src} row references {how_many} {dst} row; a {dst} row can have many {src} rows"


class _Plan(NamedTuple):
    """How much of an ER diagram to draw: the first `n_tables` by distance from the focus, the
    columns of the other tables (all, keys only, none), and at most `cap` columns of focus tables."""

    n_tables: int
    others: Detail = "all"
    cap: int | None = None


class _ErDrawing:
    """The lines of an ER diagram, made once, and the diagram a plan draws from them."""

    def __init__(self, tables: Sequence[Table], relationships: Sequence[Relationship], focus: Sequence[str]):
        by_name: dict[str, Table] = {}
        for t in tables:
            by_name.setdefault(t.name, t)
        unique = {r.id: r for r in relationships}.values()
        self.rels = sorted(unique, key=lambda r: (r.from_table, r.to_table, r.id))
        ends = {n for r in self.rels for n in (r.from_table, r.to_table)}
        names = [*by_name, *sorted(ends - by_name.keys())]
        self.focus = list(dict.fromkeys(f for f in focus if f in names))
        self.order = _by_distance(names, ((r.from_table, r.to_table) for r in self.rels), self.focus)
        ids = _ids(names, keep_plain=True)
        self.heads: dict[str, str] = {}
        self.attributes: dict[str, list[tuple[str, bool]]] = {}
        for name in self.order:
            table = by_name.get(name)
            classes = [_CLASS_OF[table.type]] if table and table.type in _CLASS_OF else []
            classes += ["focus"] if name in self.focus else []
            self.heads[name] = _node(ids[name], name) + (f":::{','.join(classes)}" if classes else "")
            columns = table.columns if table else ()
            self.attributes[name] = [
                (_attribute(c), c.is_primary_key or bool(c.foreign_key)) for c in columns
            ]
        self.rel_lines = [(r.from_table, r.to_table, _relationship(r, ids)) for r in self.rels]
        styles = (*_STYLES.items(), ("focus", "stroke-width:3px"))
        self.class_defs = [f"  classDef {c} {s}" for c, s in styles]

    def shown_attributes(self, name: str, plan: _Plan) -> list[str]:
        lines = self.attributes[name]
        if name in self.focus:
            return [line for line, _ in lines[: plan.cap]]
        return [line for line, key in lines if plan.others == "all" or (plan.others == "keys" and key)]

    def draw(self, plan: _Plan) -> tuple[str, int]:
        """The Mermaid text and its number of relationships."""
        shown = set(self.order[: plan.n_tables])
        lines = ["erDiagram"]
        for name in self.order[: plan.n_tables]:
            attributes = self.shown_attributes(name, plan)
            head = self.heads[name]
            lines += [f"  {head} {{", *attributes, "  }"] if attributes else [f"  {head}"]
        drawn = [line for a, b, line in self.rel_lines if a in shown and b in shown]
        return "\n".join([*lines, *drawn, *self.class_defs]) + "\n", len(drawn)

    def plan(self, max_chars: int, others: Detail = "all") -> _Plan:
        """Everything (other tables' columns at most at the `others` detail) if it fits; else drop
        other tables' columns (keys last), then the farthest tables, then focus columns past the
        first few, then focus tables."""

        def fits(plan: _Plan) -> bool:
            source, edges = self.draw(plan)
            return _js_length(source) <= max_chars and edges <= MERMAID_MAX_EDGES

        total, n_focus = len(self.order), len(self.focus)
        all_levels: tuple[Detail, ...] = ("all", "keys", "none")
        levels = all_levels[all_levels.index(others) :]
        for plan in (_Plan(total, level) for level in levels):
            if fits(plan):
                return plan
        count = _largest(n_focus, total, lambda k: fits(_Plan(k, "none")))
        if count is not None:
            return next(p for p in (_Plan(count, lv) for lv in levels) if fits(p))
        widest = max((len(self.attributes[name]) for name in self.focus), default=0)
        cap = _largest(0, widest, lambda c: fits(_Plan(n_focus, "none", c)))
        if cap is not None:
            return _Plan(n_focus, "none", cap)
        return _Plan(_largest(1, n_focus, lambda k: fits(_Plan(k, "none", 0))) or 0, "none", 0)


def er_diagram(
    tables: Sequence[Table],
    relationships: Sequence[Relationship],
    *,
    focus: Sequence[str] = (),
    max_chars: int = MERMAID_MAX_TEXT,
    others: Detail = "all",
) -> Diagram:
    """An `erDiagram` of the tables and the relationships between them, within `max_chars` (and
    MERMAID_MAX_EDGES), centred on `focus` when it has to leave something out. `others="keys"`
    draws only the key columns of the tables not in `focus` (readable at a glance)."""
    drawing = _ErDrawing(tables, relationships, focus)
    plan = drawing.plan(max_chars, others if focus else "all")
    drawn = drawing.order[: plan.n_tables]
    notes = [_showing(plan.n_tables, len(drawing.order), drawing.focus)]
    hidden = sum(len(drawing.attributes[n]) - len(drawing.shown_attributes(n, plan)) for n in drawn)
    if hidden:
        focus = ", ".join(drawing.focus[:3]) + (" and more" if len(drawing.focus) > 3 else "")
        if plan.cap is not None:
            notes.append(f"Only the first {plan.cap} columns of {focus} are drawn")
        elif plan.others == "keys":
            notes.append("Only key columns of the other tables are drawn")
        else:
            notes.append(f"Columns are drawn for {focus} only" if focus else "Columns are not drawn")
        notes[-1] += f" ({hidden} left out)."
    return Diagram(
        kind="er",
        source=drawing.draw(plan)[0],
        tables=tuple(drawn),
        omitted=tuple(drawing.order[plan.n_tables :]),
        note=" ".join(n for n in notes if n),
    )


# -- Lineage flowcharts ----------------------------------------------------------------------------


def lineage_diagram(graph: LineageGraph, *, max_chars: int = MERMAID_MAX_TEXT) -> Diagram:
    """A left-to-right flowchart: data flows along the edges, labelled with the process that moves
    it; tables styled by type, the center outlined. Farthest tables go first when it does not fit."""
    types = {t.name: t.type for t in graph.tables}
    edges = sorted(set(graph.edges), key=lambda e: (e.source, e.target, e.process))
    names = list(dict.fromkeys([graph.center, *types, *(n for e in edges for n in (e.source, e.target))]))
    order = _by_distance(names, ((e.source, e.target) for e in edges), [graph.center])
    ids = _ids(names, keep_plain=False)

    def draw(count: int) -> tuple[str, int]:
        shown, visible = order[:count], set(order[:count])
        drawn: list[LineageEdge] = [e for e in edges if e.source in visible and e.target in visible]
        lines = ["flowchart LR", *(f'  {ids[n]}["{_text(n)}"]' for n in shown)]
        for e in drawn:
            arrow = f'-->|"{_text(e.process)}"|' if e.process.strip() else "-->"
            lines.append(f"  {ids[e.source]} {arrow} {ids[e.target]}")
        lines += [f"  classDef {c} {s}" for c, s in _STYLES.items()]
        lines.append("  classDef center stroke:#b91c1c,stroke-width:4px")
        for cls in _STYLES:
            members = [ids[n] for n in shown if _CLASS_OF.get(types.get(n, "TABLE")) == cls]
            if members:
                lines.append(f"  class {','.join(members)} {cls}")
        if graph.center in shown:
            lines.append(f"  class {ids[graph.center]} center")
        return "\n".join(lines) + "\n", len(drawn)

    def fits(count: int) -> bool:
        source, n_edges = draw(count)
        return _js_length(source) <= max_chars and n_edges <= MERMAID_MAX_EDGES

    count = _largest(1, len(order), fits) or 0
    return Diagram(
        kind="lineage",
        source=draw(count)[0],
        tables=tuple(order[:count]),
        omitted=tuple(order[count:]),
        note=_showing(count, len(order), [graph.center]),
    )
