"""Streams a self-hosted server's answer is told through: a whole response replayed word by word, and a
server's own stream with printed tool calls held back until they can be repaired."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from pydantic_ai.exceptions import ModelHTTPError
from pydantic_ai.messages import (
    ModelResponse,
    ModelResponseStreamEvent,
    PartDeltaEvent,
    PartStartEvent,
    TextPart,
    TextPartDelta,
)
from pydantic_ai.models import StreamedResponse
from pydantic_ai.models.openai import OpenAIChatModel

from .printed_calls import looks_like_call, parse_tool_calls
from .server_refusals import ModelServerRefusal, refusal

__all__ = ["Repairing", "Replayed"]


def _pieces(text: str) -> Iterator[str]:
    """`text` in word-sized pieces, each with the space after it."""
    yield from re.findall(r"\S+\s*|\s+", text)


@dataclass
class Replayed(StreamedResponse):
    """A whole response, told as a stream: its text in word-sized deltas, then its tool calls."""

    response: ModelResponse

    def __post_init__(self) -> None:
        self._usage = self.response.usage
        self.provider_response_id = self.response.provider_response_id
        self.finish_reason = self.response.finish_reason

    async def _get_event_iterator(self) -> AsyncIterator[ModelResponseStreamEvent]:
        for index, part in enumerate(self.response.parts):
            if isinstance(part, TextPart):
                for piece in _pieces(part.content):
                    for event in self._parts_manager.handle_text_delta(vendor_part_id=index, content=piece):
                        yield event
            else:
                yield self._parts_manager.handle_part(vendor_part_id=index, part=part)

    async def close_stream(self) -> None:
        pass

    @property
    def model_name(self) -> str:
        return self.response.model_name or ""

    @property
    def provider_name(self) -> str | None:
        return self.response.provider_name

    @property
    def provider_url(self) -> str | None:
        return self.response.provider_url

    @property
    def timestamp(self) -> datetime:
        return self.response.timestamp


@dataclass
class Repairing(StreamedResponse):
    """A server's stream passed on token by token, except text that may be a printed tool call: that
    is held until the response ends, then becomes the call (or, if it is not one, the text)."""

    inner: StreamedResponse
    tools: frozenset[str]
    model: OpenAIChatModel
    held: dict[int, str] = field(default_factory=dict)

    def _text(self, index: int, text: str) -> Iterator[ModelResponseStreamEvent]:
        yield from self._parts_manager.handle_text_delta(vendor_part_id=index, content=text)

    async def _get_event_iterator(self) -> AsyncIterator[ModelResponseStreamEvent]:
        plain: set[int] = set()
        try:
            async for event in self.inner:
                text = None
                if isinstance(event, PartStartEvent) and isinstance(event.part, TextPart):
                    index, text = event.index, event.part.content
                elif isinstance(event, PartDeltaEvent) and isinstance(event.delta, TextPartDelta):
                    index, text = event.index, event.delta.content_delta
                if not text:
                    continue
                if index in plain or not self.tools:
                    for out in self._text(index, text):
                        yield out
                    continue
                self.held[index] = self.held.get(index, "") + text
                if looks_like_call(self.held[index]) is False:
                    plain.add(index)
                    for out in self._text(index, self.held.pop(index)):
                        yield out
        except ModelServerRefusal:
            raise
        except ModelHTTPError as exc:
            raise refusal(exc, self.model) from exc
        final = self.inner.get()
        self._usage, self.finish_reason = final.usage, final.finish_reason
        self.provider_response_id = final.provider_response_id
        for index, part in enumerate(final.parts):
            if isinstance(part, TextPart) and index in self.held:
                text = self.held.pop(index)
                calls = parse_tool_calls(text, self.tools) if looks_like_call(text) else []
                for number, call in enumerate(calls):
                    yield self._parts_manager.handle_part(vendor_part_id=(index, number), part=call)
                if not calls:
                    for out in self._text(index, text):
                        yield out
            elif not isinstance(part, TextPart):
                yield self._parts_manager.handle_part(vendor_part_id=("inner", index), part=part)
        for index, text in self.held.items():  # text the final response lacks: never lost
            for out in self._text(index, text):
                yield out

    async def close_stream(self) -> None:
        await self.inner.close_stream()

    @property
    def model_name(self) -> str:
        return self.inner.model_name

    @property
    def provider_name(self) -> str | None:
        return self.inner.provider_name

    @property
    def provider_url(self) -> str | None:
        return self.inner.provider_url

    @property
    def timestamp(self) -> datetime:
        return self.inner.timestamp
