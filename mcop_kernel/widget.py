"""ChatWidget: the explorer's chat and diagram canvas in a notebook output, streaming over the Jupyter
server's WebSocket (server mode) or from a session in this kernel through the widget's comm (kernel mode).

The front end (`static/chat.js`) chooses the mode: in "auto" it asks the page's Jupyter server for
`mcop/api/info` and, when the extension is there with the settings this widget asks for, talks to
it directly; otherwise it sends `{"type": "use_kernel", "view": V}` and this side runs the session.

Kernel mode, front end to kernel (each message names its view, so two views of one widget are two
clients): `use_kernel`, `detach`, and the WebSocket's own frames (`{"content": ...}`,
`{"type": "cancel"}`, `{"type": "resume", "last_seq": N}`). Kernel to front end: the `KernelMessage`
shapes below; `message` carries exactly what the server's v2 WebSocket sends.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import secrets
from collections import deque
from pathlib import Path
from typing import Any, Literal, TypedDict

import anywidget
import traitlets
from pydantic_ai.models import Model

from .catalog.base import Catalog
from .config import model_label, resolve_model, session_config
from .connection import ConnectionSettings, StreamConnection
from .local_sessions import local_sessions
from .registry import valid_session_id
from .session import SessionConfig

log = logging.getLogger(__name__)

Mode = Literal["auto", "server", "kernel"]
MODES: tuple[Mode, ...] = ("auto", "server", "kernel")
STATIC = Path(__file__).parent / "static"
MAX_VIEWS = 8
"""Views (displays of one widget) followed at once; a page reload leaves its old view behind, so the
oldest is dropped beyond this."""


class HistoryMessage(TypedDict):
    """What the session said before this view attached: the server's transcript response, as is."""

    kind: Literal["history"]
    view: str
    session_id: str
    busy: bool
    exchanges: list[dict[str, Any]]
    catalog: str
    """Which catalog the kernel's session explores (its description)."""


class StreamMessage(TypedDict):
    """One v2 protocol message (`protocol.to_message(event, 2, seq)`)."""

    kind: Literal["message"]
    view: str
    message: dict[str, Any]


class FailureMessage(TypedDict):
    """The kernel cannot run a session (a bad model or catalog setting); `content` says why."""

    kind: Literal["failed"]
    view: str
    content: str


KernelMessage = HistoryMessage | StreamMessage | FailureMessage


class ChatWidget(anywidget.AnyWidget):
    """Chat with the explorer, with the latest diagram beside it.

    `ChatWidget()` starts a new conversation; `ChatWidget(session_id="demo")` continues one and shows
    its history. `mode`: "auto" (the server extension when the page has one, else this kernel),
    "server" or "kernel". `model` and `catalog` are the settings of a session run in this kernel
    (`session_config`); in "auto" a widget that names them uses the server only when the server's
    explorer has the same settings, and a `Model` or `Catalog` object always runs in the kernel.
    Sessions in the kernel are shared by id: the first widget to open one chooses its settings.
    """

    _esm = STATIC / "chat.js"
    _css = STATIC / "chat.css"

    session_id = traitlets.Unicode("").tag(sync=True)
    mode = traitlets.Unicode("auto").tag(sync=True)
    model_setting = traitlets.Unicode("").tag(sync=True)
    catalog_setting = traitlets.Unicode("").tag(sync=True)

    partial_window = 0.03
    """Seconds partials wait to share one comm message (the first token still goes at once)."""

    def __init__(
        self,
        session_id: str | None = None,
        mode: Mode = "auto",
        model: str | Model | None = None,
        catalog: str | Catalog | None = None,
    ):
        self._views: dict[str, StreamConnection] = {}  # first: close() runs even if a check fails
        self._inbox: deque[dict[str, Any]] = deque()
        self._reader: asyncio.Task[None] | None = None
        session_id = session_id or secrets.token_hex(6)
        if not valid_session_id(session_id):
            raise ValueError(f"Invalid session id {session_id!r}: use 1-64 letters, digits, '_', '.' or '-'.")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if isinstance(model, str) and mode == "kernel":
            resolve_model(model)  # a bad setting fails here, not later inside the widget
        if mode == "auto" and not (model is None or isinstance(model, str)):
            mode = "kernel"
        if mode == "auto" and not (catalog is None or isinstance(catalog, str)):
            mode = "kernel"
        super().__init__(
            session_id=session_id,
            mode=mode,
            model_setting=model_label(model) if isinstance(model, str) else "",
            catalog_setting=catalog.strip() if isinstance(catalog, str) else "",
        )
        self._model, self._catalog = model, catalog
        self.on_msg(self._on_front_end_msg)

    def __repr__(self) -> str:
        return f"ChatWidget(session_id={self.session_id!r}, mode={self.mode!r})"

    # ------------------------------------------------------------------ from the front end

    def _on_front_end_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """Runs on the kernel's event loop (ipykernel dispatches comm messages there); the work is
        asynchronous, so messages are queued and handled in order by one task."""
        if not isinstance(content, dict):
            return
        self._inbox.append(content)
        if self._reader is None or self._reader.done():
            self._reader = asyncio.get_running_loop().create_task(self._read_inbox())

    async def _read_inbox(self) -> None:
        while self._inbox:
            content = self._inbox.popleft()
            try:
                await self._handle(content)
            except Exception:
                log.exception("ChatWidget %s could not handle a message", self.session_id)

    async def _handle(self, content: dict[str, Any]) -> None:
        view = str(content.get("view", ""))
        kind = content.get("type")
        if kind in ("detach", "use_kernel"):
            self._detach(view)
            if kind == "detach":
                return
        connection = self._views.get(view) or await self._attach(view)
        if connection is not None and kind != "use_kernel":
            frame = {key: value for key, value in content.items() if key != "view"}
            await connection.receive(frame)

    # ------------------------------------------------------------------ to the front end

    async def _attach(self, view: str) -> StreamConnection | None:
        """Send the view the session's history, then follow the session from where it ends."""
        try:
            session = await local_sessions.open(self.session_id, self._session_config)
        except Exception as exc:
            log.warning("ChatWidget %s cannot run a session in the kernel: %s", self.session_id, exc)
            self._post(FailureMessage(kind="failed", view=view, content=str(exc)))
            return None
        after = session.transcript_end()  # no await between this and the transcript below
        exchanges = [dataclasses.asdict(exchange) for exchange in session.transcript]
        self._post(
            HistoryMessage(
                kind="history",
                view=view,
                session_id=self.session_id,
                busy=session.busy,
                exchanges=exchanges,
                catalog=session.config.catalog.description,
            )
        )
        settings = ConnectionSettings(version=2, window=self.partial_window, objects=True)
        connection = StreamConnection(session, lambda message: self._post_frame(view, message), settings)
        connection.start(after)
        self._views[view] = connection
        while len(self._views) > MAX_VIEWS:
            self._detach(next(iter(self._views)))
        return connection

    def _session_config(self) -> SessionConfig:
        return session_config(self._model, self._catalog)

    def _post_frame(self, view: str, message: dict[str, Any]) -> None:
        self._post(StreamMessage(kind="message", view=view, message=message))

    def _post(self, message: KernelMessage) -> None:
        self.send(message)

    def _detach(self, view: str) -> None:
        connection = self._views.pop(view, None)
        if connection is not None:
            connection.close()

    def close(self) -> None:
        """Stop following the session (its answer in flight goes on) and close the widget."""
        for view in list(self._views):
            self._detach(view)
        super().close()


async def close_kernel_sessions() -> None:
    """End every session this kernel runs: answers in flight end with an error message, widgets'
    views stop following."""
    await local_sessions.close_all()
