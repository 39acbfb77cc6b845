"""The explorer for AG-UI clients: an AG-UI run input in, AG-UI events out (pydantic-ai's adapter).

AG-UI is stateless on the server: the client sends the conversation with every run, so this path
keeps no session. The diagram a tool drew is sent at the end as a CUSTOM event named
`mcop.diagram` (value: kind, Mermaid source and the note on what was left out).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from ag_ui.core import BaseEvent, CustomEvent
from pydantic import ValidationError
from pydantic_ai.ui.ag_ui import AGUIAdapter

from .agent import ExplorerDeps
from .session import SessionConfig

DIAGRAM_EVENT = "mcop.diagram"


class RunInputError(ValueError):
    """The request body is not an AG-UI run input; the message says why."""


def parse_run_input(body: bytes) -> Any:
    try:
        return AGUIAdapter.build_run_input(body)
    except (ValidationError, ValueError) as exc:
        raise RunInputError(f"Not an AG-UI run input: {str(exc).splitlines()[0]}") from None


async def ag_ui_events(config: SessionConfig, body: bytes, accept: str | None = None) -> AsyncIterator[str]:
    """Encoded AG-UI events (server-sent events) for one run. Raises RunInputError before the first."""
    adapter = AGUIAdapter(agent=config.agent, run_input=parse_run_input(body), accept=accept)
    deps = ExplorerDeps(catalog=config.catalog)

    async def diagram(result: Any) -> AsyncIterator[BaseEvent]:
        if deps.diagram is not None:
            value = {"kind": deps.diagram.kind, "source": deps.diagram.source, "note": deps.diagram.note}
            yield CustomEvent(name=DIAGRAM_EVENT, value=value)

    events = adapter.run_stream(deps=deps, timeout=config.timeout, on_complete=diagram)
    async for chunk in adapter.encode_stream(events):
        yield chunk
