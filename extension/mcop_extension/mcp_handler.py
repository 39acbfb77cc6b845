"""`{base_url}mcop/mcp`: the catalog tools for MCP clients (streamable HTTP) inside Jupyter's server.

Authenticated and authorized as the other API handlers (a token in the Authorization header, or
Jupyter's usual means; "read" on the "mcop" resource; Jupyter's host, origin and XSRF rules), then
handed to the MCP SDK as an ASGI request. The request it hands on carries no credentials. With the
sessions in MCOP kernels, the catalog is in the user's kernel and so is every tool call; the MCP
protocol itself is spoken here.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import MutableMapping
from typing import Any

from jupyter_server.base.handlers import APIHandler
from mcp.server import Server
from tornado import web

from mcop_kernel.catalog.base import Catalog
from mcop_kernel.mcp_server import build_server, serve_http

from .handlers import _ExplorerHandler, allowed_to
from .kernel_tools import server_in

_CREDENTIALS = frozenset({b"authorization", b"cookie"})
_TORNADO_SETS = frozenset({"content-length", "transfer-encoding", "connection"})
_built: list[tuple[Catalog, Server[Any]]] = []
MCP_KERNEL = "mcp"
"""What picks, among a user's kernels, the one whose tools answer MCP clients."""


def server_for(catalog: Catalog) -> Server[Any]:
    """The MCP server over `catalog`, built once for the catalog the explorer serves (one per process:
    a server extension serves one catalog)."""
    if not _built or _built[0][0] is not catalog:
        _built[:] = [(catalog, build_server(catalog))]
    return _built[0][1]


class MCPHandler(_ExplorerHandler, APIHandler):
    """POST: one JSON-RPC message, answered with JSON. Every request stands alone (the stateless
    streamable-HTTP transport), so there is no server-to-client stream to open with GET and no
    session to end with DELETE: both are answered 405, as the transport allows."""

    _closed: asyncio.Event | None = None
    _body_sent = False
    _content_type = "application/json"

    @web.authenticated
    @allowed_to("read")
    async def post(self) -> None:
        await self._forward()

    @web.authenticated
    @allowed_to("read")
    def get(self) -> None:
        self._not_offered("This endpoint opens no event stream: each POST is answered on its own.")

    @web.authenticated
    @allowed_to("read")
    def delete(self) -> None:
        self._not_offered("This endpoint keeps no sessions to end.")

    def _not_offered(self, message: str) -> None:
        self.set_status(405)
        self.set_header("Allow", "POST")
        error = {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": message}}
        self.finish(json.dumps(error))

    def on_connection_close(self) -> None:
        if self._closed is not None:
            self._closed.set()

    async def _forward(self) -> None:
        if self.service.kernels is not None:  # the catalog is in the user's kernel: the tools run there
            server = server_in(await self.kernel_for(MCP_KERNEL))
        elif self.service.sessions is None:
            raise web.HTTPError(503, f"MCOP Explorer is not ready: {self.service.problem}")
        else:
            server = server_for(self.service.sessions.config.catalog)
        self._closed = asyncio.Event()
        await serve_http(server, self._scope(), self._receive, self._send)
        if not self._finished:
            self.finish(set_content_type=self._content_type)

    def _scope(self) -> MutableMapping[str, Any]:
        request = self.request
        host, _, port = request.host.rpartition(":")
        return {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": request.version.removeprefix("HTTP/"),
            "method": request.method,
            "scheme": request.protocol,
            "path": request.path,
            "raw_path": request.path.encode("latin-1"),
            "query_string": (request.query or "").encode("latin-1"),
            "root_path": "",
            "headers": [
                (name.lower().encode("latin-1"), value.encode("latin-1"))
                for name, value in request.headers.get_all()
                if name.lower().encode("latin-1") not in _CREDENTIALS
            ],
            "client": (request.remote_ip, 0),
            "server": (host or request.host, int(port) if port.isdigit() else 80),
        }

    async def _receive(self) -> dict[str, Any]:
        """The request's body, then, once the client has gone, a disconnect."""
        if not self._body_sent:
            self._body_sent = True
            return {"type": "http.request", "body": self.request.body, "more_body": False}
        assert self._closed is not None
        await self._closed.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.set_status(message["status"])
            for raw_name, raw_value in message.get("headers", []):
                name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
                if name.lower() == "content-type":
                    self._content_type = value
                elif name.lower() not in _TORNADO_SETS:
                    self.set_header(name, value)
        elif message["type"] == "http.response.body":
            self.write(message.get("body", b""))
            if message.get("more_body", False):
                await self.flush()
