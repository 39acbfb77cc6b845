"""A session on a running Jupyter server: its MCOP extension's WebSocket (protocol v2), read back
into the same answer events an in-process `ExplorerSession` yields."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlencode, urlsplit, urlunsplit

from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.iostream import StreamClosedError
from tornado.websocket import (
    WebSocketClientConnection,
    WebSocketClosedError,
    WebSocketError,
    websocket_connect,
)

from .errors import OneLineError
from .fold import AnswerSoFar
from .protocol import Event, ServerMessage, decode, to_event
from .protocol_messages import ErrorMessage, MessageError, UserMessage

CONNECT_TIMEOUT = 10.0
log = logging.getLogger(__name__)


class ServerConnectionError(OneLineError, ConnectionError):
    """The server cannot be reached or refused the connection; the message says which and what to do."""


@dataclass(frozen=True)
class ServerAddress:
    """Where a Jupyter server is (`http://host:port/base_url/`) and the token it takes."""

    url: str
    token: str | None = None

    @classmethod
    def parse(cls, url: str, token: str | None = None) -> ServerAddress:
        """From a URL as Jupyter prints it (`http://127.0.0.1:8888/lab?token=...` works too); without
        a token in either place, `JUPYTER_TOKEN` from the environment."""
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.scheme not in ("http", "https", "ws", "wss") or not parts.netloc:
            raise ValueError(f"Not a server URL: {url!r}; use one such as http://127.0.0.1:8888/")
        token = token or parse_qs(parts.query).get("token", [None])[0] or os.environ.get("JUPYTER_TOKEN")
        path = parts.path
        for page in ("/lab", "/tree", "/notebooks"):  # a page's address: the server is above it
            if page in path:
                path = path[: path.index(page)]
        path = path.rstrip("/") + "/"
        return cls(urlunsplit((parts.scheme, parts.netloc, path, "", "")), token or None)

    def ws_url(self, session_id: str, last_seq: int = 0) -> str:
        parts = urlsplit(self.url)
        scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
        query = {"protocol": "2"} | ({"last_seq": str(last_seq)} if last_seq else {})
        path = f"{parts.path}mcop/ws/{quote(session_id, safe='')}"
        return urlunsplit((scheme, parts.netloc, path, urlencode(query), ""))


class RemoteSession:
    """One session of the server's explorer. Connects on first use, and again (resuming after the
    last message it saw) when the connection was lost between questions."""

    def __init__(self, address: ServerAddress, session_id: str, *, timeout: float = 30.0):
        self.address = address
        self.session_id = session_id
        self.timeout = timeout
        """Seconds without a message from the server before the answer is given up."""
        self.last_seq = 0
        self._ws: WebSocketClientConnection | None = None

    async def connect(self) -> WebSocketClientConnection:
        if self._ws is not None and self._ws.protocol is not None:
            return self._ws
        url = self.address.ws_url(self.session_id, self.last_seq)
        headers = {"Authorization": f"token {self.address.token}"} if self.address.token else {}
        request = HTTPRequest(
            url, headers=headers, connect_timeout=CONNECT_TIMEOUT, request_timeout=CONNECT_TIMEOUT
        )
        try:
            ws = await asyncio.wait_for(websocket_connect(request), CONNECT_TIMEOUT + 1)
        except HTTPClientError as exc:
            raise ServerConnectionError(self._refusal(exc.code)) from None
        except (OSError, StreamClosedError, WebSocketError, TimeoutError) as exc:
            reason = "no answer" if isinstance(exc, TimeoutError) else str(exc) or type(exc).__name__
            raise ServerConnectionError(
                f"Cannot reach the Jupyter server at {self.address.url} ({reason}). Is it running? "
                "`jupyter server list` shows the servers running here, with their URLs."
            ) from None
        if ws.protocol is not None and ws.protocol.stream is not None:
            ws.protocol.stream.set_nodelay(True)  # else Nagle holds small messages back (FIELD-NOTES)
        self._ws = ws
        return ws

    def _refusal(self, code: int) -> str:
        where = self.address.url
        if code == 403:
            return f"The Jupyter server at {where} refused the connection: the token was refused (HTTP 403)."
        if code == 404:
            return (
                f"The MCOP extension is not enabled on that server ({where} answered HTTP 404): install "
                "mcop-kernel in the server's environment and restart it."
            )
        if code == 503:
            return f"The MCOP extension on {where} is not ready (HTTP 503); see {where}mcop/api/info."
        if code == 599:
            return f"Cannot reach the Jupyter server at {where} (no answer within {CONNECT_TIMEOUT:g}s)."
        return f"The Jupyter server at {where} refused the connection (HTTP {code})."

    async def ask(self, question: str) -> AsyncIterator[Event]:
        """Send the question and yield its answer's events, ending with `agent` or `error`."""
        ws = await self.connect()
        try:
            await ws.write_message(json.dumps({"content": question}, ensure_ascii=False))
        except WebSocketClosedError:
            self._ws = None
            ws = await self.connect()
            await ws.write_message(json.dumps({"content": question}, ensure_ascii=False))
        started, so_far = False, AnswerSoFar(question)
        while True:
            message = await self._receive(ws)
            if message is None:
                continue
            numbered = message.seq is not None
            if message.seq is not None:
                self.last_seq = max(self.last_seq, message.seq)
            if not started:  # skip the end of an answer in flight, as the server sends it on connect
                started = isinstance(message, UserMessage) and message.content == question
                if not started and isinstance(message, ErrorMessage) and not numbered:
                    yield to_event(message)
                    return  # our question was refused (the queue is full, ...)
                if not started:
                    continue
            elif not numbered:
                continue  # a refused cancel: the answer goes on
            event = to_event(message, so_far.text)
            so_far.add(event)
            yield event
            if so_far.done:
                return

    async def _receive(self, ws: WebSocketClientConnection) -> ServerMessage | None:
        """The next message, None for one that is not the protocol's (a newer server's, say)."""
        try:
            raw = await asyncio.wait_for(ws.read_message(), self.timeout)
        except TimeoutError:
            self.cancel()
            raise ServerConnectionError(
                f"The Jupyter server sent nothing for {self.timeout:g}s; the answer was given up."
            ) from None
        if raw is None:
            self._ws = None
            reason = f" ({ws.close_code} {ws.close_reason or ''})".rstrip() if ws.close_code else ""
            raise ServerConnectionError(f"The Jupyter server closed the connection{reason}.")
        try:
            return decode(raw)
        except MessageError as exc:
            log.info("ignoring a message from %s: %s", self.address.url, exc)
            return None

    def cancel(self) -> None:
        """Ask the server to stop the answer in flight (its `error` message ends the answer)."""
        if self._ws is not None and self._ws.protocol is not None:
            future = self._ws.write_message(json.dumps({"type": "cancel"}))
            future.add_done_callback(lambda sent: sent.cancelled() or sent.exception())

    async def close(self) -> None:
        """Close the connection and wait (briefly) for the server to confirm."""
        ws, self._ws = self._ws, None
        if ws is None or ws.protocol is None:
            return
        ws.close()
        with contextlib.suppress(TimeoutError, WebSocketClosedError):
            async with asyncio.timeout(1.0):
                while await ws.read_message() is not None:
                    pass
