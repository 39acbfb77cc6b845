"""The explorer for AG-UI clients: an AG-UI run input in, AG-UI events out (pydantic-ai's adapter).

AG-UI is stateless on the server: the client sends the conversation with every run, so this path
keeps no session. The diagram a tool drew is sent at the end as a CUSTOM event named
`mcop.diagram` (value: kind, Mermaid source and the note on what was left out).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from typing import Any

from ag_ui.core import BaseEvent, CustomEvent, RunErrorEvent
from pydantic import ValidationError
from pydantic_ai.ui.ag_ui import AGUIAdapter

from .agent import ExplorerDeps
from .secrets import redact
from .session import SessionConfig

DIAGRAM_EVENT = "mcop.diagram"


class RunInputError(ValueError):
    """The request body is not an AG-UI run input the explorer takes; the message says why."""


class RunRefused(RuntimeError):
    """Too many AG-UI runs of one user are in progress; the message says so."""


def parse_run_input(body: bytes, max_question_chars: int) -> Any:
    """The run input in `body`, or RunInputError: not a run input, or a user message over
    `max_question_chars` characters (every user message of the conversation goes to the model)."""
    try:
        run_input = AGUIAdapter.build_run_input(body)
    except (ValidationError, ValueError) as exc:
        raise RunInputError(f"Not an AG-UI run input: {str(exc).splitlines()[0]}") from None
    for message in run_input.messages:
        if message.role != "user":
            continue
        content = message.content
        text = content if isinstance(content, str) else "".join(getattr(p, "text", "") for p in content)
        if len(text) > max_question_chars:
            raise RunInputError(
                f"A question is {len(text):,} characters; the limit is {max_question_chars:,}."
            )
    return run_input


class RunLimit:
    """At most `limit` AG-UI runs of one user at once: AG-UI runs have no session to queue in, so
    this bounds what one user can make the server do at the same time."""

    def __init__(self, limit: int):
        self.limit = limit
        self._running: Counter[str] = Counter()

    @contextlib.contextmanager
    def slot(self, user: str) -> Iterator[None]:
        """Hold one of `user`'s runs for the duration; RunRefused when they are all taken."""
        if self._running[user] >= self.limit:
            raise RunRefused(
                f"{self._running[user]} AG-UI runs are already in progress (the limit is {self.limit});"
                " try again when one has finished."
            )
        self._running[user] += 1
        try:
            yield
        finally:
            self._running[user] -= 1
            if not self._running[user]:
                del self._running[user]


async def ag_ui_events(
    config: SessionConfig, body: bytes, accept: str | None = None
) -> AsyncGenerator[str, None]:
    """Encoded AG-UI events (server-sent events) for one run. Raises RunInputError before the first."""
    run_input = parse_run_input(body, config.max_question_chars)
    adapter = AGUIAdapter(agent=config.agent, run_input=run_input, accept=accept)
    try:
        adapter.messages  # noqa: B018 (read once here: a tool result whose call is not in the history)
    except ValueError as exc:
        raise RunInputError(f"Not a conversation the explorer can continue: {exc}") from None
    deps = ExplorerDeps(catalog=config.catalog)

    async def diagram(result: Any) -> AsyncIterator[BaseEvent]:
        if deps.diagram is not None:
            value = {"kind": deps.diagram.kind, "source": deps.diagram.source, "note": deps.diagram.note}
            yield CustomEvent(name=DIAGRAM_EVENT, value=value)

    slots = config.slots  # an AG-UI run takes one of the server's answer slots like a session's answer
    if not slots.try_acquire(config.max_running_answers):
        await slots.wait(slots.join())
    try:  # the timeout counts from here, when the run starts
        events = adapter.run_stream(deps=deps, timeout=config.timeout, on_complete=diagram)
        async for chunk in adapter.encode_stream(_redacted(events)):
            yield chunk
    finally:
        slots.release()


async def _redacted(events: AsyncIterator[BaseEvent]) -> AsyncIterator[BaseEvent]:
    """The run's events with secrets masked in its error message (a catalog's or model's error
    can quote a URL)."""
    async for event in events:
        if isinstance(event, RunErrorEvent):
            event = event.model_copy(update={"message": redact(event.message)})
        yield event
