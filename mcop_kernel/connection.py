"""One client attached to a session over any message transport: frames in, encoded events out.

A transport (the Tornado WebSocket handler, a widget comm) only authorises, then forwards what it
receives to `StreamConnection.receive` and gives it a `send` function. The connection follows the
session's event log at the client's pace: partials that pile up while the client reads are merged
into one message, so memory per connection is constant and a slow client never gets the whole text
once per token. A client that stops reading altogether is dropped after `stall_timeout`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .pacing import loop_load
from .protocol import (
    AskFrame,
    CancelFrame,
    ProtocolError,
    ProtocolVersion,
    ResumeFrame,
    encode,
    error_message,
    parse,
)
from .session import ExplorerSession

log = logging.getLogger(__name__)

Send = Callable[[str], Awaitable[None] | None]
"""Sends one message; returns something to await only when the client has not taken it yet."""


class ConnectionClosed(Exception):
    """The transport can no longer send."""


@dataclass(frozen=True)
class ConnectionSettings:
    """How a connection paces and limits its client."""

    version: ProtocolVersion = 1
    window: float = 0.005
    """After sending a partial, wait at least this long so the next tokens share one message (the
    first token always goes out at once)."""
    max_window: float = 0.5
    """The longest that wait grows to while the server is busy (see `pacing`)."""
    stall_timeout: float = 30.0
    """A client that has not taken a message for this long is dropped."""


class StreamConnection:
    """Follows one session for one client. `start()` once, `receive()` per frame, `close()` at the end."""

    def __init__(
        self,
        session: ExplorerSession,
        send: Send,
        settings: ConnectionSettings,
        *,
        on_stall: Callable[[], None] = lambda: None,
    ):
        self.session = session
        self.settings = settings
        self._send = send
        self._on_stall = on_stall
        self._pump: asyncio.Task[None] | None = None
        self.sent_seq = 0

    def start(self, after_seq: int | None = None) -> None:
        """Begin sending events after `after_seq`; without one, what nobody has been sent yet and
        the answer in flight."""
        cursor = self.session.resume_point() if after_seq is None else after_seq
        self._restart(cursor)

    def _restart(self, cursor: int) -> None:
        """Follow from `cursor`; one past the session's last message (a client that kept a number
        from elsewhere, or from before the store was reset) follows from the end."""
        cursor = min(cursor, self.session.last_seq)
        if self._pump is not None:
            self._pump.cancel()
        self._pump = asyncio.create_task(self._follow(cursor), name=f"mcop-follow-{self.session.session_id}")

    async def receive(self, frame: str | bytes) -> None:
        """Handle one client frame; a bad one is answered with an error message, never raised."""
        try:
            message = parse(frame, max_question_chars=self.session.config.max_question_chars)
            if isinstance(message, AskFrame):
                self.session.submit(message.content)
            elif isinstance(message, CancelFrame):
                if not self.session.cancel():
                    raise ProtocolError("nothing_to_cancel", "No answer is running.")
            elif isinstance(message, ResumeFrame):
                self._restart(message.last_seq)
        except ProtocolError as refusal:
            await self._deliver(error_message(refusal, self.settings.version))

    async def _deliver(self, text: str) -> None:
        try:
            try:
                pending = self._send(text)
            except UnicodeEncodeError:  # a lone surrogate from a catalog or model: send it escaped
                pending = self._send(json.dumps(json.loads(text)))
            if pending is not None:
                await asyncio.wait_for(pending, self.settings.stall_timeout)
        except TimeoutError:
            log.warning("dropping a client of session %s that stopped reading", self.session.session_id)
            self._on_stall()
            raise ConnectionClosed from None
        except ConnectionClosed:
            raise
        except Exception as exc:  # the transport's own "closed" error
            raise ConnectionClosed from exc

    async def _follow(self, cursor: int) -> None:
        version, settings = self.settings.version, self.settings
        load = loop_load()
        load.acquire()
        try:
            pace = (lambda: load.pause(settings.window, settings.max_window)) if settings.window else None
            async for batch in self.session.follow(cursor, pause=pace):
                for item in batch:
                    text = encode(item.event, version, item.seq)
                    if text is not None:
                        await self._deliver(text)
                    self.sent_seq = item.seq
                self.session.mark_delivered(self.sent_seq)
        except ConnectionClosed:
            return
        finally:
            load.release()

    def close(self) -> None:
        """Stop following (the session and its answer go on)."""
        if self._pump is not None:
            self._pump.cancel()
            self._pump = None

    async def wait_closed(self) -> None:
        if self._pump is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._pump
