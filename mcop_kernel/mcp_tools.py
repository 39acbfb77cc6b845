"""The explorer's tools as MCP tools: the agent's own TOOLS, listed with their names, descriptions and
argument schemas as the agent's model sees them, and called with deps built for each call.

One source of truth: the definitions come from pydantic-ai's toolset over `tools.TOOLS`, the same
the agent builds, so an MCP client and the agent's model are offered the same tools. A diagram a tool
draws (which the agent puts on its answer) travels in the result as `mermaid`, its source.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import mcp_types as types
from pydantic import ValidationError
from pydantic_ai import RunContext
from pydantic_ai.messages import ModelMessage, ModelResponse
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.toolsets import FunctionToolset
from pydantic_ai.toolsets.abstract import ToolsetTool
from pydantic_ai.usage import RunUsage

from .catalog.base import Catalog
from .secrets import redact
from .tools import MAX_RESULT_CHARS, TOOLS, ExplorerDeps
from .tools.budget import size_of

log = logging.getLogger(__name__)

READ_ONLY = types.ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)


def _no_model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    raise RuntimeError("The catalog tools run for an MCP client: the client's own model answers.")


_CLIENTS_MODEL = FunctionModel(_no_model, model_name="mcp-client")
"""What a RunContext names as its model when an MCP client, not the agent, calls a tool."""


def call_context(deps: ExplorerDeps, tool_name: str | None = None) -> RunContext[ExplorerDeps]:
    """The RunContext of one tool call made outside an agent run."""
    return RunContext(deps=deps, model=_CLIENTS_MODEL, usage=RunUsage(), tool_name=tool_name)


class CatalogTools:
    """Every explorer tool over one catalog, listed and called as an MCP server lists and calls them."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.toolset: FunctionToolset[ExplorerDeps] = FunctionToolset(list(TOOLS))
        self._tools: dict[str, ToolsetTool[ExplorerDeps]] | None = None

    async def tools(self) -> dict[str, ToolsetTool[ExplorerDeps]]:
        """The toolset's tools by name, as pydantic-ai prepares them for a model."""
        if self._tools is None:
            self._tools = await self.toolset.get_tools(call_context(ExplorerDeps(self.catalog)))
        return self._tools

    async def definitions(self) -> list[types.Tool]:
        """The MCP definitions of the tools, in the order the agent's model sees them."""
        return [
            types.Tool(
                name=tool.tool_def.name,
                title=tool.tool_def.name.replace("_", " ").capitalize(),
                description=tool.tool_def.description,
                input_schema=tool.tool_def.parameters_json_schema,
                annotations=READ_ONLY,
            )
            for tool in (await self.tools()).values()
        ]

    async def call(self, name: str, arguments: dict[str, Any] | None) -> types.CallToolResult:
        """Run one tool. A name the catalog does not know, arguments that do not fit the tool's
        schema, or a catalog that fails all come back as a result marked as an error, with the
        suggestions the agent would get; nothing raises."""
        tools = await self.tools()
        tool = tools.get(name)
        if tool is None:
            return failed_result(f"Unknown tool {name!r}. The tools are: {', '.join(tools)}.")
        try:
            args = tool.args_validator.validate_python(arguments or {})
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in error['loc']) or 'arguments'}: {error['msg']}"
                for error in exc.errors()
            )
            return failed_result(f"{name} cannot take these arguments: {problems}.")
        deps = ExplorerDeps(self.catalog)
        try:
            result: dict[str, Any] = await self.toolset.call_tool(name, args, call_context(deps, name), tool)
        except Exception as exc:  # the catalog itself failed (a database down, a bad response)
            message = redact(str(exc)) or type(exc).__name__
            log.warning("The catalog tool %s failed: %s", name, message)
            return failed_result(f"The catalog could not answer {name}: {message}")
        if deps.diagram is not None:
            result = result | _diagram(deps.diagram.source, result)
        return types.CallToolResult(
            content=[types.TextContent(text=json.dumps(result, ensure_ascii=False, default=str))],
            structured_content=result,
            is_error="error" in result,
        )


def _diagram(source: str, result: dict[str, Any]) -> dict[str, Any]:
    """The diagram's Mermaid source as `mermaid`, when it fits in what the result leaves of the
    budget; else None, and the note says how to ask for a smaller one."""
    if len(source) + size_of(result) <= MAX_RESULT_CHARS:
        return {"mermaid": source}
    too_long = (
        f"The diagram's Mermaid source ({len(source):,} characters) is too long to send whole: "
        'draw fewer tables (mode "direct", depth 1) for one that fits.'
    )
    note = result.get("note")
    return {"mermaid": None, "note": f"{note} {too_long}" if isinstance(note, str) and note else too_long}


def failed_result(message: str) -> types.CallToolResult:
    """A tool result marked as an error, as every tool's own errors are: `error` and no suggestions."""
    return types.CallToolResult(
        content=[types.TextContent(text=message)],
        structured_content={"error": message, "suggestions": []},
        is_error=True,
    )
