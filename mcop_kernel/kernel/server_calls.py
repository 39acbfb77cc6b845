"""The Jupyter server's other requests to the sessions' kernel, beside its WebSocket clients: AG-UI runs
(session answers streamed as AG-UI events) and the catalog tools for MCP clients, over the host comm.

Server to kernel (comm_msg data, one `op` each; R: the request's id):
  {"op": "ag_ui", "id": R, "body": LATIN1_TEXT, "accept": TEXT}   one AG-UI run (the body as it came)
  {"op": "mcp_tools", "id": R}                                      the tools' MCP definitions
  {"op": "mcp_call", "id": R, "name": N, "arguments": {...}}        one tool call
  {"op": "cancel", "id": R}                                         the request's client left
Kernel to server:
  {"reply": [R, [PART, ...], END]}   PARTs in order (encoded AG-UI events; MCP results as JSON); END is
                                     null while more follow, else {"ok": true}, {"refused": MESSAGE}
                                     (the run input is refused: 400) or {"failed": MESSAGE}.

AG-UI's and MCP's modules (over a second of a kernel's start) are imported by the first request that
needs them: most kernels serve neither.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..secrets import redact
from .shared_slots import lend

if TYPE_CHECKING:
    from ..mcp_tools import CatalogTools
    from .host import SessionHost

log = logging.getLogger(__name__)
NOT_READY = "MCOP Explorer is not ready."


class ServerCalls:
    """The requests in progress in one host, by id, and the replies that go back in one message per
    turn of the loop."""

    def __init__(self, host: SessionHost):
        self.host = host
        self.running: dict[str, asyncio.Task[None]] = {}
        self._tools: CatalogTools | None = None
        self._out: dict[str, list[Any]] = {}

    def start(self, rid: str, work: Callable[[str], Any]) -> None:
        task = asyncio.ensure_future(self._run(rid, work))
        self.running[rid] = task

    async def _run(self, rid: str, work: Callable[[str], Any]) -> None:
        try:
            await work(rid)
        except asyncio.CancelledError:
            self._out.pop(rid, None)  # its client has gone: nothing more is sent
            raise
        except Exception as exc:
            log.exception("MCOP Explorer's request %s failed", rid)
            self.end(rid, {"failed": redact(str(exc)) or type(exc).__name__})
        finally:
            self.running.pop(rid, None)

    def cancel(self, rid: str) -> None:
        if (task := self.running.get(rid)) is not None:
            task.cancel()

    def part(self, rid: str, part: Any) -> None:
        """One part of the reply; the parts of one turn of the loop travel together."""
        if not self._out:
            asyncio.get_running_loop().call_soon(self._flush)
        self._out.setdefault(rid, []).append(part)

    def _flush(self) -> None:
        out, self._out = self._out, {}
        for rid, parts in out.items():
            self.host.emit({"reply": [rid, parts, None]})

    def end(self, rid: str, end: dict[str, Any], *parts: Any) -> None:
        for part in parts:
            self.part(rid, part)
        self._flush()
        self.host.emit({"reply": [rid, [], end]})

    # ------------------------------------------------------------------ the requests

    async def ag_ui(self, rid: str, data: dict[str, Any]) -> None:
        """An AG-UI run: a session answer of this kernel's explorer (its limits, answer slots and
        timeout), its events encoded here, as `AGUIHandler` writes them in process."""
        from ..ag_ui import RunInputError, ag_ui_events  # at first use: see the module's docstring

        if self.host.registry is None:
            self.end(rid, {"failed": NOT_READY})
            return
        body = str(data.get("body", "")).encode("latin-1")
        events = ag_ui_events(self.host.registry.config, body, data.get("accept"))
        try:
            try:
                first = await anext(events)
            except RunInputError as exc:
                self.end(rid, {"refused": str(exc)})
                return
            self.part(rid, first)
            async for chunk in events:
                self.part(rid, chunk)
        finally:
            await events.aclose()  # a client gone mid-run gives its answer slot back at once
        self.end(rid, {"ok": True})

    def tools(self) -> CatalogTools | None:
        from ..mcp_tools import CatalogTools  # at first use: see the module's docstring

        if self.host.registry is None:
            return None
        catalog = self.host.registry.config.catalog
        if self._tools is None or self._tools.catalog is not catalog:
            self._tools = CatalogTools(catalog)
        return self._tools

    async def mcp_tools(self, rid: str, data: dict[str, Any]) -> None:
        if (tools := self.tools()) is None:
            self.end(rid, {"failed": NOT_READY})
            return
        listed = [
            t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in await tools.definitions()
        ]
        self.end(rid, {"ok": True}, listed)

    async def mcp_call(self, rid: str, data: dict[str, Any]) -> None:
        if (tools := self.tools()) is None:
            self.end(rid, {"failed": NOT_READY})
            return
        arguments = data.get("arguments")
        result = await tools.call(
            str(data.get("name", "")), arguments if isinstance(arguments, dict) else None
        )
        self.end(rid, {"ok": True}, result.model_dump(mode="json", by_alias=True, exclude_none=True))


_calls: weakref.WeakKeyDictionary[SessionHost, ServerCalls] = weakref.WeakKeyDictionary()


def calls_of(host: SessionHost) -> ServerCalls:
    if host not in _calls:
        _calls[host] = ServerCalls(host)
    return _calls[host]


def _ag_ui(host: SessionHost, data: dict[str, Any]) -> None:
    calls_of(host).start(str(data.get("id", "")), lambda rid: calls_of(host).ag_ui(rid, data))


def _mcp_tools(host: SessionHost, data: dict[str, Any]) -> None:
    calls_of(host).start(str(data.get("id", "")), lambda rid: calls_of(host).mcp_tools(rid, data))


def _mcp_call(host: SessionHost, data: dict[str, Any]) -> None:
    calls_of(host).start(str(data.get("id", "")), lambda rid: calls_of(host).mcp_call(rid, data))


def _cancel(host: SessionHost, data: dict[str, Any]) -> None:
    calls_of(host).cancel(str(data.get("id", "")))


SERVER_CALLS: dict[str, Callable[[SessionHost, dict[str, Any]], None]] = {
    "ag_ui": _ag_ui,
    "mcp_tools": _mcp_tools,
    "mcp_call": _mcp_call,
    "cancel": _cancel,
    "slots": lend,  # the server's bound on running answers, across its kernels (shared_slots.py)
}
"""What the host does with each of these ops (`SessionHost.comm_msg` hands them over)."""
