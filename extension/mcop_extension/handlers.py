"""Thin handlers: authenticate, validate, then forward to a StreamConnection or the session registry."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from asyncio import Future
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import authorized, ws_authenticated
from jupyter_server.auth.identity import IdentityProvider, PasswordIdentityProvider
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.base.websocket import WebSocketMixin
from jupyter_server.extension.handler import ExtensionHandlerMixin
from tornado import web, websocket

from mcop_kernel.connection import StreamConnection
from mcop_kernel.registry import valid_session_id
from mcop_kernel.secrets import redact

if TYPE_CHECKING:
    from .app import ExplorerService
    from .kernels import KernelHost
    from .relay import Relay

V2_SUBPROTOCOL = "mcop.v2"
AUTH_RESOURCE = "mcop"
LAST_SEQ = re.compile(r"[0-9]{1,18}")
SHARED_SECRET_PROVIDERS = (IdentityProvider, PasswordIdentityProvider)


Method = TypeVar("Method", bound=Callable[..., Any])


def allowed_to(action: str) -> Callable[[Method], Method]:
    """Jupyter's `@authorized(action, "mcop")`: the deployment's Authorizer decides, 403 if it refuses."""
    return cast("Callable[[Method], Method]", authorized(action, AUTH_RESOURCE))


class _ExplorerHandler(ExtensionHandlerMixin, JupyterHandler):
    auth_resource = AUTH_RESOURCE
    """What a deployment's Authorizer is asked about: "read" (info, transcripts) or "execute"
    (asking questions, over the WebSocket or AG-UI) on "mcop"."""

    @property
    def service(self) -> ExplorerService:
        return cast("ExplorerService", self.extensionapp.service)  # type: ignore[attr-defined]

    @property
    def user_key(self) -> str:
        """Whose sessions these are. Jupyter's own token and password logins make every request
        an anonymous user of the one person who owns the server, so they all share "owner"; an
        identity provider that names users (JupyterHub, a collaboration setup) keeps them apart."""
        if type(self.identity_provider) in SHARED_SECRET_PROVIDERS:
            return "owner"
        return str(self.current_user.username)

    def _request_summary(self) -> str:
        """What Tornado writes about a refused request: the URI with its token and every other
        secret-like parameter masked (Tornado's own writes `?token=` as it came)."""
        return f"{self.request.method} {redact(self.request.uri or '')} ({self.request.remote_ip})"

    async def ready_kernel(self, session_id: str) -> tuple[KernelHost | None, str | None]:
        """The kernel hosting the user's `session_id` (sessions in kernels) once it is ready, or
        why it is not (masked)."""
        assert self.service.kernels is not None
        try:
            host = await self.service.kernels.host_for(self.user_key, session_id)
            problem = await host.ready
        except Exception as exc:
            return None, redact(str(exc) or type(exc).__name__)
        return (host, None) if problem is None else (None, problem)

    async def kernel_for(self, session_id: str) -> KernelHost:
        """The kernel hosting the user's `session_id`, ready; else 503."""
        host, problem = await self.ready_kernel(session_id)
        if host is None:
            raise web.HTTPError(503, f"MCOP Explorer's kernel is not ready: {problem}")
        return host

    def check_session_id(self, session_id: str) -> None:
        if not valid_session_id(session_id):
            raise web.HTTPError(400, "A session id is 1-64 letters, digits, '_', '.' or '-'.")


class _Protocol(websocket.WebSocketProtocol13):
    """Tornado's protocol, except that a text frame that is not UTF-8 closes the connection with the
    standard code 1007 (RFC 6455 section 7.4.1) instead of dropping it without a word."""

    def _handle_message(self, opcode: int, data: bytes) -> Future[None] | None:
        if opcode == 0x1 and self._decompressor is None:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                self.close(1007, "A text frame must be UTF-8.")
                return None
        return super()._handle_message(opcode, data)


class WebSocketHandler(WebSocketMixin, websocket.WebSocketHandler, _ExplorerHandler):
    """`{base_url}mcop/ws/{session_id}`: v1 by default; v2 with `?protocol=2` or the `mcop.v2`
    subprotocol; `?last_seq=N` resumes after message N."""

    connection: StreamConnection | Relay | None = None

    def set_default_headers(self) -> None:
        """JupyterHandler's headers make no sense on a WebSocket upgrade."""

    @property
    def max_message_size(self) -> int:
        return self.service.max_frame_bytes

    def get_websocket_protocol(self) -> websocket.WebSocketProtocol | None:
        protocol = super().get_websocket_protocol()
        if isinstance(protocol, websocket.WebSocketProtocol13):
            protocol.__class__ = _Protocol
        return protocol

    def select_subprotocol(self, subprotocols: list[str]) -> str | None:
        return V2_SUBPROTOCOL if V2_SUBPROTOCOL in subprotocols else None

    def _version(self) -> int:
        asked = self.get_query_argument("protocol", "")
        if V2_SUBPROTOCOL in self.request.headers.get("Sec-WebSocket-Protocol", ""):
            return 2
        if asked in ("1", "2"):
            return int(asked)
        if asked:
            raise web.HTTPError(400, "protocol must be 1 or 2")
        return self.service.default_protocol

    def _last_seq(self) -> int | None:
        raw = self.get_query_argument("last_seq", "")
        if not raw:
            return None
        if not LAST_SEQ.fullmatch(raw):
            raise web.HTTPError(400, "last_seq must be a whole number of at most 18 digits")
        return int(raw)

    @ws_authenticated
    async def get(self, session_id: str) -> None:
        allowed = await ensure_async(
            self.authorizer.is_authorized(self, self.current_user, "execute", AUTH_RESOURCE)
        )
        if not allowed:
            raise web.HTTPError(403, f"User is not authorized to execute on resource: {AUTH_RESOURCE}.")
        self.check_session_id(session_id)
        self.version, self.after_seq = self._version(), self._last_seq()
        if not self.service.ready:
            raise web.HTTPError(503, f"MCOP Explorer is not ready: {self.service.problem}")
        await super().get(session_id)

    async def open(self, session_id: str) -> None:
        """Runs once the upgrade passed every check (origin included)."""
        super().open()
        self.set_nodelay(True)
        if self.service.kernels is not None:
            await self._relay(session_id)
            return
        assert self.service.sessions is not None
        try:
            session = await self.service.sessions.get(self.user_key, session_id)
        except Exception as exc:  # the store failed while the server ran
            self.log.error("MCOP Explorer could not open session %s: %s", session_id, exc)
            self.close(1011, "The session could not be read from the session store.")
            return
        self.connection = StreamConnection(
            session, self._send, self.service.connection_settings(self.version), on_stall=self.close
        )
        self.service.connections.add(self.connection)
        self.connection.start(self.after_seq)

    async def _relay(self, session_id: str) -> None:
        """Sessions in kernels: forward this client to the kernel hosting its session."""
        host, problem = await self.ready_kernel(session_id)
        if host is None:
            self.log.error("MCOP Explorer's kernel is not ready: %s", problem)
            self.close(1011, "MCOP Explorer's kernel is not ready.")
            return
        if self.ws_connection is None:  # the client left while its kernel started
            return
        relay = host.relay(self._send, self.close)
        self.connection = relay
        self.service.connections.add(relay)
        relay.start(self.user_key, session_id, self.version, self.after_seq)

    def _send(self, text: str) -> Awaitable[None] | None:
        """Write a message; the caller waits only while the socket is backed up."""
        sent = self.write_message(text)
        sent.add_done_callback(_consume_error)
        stream = self.ws_connection.stream if self.ws_connection is not None else None
        return sent if stream is not None and stream.writing() else None

    async def on_message(self, message: str | bytes) -> None:
        if self.connection is not None:
            await self.connection.receive(message)

    def on_close(self) -> None:
        if self.connection is not None:
            self.service.connections.discard(self.connection)
            self.connection.close()
            self.connection = None


def _consume_error(sent: asyncio.Future[None]) -> None:
    """A write that failed because the client left is not worth a log line; it ends the connection."""
    if not sent.cancelled():
        sent.exception()


class InfoHandler(_ExplorerHandler, APIHandler):
    """`GET {base_url}mcop/api/info`: version, model, catalog and protocol versions."""

    @web.authenticated
    @allowed_to("read")
    def get(self) -> None:
        self.finish(json.dumps(self.service.info()))


class TranscriptHandler(_ExplorerHandler, APIHandler):
    """`GET {base_url}mcop/api/sessions/{session_id}/transcript`: the user's questions and answers."""

    @web.authenticated
    @allowed_to("read")
    async def get(self, session_id: str) -> None:
        self.check_session_id(session_id)
        if not self.service.ready:
            raise web.HTTPError(503, f"MCOP Explorer is not ready: {self.service.problem}")
        try:
            busy, transcript = await self._transcript(session_id)
        except Exception as exc:  # the store failed while the server ran
            raise web.HTTPError(503, f"The session store could not be read: {redact(str(exc))}") from None
        exchanges: list[dict[str, Any]] = [dataclasses.asdict(x) for x in transcript]
        self.finish(json.dumps({"session_id": session_id, "busy": busy, "exchanges": exchanges}))

    async def _transcript(self, session_id: str) -> tuple[bool, list[Any]]:
        """As the store has it; with sessions in kernels, busy while an answer is unfinished there."""
        if self.service.sessions is not None:
            return await self.service.sessions.transcript(self.user_key, session_id)
        store = self.service.store_reader
        assert store is not None
        saved = await asyncio.to_thread(store.load, self.user_key, session_id)
        return any(x.unfinished for x in saved.transcript), saved.transcript
