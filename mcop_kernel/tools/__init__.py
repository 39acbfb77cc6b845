"""The explorer's catalog tools: plain functions over a `RunContext[ExplorerDeps]`, alike for every model."""

from __future__ import annotations

from .base import MAX_LIMIT, NO_SNAPSHOT, ExplorerDeps, answers_lookup_errors, catalog_snapshot
from .budget import MAX_RESULT_CHARS
from .catalog_wide import (
    assets_of_person,
    catalog_summary,
    compare_tables,
    documentation_coverage,
    find_classified,
    find_columns,
    find_relationships_of_kind,
    find_tables_lacking,
    get_keys,
    impact_analysis,
    largest_tables,
    list_glossary,
    list_people,
    table_references,
    table_status,
)
from .graph import find_join_path, find_relationships, show_er_diagram, trace_lineage
from .reading import describe_table, get_owner, list_tables, lookup_term, search_catalog

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
"""Every tool the agent offers, in the order a model sees them."""

__all__ = [
    "MAX_LIMIT",
    "MAX_RESULT_CHARS",
    "NO_SNAPSHOT",
    "TOOLS",
    "ExplorerDeps",
    "answers_lookup_errors",
    "assets_of_person",
    "catalog_snapshot",
    "catalog_summary",
    "compare_tables",
    "describe_table",
    "documentation_coverage",
    "find_classified",
    "find_columns",
    "find_join_path",
    "find_relationships",
    "find_relationships_of_kind",
    "find_tables_lacking",
    "get_keys",
    "get_owner",
    "impact_analysis",
    "largest_tables",
    "list_glossary",
    "list_people",
    "list_tables",
    "lookup_term",
    "search_catalog",
    "show_er_diagram",
    "table_references",
    "table_status",
    "trace_lineage",
]
