"""The explorer agent: its dependencies, its catalog tools and the factory that builds it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from pydantic_ai import Agent, RunContext
from pydantic_ai.models import Model

from .catalog.base import Catalog, CatalogLookupError
from .catalog.models import LineageDirection, TableType
from .diagrams import Diagram, er_diagram, lineage_diagram
from .sql import join_sql

SYSTEM_PROMPT = """\
You are MCOP Explorer, a metadata explorer for data stewards. You answer questions about a data
catalog: tables, columns, owners and stewards, business glossary terms, relationships and lineage.
Always look facts up with the tools; never invent table or column names. When a tool says a name
was not found, tell the user and offer its suggestions. Diagrams are drawn by the tools
(show_er_diagram, trace_lineage): call them when the user asks to see relationships or lineage and
do not write Mermaid yourself. Answer in concise Markdown."""

MAX_LIMIT = 200


@dataclass
class ExplorerDeps:
    """What one answer's tools need: the catalog, and the diagrams the tools drew for it."""

    catalog: Catalog
    diagrams: list[Diagram] = field(default_factory=list)

    @property
    def diagram(self) -> Diagram | None:
        """The diagram the final answer carries: the last one drawn."""
        return self.diagrams[-1] if self.diagrams else None


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

    return wrapper


@_answers_lookup_errors
async def list_tables(
    ctx: RunContext[ExplorerDeps],
    type: TableType | None = None,
    domain: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> dict[str, Any]:
    """List catalog tables, optionally only one type (FACT, DIMENSION, STAGING, SOURCE) or domain."""
    page = await ctx.deps.catalog.list_tables(
        type=type, domain=domain, offset=max(offset, 0), limit=min(max(limit, 1), MAX_LIMIT)
    )
    return page.model_dump(mode="json")


@_answers_lookup_errors
async def search_catalog(ctx: RunContext[ExplorerDeps], query: str, limit: int = 10) -> dict[str, Any]:
    """Search tables, columns and glossary terms by name and description, best matches first."""
    hits = await ctx.deps.catalog.search(query, limit=min(max(limit, 1), MAX_LIMIT))
    return {"query": query, "hits": [hit.model_dump(mode="json") for hit in hits]}


@_answers_lookup_errors
async def describe_table(ctx: RunContext[ExplorerDeps], table: str) -> dict[str, Any]:
    """Describe a table: type, domain, status, owner, steward and every column with its keys and terms."""
    return (await ctx.deps.catalog.describe_table(table)).model_dump(mode="json")


@_answers_lookup_errors
async def find_relationships(ctx: RunContext[ExplorerDeps], table: str, depth: int = 1) -> dict[str, Any]:
    """The foreign-key relationships of a table, and of its neighbours up to `depth` steps away."""
    hood = await ctx.deps.catalog.relationships(table, depth=min(max(depth, 1), 3))
    return {
        "table": hood.center,
        "depth": hood.depth,
        "tables": [{"name": t.name, "type": t.type} for t in hood.tables],
        "relationships": [r.model_dump(mode="json") for r in hood.relationships],
    }


@_answers_lookup_errors
async def show_er_diagram(ctx: RunContext[ExplorerDeps], tables: list[str], depth: int = 1) -> dict[str, Any]:
    """Draw an ER diagram of the given tables and their neighbours; it is shown beside the answer."""
    catalog = ctx.deps.catalog
    names: list[str] = []
    not_found: list[str] = []
    for name in dict.fromkeys(tables):
        try:
            names.append(await catalog.resolve_table(name))
        except CatalogLookupError as exc:
            not_found.append(exc.message)
    if not names:
        return {"error": " ".join(not_found) or "Name at least one table to draw.", "suggestions": []}
    hoods = [await catalog.relationships(name, depth=min(max(depth, 1), 3)) for name in names]
    by_name = {t.name: t for hood in hoods for t in hood.tables}
    rels = {r.id: r for hood in hoods for r in hood.relationships}
    diagram = er_diagram(list(by_name.values()), list(rels.values()), focus=names, others="keys")
    ctx.deps.diagrams.append(diagram)
    return {
        "diagram": "erDiagram",
        "focus": names,
        "tables": list(diagram.tables),
        "relationships": len(rels),
        "omitted": list(diagram.omitted),
        "note": diagram.note,
        "not_found": not_found,
    }


@_answers_lookup_errors
async def find_join_path(ctx: RunContext[ExplorerDeps], start: str, end: str) -> dict[str, Any]:
    """The shortest join path between two tables, with an example SQL join."""
    path = await ctx.deps.catalog.join_path(start, end)
    return {
        "start": path.start,
        "end": path.end,
        "tables": path.tables,
        "steps": [step.model_dump(mode="json") for step in path.steps],
        "sql": join_sql(path),
    }


@_answers_lookup_errors
async def trace_lineage(
    ctx: RunContext[ExplorerDeps], table: str, direction: LineageDirection = "both", depth: int = 3
) -> dict[str, Any]:
    """Where a table's data comes from (upstream) and where it goes (downstream); draws a flowchart."""
    graph = await ctx.deps.catalog.lineage(table, direction=direction, depth=min(max(depth, 1), 6))
    diagram = lineage_diagram(graph)
    ctx.deps.diagrams.append(diagram)
    return graph.model_dump(mode="json") | {"diagram": "flowchart", "omitted": list(diagram.omitted)}


@_answers_lookup_errors
async def lookup_term(ctx: RunContext[ExplorerDeps], term: str) -> dict[str, Any]:
    """A business glossary term: its definition, steward, synonyms and the columns it describes."""
    return (await ctx.deps.catalog.term(term)).model_dump(mode="json")


@_answers_lookup_errors
async def get_owner(ctx: RunContext[ExplorerDeps], table: str) -> dict[str, Any]:
    """Who owns a table and who is its data steward."""
    return (await ctx.deps.catalog.owner(table)).model_dump(mode="json")


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
