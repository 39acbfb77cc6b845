"""The catalog tools of an MCOP kernel for MCP clients: listed and called over the kernel's comm, since
the catalog snapshot lives in the kernel; the MCP protocol is spoken by the server (`mcp_handler`)."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

import mcp_types as types
from mcp.server import Server

from mcop_kernel.mcp_server import build_server_for
from mcop_kernel.mcp_tools import failed_result

from .kernel_calls import CallFailed

if TYPE_CHECKING:
    from .kernels import KernelHost

CALL_TIMEOUT = 120.0
"""Seconds a tool call may wait for its kernel (a catalog on a slow database, a kernel restarting)."""


class KernelTools:
    """`mcop_kernel.mcp_server.ToolSource` over the tools of `host`'s kernel."""

    def __init__(self, host: KernelHost):
        self.host = host
        self._definitions: list[types.Tool] | None = None

    async def definitions(self) -> list[types.Tool]:
        """The kernel's tool definitions (the same in every kernel of one server: kept once read)."""
        if self._definitions is None:
            (listed,) = await self.host.call("mcp_tools").result(CALL_TIMEOUT)
            self._definitions = [types.Tool.model_validate(tool) for tool in listed]
        return self._definitions

    async def call(self, name: str, arguments: dict[str, Any] | None) -> types.CallToolResult:
        """One tool call in the kernel; a kernel that fails or restarts meanwhile is a result marked
        as an error, saying so."""
        call = self.host.call("mcp_call", name=name, arguments=arguments or {})
        try:
            (result,) = await call.result(CALL_TIMEOUT)
        except CallFailed as exc:
            return failed_result(f"The catalog could not answer {name}: {exc}")
        return types.CallToolResult.model_validate(result)


_servers: weakref.WeakKeyDictionary[KernelHost, Server[Any]] = weakref.WeakKeyDictionary()


def server_in(host: KernelHost) -> Server[Any]:
    """The MCP server over the tools of `host`'s kernel, built once per kernel host."""
    if host not in _servers:
        _servers[host] = build_server_for(KernelTools(host))
    return _servers[host]
