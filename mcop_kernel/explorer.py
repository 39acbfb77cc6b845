"""`Explorer`: ask the catalog from a notebook, a script or async code. The answer streams into the
cell's output as it is written (to stdout outside Jupyter) and comes back as an `Answer`.

Run with:
    from mcop_kernel import Explorer
    ex = Explorer()                       # the session runs in this process: offline model, sample catalog
    a = ex.ask("Show relationships between fact_bs_purchase_order and suppliers")
    a.text, a.diagram, a.tools, a.error
    ex = Explorer.connect("http://127.0.0.1:8888/", token="...")   # a Jupyter server's session instead
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import sys
import threading
import time
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic_ai.models import Model

from .background import Backend, Inbox, InProcess, Runner, produce
from .catalog.base import Catalog
from .config import DEFAULT_CATALOG, model_label, session_config
from .display import (
    UPDATE_INTERVAL,
    NotebookView,
    View,
    answer_bundle,
    mermaid_fence,
    question_bundle,
)
from .fold import AnswerSoFar, Failure, ToolCall
from .registry import valid_session_id
from .remote import CONNECT_TIMEOUT, RemoteSession, ServerAddress
from .store import SessionStore, SQLiteStore
from .terminal import TextView

CANCEL_GRACE = 5.0
"""Seconds an interrupted `ask()` waits for the cancelled answer's final message."""
_POLL = 0.5


@dataclass(frozen=True)
class Answer:
    """What `Explorer.ask` returns. `error` is None when the answer finished, else the message shown
    (with `error_code`: timeout, model_error, cancelled, connection_error, ...); `text` then holds
    what was written before it failed."""

    question: str
    text: str
    diagram: str | None = None
    tools: list[ToolCall] = field(default_factory=list)
    error: str | None = None
    error_code: str | None = None
    _shown_in: object = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, so_far: AnswerSoFar, shown_in: object = None) -> Answer:
        return cls(
            so_far.question,
            so_far.text,
            so_far.diagram,
            list(so_far.tools),
            so_far.error,
            so_far.error_code,
            shown_in,
        )

    @property
    def ok(self) -> bool:
        return self.error is None

    def _repr_markdown_(self) -> str:
        parts = [question_bundle(self.question)["text/markdown"], answer_bundle(self)["text/markdown"]]
        if self.diagram:
            parts.append(mermaid_fence(self.diagram))
        return "\n\n".join(part for part in parts if part)

    def __repr__(self) -> str:
        text = self.text if len(self.text) <= 60 else self.text[:59] + "…"
        diagram = (
            f"<{self.diagram.split(maxsplit=1)[0]}, {len(self.diagram):,} characters>"
            if self.diagram
            else None
        )
        tools = [tool.name for tool in self.tools]
        return (
            f"Answer(question={self.question!r}, text={text!r} ({len(self.text):,} characters), "
            f"diagram={diagram}, tools={tools}, error={self.error!r})"
        )

    def _ipython_display_(self) -> None:
        """In the cell that asked, the answer is on screen already: the result shows no second copy.
        Elsewhere (`a` or `display(a)` in a later cell) it shows as Markdown, diagram included."""
        if self._shown_in is not None and self._shown_in == _cell():
            return
        from IPython.display import display

        show: Callable[..., object] = display
        show({"text/markdown": self._repr_markdown_(), "text/plain": repr(self)}, raw=True)


# ---------------------------------------------------------------------------- the explorer


class Explorer:
    """Asks the data catalog; every answer streams into the cell's output as it is written.

    `Explorer(model=None, catalog=None, session_id=None, store=None, timeout=30)` runs an
    `ExplorerSession` in this process (settings as for `session_config`; `store` may be a SQLite
    file path so that the conversation outlives the kernel). `Explorer.connect(url, token)` or
    `Explorer(server=url, token=...)` talks to a Jupyter server's MCOP extension over its WebSocket.

    In a notebook, `ask()` shows the question and then, as the answer is written, one line per tool
    call and the text, updating its output at most every `update_interval` seconds; when done the
    final answer and its diagram are shown as new outputs (see `mcop_kernel.display`). A diagram is
    one output with `text/vnd.mermaid`, a ```mermaid Markdown fence and the plain source: JupyterLab
    picks the Markdown (its renderer ranks above Mermaid's) and draws the fence, Notebook 7 draws
    the fence, and VS Code, GitHub and nbviewer show the source. Outside IPython the text streams
    to stdout and tool calls to stderr, like `mcop ask`.

    The session lives on a background thread with its own event loop, so a plain `ask()` streams
    even in a kernel whose loop is busy running the cell; from async code use `await ask_async()`.
    Interrupting `ask()` (Ctrl-C, the kernel's stop button) cancels the answer, shows it as
    cancelled, then raises KeyboardInterrupt. Expected failures (timeout, model or catalog errors,
    an unreachable server) never raise: they are shown and returned in `Answer.error`.
    """

    def __init__(
        self,
        model: str | Model | None = None,
        catalog: str | Catalog | None = None,
        session_id: str | None = None,
        store: SessionStore | str | os.PathLike[str] | None = None,
        timeout: float = 30.0,
        *,
        server: str | None = None,
        token: str | None = None,
    ):
        if timeout <= 0:
            raise ValueError("timeout must be a positive number of seconds")
        if session_id is not None and not valid_session_id(session_id):
            raise ValueError("A session id is 1-64 letters, digits, '_', '.' or '-'.")
        self.session_id = session_id or uuid.uuid4().hex[:12]
        self.timeout = timeout
        self.update_interval = UPDATE_INTERVAL
        self.server: ServerAddress | None = None
        self._remote: RemoteSession | None = None
        backend: Backend
        if server is not None:
            if model is not None or catalog is not None or store is not None:
                raise ValueError(
                    "The model, catalog and store are the server's settings; not given with server="
                )
            self.server = ServerAddress.parse(server, token)
            backend = self._remote = RemoteSession(self.server, self.session_id, timeout=timeout)
            self._settings = f"server={self.server.url!r}"
        else:
            if isinstance(store, str | os.PathLike):
                store = SQLiteStore(os.fspath(store))
            backend = InProcess(session_config(model, catalog, store, timeout), self.session_id)
            shown_model = model.model_name if isinstance(model, Model) else model_label(model)
            shown_catalog = (
                catalog if isinstance(catalog, str) else os.environ.get("MCOP_CATALOG") or DEFAULT_CATALOG
            )
            if catalog is not None and not isinstance(catalog, str):
                shown_catalog = type(catalog).__name__
            self._settings = f"model={shown_model!r}, catalog={shown_catalog!r}"
        if session_id is not None:
            self._settings += f", session_id={session_id!r}"
        self._runner = Runner(backend, name=f"mcop-explorer-{self.session_id}")
        self._finalizer = weakref.finalize(self, self._runner.stop)

    @classmethod
    def connect(
        cls, url: str, token: str | None = None, *, session_id: str | None = None, timeout: float = 30.0
    ) -> Explorer:
        """An explorer on the server at `url` (`http://host:port/base_url/`; a Jupyter URL with
        `?token=` works too). Connects now and raises `ConnectionError` saying why if it cannot. Blocks:
        from a coroutine on the loop that runs that very server, call it through `asyncio.to_thread`."""
        explorer = cls(session_id=session_id, timeout=timeout, server=url, token=token)
        assert explorer._remote is not None
        try:
            explorer._runner.submit(explorer._remote.connect()).result(CONNECT_TIMEOUT + 5)
        except BaseException:
            explorer.close()
            raise
        return explorer

    def __repr__(self) -> str:
        return f"Explorer({self._settings})"

    def close(self) -> None:
        """Stop a running answer and release the session's thread (also done when garbage-collected)."""
        self._finalizer()

    def __enter__(self) -> Explorer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ asking

    def ask(self, question: str) -> Answer:
        """Ask, show the answer as it streams, and return it when it is done (see the class docstring)."""
        ready = threading.Event()
        inbox = Inbox(ready.set)
        producer = self._runner.submit(produce(self._runner.backend, question, inbox.put))
        view, progress = _view(question, self.update_interval), AnswerSoFar(question)
        try:
            while not progress.done:
                delay = _take(inbox, progress, view, producer)
                if delay is not None:
                    ready.wait(delay)
                    ready.clear()
        except KeyboardInterrupt:
            self._runner.call(self._runner.backend.cancel)
            deadline = time.monotonic() + CANCEL_GRACE
            while not progress.done and time.monotonic() < deadline:
                ready.wait(0.05)
                ready.clear()
                _take(inbox, progress, view, producer)
            _give_up(progress, view)
            raise
        view.finish(progress)
        return Answer.of(progress, _cell())

    async def ask_async(self, question: str) -> Answer:
        """`ask()` for async code (a cell with top-level `await`, a Jupyter server extension, a test):
        waits without blocking the caller's event loop."""
        loop = asyncio.get_running_loop()
        ready = asyncio.Event()
        inbox = Inbox(lambda: loop.call_soon_threadsafe(ready.set))
        producer = self._runner.submit(produce(self._runner.backend, question, inbox.put))
        view, progress = _view(question, self.update_interval), AnswerSoFar(question)
        try:
            while not progress.done:
                delay = _take(inbox, progress, view, producer)
                if delay is not None:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(ready.wait(), delay)
                    ready.clear()
        except (asyncio.CancelledError, KeyboardInterrupt):
            self._runner.call(self._runner.backend.cancel)
            _give_up(progress, view)
            raise
        view.finish(progress)
        return Answer.of(progress, _cell())


def _take(
    inbox: Inbox, progress: AnswerSoFar, view: View, producer: concurrent.futures.Future[None]
) -> float | None:
    """Show what arrived; returns how long to wait for more (None: the answer is done)."""
    while inbox.items and not progress.done:
        item = inbox.items.popleft()
        progress.add(item)
        view.show(None if isinstance(item, Failure) else item, progress)
    if progress.done:
        return None
    if producer.done() and not inbox.items:
        failure = producer.exception() if not producer.cancelled() else None
        progress.add(Failure(f"The answer stopped: {failure or 'the explorer was closed'}", "internal_error"))
        return None
    delay = view.due()
    if delay == 0:
        view.flush()
        delay = view.due()
    return _POLL if delay is None else min(delay, _POLL)


def _give_up(progress: AnswerSoFar, view: View) -> None:
    """End an interrupted answer's view: as cancelled, unless its final message came in time."""
    if not progress.done:
        progress.add(Failure("Answer cancelled.", "cancelled"))
        view.show(None, progress)
    view.finish(progress)


def _shell() -> Any:
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython is not None else None


def _cell() -> tuple[int, object] | None:
    """Which IPython cell is running: the kernel's request id (the execution count in a terminal
    IPython); None outside IPython."""
    shell = _shell()
    if shell is None:
        return None
    parent = getattr(shell, "parent_header", None)
    header = parent.get("header", parent) if isinstance(parent, dict) else {}
    return id(shell), header.get("msg_id") or shell.execution_count


def _view(question: str, interval: float) -> View:
    """Display handles in a Jupyter kernel; text on stdout in a script or a terminal IPython."""
    if getattr(_shell(), "kernel", None) is not None:
        return NotebookView(question, interval)
    return TextView()
