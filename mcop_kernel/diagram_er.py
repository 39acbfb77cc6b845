"""ER diagrams (`erDiagram`) of tables and their relationships, cut to Mermaid's limits around focus tables.

The output is valid for Mermaid 11.15 onwards (what JupyterLab 4.6 bundles), which is stricter than
11.17 about attribute types: `decimal(18,2)` is written `decimal_18_2`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple

from .catalog.models import Column, Relationship, Table
from .diagram_fit import (
    MERMAID_MAX_EDGES,
    MERMAID_MAX_TEXT,
    Diagram,
    by_distance,
    largest_fitting,
    showing_note,
)
from .diagram_text import CLASS_OF, STYLES, attribute_word, js_length, label_text, mermaid_ids, node

# -- ER diagrams -----------------------------------------------------------------------------------

Detail = Literal["all", "keys", "none"]


def _attribute(column: Column) -> str:
    name = attribute_word(column.name, fallback="column", prefix="c", non_ascii=True)
    keys = ",".join(k for k, on in (("PK", column.is_primary_key), ("FK", column.foreign_key)) if on)
    said = [column.name] if name != column.name else []  # the name as the catalog writes it
    if column.description.strip():
        said.append(column.description)
    comment = ": ".join(said)
    parts = [attribute_word(column.data_type, fallback="unknown", prefix="t", non_ascii=False), name, keys]
    parts.append(f'"{label_text(comment)}"' if said else "")
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
    return f'  {ids[one]} {crow} {ids[other]} : "{label_text(label or rel.id)}"'


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
        self.order = by_distance(names, ((r.from_table, r.to_table) for r in self.rels), self.focus)
        ids = mermaid_ids(names, keep_plain=True)
        self.heads: dict[str, str] = {}
        self.attributes: dict[str, list[tuple[str, bool]]] = {}
        for name in self.order:
            table = by_name.get(name)
            classes = [CLASS_OF[table.type]] if table and table.type in CLASS_OF else []
            classes += ["focus"] if name in self.focus else []
            self.heads[name] = node(ids[name], name) + (f":::{','.join(classes)}" if classes else "")
            columns = table.columns if table else ()
            self.attributes[name] = [
                (_attribute(c), c.is_primary_key or bool(c.foreign_key)) for c in columns
            ]
        self.rel_lines = [(r.from_table, r.to_table, _relationship(r, ids)) for r in self.rels]
        styles = (*STYLES.items(), ("focus", "stroke-width:3px"))
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
            return js_length(source) <= max_chars and edges <= MERMAID_MAX_EDGES

        total, n_focus = len(self.order), len(self.focus)
        all_levels: tuple[Detail, ...] = ("all", "keys", "none")
        levels = all_levels[all_levels.index(others) :]
        for plan in (_Plan(total, level) for level in levels):
            if fits(plan):
                return plan
        count = largest_fitting(n_focus, total, lambda k: fits(_Plan(k, "none")))
        if count is not None:
            return next(p for p in (_Plan(count, lv) for lv in levels) if fits(p))
        widest = max((len(self.attributes[name]) for name in self.focus), default=0)
        cap = largest_fitting(0, widest, lambda c: fits(_Plan(n_focus, "none", c)))
        if cap is not None:
            return _Plan(n_focus, "none", cap)
        return _Plan(largest_fitting(1, n_focus, lambda k: fits(_Plan(k, "none", 0))) or 0, "none", 0)


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
    notes = [showing_note(plan.n_tables, len(drawing.order), drawing.focus)]
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
