"""Every diagram the offline model can draw for the bundled sample catalog, made by the agent's own
tools (`show_er_diagram`, `trace_lineage`) exactly as an answer makes them.

- ER diagrams: every table alone ("show relationships of X"), and every related pair ("show
  relationships between X and Y"), at the tools' default depth;
- lineage flowcharts: every table, upstream, downstream and both ways, at the default depth.

Identical sources are drawn once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any, NamedTuple, TypeVar

from mcop_kernel.catalog.sample import sample_catalog
from mcop_kernel.tools import ExplorerDeps, show_er_diagram, trace_lineage


class Source(NamedTuple):
    label: str
    kind: str
    source: str
    tables: tuple[str, ...]
    """The tables the diagram draws."""


async def _collect() -> list[Source]:
    catalog = sample_catalog()
    deps = ExplorerDeps(catalog=catalog)
    ctx: Any = SimpleNamespace(deps=deps)
    labels: list[str] = []
    names = [t.name for t in (await catalog.snapshot()).tables]
    for name in names:
        await show_er_diagram(ctx, tables=[name])
        labels.append(f"er {name}")
    pairs = dict.fromkeys((r.from_table, r.to_table) for r in (await catalog.snapshot()).relationships)
    for a, b in pairs:
        await show_er_diagram(ctx, tables=[a, b])
        labels.append(f"er {a} + {b}")
    for name in names:
        for direction in ("both", "upstream", "downstream"):
            await trace_lineage(ctx, table=name, direction=direction)
            labels.append(f"lineage {direction} {name}")
    assert len(labels) == len(deps.diagrams), "a tool call drew no diagram"
    unique: dict[str, Source] = {}
    for label, diagram in zip(labels, deps.diagrams, strict=True):
        unique.setdefault(diagram.source, Source(label, diagram.kind, diagram.source, diagram.tables))
    return list(unique.values())


T = TypeVar("T")


def run_async(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion in a thread of its own: the test's thread has Playwright's
    event loop marked as running, where `asyncio.run` refuses to start."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result(timeout=120)


def offline_diagrams() -> list[Source]:
    return run_async(_collect)


if __name__ == "__main__":
    sources = offline_diagrams()
    kinds = {k: sum(1 for s in sources if s.kind == k) for k in ("er", "lineage")}
    print(len(sources), kinds, max(len(s.source) for s in sources))
