"""The extension app: its settings, and the explorer service it starts and stops with the server."""

from __future__ import annotations

import asyncio
import gc
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_server.extension.application import ExtensionApp
from tornado.ioloop import IOLoop
from traitlets import Enum, Float, Int, Unicode, default

from mcop_kernel import __version__
from mcop_kernel.ag_ui import RunLimit
from mcop_kernel.answer_slots import DEFAULT_MAX_RUNNING_ANSWERS
from mcop_kernel.catalog.threaded import DEFAULT_THREADS, limit_catalog_threads
from mcop_kernel.config import ConfigError, model_label, session_config
from mcop_kernel.connection import ConnectionSettings, StreamConnection
from mcop_kernel.registry import SessionRegistry
from mcop_kernel.secrets import redact, redact_logs
from mcop_kernel.store import SessionStore, SQLiteStore, StoreError, default_store_path, open_store

from .ag_ui_handler import AGUIHandler
from .assets import MERMAID, mermaid_dirs
from .handlers import SHARED_SECRET_PROVIDERS, InfoHandler, TranscriptHandler, WebSocketHandler
from .kernel_pool import KernelPool
from .kernels import KERNEL_NAME
from .mcp_handler import MCPHandler
from .relay import Relay


@dataclass
class ExplorerService:
    """What the handlers reach through `self.extensionapp.service`."""

    sessions: SessionRegistry | None
    problem: str | None
    model: str
    catalog: str
    default_protocol: int
    store: dict[str, str | None]
    """Where sessions are kept (`path`, a SQLite file, or `url`, a shared store's with its password
    masked), and where a damaged file found there was moved (`recovered_from`, else None)."""
    window: float
    stall_timeout: float
    max_frame_bytes: int
    ag_ui_runs: RunLimit
    max_ag_ui_body: int
    connections: set[StreamConnection | Relay] = field(default_factory=set)
    kernels: KernelPool | None = None
    """The MCOP kernels hosting the sessions (`sessions_in = "kernel"`), else None."""
    store_reader: SessionStore | None = None
    """The session store, read by the server for transcripts when the sessions run in kernels."""

    @property
    def ready(self) -> bool:
        return self.problem is None and (self.sessions is not None or self.kernels is not None)

    def connection_settings(self, version: int) -> ConnectionSettings:
        return ConnectionSettings(
            version=2 if version == 2 else 1, window=self.window, stall_timeout=self.stall_timeout
        )

    def info(self) -> dict[str, Any]:
        return {
            "version": __version__,
            "model": self.model,
            "catalog": self.catalog,
            "protocol_versions": [1, 2],
            "ag_ui": "POST mcop/ag-ui",
            "default_protocol": self.default_protocol,
            "ready": self.problem is None,
            "sessions_in": "kernel" if self.kernels is not None else "server",
            "problem": self.problem,
            "store": self.store,
        }


SHUTDOWN_GRACE = 2.0
"""Seconds the server waits, when stopping, for clients to be sent the end of their answers."""


def _freeze_startup_objects() -> None:
    """Move everything the server built while starting out of the garbage collector's way.

    A Jupyter server holds a few hundred thousand long-lived objects; without this, every full
    collection walks all of them (tens of milliseconds each) while answers stream."""
    gc.collect()
    gc.freeze()


class MCOPExtension(ExtensionApp):
    """Serves `{base_url}mcop/ws/{session_id}`, `{base_url}mcop/api/...` and, for the chat widget's
    diagrams, `{base_url}static/mcop_extension/mermaid.min.js`."""

    name = "mcop_extension"
    description = __doc__
    default_url = "/mcop/api/info"
    load_other_extensions = True

    model = Unicode("offline", config=True, help="offline, openai:MODEL, azure:DEPLOYMENT, ollama:MODEL, ...")
    catalog = Unicode("sample", config=True, help="sample, sql:SQLALCHEMY_URL, or python:MODULE:FACTORY")
    answer_timeout = Float(30.0, config=True, help="Seconds an answer may take before it ends with an error.")
    max_question_chars = Int(4_000, config=True, help="Longest question accepted, in characters.")
    default_protocol = Enum(
        [1, 2], default_value=1, config=True, help="Protocol for clients that ask for none."
    )
    store_path = Unicode("", config=True, help="SQLite file keeping sessions (default: Jupyter data dir).")
    store_url = Unicode(
        config=True,
        help="SQLAlchemy URL of a shared session store (postgresql://USER@HOST/DB), instead of store_path; "
        "default: $MCOP_STORE_URL. A password the URL leaves out comes from PGPASSWORD or ~/.pgpass.",
    )
    max_running_answers = Int(
        DEFAULT_MAX_RUNNING_ANSWERS,
        config=True,
        help="Answers that run at once across all sessions; the rest wait in order (v2 clients are told).",
    )
    max_queued = Int(8, config=True, help="Questions that may wait behind the running answer, per session.")
    partial_window_ms = Float(5.0, config=True, help="Tokens arriving within this many ms share one message.")
    stall_timeout = Float(30.0, config=True, help="Seconds before a client that stopped reading is dropped.")
    max_ag_ui_runs = Int(4, config=True, help="AG-UI runs one user may have in progress at once.")
    catalog_threads = Int(DEFAULT_THREADS, config=True, help="Threads a blocking catalog may use at once.")
    sessions_in = Enum(
        ["server", "kernel"],
        default_value="server",
        config=True,
        help="Where the WebSocket sessions run: in this server's process, or in MCOP kernels started "
        "through the server's kernel manager (local processes, or a gateway's with --gateway-url), "
        "the server relaying each client to its session's kernel.",
    )
    kernels_per_user = Int(
        1, config=True, help="MCOP kernels per user when sessions_in is 'kernel' (a session stays in one)."
    )
    kernel_name = Unicode(KERNEL_NAME, config=True, help="The kernelspec of the kernels hosting sessions.")

    service: ExplorerService

    @default("store_url")
    def _store_url_from_environment(self) -> str:
        return os.environ.get("MCOP_STORE_URL", "")

    @default("static_paths")
    def _mermaid_static_paths(self) -> list[str]:
        paths = mermaid_dirs()
        if not paths:
            self.log.warning("%s not found (run `npm ci`): the chat widget shows diagram sources", MERMAID)
        return paths

    def _login_banner(self, message: str) -> bool:
        """Jupyter's own start-up lines that give its user the URL to open, token and all: the one
        place the token belongs in the log, since without it the user cannot log in."""
        if "To access the server" in message:
            return True
        urls = self.serverapp.display_url.split("\n") if self.serverapp is not None else []
        return any(message.strip() == url.strip() for url in urls if url.strip())

    def _store_info(self) -> dict[str, str | None]:
        """Where sessions are kept, as `info` shows it: a shared store's URL with its password
        masked, or the SQLite file."""
        if self.store_url:
            return {"url": redact(self.store_url), "recovered_from": None}
        path = Path(self.store_path or default_store_path()).expanduser()
        return {"path": str(path), "recovered_from": None}

    def initialize_settings(self) -> None:
        servers = [self.serverapp.log] if self.serverapp is not None else []
        redact_logs(self.log, *servers, spare=self._login_banner)
        sessions, problem = None, None
        store_info = self._store_info()
        if self.sessions_in == "kernel":
            self._initialize_kernels(store_info)
            return
        try:
            store = open_store(self.store_url) if self.store_url else SQLiteStore(str(store_info["path"]))
            if isinstance(store, SQLiteStore) and store.recovered_from is not None:
                store_info["recovered_from"] = str(store.recovered_from)
            config = session_config(self.model, self.catalog, store, self.answer_timeout)
            config.max_queued, config.max_question_chars = self.max_queued, self.max_question_chars
            config.max_running_answers = self.max_running_answers
            limit_catalog_threads(config.catalog, self.catalog_threads)
            sessions = SessionRegistry(config)
        except (ConfigError, StoreError) as exc:
            problem = redact(str(exc))
            self.log.error("MCOP Explorer is not ready: %s", problem)
        self.service = self._service(problem, store_info, sessions=sessions)

        IOLoop.current().add_callback(_freeze_startup_objects)

    def _service(
        self, problem: str | None, store_info: dict[str, str | None], **mode: Any
    ) -> ExplorerService:
        """What the handlers read, in either mode; `mode` holds where the sessions are."""
        return ExplorerService(
            problem=problem,
            store=store_info,
            model=redact(model_label(self.model)),
            catalog=redact(self.catalog),
            default_protocol=self.default_protocol,
            window=self.partial_window_ms / 1000,
            stall_timeout=self.stall_timeout,
            max_frame_bytes=max(64 * 1024, 8 * self.max_question_chars),
            ag_ui_runs=RunLimit(self.max_ag_ui_runs),
            max_ag_ui_body=max(1024 * 1024, 64 * self.max_question_chars),
            **mode,
        )

    def _initialize_kernels(self, store_info: dict[str, str | None]) -> None:
        """Sessions in MCOP kernels: the server keeps only a reader of the shared store (for
        transcripts); each kernel opens the same store, so history outlives any kernel."""
        problem, reader = None, None
        try:
            reader = open_store(self.store_url) if self.store_url else SQLiteStore(str(store_info["path"]))
            if isinstance(reader, SQLiteStore) and reader.recovered_from is not None:
                store_info["recovered_from"] = str(reader.recovered_from)
        except StoreError as exc:
            problem = redact(str(exc))
            self.log.error("MCOP Explorer is not ready: %s", problem)
        settings = {
            "model": self.model,
            "catalog": self.catalog,
            "store_url": self.store_url,
            "store_path": store_info.get("path"),
            "answer_timeout": self.answer_timeout,
            "max_queued": self.max_queued,
            "max_question_chars": self.max_question_chars,
            "max_running_answers": self.max_running_answers,
            "catalog_threads": self.catalog_threads,
            "window": self.partial_window_ms / 1000,
            "stall_timeout": self.stall_timeout,
        }
        pool = None
        if problem is None:
            manager = self.serverapp.kernel_manager if self.serverapp is not None else None
            pool = KernelPool(manager, settings, self.kernels_per_user, self.kernel_name)
            owner = self._owner()
            if owner:
                IOLoop.current().add_callback(pool.prestart, owner)
        self.service = self._service(problem, store_info, sessions=None, kernels=pool, store_reader=reader)
        IOLoop.current().add_callback(_freeze_startup_objects)

    def _owner(self) -> str:
        """The user whose kernels start with the server: "owner" for Jupyter's own token and password
        logins, JupyterHub's user for a single-user server of a hub, else nobody in advance."""
        provider = self.serverapp.identity_provider if self.serverapp is not None else None
        if type(provider) in SHARED_SECRET_PROVIDERS:
            return "owner"
        return os.environ.get("JUPYTERHUB_USER", "")

    def initialize_handlers(self) -> None:
        session = r"(?P<session_id>[^/]+)"
        self.handlers.extend(
            [
                (rf"/mcop/ws/{session}", WebSocketHandler),
                (r"/mcop/api/info", InfoHandler),
                (r"/mcop/ag-ui", AGUIHandler),
                (r"/mcop/mcp", MCPHandler),  # the catalog tools for MCP clients (streamable HTTP)
                (rf"/mcop/api/sessions/{session}/transcript", TranscriptHandler),
            ]
        )

    async def stop_extension(self) -> None:
        """End running answers cleanly: their clients are sent an error message before the server
        stops; what was said is on disk already."""
        service: ExplorerService | None = getattr(self, "service", None)
        if service is None:  # the extension never started: nothing to stop
            return
        if service.kernels is not None:
            await service.kernels.stop(SHUTDOWN_GRACE)  # the answers end, their clients are told
            if service.store_reader is not None:
                service.store_reader.close()
        if service.sessions is not None:
            await service.sessions.close()  # the answers end, then their saves finish
            try:
                service.sessions.config.store.close()
            except Exception:
                self.log.exception("MCOP Explorer could not close its session store")
        senders = [asyncio.ensure_future(c.wait_closed()) for c in service.connections]
        if senders:
            await asyncio.wait(senders, timeout=SHUTDOWN_GRACE)
