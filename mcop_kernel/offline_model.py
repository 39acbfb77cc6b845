"""The default model: offline, deterministic and rule-based (no LLM, no API key, no network).

It reads each question against the connected catalog's own vocabulary (its table and display names and
their loose forms, columns, glossary terms, people, domains and name-prefix areas; misspellings mended
with rapidfuzz), recognises what is asked from the question's grammar (question words, verbs, and the
nouns naming what is asked: columns, owner, references, "no"/"without", "how many", impact...), calls
the same catalog tools a real LLM would, and streams a Markdown answer written from their results,
about a word per chunk. See `offline/intents.py` for the kinds of question it answers.

Without a catalog in reach (a plan made outside a run) it reads names from the question's words. The
same conversation always gets the same answer, tool calls and tool-call ids.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

import anyio
from pydantic_ai._run_context import get_current_run_context
from pydantic_ai.messages import ModelMessage, ModelResponse, ModelResponsePart, TextPart, ToolCallPart
from pydantic_ai.models.function import AgentInfo, DeltaToolCall, DeltaToolCalls, FunctionModel

from .offline.planner import Step, plan
from .offline.vocabulary import Vocabulary, snapshot_of, vocabulary_of

__all__ = ["MODEL_NAME", "chunk_text", "offline_model"]

MODEL_NAME = "mcop-offline"
_CHUNK = re.compile(r"\s*\S+|\s+")


def chunk_text(text: str) -> list[str]:
    """Word-sized chunks, each word with the whitespace before it, that join back into `text` exactly."""
    return _CHUNK.findall(text)


def _call_ids(messages: list[ModelMessage], count: int) -> list[str]:
    """Ids that continue the conversation's count of tool calls: the same conversation, the same ids."""
    made = sum(isinstance(p, ToolCallPart) for m in messages if isinstance(m, ModelResponse) for p in m.parts)
    return [f"mcop_call_{made + n}" for n in range(1, count + 1)]


def _parts(step: Step, messages: list[ModelMessage]) -> list[ModelResponsePart]:
    parts: list[ModelResponsePart] = [TextPart(step.text)] if step.text else []
    for call, call_id in zip(step.calls, _call_ids(messages, len(step.calls)), strict=True):
        parts.append(ToolCallPart(call.tool, call.args, tool_call_id=call_id))
    return parts


async def current_vocabulary() -> Vocabulary | None:
    """The vocabulary of the catalog the running answer's tools use (the agent's `ExplorerDeps.catalog`),
    built once per catalog snapshot; None outside an agent run or for a catalog with no snapshot."""
    ctx = get_current_run_context()
    catalog = getattr(getattr(ctx, "deps", None), "catalog", None) if ctx is not None else None
    if catalog is None:
        return None
    try:
        snapshot = await snapshot_of(catalog)
    except Exception:  # a catalog that cannot give a snapshot is read from the question's words
        return None
    return vocabulary_of(snapshot) if snapshot is not None else None


class _OfflineModel:
    """The two functions FunctionModel calls; both follow the same plan."""

    def __init__(self, typing_delay: float) -> None:
        self.typing_delay = typing_delay

    async def respond(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=_parts(plan(messages, await current_vocabulary()), messages))

    async def stream(
        self, messages: list[ModelMessage], info: AgentInfo
    ) -> AsyncIterator[str | DeltaToolCalls]:
        step = plan(messages, await current_vocabulary())
        for chunk in chunk_text(step.text):
            yield chunk
            await anyio.sleep(self.typing_delay)
        calls = [part for part in _parts(step, messages) if isinstance(part, ToolCallPart)]
        for index, call in enumerate(calls):
            args = json.dumps(call.args, ensure_ascii=False)
            yield {index: DeltaToolCall(name=call.tool_name, json_args=args, tool_call_id=call.tool_call_id)}


def offline_model(*, typing_delay: float = 0.0) -> FunctionModel:
    """The rule-based model. `typing_delay` (seconds) pauses after each chunk, for demos that should
    look typed; at 0 it still yields to the event loop between chunks."""
    model = _OfflineModel(typing_delay)
    return FunctionModel(model.respond, stream_function=model.stream, model_name=MODEL_NAME)
