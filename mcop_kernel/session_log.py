"""A session's event log: answer text that streams at the cost of an append per token, and the
numbered entries readers follow (waking them as entries arrive), with runs of tokens merged into one
partial for readers behind. A token makes no Python object of its own in the log."""

from __future__ import annotations

import asyncio
import bisect
from array import array
from typing import NamedTuple

from .protocol import ErrorEvent, Event, PartialEvent


class Logged(NamedTuple):
    """An event as the log holds it: its sequence number and the answer it belongs to."""

    seq: int
    answer: int
    event: Event


class AnswerText:
    """An answer's text as it streams. A token costs an append, not a copy of the text so far: the
    text is joined only when somebody reads it, and each reading extends the last one."""

    __slots__ = ("_chunks", "_joined", "length")

    def __init__(self) -> None:
        self._chunks: list[str] = []
        """The tokens added since the text was last joined."""
        self._joined = ""
        self.length = 0

    def add(self, delta: str) -> int:
        """Append a token; returns the text's new length."""
        self._chunks.append(delta)
        self.length += len(delta)
        return self.length

    def endswith(self, suffix: str) -> bool:
        return (self._chunks[-1] if self._chunks else self._joined).endswith(suffix)

    def upto(self, end: int) -> str:
        """The first `end` characters."""
        if self._chunks and len(self._joined) < end:
            self._joined += "".join(self._chunks)
            self._chunks.clear()
        return self._joined if end == len(self._joined) else self._joined[:end]

    def __str__(self) -> str:
        return self.upto(self.length)


class _Run:
    """Consecutive tokens of one answer as the log holds them: token `k` has number `first + k`
    and the text so far `text.upto(ends[k])`. A token costs an append to an array of machine
    integers, so the tokens an answer keeps for readers that come back make no objects of their own
    (none for the garbage collector to walk again and again while hundreds of answers stream)."""

    __slots__ = ("answer", "ends", "first", "start", "text")

    def __init__(self, answer: int, text: AnswerText, first: int, start: int):
        self.answer, self.text, self.first, self.start = answer, text, first, start
        self.ends = array("q")

    @property
    def last(self) -> int:
        return self.first + len(self.ends) - 1

    def partial(self, after: int) -> Logged:
        """The tokens after number `after` as one partial, numbered as the last of them."""
        begin = self.start if after < self.first else self.ends[after - self.first]
        end = self.ends[-1]
        text = self.text.upto(end)
        return Logged(self.last, self.answer, PartialEvent(text[begin:], text))


class _Entry(NamedTuple):
    seq: int
    answer: int
    event: Event


def _read(entries: list[_Entry | _Run], after: int) -> list[Logged]:
    """What `entries` hold after number `after`: events as they are, each run of tokens as one
    partial, so a reader that fell behind gets one message, not many."""
    out: list[Logged] = []
    for entry in entries:
        if isinstance(entry, _Run):
            out.append(entry.partial(after))
        else:
            out.append(Logged(*entry))
    return out


class EventLog:
    """One session's numbered events, oldest first, and the readers waiting for the next one."""

    def __init__(self) -> None:
        self._entries: list[_Entry | _Run] = []
        self._seqs: list[int] = []
        """The first number of each entry (a run of tokens holds several)."""
        self.next_seq = 1
        self._waiters: list[asyncio.Future[None]] = []
        self._urgent: list[asyncio.Future[None]] = []

    @property
    def last_seq(self) -> int:
        return self.next_seq - 1

    def since(self, seq: int) -> list[Logged]:
        """Logged events after `seq`, each run of tokens merged into one partial."""
        at = bisect.bisect_right(self._seqs, seq)
        if at and isinstance(run := self._entries[at - 1], _Run) and run.last > seq:
            at -= 1  # `seq` is inside this run: the reader gets the rest of it
        return _read(self._entries[at:], seq)

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
        entries = self._entries
        run = entries[-1] if entries else None
        if not (isinstance(run, _Run) and run.text is text and run.last == seq - 1):
            run = _Run(answer, text, seq, text.length)
            entries.append(run)
            self._seqs.append(seq)
        run.ends.append(text.add(delta))
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
        failed = {
            e.answer for e in self._entries if isinstance(e, _Entry) and isinstance(e.event, ErrorEvent)
        }
        kept: list[_Entry | _Run] = []
        for entry in self._entries:
            if entry.answer <= oldest:
                continue
            if isinstance(entry, _Run):
                if entry.answer in failed:
                    kept.append(_Entry(*entry.partial(0)))
            else:
                kept.append(entry)
        self._entries = kept
        self._seqs = [e.first if isinstance(e, _Run) else e.seq for e in kept]


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
