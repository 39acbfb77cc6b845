"""The MCOP kernel: a Jupyter kernel whose cells are questions to the explorer, answered by one
`ExplorerSession` per kernel (the notebook's conversation, kept in the session store), with Tab and
Shift-Tab answered from the catalog's names."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from ipykernel.kernelbase import Kernel

from ..catalog.base import Catalog
from ..config import model_label, session_config
from ..errors import ConfigError
from ..local_sessions import local_sessions
from ..registry import valid_session_id
from ..session import ExplorerSession, SessionConfig
from ..store import MemoryStore, SessionStore, SQLiteStore, default_store_path
from .answer import CellOutputs, Interrupt, answer_into, show_answer
from .cells import HELP, NEW_CONVERSATION, CellError, Magic, parse_cell, session_id_for
from .console import answer_as_text, show_text_answer, text_front_end
from .host import install as host_sessions
from .names import MAGICS, CatalogNames, table_bundle

log = logging.getLogger(__name__)


def _version() -> str:
    try:
        return version("mcop-kernel")
    except PackageNotFoundError:
        return "0.0.0"


class MCOPKernel(Kernel):
    """Each cell is a question; see `cells.HELP` for what a cell may hold."""

    implementation = "mcop"
    implementation_version = _version()
    banner = "MCOP Explorer: ask the data catalog about its tables, columns, owners, terms and lineage."
    language_info: dict[str, object] = {  # noqa: RUF012 (ipykernel reads it from the class)
        "name": "mcop",
        "mimetype": "text/plain",
        "file_extension": ".txt",
        "pygments_lexer": "text",
    }

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)  # type: ignore[no-untyped-call]
        self.model: str | None = None
        self.catalog_spec: str | None = None
        self.timeout = 30.0
        self.session_id, self.session_origin = session_id_for(os.environ)
        self._store: SessionStore | None = None
        self._config: SessionConfig | None = None
        self._session: ExplorerSession | None = None
        self._names: CatalogNames | None = None
        self._warm_up: asyncio.Future[None] | None = None
        self.text_output = text_front_end()
        """Answers stream as text (a terminal front end such as `jupyter console`), not display updates."""
        self.host = host_sessions(self)  # a Jupyter server may host its WebSocket sessions here

    def start(self) -> None:
        """Serve the channels, and meanwhile load the explorer and the catalog's names, so that the
        first question and the first Tab do not wait for them."""
        super().start()  # type: ignore[no-untyped-call]
        self._warm_up = asyncio.ensure_future(self._load_names())

    async def _load_names(self) -> None:
        with contextlib.suppress(Exception):
            await self._catalog_names()

    async def _warmed_up(self) -> None:
        """Wait for the start-up loading (its errors are met again, and shown, where they matter)."""
        if self._warm_up is not None:
            warm_up, self._warm_up = self._warm_up, None
            with contextlib.suppress(Exception):
                await warm_up

    @property
    def kernel_info(self) -> dict[str, Any]:
        """ipykernel's, less the debugger: a question has no code to step through."""
        info: dict[str, Any] = dict(super().kernel_info)
        info["supported_features"] = [f for f in info.get("supported_features", []) if f != "debugger"]
        return info

    # ------------------------------------------------------------------ the session

    async def _configure(self, model: str | None, catalog: str | None, timeout: float) -> SessionConfig:
        """A config for these settings (the model and catalog checked now: a bad one raises here)."""
        if self._store is None:
            kept = self.session_origin != NEW_CONVERSATION
            self._store = (
                await asyncio.to_thread(SQLiteStore, default_store_path()) if kept else MemoryStore()
            )
        store = self._store
        try:
            return await asyncio.to_thread(session_config, model, catalog, store, timeout)
        except ConfigError as exc:
            raise CellError("ConfigError", str(exc)) from None

    async def _use(self, config: SessionConfig) -> None:
        """Answer with `config` from now on; the conversation goes on (it is reloaded from the store)."""
        if self._config is not None and config.catalog is not self._config.catalog:
            self._names = None
        await self._close_session()
        self._config = config

    async def _open(self) -> ExplorerSession:
        if self._config is None:
            self._config = await self._configure(self.model, self.catalog_spec, self.timeout)
        if self._session is None:
            config = self._config
            self._session = await local_sessions.open(self.session_id, lambda: config)
        return self._session

    async def _close_session(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await local_sessions.close(session)

    # ------------------------------------------------------------------ execute

    async def do_execute(
        self,
        code: str,
        silent: bool,
        store_history: bool = True,
        user_expressions: dict[str, Any] | None = None,
        allow_stdin: bool = False,
        *,
        cell_meta: dict[str, Any] | None = None,
        cell_id: str | None = None,
    ) -> dict[str, Any]:
        parent: dict[str, Any] = self.get_parent("shell")  # type: ignore[no-untyped-call]
        outputs = CellOutputs(lambda kind, content: self._publish(kind, content, parent, silent))
        interrupt = Interrupt()
        reply: dict[str, Any] = {"status": "ok", "execution_count": self.execution_count}
        try:
            with self._interrupt_with(interrupt):
                await self._warmed_up()
                cell = parse_cell(code)
                for magic in cell.magics:
                    outputs.text(await self._magic(magic))
                if cell.question:
                    session = await self._open()
                    if interrupt.requested:
                        raise CellError("Cancelled", "Answer cancelled.")
                    if self.text_output:
                        answer = await answer_as_text(session, cell.question, outputs, interrupt)
                        show_text_answer(answer, outputs)
                    else:
                        answer = await answer_into(session, cell.question, outputs, interrupt)
                        show_answer(answer, outputs, self.execution_count)
        except CellError as failure:
            reply = {"status": "error", "execution_count": self.execution_count}
            reply |= outputs.error(failure.ename, failure.evalue)
        reply.update(payload=[], user_expressions={})
        return reply

    def _publish(self, kind: str, content: dict[str, Any], parent: dict[str, Any], silent: bool) -> None:
        if silent or self.session is None:
            return
        self.session.send(self.iopub_socket, kind, content, parent=parent, ident=self._topic(kind))  # type: ignore[no-untyped-call]

    @contextlib.contextmanager
    def _interrupt_with(self, interrupt: Interrupt) -> Iterator[None]:
        """While a cell runs, SIGINT (the front end's Interrupt) cancels its answer instead of raising
        KeyboardInterrupt into the event loop (as ipykernel's own kernel cancels an async cell)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        loop = asyncio.get_running_loop()
        saved = signal.signal(signal.SIGINT, lambda *_: loop.call_soon_threadsafe(interrupt))
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, saved)

    async def _magic(self, magic: Magic) -> str:
        name, argument = magic.name, magic.argument
        if name == "%help":
            return HELP
        if name == "%model":
            if argument:
                config = await self._configure(argument, self.catalog_spec, self.timeout)
                await self._use(config)
                self.model = argument
            return f"Model: {model_label(self.model)}"
        if name == "%catalog":
            if argument:
                config = await self._configure(self.model, argument, self.timeout)
                await self._use(config)
                self.catalog_spec = argument
            return f"Catalog: {(await self._catalog()).description}"
        if name == "%timeout":
            if argument:
                try:
                    seconds = float(argument)
                except ValueError:
                    seconds = 0.0
                if not seconds > 0:
                    raise CellError(
                        "UsageError", f"%timeout takes a positive number of seconds, not {argument!r}."
                    )
                self.timeout = seconds
                if self._config is not None:
                    self._config.timeout = seconds
            return f"Timeout: {self.timeout:g} seconds"
        if name == "%session":
            return await self._session_magic(argument)
        raise CellError("UsageError", f"Unknown magic {name}. Magics: {', '.join(MAGICS)}.")

    async def _session_magic(self, argument: str) -> str:
        if argument:
            if not valid_session_id(argument):
                raise CellError("UsageError", "A session id is 1-64 letters, digits, '_', '.' or '-'.")
            await self._close_session()
            if self.session_origin == NEW_CONVERSATION:  # a named conversation is kept: a new store
                self._config, self._store, self._names = None, None, None
            self.session_id, self.session_origin = argument, "%session"
        session = await self._open()
        earlier = len(session.transcript)
        kept = (
            "kept for this kernel only (%session ID keeps it)"
            if self.session_origin == NEW_CONVERSATION
            else f"kept in {default_store_path()}"
        )
        return (
            f"Session: {self.session_id} (chosen by {self.session_origin}), {earlier} earlier "
            f"question{'' if earlier == 1 else 's'}; {kept}"
        )

    async def _catalog(self) -> Catalog:
        if self._config is None:
            self._config = await self._configure(self.model, self.catalog_spec, self.timeout)
        return self._config.catalog

    # ------------------------------------------------------------------ Tab and Shift-Tab

    async def _catalog_names(self) -> CatalogNames | None:
        if self._names is None:
            try:
                catalog = await self._catalog()
                self._names = CatalogNames(await catalog.snapshot())
            except Exception:
                log.info("no catalog names to complete from", exc_info=True)
                return None
        return self._names

    async def do_complete(self, code: str, cursor_pos: int) -> dict[str, Any]:
        await self._warmed_up()
        names = await self._catalog_names()
        reply: dict[str, Any] = {
            "status": "ok",
            "matches": [],
            "cursor_start": cursor_pos,
            "cursor_end": cursor_pos,
        }
        if names is None:
            return reply | {"metadata": {}}
        found = names.complete(code, cursor_pos)
        types = [
            {"start": found.start, "end": found.end, "text": match, "type": kind}
            for match, kind in zip(found.matches, found.kinds, strict=True)
        ]
        return reply | {
            "matches": found.matches,
            "cursor_start": found.start,
            "cursor_end": found.end,
            "metadata": {"_jupyter_types_experimental": types},
        }

    async def do_inspect(
        self, code: str, cursor_pos: int, detail_level: int = 0, omit_sections: Any = ()
    ) -> dict[str, Any]:
        await self._warmed_up()
        names = await self._catalog_names()
        bundle = names.describe(code, cursor_pos) if names is not None else None
        if bundle is None and names is not None:
            word = names.word_at(code, cursor_pos)
            if len(word) >= 3:  # a forgiving name: "suppliers" is the supplier dimension
                with contextlib.suppress(Exception):
                    table = await (await self._catalog()).describe_table(word)
                    bundle = table_bundle(table)
        return {"status": "ok", "found": bundle is not None, "data": bundle or {}, "metadata": {}}

    async def do_is_complete(self, code: str) -> dict[str, Any]:
        return {"status": "complete"}

    async def do_shutdown(self, restart: bool) -> dict[str, Any]:
        await self._close_session()
        if self._store is not None:
            self._store.close()
        return {"status": "ok", "restart": restart}
