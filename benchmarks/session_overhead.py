"""What the ExplorerSession adds to pydantic-ai's own cost per streamed token, side by side in one run.

Run with:
    python benchmarks/session_overhead.py            # 2,000-token answers, 15 rounds
    python benchmarks/session_overhead.py --tokens 500 --rounds 30

Both sides stream the same synthetic model's answer through the same agent. "pydantic-ai" consumes
`agent.run_stream_events()` in process and only reads the text deltas (the floor of anything built
on pydantic-ai). "session" runs `ExplorerSession.ask()`: history, the numbered event log, partial
events and the final message. CPU time is measured with `time.process_time`; the rounds alternate
so that machine noise hits both sides alike, and the medians are compared.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from pydantic_ai.messages import PartDeltaEvent, PartStartEvent, TextPart, TextPartDelta

from mcop_kernel.agent import ExplorerDeps, build_agent
from mcop_kernel.catalog.sample import sample_catalog
from mcop_kernel.config import synthetic_model
from mcop_kernel.session import ExplorerSession, SessionConfig


async def pydantic_ai_alone(config: SessionConfig) -> int:
    chars = 0
    async with config.agent.run_stream_events("go", deps=ExplorerDeps(config.catalog)) as events:
        async for event in events:
            if isinstance(event, PartStartEvent) and isinstance(event.part, TextPart):
                chars += len(event.part.content)
            elif isinstance(event, PartDeltaEvent) and isinstance(event.delta, TextPartDelta):
                chars += len(event.delta.content_delta)
    return chars


async def through_session(config: SessionConfig) -> int:
    session = ExplorerSession("bench", config)
    chars = 0
    async for event in session.ask("go"):
        if event.kind == "agent":
            chars = len(event.content)  # type: ignore[union-attr]
    return chars


async def measure(tokens: int, rounds: int) -> dict[str, list[float]]:
    config = SessionConfig(build_agent(synthetic_model(tokens)), sample_catalog())
    runs = {"pydantic-ai": pydantic_ai_alone, "session": through_session}
    for run in runs.values():  # warm up imports and caches
        await run(config)
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.process_time()
            chars = await run(config)
            cpu[name].append((time.process_time() - start) / tokens)
            assert chars > 0
    return cpu


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--tokens", type=int, default=2000)
    args.add_argument("--rounds", type=int, default=15)
    opts = args.parse_args()
    cpu = asyncio.run(measure(opts.tokens, opts.rounds))
    base = statistics.median(cpu["pydantic-ai"])
    print(f"{opts.tokens} tokens x {opts.rounds} rounds, CPU per streamed token (median, p90):")
    for name, values in cpu.items():
        p90 = statistics.quantiles(values, n=10)[-1] if len(values) > 1 else values[0]
        median = statistics.median(values)
        print(f"  {name:<12} {median * 1e6:7.1f} us  (p90 {p90 * 1e6:6.1f} us)  {median / base:5.2f}x")
    ratio = statistics.median(cpu["session"]) / base
    print(f"session adds {100 * (ratio - 1):.0f}% to pydantic-ai's own cost (target: at most 25%)")


if __name__ == "__main__":
    main()
