"""The offline model at catalog scale: the first question (the vocabulary is built then) and every later
one, answered whole through the explorer agent on the 10,000-table catalog (see `catalog_scale.py`)."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from mcop_kernel import offline_model as offline_module
from mcop_kernel.agent import ExplorerDeps, build_agent
from mcop_kernel.catalog import SnapshotCatalog
from mcop_kernel.catalog.snapshot import CatalogSnapshot

PER_QUESTION_TARGET_MS = 50.0


def questions(snapshot: CatalogSnapshot, count: int, seed: int) -> list[str]:
    """Questions in a steward's words about the catalog's own tables: loose and misspelt names,
    references, keys, owners, columns of a kind, search, counts."""
    rng = random.Random(seed)
    tables = rng.sample(list(snapshot.tables), count)
    shapes: list[Callable[[Any], str]] = [
        lambda t: f"describe {t.display_name.lower()}",
        lambda t: f"which tables reference {t.name}?",
        lambda t: f"what is the primary key of {t.name}?",
        lambda t: f"who owns {t.display_name.lower()}?",
        lambda t: f"where do we keep {t.columns[-1].name.replace('_', ' ')}?",
        lambda t: f"tell me about {t.name[:-2] + t.name[-1] + t.name[-2]}",
        lambda t: "which columns hold money amounts?",
        lambda t: f"search for {t.display_name.split()[0].lower()}",
        lambda t: "how many tables are there?",
    ]
    return [shapes[i % len(shapes)](t) for i, t in enumerate(tables)]


@contextmanager
def timing_the_model(spent: list[float]) -> Iterator[None]:
    """Record the seconds the offline model's own steps (reading and planning) take."""
    original = getattr(offline_module, "plan")  # noqa: B009 - the name the model calls, swapped for a while

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    setattr(offline_module, "plan", timed)  # noqa: B010
    try:
        yield
    finally:
        setattr(offline_module, "plan", original)  # noqa: B010


async def offline_answers(snapshot: CatalogSnapshot, count: int, seed: int) -> dict[str, Any]:
    """Seconds for the first question on a catalog no question has read yet, then per question (the
    whole answer: pydantic-ai's run loop, the model's steps and the tools) and the model's own steps."""
    catalog = SnapshotCatalog(snapshot)
    agent = build_agent(offline_module.offline_model())
    asked = questions(snapshot, count, seed)
    start = time.perf_counter()
    await agent.run("describe " + snapshot.tables[0].display_name.lower(), deps=ExplorerDeps(catalog))
    first = time.perf_counter() - start
    answers: list[float] = []
    model: list[float] = []
    with timing_the_model(model):
        for question in asked:
            start = time.perf_counter()
            await agent.run(question, deps=ExplorerDeps(catalog))
            answers.append(time.perf_counter() - start)
    steps = len(model) / max(len(answers), 1)
    return {"first": first, "answers": answers, "model": model, "steps": steps}


def report(found: dict[str, Any], percentile: Callable[[list[float], int], float]) -> None:
    answers, model = found["answers"], found["model"]
    print(
        f"\nThe offline model through the explorer agent ({len(answers)} questions, "
        f"{found['steps']:.1f} model steps each):\n"
    )
    print("| figure | p50 | p95 | max | target |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(f"| first question (the vocabulary is built) | {found['first'] * 1000:.0f} ms | | | |")
    for name, values, target in (
        ("a whole answer (run loop, model, tools)", answers, f"<= {PER_QUESTION_TARGET_MS:.0f} ms"),
        ("the model's own steps (read, plan, write)", model, ""),
    ):
        p50, p95 = statistics.median(values) * 1000, percentile(values, 95) * 1000
        print(f"| {name} | {p50:.1f} ms | {p95:.1f} ms | {max(values) * 1000:.1f} ms | {target} |")
