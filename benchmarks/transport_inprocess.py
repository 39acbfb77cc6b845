"""The "in-process" side of benchmarks/transport.py: pydantic-ai's own event stream, no transport.

Run with (benchmarks/transport.py starts it itself, one process per measured round):
    python benchmarks/transport_inprocess.py --clients 100 --tokens 500 --delay-ms 0

Runs `agent.run_stream_events()` for `clients` answers at once in this process, after one warm-up
answer, and reads only the text deltas. Per answer: the time to the first text delta, the total
time, the text events (each would be one message at one message per token) and their bytes. Prints
one line `RESULT {"cpu": seconds, "answers": [...]}` where `cpu` is this process's CPU time
(`time.process_time`) over the measured answers only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from pydantic_ai import Agent
from pydantic_ai.messages import PartDeltaEvent, PartStartEvent, TextPart, TextPartDelta
from pydantic_ai.run import AgentRunResultEvent
from transport_client import Answer, describe

from mcop_kernel.agent import ExplorerDeps, build_agent
from mcop_kernel.catalog.base import Catalog
from mcop_kernel.catalog.sample import sample_catalog
from mcop_kernel.config import SyntheticStream, synthetic_model


async def one_answer(agent: Agent[ExplorerDeps, str], catalog: Catalog, expected: str) -> Answer:
    answer = Answer()
    output = ""
    start = time.perf_counter()
    async with agent.run_stream_events("go", deps=ExplorerDeps(catalog)) as events:
        async for event in events:
            delta = ""
            if isinstance(event, PartStartEvent) and isinstance(event.part, TextPart):
                delta = event.part.content
            elif isinstance(event, PartDeltaEvent) and isinstance(event.delta, TextPartDelta):
                delta = event.delta.content_delta
            elif isinstance(event, AgentRunResultEvent):
                output = event.result.output
            if delta:
                if answer.ttft is None:
                    answer.ttft = time.perf_counter() - start
                answer.messages += 1
                answer.wire_bytes += len(delta.encode())
    answer.total = time.perf_counter() - start
    answer.answer_bytes = len(output.encode())
    if output != expected:
        answer.error = f"wrong answer: {len(output)} characters, expected {len(expected)}"
    return answer


async def measure(clients: int, tokens: int, delay: float, deadline: float) -> tuple[float, list[Answer]]:
    agent = build_agent(synthetic_model(tokens, delay))
    catalog = sample_catalog()
    expected = "".join(SyntheticStream(tokens).words())

    async def guarded() -> Answer:
        try:
            return await one_answer(agent, catalog, expected)
        except Exception as exc:
            return Answer(error=describe(exc))

    async with asyncio.timeout(deadline):
        await one_answer(agent, catalog, expected)  # warm-up: imports, caches, first-run setup
    start = time.process_time()
    try:
        async with asyncio.timeout(deadline):
            answers = list(await asyncio.gather(*(guarded() for _ in range(clients))))
    except TimeoutError:
        answers = [Answer(error=f"no answer within {deadline:g} s")] * clients
    return time.process_time() - start, answers


def main() -> None:
    args = argparse.ArgumentParser(description="pydantic-ai's own event stream, in process.")
    args.add_argument("--clients", type=int, required=True)
    args.add_argument("--tokens", type=int, required=True)
    args.add_argument("--delay-ms", type=float, default=0.0)
    args.add_argument("--deadline", type=float, default=120.0)
    opts = args.parse_args()
    cpu, answers = asyncio.run(measure(opts.clients, opts.tokens, opts.delay_ms / 1000, opts.deadline))
    print("RESULT " + json.dumps({"cpu": cpu, "answers": [a.to_json() for a in answers]}), flush=True)


if __name__ == "__main__":
    main()
