"""The explorer agent: its dependencies, its catalog tools and the factory that builds it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Concatenate, Literal, ParamSpec

from pydantic_ai import Agent, RunContext
from pydantic_ai.models import Model

from .catalog import steward, steward_schema, stewardship
from .catalog.base import Catalog, CatalogLookupError
from .catalog.models import JoinPath, LineageDirection, Relationship, Table, TableType
from .catalog.snapshot import CatalogSnapshot
from .catalog.steward import Lack, RelationshipKind
from .diagrams import Diagram, er_diagram, lineage_diagram
from .sql import join_sql

SYSTEM_PROMPT = """\
You are MCOP Explorer, a metadata explorer for data stewards. You answer questions about a data
catalog: tables, columns, owners and stewards, business glossary terms, relationships and lineage.
Always look facts up with the tools; never invent table or column names. When a tool says a name
was not found, tell the user and offer its suggestions. Diagrams are drawn by the tools
(show_er_diagram, trace_lineage): call them when the user asks to see relationships or lineage and
do not write Mermaid yourself. Steward questions have their own tools: counts and what the catalog
holds (catalog_summary), keys and references (get_keys, table_references), documentation debt
(find_tables_lacking, documentation_coverage), special relationships, columns across the catalog,
the largest tables, a person's assets, impact of a change, certification, classification, freshness
and quality (table_status, find_classified), comparing two tables, the glossary and its people.
Give counts first, then the list; when a result has a `note` or `unknown`, say plainly what the
catalog does not record. Answer in concise Markdown."""

MAX_LIMIT = 200
NO_SNAPSHOT = "This catalog cannot answer that: it offers no snapshot of its metadata."


@dataclass
class ExplorerDeps:
    """What one answer's tools need: the catalog, and the diagrams the tools drew for it."""

    catalog: Catalog
    diagrams: list[Diagram] = field(default_factory=list)

    @property
    def diagram(self) -> Diagram | None:
        """The diagram the final answer carries: the last one drawn."""
        return self.diagrams[-1] if self.diagrams else None


class _NoSnapshotError(LookupError):
    """The catalog offers no snapshot, so steward questions over the whole catalog cannot be answered."""


P = ParamSpec("P")
ToolFn = Callable[Concatenate[RunContext[ExplorerDeps], P], Awaitable[dict[str, Any]]]


def _answers_lookup_errors(tool: ToolFn[P]) -> ToolFn[P]:
    """A name the catalog does not know becomes a result the model can relay, not a failure."""

    @wraps(tool)
    async def wrapper(ctx: RunContext[ExplorerDeps], /, *args: P.args, **kwargs: P.kwargs) -> dict[str, Any]:
        try:
            return await tool(ctx, *args, **kwargs)
        except CatalogLookupError as exc:
            return {"error": exc.message, "query": exc.query, "suggestions": exc.suggestions}
        except _NoSnapshotError:
            return {"error": NO_SNAPSHOT, "suggestions": []}

    return wrapper


async def catalog_snapshot(catalog: Catalog) -> CatalogSnapshot:
    """The catalog's snapshot, with what steward questions read from it built; raises
    _NoSnapshotError for a catalog that offers none (a `python:` catalog written without one)."""
    try:
        read = catalog.snapshot
    except AttributeError:
        raise _NoSnapshotError(NO_SNAPSHOT) from None
    snap = await read()
    if not isinstance(snap, CatalogSnapshot):
        raise _NoSnapshotError(NO_SNAPSHOT)
    stewardship.prepare(snap)
    return snap


def _limit(limit: int) -> int:
    return min(max(limit, 1), MAX_LIMIT)


# -- Browsing and reading one table -----------------------------------------------------------------


@_answers_lookup_errors
async def list_tables(
    ctx: RunContext[ExplorerDeps],
    type: TableType | None = None,
    domain: str | None = None,
    offset: int = 0,
    limit: int = 50,
    area: str | None = None,
    order: Literal["name", "rows"] = "name",
) -> dict[str, Any]:
    """List the catalog's tables, a page at a time, with the total. For "how many tables" prefer
    catalog_summary.

    Args:
        type: Only tables of this type (FACT, DIMENSION, STAGING, SOURCE, VIEW, TABLE).
        domain: Only tables of this business domain.
        offset: How many tables to skip (for the next page).
        limit: Tables per page (at most 200).
        area: Only the tables of an area: a domain, a schema, a source system, or a name prefix / app
            label (`catalogue` lists `catalogue_product`, `catalogue_category`).
        order: "name" (marts first, then by name) or "rows" (largest first by row count).
    """
    catalog = ctx.deps.catalog
    offset, limit = max(offset, 0), _limit(limit)
    if not area and order == "name":
        page = await catalog.list_tables(type=type, domain=domain, offset=offset, limit=limit)
        return page.model_dump(mode="json")
    snap = await catalog_snapshot(catalog)
    if domain:
        await catalog.list_tables(domain=domain, limit=0)  # an unknown domain answers with suggestions
    matched, chosen = steward.listing(snap, area=area, domain=domain, type=type, order=order)
    items = [
        t.summary().model_dump(mode="json") | {"row_count": t.row_count}
        for t in chosen[offset : offset + limit]
    ]
    result: dict[str, Any] = {
        "items": items,
        "total": len(chosen),
        "offset": offset,
        "limit": limit,
        "order": order,
    }
    if matched:
        result["area"] = matched
    if order == "rows":
        result |= steward.index_of(snap).unknown(["row_counts"])
    return result


@_answers_lookup_errors
async def search_catalog(
    ctx: RunContext[ExplorerDeps],
    query: str,
    limit: int = 10,
    scope: Literal["table", "column", "term"] | None = None,
) -> dict[str, Any]:
    """Search tables, columns and glossary terms by name and description, best matches first.

    Args:
        query: The words to look for ("invoice", "supplier address").
        limit: How many hits (at most 200).
        scope: Only hits of one kind: "table", "column" or "term"; None for all kinds.
    """
    limit = _limit(limit)
    asked = limit if scope is None else min(limit * 10, 1000)  # a scope keeps the best hits of its kind
    hits = await ctx.deps.catalog.search(query, limit=asked)
    chosen = [hit for hit in hits if scope is None or hit.kind == scope][:limit]
    return {"query": query, "scope": scope, "hits": [hit.model_dump(mode="json") for hit in chosen]}


@_answers_lookup_errors
async def describe_table(ctx: RunContext[ExplorerDeps], table: str) -> dict[str, Any]:
    """Describe a table: type, domain, status, owner, steward, certification, classification, freshness,
    quality, row count, and every column with its keys, classification and glossary terms.

    Args:
        table: The table's name; loose forms work ("suppliers", "purchase order").
    """
    return (await ctx.deps.catalog.describe_table(table)).model_dump(mode="json")


@_answers_lookup_errors
async def get_owner(ctx: RunContext[ExplorerDeps], table: str) -> dict[str, Any]:
    """Who owns a table and who is its data steward.

    Args:
        table: The table's name; loose forms work.
    """
    return (await ctx.deps.catalog.owner(table)).model_dump(mode="json")


@_answers_lookup_errors
async def lookup_term(ctx: RunContext[ExplorerDeps], term: str) -> dict[str, Any]:
    """A business glossary term: its definition, steward, synonyms and the columns it describes.

    Args:
        term: The term or one of its synonyms.
    """
    return (await ctx.deps.catalog.term(term)).model_dump(mode="json")


# -- Relationships, joins, lineage and diagrams -----------------------------------------------------


@_answers_lookup_errors
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


@_answers_lookup_errors
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


@_answers_lookup_errors
async def find_join_path(ctx: RunContext[ExplorerDeps], start: str, end: str) -> dict[str, Any]:
    """The best join path between two tables, with an example SQL join. When the path only joins
    through a generic hub (a users or audit table), `warning` says so and `alternative` offers another.

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


@_answers_lookup_errors
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


# -- Steward questions over the whole catalog -------------------------------------------------------


@_answers_lookup_errors
async def catalog_summary(ctx: RunContext[ExplorerDeps]) -> dict[str, Any]:
    """What is in this catalog, counted: tables (and by type), columns, foreign keys, glossary terms,
    lineage edges, people, the domains, schemas and name-prefix areas with their table counts, and
    which kinds of metadata the source records. Answers "how many tables are there?", "how many fact
    tables?", "what is in this catalog?"."""
    return steward.catalog_summary(await catalog_snapshot(ctx.deps.catalog))


@_answers_lookup_errors
async def table_references(ctx: RunContext[ExplorerDeps], table: str, limit: int = 50) -> dict[str, Any]:
    """Foreign keys around one table: `referenced_by` (tables whose foreign keys point at it) and
    `references` (what it points to). Answers "which tables reference X", "what does X point to".

    Args:
        table: The table's name; loose forms work.
        limit: At most this many of each list (at most 200); the counts say how many there are.
    """
    snap = await catalog_snapshot(ctx.deps.catalog)
    return steward_schema.table_references(snap, await ctx.deps.catalog.resolve_table(table), limit)


@_answers_lookup_errors
async def get_keys(ctx: RunContext[ExplorerDeps], table: str) -> dict[str, Any]:
    """A table's keys: its primary key columns, unique columns and foreign keys.

    Args:
        table: The table's name; loose forms work.
    """
    snap = await catalog_snapshot(ctx.deps.catalog)
    return steward_schema.get_keys(snap, await ctx.deps.catalog.resolve_table(table))


@_answers_lookup_errors
async def find_tables_lacking(
    ctx: RunContext[ExplorerDeps],
    what: Lack,
    limit: int = 50,
) -> dict[str, Any]:
    """Documentation and modelling debt: the tables that have no foreign keys, no owner, no steward, no
    description, no primary key or no glossary terms, with the coverage of the rest. "No foreign keys"
    means the table references no other table (`unreferenced` counts those no table references either).

    Args:
        what: The missing thing: "foreign_keys", "owner", "steward", "description", "primary_key" or "terms".
        limit: At most this many table names (at most 200); `count` says how many lack it.
    """
    return stewardship.tables_lacking(await catalog_snapshot(ctx.deps.catalog), what, limit)


@_answers_lookup_errors
async def documentation_coverage(ctx: RunContext[ExplorerDeps]) -> dict[str, Any]:
    """How well the catalog is documented: fractions (0 to 1) of tables with a description, columns
    with a description, tables with an owner and a steward, and columns linked to a glossary term."""
    return stewardship.documentation_coverage(await catalog_snapshot(ctx.deps.catalog))


@_answers_lookup_errors
async def find_relationships_of_kind(
    ctx: RunContext[ExplorerDeps],
    kind: RelationshipKind,
    limit: int = 50,
) -> dict[str, Any]:
    """Relationships of one kind across the catalog: optional (nullable foreign keys), one-to-one,
    self-referencing (a table pointing at itself, such as a parent id), or many-to-many (also through
    junction tables).

    Args:
        kind: "optional", "one-to-one", "self-referencing" or "many-to-many".
        limit: At most this many relationships (at most 200); `count` says how many there are.
    """
    return steward_schema.relationships_of_kind(await catalog_snapshot(ctx.deps.catalog), kind, limit)


@_answers_lookup_errors
async def find_columns(ctx: RunContext[ExplorerDeps], name: str, limit: int = 50) -> dict[str, Any]:
    """Where a column like this exists across the catalog: columns whose names hold the word(s) in any
    form (`email` finds email, email_address, user_email, EmailAddr).

    Args:
        name: The column word(s) to look for, without filler ("email", "created at").
        limit: At most this many columns (at most 200); `count` says how many match.
    """
    return steward_schema.find_columns(await catalog_snapshot(ctx.deps.catalog), name, limit)


@_answers_lookup_errors
async def largest_tables(ctx: RunContext[ExplorerDeps], limit: int = 10) -> dict[str, Any]:
    """The largest tables by row count (the catalog's recorded counts or estimates), largest first.

    Args:
        limit: How many tables (at most 200).
    """
    return steward.largest_tables(await catalog_snapshot(ctx.deps.catalog), limit)


@_answers_lookup_errors
async def assets_of_person(ctx: RunContext[ExplorerDeps], person: str, limit: int = 50) -> dict[str, Any]:
    """What a person owns and stewards: tables owned, tables stewarded, glossary terms stewarded.

    Args:
        person: The person's name, first or last name, or email.
        limit: At most this many of each list (at most 200).
    """
    return stewardship.assets_of_person(await catalog_snapshot(ctx.deps.catalog), person, limit)


@_answers_lookup_errors
async def list_people(ctx: RunContext[ExplorerDeps], limit: int = 50) -> dict[str, Any]:
    """Everyone who owns or stewards something in the catalog, with how many tables and terms.

    Args:
        limit: At most this many people (at most 200); `count` says how many there are.
    """
    return stewardship.list_people(await catalog_snapshot(ctx.deps.catalog), limit)


@_answers_lookup_errors
async def impact_analysis(
    ctx: RunContext[ExplorerDeps], table: str, depth: int = 6, limit: int = 50
) -> dict[str, Any]:
    """What a change to a table reaches and who to tell: tables downstream by lineage and tables that
    reference it by foreign key, each with owner and steward. Answers "what breaks if I change X",
    "who do I tell before changing X".

    Args:
        table: The table to change; loose forms work.
        depth: How many lineage steps downstream to follow (1 to 10).
        limit: At most this many tables in each list (at most 200).
    """
    snap = await catalog_snapshot(ctx.deps.catalog)
    name = await ctx.deps.catalog.resolve_table(table)
    return stewardship.impact_analysis(snap, name, min(max(depth, 1), 10), limit)


@_answers_lookup_errors
async def table_status(ctx: RunContext[ExplorerDeps], table: str) -> dict[str, Any]:
    """Whether a table can be trusted: status, certification, classification and sensitive columns,
    refresh schedule and last load, quality score and row count, as far as the catalog records them.

    Args:
        table: The table's name; loose forms work.
    """
    snap = await catalog_snapshot(ctx.deps.catalog)
    return stewardship.table_status(snap, await ctx.deps.catalog.resolve_table(table))


@_answers_lookup_errors
async def find_classified(
    ctx: RunContext[ExplorerDeps], label: str | None = None, limit: int = 50
) -> dict[str, Any]:
    """Tables and columns with a sensitivity classification, such as PII or Confidential.

    Args:
        label: The classification, matched loosely ("pii", "personal data", "confidential",
            "sensitive"); None lists everything classified.
        limit: At most this many tables and columns each (at most 200).
    """
    return stewardship.find_classified(await catalog_snapshot(ctx.deps.catalog), label, limit)


@_answers_lookup_errors
async def compare_tables(ctx: RunContext[ExplorerDeps], first: str, second: str) -> dict[str, Any]:
    """Two tables side by side: type, domain, owner, the columns they share and those only one has,
    and whether (and through which tables) they join.

    Args:
        first: One table (loose names work).
        second: The other table.
    """
    catalog = ctx.deps.catalog
    snap = await catalog_snapshot(catalog)
    a, b = await catalog.resolve_table(first), await catalog.resolve_table(second)
    result = stewardship.compare_tables(snap, a, b)
    if result["direct"]:  # a foreign key between them is the shortest join there is
        result["joined_by"] = [a, b]
        return result
    try:
        result["joined_by"] = (await catalog.join_path(a, b)).tables
    except CatalogLookupError:
        result["joined_by"] = None
    return result


@_answers_lookup_errors
async def list_glossary(ctx: RunContext[ExplorerDeps], offset: int = 0, limit: int = 50) -> dict[str, Any]:
    """The business glossary: terms in alphabetical order with the first sentence of each definition.

    Args:
        offset: How many terms to skip (for the next page).
        limit: Terms per page (at most 200).
    """
    return stewardship.list_glossary(await catalog_snapshot(ctx.deps.catalog), offset, limit)


TOOLS = (
    list_tables,
    search_catalog,
    describe_table,
    find_relationships,
    show_er_diagram,
    find_join_path,
    trace_lineage,
    lookup_term,
    get_owner,
    catalog_summary,
    table_references,
    get_keys,
    find_tables_lacking,
    documentation_coverage,
    find_relationships_of_kind,
    find_columns,
    largest_tables,
    assets_of_person,
    impact_analysis,
    table_status,
    find_classified,
    compare_tables,
    list_glossary,
    list_people,
)


def build_agent(model: Model | str | None = None) -> Agent[ExplorerDeps, str]:
    """The explorer agent with every catalog tool. `model` is a pydantic-ai Model, a model string, or
    None for the offline model."""
    if model is None:
        from .offline_model import offline_model

        model = offline_model()
    return Agent(
        model,
        deps_type=ExplorerDeps,
        output_type=str,
        instructions=SYSTEM_PROMPT,
        tools=list(TOOLS),
        name="mcop-explorer",
        defer_model_check=True,
    )
