"""Mermaid diagrams drawn from catalog facts: ER diagrams and lineage flowcharts within Mermaid's limits.

The public face of the diagrams: lineage flowcharts are drawn here; ER diagrams in `diagram_er`,
catalog names as Mermaid text in `diagram_text`, the limits and the cutting in `diagram_fit`.
Diagrams that would pass Mermaid's text limit (or its edge limit) show the neighbourhood of the
focus tables and say what they left out.
"""

from __future__ import annotations

from .catalog.models import LineageEdge, LineageGraph
from .diagram_er import cardinality_words, er_diagram
from .diagram_fit import (
    MERMAID_MAX_EDGES,
    MERMAID_MAX_TEXT,
    Diagram,
    by_distance,
    largest_fitting,
    showing_note,
)
from .diagram_text import CLASS_OF, STYLES, js_length, label_text, mermaid_ids

__all__ = [
    "MERMAID_MAX_EDGES",
    "MERMAID_MAX_TEXT",
    "Diagram",
    "cardinality_words",
    "er_diagram",
    "lineage_diagram",
]

# -- Lineage flowcharts ----------------------------------------------------------------------------


def lineage_diagram(graph: LineageGraph, *, max_chars: int = MERMAID_MAX_TEXT) -> Diagram:
    """A left-to-right flowchart: data flows along the edges, labelled with the process that moves
    it; tables styled by type, the center outlined. Farthest tables go first when it does not fit."""
    types = {t.name: t.type for t in graph.tables}
    edges = sorted(set(graph.edges), key=lambda e: (e.source, e.target, e.process))
    names = list(dict.fromkeys([graph.center, *types, *(n for e in edges for n in (e.source, e.target))]))
    order = by_distance(names, ((e.source, e.target) for e in edges), [graph.center])
    ids = mermaid_ids(names, keep_plain=False)

    def draw(count: int) -> tuple[str, int]:
        shown, visible = order[:count], set(order[:count])
        drawn: list[LineageEdge] = [e for e in edges if e.source in visible and e.target in visible]
        lines = ["flowchart LR", *(f'  {ids[n]}["{label_text(n)}"]' for n in shown)]
        for e in drawn:
            arrow = f'-->|"{label_text(e.process)}"|' if e.process.strip() else "-->"
            lines.append(f"  {ids[e.source]} {arrow} {ids[e.target]}")
        lines += [f"  classDef {c} {s}" for c, s in STYLES.items()]
        lines.append("  classDef center stroke:#b91c1c,stroke-width:4px")
        for cls in STYLES:
            members = [ids[n] for n in shown if CLASS_OF.get(types.get(n, "TABLE")) == cls]
            if members:
                lines.append(f"  class {','.join(members)} {cls}")
        if graph.center in shown:
            lines.append(f"  class {ids[graph.center]} center")
        return "\n".join(lines) + "\n", len(drawn)

    def fits(count: int) -> bool:
        source, n_edges = draw(count)
        return js_length(source) <= max_chars and n_edges <= MERMAID_MAX_EDGES

    count = largest_fitting(1, len(order), fits) or 0
    return Diagram(
        kind="lineage",
        source=draw(count)[0],
        tables=tuple(order[:count]),
        omitted=tuple(order[count:]),
        note=showing_note(count, len(order), [graph.center]),
    )
