"""Tools that browse the catalog and read one table: listings, search, descriptions, owners and terms."""

from __future__ import annotations

from typing import Any, Literal

from pydantic_ai import RunContext

from ..catalog import steward
from ..catalog.models import TableType
from .base import ExplorerDeps, answers_lookup_errors, bounded, catalog_snapshot


@answers_lookup_errors
async def list_tables(
    ctx: RunContext[ExplorerDeps],
    type: TableType | None = None,
    domain: str | None = None,
    offset: int = 0,
    limit: int = 50,
    area: str | None = None,
    order: Literal["name", "rows", "columns"] = "name",
    certified: bool | None = None,
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
        order: "name" (marts first, then by name), "rows" (largest first by row count) or "columns"
            (widest first: the tables with the most columns).
        certified: True for only the tables certified for use, False for only those that are not.
    """
    catalog = ctx.deps.catalog
    offset, limit = max(offset, 0), bounded(limit)
    if not area and order == "name" and certified is None:
        page = await catalog.list_tables(type=type, domain=domain, offset=offset, limit=limit)
        return page.model_dump(mode="json")
    snap = await catalog_snapshot(catalog)
    if domain:
        await catalog.list_tables(domain=domain, limit=0)  # an unknown domain answers with suggestions
    by_rows: Literal["name", "rows"] = "rows" if order == "rows" else "name"
    matched, chosen = steward.listing(snap, area=area, domain=domain, type=type, order=by_rows)
    if certified is not None:
        chosen = [t for t in chosen if bool(t.certified) == certified]
    if order == "columns":
        chosen = sorted(chosen, key=lambda t: -len(t.columns))
    items = [
        t.summary().model_dump(mode="json") | {"row_count": t.row_count, "columns": len(t.columns)}
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
    if certified is not None:
        result["certified"] = certified
        if not any(t.certified is not None for t in snap.tables):
            result |= {"unknown": ["certification"], "note": "This catalog records no certification."}
    if order == "rows":
        result |= steward.index_of(snap).unknown(["row_counts"])
    return result


@answers_lookup_errors
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
    limit = bounded(limit)
    asked = limit if scope is None else min(limit * 10, 1000)  # a scope keeps the best hits of its kind
    hits = await ctx.deps.catalog.search(query, limit=asked)
    chosen = [hit for hit in hits if scope is None or hit.kind == scope][:limit]
    return {"query": query, "scope": scope, "hits": [hit.model_dump(mode="json") for hit in chosen]}


@answers_lookup_errors
async def describe_table(ctx: RunContext[ExplorerDeps], table: str) -> dict[str, Any]:
    """Describe a table: type, domain, status, owner, steward, certification, classification, freshness,
    quality, row count, and every column with its keys, classification and glossary terms.

    Args:
        table: The table's name; loose forms work ("suppliers", "purchase order").
    """
    return (await ctx.deps.catalog.describe_table(table)).model_dump(mode="json")


@answers_lookup_errors
async def get_owner(ctx: RunContext[ExplorerDeps], table: str) -> dict[str, Any]:
    """Who owns a table and who is its data steward.

    Args:
        table: The table's name; loose forms work.
    """
    return (await ctx.deps.catalog.owner(table)).model_dump(mode="json")


@answers_lookup_errors
async def lookup_term(ctx: RunContext[ExplorerDeps], term: str) -> dict[str, Any]:
    """A business glossary term: its definition, steward, synonyms and the columns it describes
    (`columns`, as table.column: answers "which columns are linked to the term X?").

    Args:
        term: The term or one of its synonyms.
    """
    return (await ctx.deps.catalog.term(term)).model_dump(mode="json")
