"""A session's event log: answer text that streams at the cost of an append per token, and the
numbered entries readers follow (waking them as entries arrive), with runs of tokens merged into one
partial for readers behind."""

from __future__ import annotations

import asyncio
import bisect
from typing import NamedTuple, cast

from .protocol import ErrorEvent, Event, PartialEvent


class Logged(NamedTuple):
    """An event as the log holds it: its sequence number and the answer it belongs to."""

    seq: int
    answer: int
    event: Event


class AnswerText:
    """An answer's text as it streams. A token costs an append, not a copy of the text so far: the
    text is joined only when somebody reads it, and each reading extends the last one."""

    __slots__ = ("_chunks", "_joined", "_joined_chunks", "length")

    def __init__(self) -> None:
        self._chunks: list[str] = []
        self._joined = ""
        self._joined_chunks = 0
        self.length = 0

    def add(self, delta: str) -> int:
        """Append a token; returns the text's new length."""
        self._chunks.append(delta)
        self.length += len(delta)
        return self.length

    def endswith(self, suffix: str) -> bool:
        return bool(self._chunks) and self._chunks[-1].endswith(suffix)

    def upto(self, end: int) -> str:
        """The first `end` characters."""
        if len(self._joined) < end:
            self._joined += "".join(self._chunks[self._joined_chunks :])
            self._joined_chunks = len(self._chunks)
        return self._joined if end == len(self._joined) else self._joined[:end]

    def __str__(self) -> str:
        return self.upto(self.length)


class _Token(NamedTuple):
    """A piece of answer text as the log holds it: the text so far is `text.upto(end)`."""

    delta: str
    text: AnswerText
    end: int


class _Entry(NamedTuple):
    seq: int
    answer: int
    event: Event | _Token


def coalesce(batch: list[_Entry]) -> list[Logged]:
    """The events of `batch`, each run of tokens of one answer merged into one partial, so a reader
    that fell behind gets one message, not many."""
    out: list[Logged] = []
    deltas: list[str] = []
    last: _Entry | None = None  # the latest token of the run being merged
    for item in batch:
        if last is not None and not (isinstance(item.event, _Token) and item.answer == last.answer):
            out.append(_partial(last, deltas))
            deltas, last = [], None
        if isinstance(item.event, _Token):
            deltas.append(item.event.delta)
            last = item
        else:
            out.append(Logged(item.seq, item.answer, item.event))
    if last is not None:
        out.append(_partial(last, deltas))
    return out


def _partial(last: _Entry, deltas: list[str]) -> Logged:
    token = cast(_Token, last.event)
    delta = deltas[0] if len(deltas) == 1 else "".join(deltas)
    return Logged(last.seq, last.answer, PartialEvent(delta, token.text.upto(token.end)))


class EventLog:
    """One session's numbered events, oldest first, and the readers waiting for the next one."""

    def __init__(self) -> None:
        self._entries: list[_Entry] = []
        self._seqs: list[int] = []
        self.next_seq = 1
        self._waiters: list[asyncio.Future[None]] = []
        self._urgent: list[asyncio.Future[None]] = []

    @property
    def last_seq(self) -> int:
        return self.next_seq - 1

    def since(self, seq: int) -> list[Logged]:
        """Logged events after `seq`, partials coalesced."""
        return coalesce(self._entries[bisect.bisect_right(self._seqs, seq) :])

    def emit(self, answer: int, event: Event) -> None:
        seq = self.next_seq
        self.next_seq += 1
        self._entries.append(_Entry(seq, answer, event))
        self._seqs.append(seq)
        self.wake()

    def emit_text(self, answer: int, text: AnswerText, delta: str) -> None:
        """Log a token (the hot path: one per token, so it does as little as it can)."""
        seq = self.next_seq
        self.next_seq = seq + 1
        self._entries.append(_Entry(seq, answer, _Token(delta, text, text.add(delta))))
        self._seqs.append(seq)
        if self._waiters:
            self.wake(urgent=False)

    def wake(self, *, urgent: bool = True) -> None:
        """Wake readers waiting for events; `urgent` also cuts short readers pausing between partials."""
        if not self._waiters and not (urgent and self._urgent):
            return  # the common case while tokens stream: every reader is pausing
        waiters, self._waiters = self._waiters, []
        if urgent:
            waiters += self._urgent
            self._urgent = []
        for waiter in waiters:
            _resolve(waiter)

    async def pause(self, seconds: float) -> None:
        """Sleep up to `seconds`, waking early for anything but more partial text (a tool result or
        the final answer is never held back)."""
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        timer = loop.call_later(seconds, _resolve, waiter)
        self._urgent.append(waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            if waiter in self._urgent:
                self._urgent.remove(waiter)

    async def wait_for_change(self) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        finally:
            if not waiter.done():
                self._waiters.remove(waiter)

    def compact(self, oldest: int) -> None:
        """Shrink finished answers before a new one starts: partials are dropped where the final
        message holds the whole text, else merged into one; answers up to `oldest` go. (The last
        answer keeps its partials until then, so a reader never misses a delta.)"""
        failed = {item.answer for item in self._entries if isinstance(item.event, ErrorEvent)}
        kept = [
            _Entry(*item)
            for item in coalesce(
                [
                    item
                    for item in self._entries
                    if item.answer > oldest and (item.answer in failed or not isinstance(item.event, _Token))
                ]
            )
        ]
        self._entries = kept
        self._seqs = [item.seq for item in kept]


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
