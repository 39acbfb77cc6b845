"""`{base_url}mcop/ag-ui`: one AG-UI run per POST, answered with AG-UI events (server-sent events) by a
session answer in this process, or in the user's MCOP kernel when the sessions run in kernels."""

from __future__ import annotations

import json

from jupyter_server.base.handlers import APIHandler
from tornado import web

from mcop_kernel.ag_ui import RunInputError, RunRefused, ag_ui_events, run_error

from .handlers import _ExplorerHandler, allowed_to
from .kernel_calls import CallFailed, CallRefused


class AGUIHandler(_ExplorerHandler, APIHandler):
    """`POST {base_url}mcop/ag-ui`: one AG-UI run (the body is its run input), answered with the
    AG-UI event stream as server-sent events."""

    @web.authenticated
    @allowed_to("execute")
    async def post(self) -> None:
        if not self.service.ready:
            raise web.HTTPError(503, f"MCOP Explorer is not ready: {self.service.problem}")
        if len(self.request.body) > self.service.max_ag_ui_body:
            limit = self.service.max_ag_ui_body
            raise web.HTTPError(413, f"An AG-UI run input may be at most {limit:,} bytes.")
        try:
            with self.service.ag_ui_runs.slot(self.user_key):
                if self.service.kernels is not None:
                    await self._stream_in_kernel()
                else:
                    await self._stream()
        except RunRefused as exc:
            raise web.HTTPError(429, str(exc)) from None

    def _start_events(self, first: str) -> None:
        self.set_header("Content-Type", "text/event-stream")
        self.set_header("Cache-Control", "no-cache")
        self.write(first)

    async def _stream(self) -> None:
        assert self.service.sessions is not None
        events = ag_ui_events(
            self.service.sessions.config, self.request.body, self.request.headers.get("Accept")
        )
        try:
            first = await anext(events)
        except RunInputError as exc:
            raise web.HTTPError(400, str(exc)) from None
        self._start_events(first)
        await self.flush()
        try:
            async for chunk in events:
                self.write(chunk)
                await self.flush()
        finally:
            await events.aclose()  # a client gone mid-run gives its answer slot back at once
        self.finish()

    async def _stream_in_kernel(self) -> None:
        """The run is a session answer in the kernel of the user's thread, which encodes its events;
        a kernel that restarts or stops mid-run ends it with a RUN_ERROR event."""
        host = await self.kernel_for(_thread_id(self.request.body))
        accept = self.request.headers.get("Accept") or ""
        call = host.call("ag_ui", body=self.request.body.decode("latin-1"), accept=accept)
        parts = call.parts()
        try:
            try:
                first = await anext(parts)
            except CallRefused as exc:
                raise web.HTTPError(400, str(exc)) from None
            except CallFailed as exc:
                raise web.HTTPError(503, str(exc)) from None
            self._start_events(first)
            await self.flush()
            try:
                async for chunk in parts:
                    self.write(chunk)
                    await self.flush()
            except CallFailed as exc:
                self.write(run_error(str(exc), accept))
        finally:
            call.cancel()  # a client gone mid-run: the kernel ends the answer and frees its slot
        self.finish()


def _thread_id(body: bytes) -> str:
    """The run's thread, which picks the user's kernel for it ("" for a body that is not a run input:
    the kernel refuses it)."""
    try:
        thread = json.loads(body).get("threadId")
    except (ValueError, AttributeError):
        return ""
    return thread if isinstance(thread, str) else ""
