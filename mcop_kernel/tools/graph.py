"""Tools over how tables connect: relationships, ER diagrams, join paths, lineage, references and impact."""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

from pydantic_ai import RunContext

from ..catalog.base import Catalog, CatalogLookupError
from ..catalog.models import JoinPath, LineageDirection, Relationship, Table
from ..diagrams import er_diagram, lineage_diagram
from ..sql import join_sql
from .base import MAX_LIMIT, ExplorerDeps, answers_lookup_errors


@answers_lookup_errors
async def find_relationships(ctx: RunContext[ExplorerDeps], table: str, depth: int = 1) -> dict[str, Any]:
    """The foreign-key relationships of a table, and of its neighbours up to `depth` steps away; each
    says whether it is optional (a nullable key: zero or one) and its cardinality.

    Args:
        table: The table's name; loose forms work.
        depth: How many steps out to follow (1 to 3).
    """
    hood = await ctx.deps.catalog.relationships(table, depth=min(max(depth, 1), 3))
    return {
        "table": hood.center,
        "depth": hood.depth,
        "tables": [{"name": t.name, "type": t.type} for t in hood.tables],
        "relationships": [r.model_dump(mode="json") for r in hood.relationships],
    }


async def _between(catalog: Catalog, names: list[str]) -> tuple[list[str], list[JoinPath], list[str]]:
    """The asked tables plus the tables on the shortest join path from each to those before it."""
    drawn, paths, unjoined = list(names[:1]), [], []
    for i, name in enumerate(names[1:], start=1):
        best: JoinPath | None = None
        for other in names[:i]:
            try:
                path = await catalog.join_path(other, name)
            except CatalogLookupError:
                continue
            if best is None or len(path.steps) < len(best.steps):
                best = path
        if best is None:
            unjoined.append(name)
        else:
            paths.append(best)
        drawn.extend(t for t in ([name] if best is None else best.tables) if t not in drawn)
    return drawn, paths, unjoined


@answers_lookup_errors
async def show_er_diagram(
    ctx: RunContext[ExplorerDeps],
    tables: list[str],
    depth: int = 1,
    mode: Literal["auto", "direct", "path", "neighbourhood"] = "auto",
) -> dict[str, Any]:
    """Draw an ER diagram; it is shown beside the answer. "Relationships between A and B": pass both,
    and the diagram shows A, B and the tables on the join path between them. "Relationships of A":
    pass one, and it shows A and its direct neighbours.

    Args:
        tables: The tables to draw (loose names work).
        depth: For "direct": how many steps of neighbours (1 to 3).
        mode: "auto" (one table: its direct neighbours; several: the join paths between them),
            "direct", "path", or "neighbourhood" (every table within two steps: for "the
            neighbourhood of A" or "the whole area").
    """
    catalog = ctx.deps.catalog
    names: list[str] = []
    not_found: list[str] = []
    for name in dict.fromkeys(tables):
        try:
            names.append(await catalog.resolve_table(name))
        except CatalogLookupError as exc:
            not_found.append(exc.message)
    names = list(dict.fromkeys(names))
    if not names:
        return {"error": " ".join(not_found) or "Name at least one table to draw.", "suggestions": []}
    chosen = mode if mode != "auto" else ("direct" if len(names) == 1 else "path")
    if chosen == "path" and len(names) == 1:
        chosen = "direct"
    notes: list[str] = []
    near: list[str] = []
    paths: list[JoinPath] = []
    if chosen == "path":
        drawn, paths, unjoined = await _between(catalog, names)
        hoods = [await catalog.relationships(name, depth=1) for name in drawn]
        keep = set(drawn)
        found: dict[str, Table] = {t.name: t for hood in hoods for t in hood.tables}
        by_name = {name: found[name] for name in drawn if name in found}
        rels: dict[str, Relationship] = {
            r.id: r
            for hood in hoods
            for r in hood.relationships
            if r.from_table in keep and r.to_table in keep
        }
        links = Counter(
            other
            for hood in hoods
            for r in hood.relationships
            for other in (r.from_table, r.to_table)
            if other not in keep and (r.from_table in keep or r.to_table in keep)
        )
        near = sorted((name for name in found if name not in keep), key=lambda n: (-links[n], n))
        notes += [p.warning for p in paths if p.warning]
        for name in unjoined:
            others = [n for n in names[: names.index(name)]]
            notes.append(f"No join path connects {name} with {' or '.join(others)}.")
    else:
        steps = min(max(depth, 1), 3) if chosen == "direct" else max(min(depth, 3), 2)
        hoods = [await catalog.relationships(name, depth=steps) for name in names]
        by_name = {t.name: t for hood in hoods for t in hood.tables}
        rels = {r.id: r for hood in hoods for r in hood.relationships}
    diagram = er_diagram(list(by_name.values()), list(rels.values()), focus=names, others="keys")
    ctx.deps.diagrams.append(diagram)
    if near:
        listed = ", ".join(near[:8]) + (f" and {len(near) - 8} more" if len(near) > 8 else "")
        notes.append(f"Also near these tables, not drawn: {listed}.")
    return {
        "diagram": "erDiagram",
        "mode": chosen,
        "focus": names,
        "tables": list(diagram.tables),
        "relationships": len(rels),
        "omitted": list(diagram.omitted),
        "near": near[:MAX_LIMIT],
        "paths": [p.tables for p in paths],
        "note": " ".join(n for n in [diagram.note, *notes] if n),
        "not_found": not_found,
    }


def _path(path: JoinPath) -> dict[str, Any]:
    return {
        "tables": path.tables,
        "steps": [step.model_dump(mode="json") for step in path.steps],
        "sql": join_sql(path),
    }


@answers_lookup_errors
async def find_join_path(ctx: RunContext[ExplorerDeps], start: str, end: str) -> dict[str, Any]:
    """The best join path between two tables, with an example SQL join: answers "how do I join X to
    Y", "the route from X over to Y", "how do I get from X to Y", "path between X and Y". When the path
    only joins through a generic hub (a users or audit table), `warning` says so and `alternative`
    offers another.

    Args:
        start: The table to start from (loose names work).
        end: The table to reach.
    """
    path = await ctx.deps.catalog.join_path(start, end)
    return {
        "start": path.start,
        "end": path.end,
        **_path(path),
        "warning": path.warning,
        "alternative": _path(path.alternative) if path.alternative else None,
    }


@answers_lookup_errors
async def trace_lineage(
    ctx: RunContext[ExplorerDeps], table: str, direction: LineageDirection = "both", depth: int = 3
) -> dict[str, Any]:
    """Where a table's data comes from (upstream) and where it goes (downstream); draws a flowchart.

    Args:
        table: The table's name; loose forms work.
        direction: "upstream" (sources), "downstream" (consumers) or "both".
        depth: How many steps to follow (1 to 6).
    """
    graph = await ctx.deps.catalog.lineage(table, direction=direction, depth=min(max(depth, 1), 6))
    diagram = lineage_diagram(graph)
    ctx.deps.diagrams.append(diagram)
    return graph.model_dump(mode="json") | {"diagram": "flowchart", "omitted": list(diagram.omitted)}
