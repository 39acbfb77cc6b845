"""One client attached to a session over any message transport: frames in, encoded events out.

A transport (the Tornado WebSocket handler, a widget comm) only authorises, then forwards what it
receives to `StreamConnection.receive` and gives it a `send` function. The connection follows the
session's event log at the client's pace: partials that pile up while the client reads are merged
into one message, so memory per connection is constant and a slow client never gets the whole text
once per token. A client that stops reading altogether is dropped `stall_timeout` seconds after
it stopped taking its backlog (a trickle of a few KiB does not count as reading).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .pacing import loop_load
from .protocol import (
    AskFrame,
    CancelFrame,
    ErrorEvent,
    Event,
    ProtocolError,
    ProtocolVersion,
    ResumeFrame,
    parse,
    to_message,
)
from .session import ExplorerSession

log = logging.getLogger(__name__)

Send = Callable[[Any], Awaitable[None] | None]
"""Sends one message (JSON text; its object with `ConnectionSettings.objects`); returns something to
await only when the client has not taken it yet."""


PROGRESS_CHARS = 64 * 1024
"""A client behind on its messages must read at least this much of them per `stall_timeout` (a
trickle, such as the kernel freeing a few bytes of a full buffer, is not reading)."""


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
    """A client that has read (almost) nothing of its backlog for this long is dropped."""
    objects: bool = False
    """Send each message as its JSON object, for a transport that serialises it itself (a widget comm)."""


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
        self._waited = 0.0
        """Seconds spent waiting for the client since it last made progress on its backlog."""
        self._taken = 0
        """Characters the client has read since then."""
        self._last_wait: float | None = None

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

    async def receive(self, frame: str | bytes | dict[str, Any]) -> None:
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
            with contextlib.suppress(ConnectionClosed):  # closed meanwhile (1007, 1009): nobody to tell
                await self._deliver(self._encoded(ErrorEvent(refusal.message, refusal.code)))

    def _encoded(self, event: Event, seq: int | None = None) -> str | dict[str, Any] | None:
        """What the client is sent for `event` (not numbered without `seq`: a refusal is not logged)."""
        message = to_message(event, self.settings.version, seq)
        return (
            message if message is None or self.settings.objects else json.dumps(message, ensure_ascii=False)
        )

    async def _deliver(self, message: str | dict[str, Any] | None) -> None:
        if message is None:
            return
        try:
            try:
                pending = self._send(message)
            except UnicodeEncodeError:  # a lone surrogate from a catalog or model: send it escaped
                pending = self._send(json.dumps(json.loads(message)) if isinstance(message, str) else message)
        except Exception as exc:  # the transport's own "closed" error
            raise ConnectionClosed from exc
        size = len(message) if isinstance(message, str) else 0
        if pending is None:
            self._took(size)
            return
        await self._wait_for_client(asyncio.ensure_future(pending), size)

    async def _wait_for_client(self, sent: asyncio.Future[None], size: int) -> None:
        """Wait until the client has taken a message the socket could not take at once. The time
        spent waiting adds up until the client has read PROGRESS_CHARS of its backlog (or went a
        whole `stall_timeout` with nothing to wait for); at `stall_timeout` it is dropped."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        if self._last_wait is not None and started - self._last_wait > self.settings.stall_timeout:
            self._waited, self._taken = 0.0, 0  # it kept up for a long while since it was last behind
        behind_a_backlog = self._waited > 0
        left = self.settings.stall_timeout - self._waited
        done, _ = await asyncio.wait({sent}, timeout=max(left, 0))  # never cancels the write
        self._last_wait = loop.time()
        self._waited += self._last_wait - started
        if not done:
            log.warning(
                "dropping a client of session %s that stopped reading (it read almost nothing for %gs)",
                self.session.session_id,
                self.settings.stall_timeout,
            )
            self._on_stall()
            raise ConnectionClosed
        if sent.cancelled() or sent.exception() is not None:
            raise ConnectionClosed
        if behind_a_backlog:  # written behind a full socket: the client has read all of it since
            self._took(size)

    def _took(self, size: int) -> None:
        """The client took `size` characters; enough of them while it was behind is progress."""
        if self._waited:
            self._taken += size
            if self._taken >= PROGRESS_CHARS:
                self._waited, self._taken = 0.0, 0

    async def _follow(self, cursor: int) -> None:
        settings = self.settings
        load = loop_load()
        load.acquire()
        try:
            pace = (lambda: load.pause(settings.window, settings.max_window)) if settings.window else None
            async for batch in self.session.follow(cursor, pause=pace):
                for item in batch:
                    await self._deliver(self._encoded(item.event, item.seq))
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
