"""What the ExplorerSession adds to pydantic-ai's own cost per streamed token, side by side in one run.

Run with:
    python benchmarks/session_overhead.py            # 2,000-token answers, 15 rounds
    python benchmarks/session_overhead.py --tokens 500 --rounds 30
    python benchmarks/session_overhead.py --delay-ms 1  # paced: the journal writes while it streams
    git worktree add ../before REV                        # an earlier session, side by side:
    python benchmarks/session_overhead.py --before ../before    # (--before again for more)

Every path streams the same synthetic model's answer through the same agent. "pydantic-ai"
consumes `agent.run_stream_events()` in process and only reads the text deltas (the floor of
anything built on pydantic-ai). The "session" paths run `ExplorerSession.ask()`: history, the
numbered event log, partial events, the final message and its save, in memory or in a SQLite file,
with the journal (the answer's text written to the store while it streams) off or on. CPU time is
measured with `time.process_time` (the store's threads included); the rounds alternate so that
machine noise hits every path alike, and the medians are compared. With `--before DIR` (a copy of
the `mcop_kernel` package from an earlier commit, loaded as `mcop_kernel_before`), that version's
session runs in the same rounds, with its own memory and SQLite stores; each `--before` is labelled
with its directory's name.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import importlib
import importlib.util
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic_ai.messages import PartDeltaEvent, PartStartEvent, TextPart, TextPartDelta

from mcop_kernel.agent import ExplorerDeps, build_agent
from mcop_kernel.catalog.sample import sample_catalog
from mcop_kernel.config import synthetic_model
from mcop_kernel.session import ExplorerSession, SessionConfig
from mcop_kernel.store import MemoryStore, SQLiteStore
from mcop_kernel.store_journal import JOURNAL_INTERVAL


async def pydantic_ai_alone(config: SessionConfig) -> int:
    chars = 0
    async with config.agent.run_stream_events("go", deps=ExplorerDeps(config.catalog)) as events:
        async for event in events:
            if isinstance(event, PartStartEvent) and isinstance(event.part, TextPart):
                chars += len(event.part.content)
            elif isinstance(event, PartDeltaEvent) and isinstance(event.delta, TextPartDelta):
                chars += len(event.delta.content_delta)
    return chars


def through_session(
    config: Any, session_class: Any = ExplorerSession
) -> Callable[[SessionConfig], Awaitable[int]]:
    async def run(_: SessionConfig) -> int:
        session = session_class("bench", config)
        chars = 0
        async for event in session.ask("go"):
            if event.kind == "agent":
                chars = len(event.content)
        return chars

    return run


def load_before(directory: Path, name: str = "mcop_kernel_before") -> ModuleType:
    """The `mcop_kernel` package under `directory`, imported as `name`."""
    init = directory / "mcop_kernel" / "__init__.py"
    spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(init.parent)])
    assert spec is not None and spec.loader is not None, f"no mcop_kernel package in {directory}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def before_runs(
    directory: Path, tokens: int, delay: float, store_dir: Path, index: int = 0
) -> dict[str, Any]:
    """The session of the package under `directory`, in memory and in SQLite, labelled `before NAME`."""
    package = f"mcop_kernel_before{index or ''}"
    load_before(directory, package)
    old = {
        name: importlib.import_module(f"{package}.{name}") for name in ("agent", "config", "session", "store")
    }
    sample = importlib.import_module(f"{package}.catalog.sample")
    agent = old["agent"].build_agent(old["config"].synthetic_model(tokens, delay))
    runs = {}
    for label, store in (
        ("memory", old["store"].MemoryStore()),
        ("SQLite", old["store"].SQLiteStore(store_dir / f"{package}.sqlite")),
    ):
        config = old["session"].SessionConfig(agent, sample.sample_catalog(), store)
        runs[f"before {directory.name}, {label}"] = through_session(config, old["session"].ExplorerSession)
    return runs


async def measure(
    tokens: int, rounds: int, delay: float, store_dir: Path, before: list[Path]
) -> dict[str, list[float]]:
    config = SessionConfig(build_agent(synthetic_model(tokens, delay)), sample_catalog())
    sqlite = SQLiteStore(store_dir / "sessions.sqlite")
    runs: dict[str, Callable[[SessionConfig], Awaitable[int]]] = {"pydantic-ai": pydantic_ai_alone}
    for label, store in (("memory", MemoryStore()), ("SQLite", sqlite)):
        for journal in (None, JOURNAL_INTERVAL):
            variant = dataclasses.replace(config, store=store, journal_interval=journal)
            runs[f"session, {label}, journal {'on' if journal else 'off'}"] = through_session(variant)
    for index, directory in enumerate(before):
        runs |= before_runs(directory, tokens, delay, store_dir, index)
    for run in runs.values():  # warm up imports and caches
        await run(config)
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.process_time()
            chars = await run(config)
            cpu[name].append((time.process_time() - start) / tokens)
            assert chars > 0
    sqlite.close()
    return cpu


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--tokens", type=int, default=2000)
    args.add_argument("--rounds", type=int, default=15)
    args.add_argument("--delay-ms", type=float, default=0.0, help="pause after each token")
    args.add_argument(
        "--before", type=Path, action="append", default=[], help="a directory holding an earlier mcop_kernel"
    )
    opts = args.parse_args()
    with tempfile.TemporaryDirectory() as store_dir:
        cpu = asyncio.run(
            measure(opts.tokens, opts.rounds, opts.delay_ms / 1000, Path(store_dir), opts.before)
        )
    base = statistics.median(cpu["pydantic-ai"])
    print(f"{opts.tokens} tokens x {opts.rounds} rounds, CPU per streamed token (median, p90):")
    for name, values in cpu.items():
        p90 = statistics.quantiles(values, n=10)[-1] if len(values) > 1 else values[0]
        median = statistics.median(values)
        print(f"  {name:<32} {median * 1e6:7.1f} us  (p90 {p90 * 1e6:6.1f} us)  {median / base:5.2f}x")
    for label in ("memory", "SQLite"):
        on, off = (statistics.median(cpu[f"session, {label}, journal {x}"]) for x in ("on", "off"))
        print(f"journal on / off, {label} store: {on / off:.3f}x (target: at most 1.05x)")
        for directory in opts.before:
            then = statistics.median(cpu[f"before {directory.name}, {label}"])
            print(f"  now / before {directory.name}, {label} store: {on / then:.3f}x")
    ratio = statistics.median(cpu["session, memory, journal on"]) / base
    print(f"session adds {100 * (ratio - 1):.0f}% to pydantic-ai's own cost (target: at most 25%)")


if __name__ == "__main__":
    main()
