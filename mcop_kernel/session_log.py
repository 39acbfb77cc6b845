"""A session's event log: answer text that streams at the cost of an append per token, and the
numbered entries readers follow, with runs of tokens merged into one partial for readers behind."""

from __future__ import annotations

from typing import NamedTuple, cast

from .protocol import Event, PartialEvent


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
