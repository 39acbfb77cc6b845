"""Which catalog tools a model is offered, and for how many rounds of calls in one answer.

`full` offers every tool (the default). `compact` offers a few general ones with short instructions,
for small models: a 135M-parameter model given 24 tool definitions (about 4,000 tokens) reads slowly
and keeps calling tools. After `max_tool_rounds` rounds of calls the tools are withdrawn, so the model
answers from what they returned instead of calling more.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic_ai import RunContext
from pydantic_ai.capabilities import PrepareTools
from pydantic_ai.messages import ModelResponse, ToolCallPart
from pydantic_ai.tools import ToolDefinition

from .errors import ConfigError
from .tools import TOOLS, ExplorerDeps

__all__ = ["COMPACT_TOOLS", "PROFILES", "ToolProfile", "tool_profile"]

FULL_INSTRUCTIONS = """\
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

COMPACT_INSTRUCTIONS = """\
You are MCOP Explorer. You answer questions about a data catalog: its tables, columns, owners,
glossary terms and relationships. Look facts up with one tool call, then answer from what the tool
returned, naming the tables, columns and people it gave. Never invent names. Be brief."""

COMPACT_TOOLS = (
    "list_tables",
    "search_catalog",
    "describe_table",
    "get_owner",
    "lookup_term",
    "find_relationships",
)
"""The general tools a small model is offered: each answers many kinds of question."""


@dataclass(frozen=True)
class ToolProfile:
    """The tools offered (None: every one), the instructions, and the rounds of tool calls an answer
    may make before the model must answer from what it has (None: no bound)."""

    name: str
    tools: tuple[str, ...] | None
    instructions: str
    max_tool_rounds: int | None

    def with_rounds(self, rounds: int | None) -> ToolProfile:
        return ToolProfile(self.name, self.tools, self.instructions, rounds)

    def capability(self) -> PrepareTools[ExplorerDeps]:
        """The pydantic-ai capability that offers this profile's tools, and none once the rounds are spent."""
        allowed = frozenset(self.tools) if self.tools is not None else None
        bound = self.max_tool_rounds

        async def offered(ctx: RunContext[ExplorerDeps], tools: list[ToolDefinition]) -> list[ToolDefinition]:
            if bound is not None and tool_rounds(ctx) >= bound:
                return []
            return [tool for tool in tools if allowed is None or tool.name in allowed]

        return PrepareTools(offered)


def tool_rounds(ctx: RunContext[ExplorerDeps]) -> int:
    """The responses of this answer (since its question) that called tools."""
    rounds = 0
    for message in reversed(ctx.messages):
        if not isinstance(message, ModelResponse):
            if any(getattr(part, "part_kind", "") == "user-prompt" for part in message.parts):
                break
            continue
        rounds += any(isinstance(part, ToolCallPart) for part in message.parts)
    return rounds


PROFILES = {
    "full": ToolProfile("full", None, FULL_INSTRUCTIONS, 8),
    "compact": ToolProfile("compact", COMPACT_TOOLS, COMPACT_INSTRUCTIONS, 1),
}
"""`full`: every tool, up to 8 rounds of calls per answer. `compact`: six general tools, one round."""

_KNOWN = frozenset(tool.__name__ for tool in TOOLS)


def tool_profile(tools: object = None, max_tool_rounds: object = None) -> ToolProfile:
    """The profile settings name: `tools` is "full", "compact" or a list of tool names (None: full);
    `max_tool_rounds` a number of rounds (None: the profile's own). Raises ConfigError."""
    if tools is None or isinstance(tools, str):
        profile = PROFILES.get(tools or "full")
        if profile is None:
            raise ConfigError(f'"tools" is "full", "compact" or a list of tool names, not {tools!r}.')
    elif isinstance(tools, list) and tools and all(isinstance(name, str) for name in tools):
        unknown = sorted(set(tools) - _KNOWN)
        if unknown:
            raise ConfigError(
                f"Unknown tool(s) {', '.join(unknown)}; the tools are {', '.join(sorted(_KNOWN))}."
            )
        profile = ToolProfile("custom", tuple(tools), FULL_INSTRUCTIONS, PROFILES["full"].max_tool_rounds)
    else:
        raise ConfigError('"tools" is "full", "compact" or a list of tool names.')
    if max_tool_rounds is None:
        return profile
    if isinstance(max_tool_rounds, bool) or not isinstance(max_tool_rounds, int) or max_tool_rounds < 0:
        raise ConfigError('"max_tool_rounds" is a whole number of rounds, 0 or more.')
    return profile.with_rounds(max_tool_rounds)
