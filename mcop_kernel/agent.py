"""The explorer agent: its instructions and the factory that builds it over the catalog tools."""

from __future__ import annotations

from pydantic_ai import Agent
from pydantic_ai.models import Model

from .tools import MAX_LIMIT, NO_SNAPSHOT, TOOLS, ExplorerDeps

__all__ = ["MAX_LIMIT", "NO_SNAPSHOT", "SYSTEM_PROMPT", "TOOLS", "ExplorerDeps", "build_agent"]

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
