"""The kernel side of the kernel-backed server: the explorer's WebSocket sessions, their catalog and
pydantic-ai run in this kernel; the Jupyter server relays each client over one comm ("mcop.host").

Server to kernel (comm_open data: the settings; then comm_msg data, one `op` each):
  {"op": "open", "id": C, "user": U, "session": S, "version": 1|2, "after_seq": N|null}
  {"op": "frame", "id": C, "frame": TEXT, "binary": false}   a client frame, as it came
  {"op": "ack", "id": C, "n": N}        the server has written the client's first N messages
  {"op": "close", "id": C}              the client left
  {"op": "shutdown"}                    end every answer (clients are told), then reply "stopped"
Kernel to server (comm_msg data, on iopub):
  {"ready": true|false, "problem": TEXT|null}                 once the settings are loaded
  {"out": [[C, TEXT, SEQ], ...]}        messages for clients, in order (SEQ: the last event sent)
  {"closed": [C, CODE, REASON]}         the server closes that WebSocket (a stalled client, ...)
  {"ended": C}                          that client's stream ended (the session closed)
  {"stopped": true}                     answer to "shutdown"

Flow control: a client may have at most WINDOW messages the server has not yet written; past that
its `StreamConnection` waits, merges partials, and drops the client after `stall_timeout`, exactly
as it does for a WebSocket written in process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Awaitable
from typing import Any, Protocol

from ..catalog.threaded import DEFAULT_THREADS, limit_catalog_threads
from ..config import session_config
from ..connection import ConnectionSettings, StreamConnection
from ..errors import ConfigError
from ..registry import SessionRegistry
from ..secrets import redact, redact_logs
from ..store import SessionStore, SQLiteStore, StoreError, open_store
from .server_calls import SERVER_CALLS

log = logging.getLogger(__name__)

TARGET = "mcop.host"
WINDOW = 32
"""Messages a client may have in flight between this kernel and its socket."""


class _Kernel(Protocol):
    shell_handlers: dict[str, Any]
    session: Any
    iopub_socket: Any


class _Client:
    """One WebSocket client relayed by the server: what `StreamConnection` sends to."""

    def __init__(self, host: SessionHost, cid: str):
        self.host, self.cid = host, cid
        self.sent = 0
        self.acked = 0
        self.connection: StreamConnection | None = None
        self.early: list[str | bytes] = []
        """Frames that came while the session was still being opened."""
        self._room: asyncio.Future[None] | None = None

    def send(self, text: Any) -> Awaitable[None] | None:
        self.sent += 1
        self.host.queue(self, text)
        if self.sent - self.acked < WINDOW:
            return None
        self._room = asyncio.get_running_loop().create_future()
        return self._room

    def seq(self) -> int:
        return self.connection.sent_seq if self.connection is not None else 0

    def ack(self, n: int) -> None:
        self.acked = max(self.acked, n)
        if self._room is not None and self.sent - self.acked < WINDOW and not self._room.done():
            self._room.set_result(None)

    def stalled(self) -> None:
        self.host.emit({"closed": [self.cid, 1001, "The client stopped reading."]})

    def drop(self) -> None:
        if self.connection is not None:
            self.connection.close()
        if self._room is not None and not self._room.done():
            self._room.cancel()


class SessionHost:
    """The sessions this kernel hosts for one Jupyter server (one comm; its clients by id)."""

    def __init__(self, kernel: _Kernel):
        self.kernel = kernel
        self.comm_id: str | None = None
        self.parent: dict[str, Any] = {}
        self.registry: SessionRegistry | None = None
        self.settings: dict[str, Any] = {}
        self.clients: dict[str, _Client] = {}
        self._out: list[tuple[_Client, Any]] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def install(self) -> None:
        self.kernel.shell_handlers.update(
            comm_open=self.comm_open, comm_msg=self.comm_msg, comm_close=self.comm_close
        )

    # ------------------------------------------------------------------ to the server

    def emit(self, data: dict[str, Any]) -> None:
        if self.comm_id is None or self.kernel.session is None:
            return
        content = {"comm_id": self.comm_id, "data": data}
        self.kernel.session.send(self.kernel.iopub_socket, "comm_msg", content, parent=self.parent)

    def queue(self, client: _Client, text: Any) -> None:
        """Messages sent in one turn of the loop travel together."""
        if not self._out:
            asyncio.get_running_loop().call_soon(self._flush)
        self._out.append((client, text))

    def _flush(self) -> None:
        """Each message goes with the last event number its client has been sent by then."""
        out, self._out = self._out, []
        if out:
            self.emit({"out": [[c.cid, text, c.seq()] for c, text in out]})

    # ------------------------------------------------------------------ from the server

    def comm_open(self, stream: Any, ident: Any, msg: dict[str, Any]) -> None:
        content = msg["content"]
        if content.get("target_name") != TARGET:
            return
        self.comm_id, self.parent = content["comm_id"], msg["header"]
        self.settings = content.get("data") or {}
        log_where_the_server_does()
        self._spawn(self._configure())

    def comm_close(self, stream: Any, ident: Any, msg: dict[str, Any]) -> None:
        if msg["content"].get("comm_id") == self.comm_id:
            for client in self.clients.values():
                client.drop()
            self.clients.clear()

    def comm_msg(self, stream: Any, ident: Any, msg: dict[str, Any]) -> None:
        content = msg["content"]
        if content.get("comm_id") != self.comm_id:
            return
        data: dict[str, Any] = content.get("data") or {}
        op, cid = data.get("op"), str(data.get("id", ""))
        client = self.clients.get(cid)
        if op == "frame" and client is not None:
            frame = data.get("frame", "")
            raw: str | bytes = frame.encode("latin-1") if data.get("binary") else frame
            if client.connection is None:
                client.early.append(raw)
            else:
                self._spawn(client.connection.receive(raw))
        elif op == "ack" and client is not None:
            client.ack(int(data.get("n", 0)))
        elif op == "open":
            if client is not None:  # followed again (its kernel restarted under the server)
                client.drop()
            client = self.clients[cid] = _Client(self, cid)  # its frames may follow at once
            self._spawn(self._open(client, data))
        elif op == "close" and client is not None:
            client.drop()
            del self.clients[cid]
        elif op == "shutdown":
            self._spawn(self._shutdown())
        elif op in SERVER_CALLS:  # the server's AG-UI runs and MCP calls (server_calls.py)
            SERVER_CALLS[op](self, data)

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("MCOP host: %s failed", task.get_coro(), exc_info=task.exception())

    # ------------------------------------------------------------------ the work

    async def _configure(self) -> None:
        s = self.settings
        problem = None
        try:
            self.registry = await asyncio.to_thread(_registry, s)
            with contextlib.suppress(Exception):  # the snapshot now, not at the first question
                await self.registry.config.catalog.snapshot()
        except (ConfigError, StoreError) as exc:
            problem = redact(str(exc))
        self.emit({"ready": problem is None, "problem": problem})

    async def _open(self, client: _Client, data: dict[str, Any]) -> None:
        cid = client.cid
        if self.registry is None:
            self.emit({"closed": [cid, 1011, "MCOP Explorer is not ready."]})
            return
        try:
            session = await self.registry.get(str(data["user"]), str(data["session"]))
        except Exception as exc:
            log.error("MCOP Explorer could not open session %s: %s", data.get("session"), exc)
            self.emit({"closed": [cid, 1011, "The session could not be read from the session store."]})
            return
        if self.clients.get(cid) is not client:  # the client left meanwhile
            return
        settings = ConnectionSettings(
            version=2 if data.get("version") == 2 else 1,
            window=float(self.settings.get("window", 0.005)),
            stall_timeout=float(self.settings.get("stall_timeout", 30.0)),
        )
        client.connection = StreamConnection(session, client.send, settings, on_stall=client.stalled)
        after = data.get("after_seq")
        client.connection.start(None if after is None else int(after))
        for frame in client.early:  # one at a time, as if each came on its own
            await client.connection.receive(frame)
            await asyncio.sleep(0)
        client.early.clear()
        self._spawn(self._ended(cid, client.connection))

    async def _ended(self, cid: str, connection: StreamConnection) -> None:
        """Tell the server when a client's stream ends (the session closed), after its last messages."""
        await connection.wait_closed()
        if self.clients.get(cid) is not None and self.clients[cid].connection is connection:
            self._flush()
            self.emit({"ended": cid})

    async def _shutdown(self) -> None:
        if self.registry is not None:
            await self.registry.close()
            with contextlib.suppress(Exception):
                self.registry.config.store.close()
        await asyncio.sleep(0)  # the last messages leave first
        self._flush()
        self.emit({"stopped": True})


def _registry(settings: dict[str, Any]) -> SessionRegistry:
    store: SessionStore = (
        open_store(settings["store_url"])
        if settings.get("store_url")
        else SQLiteStore(settings["store_path"])
    )
    config = session_config(
        settings.get("model"), settings.get("catalog"), store, float(settings.get("answer_timeout", 30.0))
    )
    config.max_queued = int(settings.get("max_queued", config.max_queued))
    config.max_question_chars = int(settings.get("max_question_chars", config.max_question_chars))
    config.max_running_answers = int(settings.get("max_running_answers", config.max_running_answers))
    limit_catalog_threads(config.catalog, int(settings.get("catalog_threads", DEFAULT_THREADS)))
    return SessionRegistry(config)


def log_where_the_server_does() -> None:
    """The warnings and errors of the sessions this kernel hosts (a save that failed, a session the
    store could not read) go to the stderr the kernel inherited from the Jupyter server that started
    it, so they are in the server's log, masked as its own are. ipykernel's `sys.stderr` is the
    notebook's output, which nobody reads for a hosting kernel; its `fileno()`, when it watches the
    process's own, is the real one."""
    logger = logging.getLogger("mcop_kernel")
    if any(getattr(h, "name", None) == TARGET for h in logger.handlers) or sys.__stderr__ is None:
        return
    try:
        fd = sys.stderr.fileno()
    except (OSError, ValueError):  # not watching: the process's stderr is where it always was
        fd = sys.__stderr__.fileno()
    stream = open(fd, "w", buffering=1, closefd=False)  # noqa: SIM115 (the process's, never closed)
    handler = logging.StreamHandler(stream)
    handler.name = TARGET
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("[%(levelname)1.1s %(asctime)s MCOPKernel] %(name)s: %(message)s"))
    logger.addHandler(handler)
    redact_logs(logger)


def install(kernel: _Kernel) -> SessionHost:
    """Let the Jupyter server host explorer sessions in `kernel` (one line in the kernel's start)."""
    host = SessionHost(kernel)
    host.install()
    return host
