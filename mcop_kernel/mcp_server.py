"""The catalog tools as an MCP server (the official MCP SDK): over stdio for `mcop mcp`, and over
streamable HTTP for a web server that has already authenticated the request (the Jupyter extension).

Run with:
    mcop mcp                                  # the bundled sample catalog
    mcop mcp --catalog sql:sqlite:///shop.db  # any catalog the other mcop commands take

Nothing but the protocol goes to stdout; log lines go to stderr.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Protocol

import anyio
import mcp_types as types
from mcp.server import Server, ServerRequestContext
from mcp.server.stdio import stdio_server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import Receive, Scope, Send

from . import __version__
from .catalog.base import Catalog
from .config import ConfigError, open_catalog
from .mcp_tools import CatalogTools

NAME = "mcop-explorer"
INSTRUCTIONS = (
    "Read-only tools over a data catalog: tables, columns, keys, owners and stewards, glossary terms, "
    "relationships, join paths, lineage and documentation coverage. Look facts up with these tools and "
    "never invent table or column names; when a result has an `error`, offer its `suggestions`. Long "
    "lists come a page at a time: `total` or `count` says how many there are, and a result cut to fit "
    "says so in `truncated` and `note`. Diagram tools return their Mermaid source in `mermaid`."
)

EXIT_OK, EXIT_USAGE = 0, 2


class ToolSource(Protocol):
    """What an MCP server's tools come from: `CatalogTools` over a catalog in this process, or a
    kernel's, called over its channels (the Jupyter extension with its sessions in kernels)."""

    async def definitions(self) -> list[types.Tool]: ...

    async def call(self, name: str, arguments: dict[str, Any] | None) -> types.CallToolResult: ...


def build_server(catalog: Catalog) -> Server[Any]:
    """An MCP server offering every explorer tool over `catalog`."""
    return build_server_for(CatalogTools(catalog))


def build_server_for(tools: ToolSource) -> Server[Any]:
    """An MCP server offering the tools of `tools`."""

    async def list_tools(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=await tools.definitions())

    async def call_tool(
        ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        return await tools.call(params.name, params.arguments)

    return Server(
        NAME,
        version=__version__,
        title="MCOP Explorer",
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


async def serve_stdio(catalog: Catalog) -> None:
    """Serve the tools over this process's stdin and stdout until the client closes them."""
    server = build_server(catalog)
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


_TRUST_THE_HOST = TransportSecuritySettings(enable_dns_rebinding_protection=False)
"""The web server in front checks the Host and Origin headers by its own rules (Jupyter's
`allow_remote_access`, `allow_origin`), as for its other endpoints."""


async def serve_http(server: Server[Any], scope: Scope, receive: Receive, send: Send) -> None:
    """Answer one streamable-HTTP request (an ASGI request) for `server`, statelessly: every request
    stands alone and answers with JSON, so no session outlives its request and nothing runs in the
    background. The caller has authenticated and authorized it."""
    manager = StreamableHTTPSessionManager(
        server, json_response=True, stateless=True, security_settings=_TRUST_THE_HOST
    )
    async with manager.run():
        await manager.handle_request(scope, receive, send)


def main(catalog_spec: str | None) -> int:
    """`mcop mcp`: serve the configured catalog's tools over stdio."""
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="mcop mcp: %(message)s")
    try:
        catalog = open_catalog(catalog_spec)
    except ConfigError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        anyio.run(serve_stdio, catalog)
    except KeyboardInterrupt:
        return 130
    return EXIT_OK
