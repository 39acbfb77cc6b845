"""The default model: offline, deterministic and rule-based (no LLM, no API key, no network).

It reads each question with fixed rules (keywords and the words around them), calls the same catalog
tools a real LLM would, reads their results and streams a Markdown answer written from them, about a
word per chunk. It understands:

- listing tables, optionally by type or domain ("Show me all tables", "list fact tables",
  "tables in the Procurement domain", then "show more tables");
- describing a table ("Describe fact_bs_purchase_order", "what columns does the supplier table have?");
- searching ("search for vendor", "find columns about currency", "where is net order value");
- relationships with an ER diagram ("Show relationships between fact_bs_purchase_order and suppliers",
  "how is X related to Y", "show the ER diagram for invoices");
- join paths with example SQL ("how do I join invoices to suppliers?");
- lineage with a flowchart ("where does fact_bs_purchase_order come from?", "what is downstream of EKKO?");
- owners and stewards ("who owns the supplier table?");
- glossary terms ("what does Net Order Value mean?", "define incoterms"; unknown terms fall back to a search);
- follow-ups about the table just discussed ("who owns it?", "show its lineage", "what about suppliers?").

Anything else gets a short description of these abilities. Table names are passed to the tools in the
user's own words; the catalog resolves them and suggests names when it cannot. The same conversation
always gets the same answer, tool calls and tool-call ids.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

import anyio
from pydantic_ai.messages import ModelMessage, ModelResponse, ModelResponsePart, TextPart, ToolCallPart
from pydantic_ai.models.function import AgentInfo, DeltaToolCall, DeltaToolCalls, FunctionModel

from .offline.planner import Step, plan

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


class _OfflineModel:
    """The two functions FunctionModel calls; both follow the same plan."""

    def __init__(self, typing_delay: float) -> None:
        self.typing_delay = typing_delay

    async def respond(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=_parts(plan(messages), messages))

    async def stream(
        self, messages: list[ModelMessage], info: AgentInfo
    ) -> AsyncIterator[str | DeltaToolCalls]:
        step = plan(messages)
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
