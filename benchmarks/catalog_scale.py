"""The catalog at the scale of a real warehouse: search, describe and ER diagrams on 10,000 tables, and a
1,000-table SQLite database read through SQLCatalog, with eralchemy's Mermaid ER output beside ours.

Run with:
    python benchmarks/catalog_scale.py                 # 10,000 tables, 200 calls each (a few minutes)
    python benchmarks/catalog_scale.py --calls 50 --sql-tables 300   # a quick run

The catalog is `mcop_kernel.catalog.synthetic.synthetic_snapshot()`: 10,000 tables, 200,000 columns,
20,000 foreign keys, glossary terms and lineage, the same for the same seed, served by `SnapshotCatalog`.
Each call is timed on its own (wall clock, `time.perf_counter`); the table gives medians and 95th
percentiles against the targets. "misspelled name" resolves a table's name with one letter dropped or
two swapped (a confident match answers, else "did you mean"); "no such name" is a name nothing matches,
answered with suggestions or none. "relationships + ER" is what the `show_er_diagram` tool does for one
table: resolve the name, read its neighbourhood (depth 1) and draw the `erDiagram`. The SQLite file holds
the schema of a 1,000-table synthetic catalog (no rows); "introspection" is `SQLCatalog` end to end,
from a new catalog object to its indexed snapshot. The ER comparison draws the same database with this
project's `er_diagram` and with eralchemy's `mermaid_er` mode (`pip install -e '.[bench]'`), both from
the file, and says whether each stays under Mermaid's 50,000-character limit (`catalog_scale_sql.py`).
The offline model is timed through the explorer agent (`catalog_scale_offline.py`): the first question
on the catalog, when its vocabulary is built, and then each question whole and the model's own steps.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from mcop_kernel.catalog import CatalogLookupError, SnapshotCatalog, Table
from mcop_kernel.catalog.snapshot import CatalogSnapshot
from mcop_kernel.catalog.synthetic import synthetic_snapshot
from mcop_kernel.diagrams import er_diagram

if __package__ in (None, ""):  # run as a script (python benchmarks/catalog_scale.py): its sibling modules
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.catalog_scale_offline import offline_answers, report
from benchmarks.catalog_scale_sql import sql_figures

SEARCHES = (
    "sales order",
    "customer",
    "net amount",
    "revenue",
    "supplier invoice",
    "purchase orders",
    "posting date",
    "employee_key",
    "turnover",
    "one row per day",
    "fact sales",
    "warehouse stock movement",
    "cost center",
    "email",
    "due date",
    "carrier",
    "emea",
    "fraud alert",
    "ticket escalation",
    "hash_diff",
)
TARGETS_MS = {
    "search": 20.0,
    "describe": 5.0,
    "relationships + ER": 50.0,
    "misspelled name": 5.0,
    "no such name": 5.0,
}
NONSENSE = ("zebra crossings", "quantum flux", "blorptastic widgets", "xq", "the moon landing archive")


def percentile(values: Sequence[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1] if len(values) > 1 else values[0]


async def timed(calls: Sequence[Callable[[], Awaitable[object]]]) -> tuple[list[float], int]:
    """Seconds per call, and how many calls found no table: a lookup error is an answer too (the user
    is told what is close), and its time counts."""
    times, misses = [], 0
    for call in calls:
        start = time.perf_counter()
        try:
            await call()
        except CatalogLookupError:
            misses += 1
        times.append(time.perf_counter() - start)
    return times, misses


def forgiving_names(rng: random.Random, tables: Sequence[Table], count: int) -> list[str]:
    """Table names as people write them: exact, display name, or the words of the name in plural."""
    names = []
    for table in rng.sample(list(tables), count):
        style = rng.randrange(3)
        if style == 0:
            names.append(table.name)
        elif style == 1:
            names.append(table.display_name)
        else:
            names.append(" ".join(table.name.split("_")) + "s")
    return names


def misspelled(rng: random.Random, tables: Sequence[Table], count: int) -> list[str]:
    """The words of a table's name with one letter dropped or two swapped, as people mistype them."""
    names = []
    for table in rng.sample(list(tables), count):
        text = " ".join(table.name.split("_"))
        i = rng.randrange(1, len(text) - 1)
        names.append(
            text[:i] + text[i + 1 :]
            if rng.random() < 0.5
            else text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]
        )
    return names


def vocabulary(tables: Sequence[Table]) -> int:
    """Distinct words of the table and column names (what a reading of names has to know)."""
    return len(
        {w for t in tables for n in (t.name, *(c.name for c in t.columns)) for w in n.lower().split("_")}
    )


async def show_er(catalog: SnapshotCatalog, name: str) -> int:
    """What `show_er_diagram` does for one table."""
    resolved = await catalog.resolve_table(name)
    hood = await catalog.relationships(resolved, depth=1)
    diagram = er_diagram(list(hood.tables), list(hood.relationships), focus=[resolved], others="keys")
    return len(diagram.source)


async def catalog_calls(
    snapshot: CatalogSnapshot, calls: int, seed: int
) -> dict[str, tuple[list[float], int]]:
    catalog = SnapshotCatalog(snapshot)
    rng = random.Random(seed)
    queries = [SEARCHES[i % len(SEARCHES)] for i in range(calls)]
    described = forgiving_names(rng, snapshot.tables, calls)
    drawn = forgiving_names(rng, snapshot.tables, calls)
    typos = misspelled(rng, snapshot.tables, calls)
    unknown = [
        f"{NONSENSE[i % len(NONSENSE)]} {i}" if i % 2 else NONSENSE[i % len(NONSENSE)] for i in range(calls)
    ]

    def search(q: str) -> Callable[[], Awaitable[object]]:
        return lambda: catalog.search(q)

    def describe(n: str) -> Callable[[], Awaitable[object]]:
        return lambda: catalog.describe_table(n)

    def draw(n: str) -> Callable[[], Awaitable[object]]:
        return lambda: show_er(catalog, n)

    def resolve(n: str) -> Callable[[], Awaitable[object]]:
        return lambda: catalog.resolve_table(n)

    return {
        "search": await timed([search(q) for q in queries]),
        "describe": await timed([describe(n) for n in described]),
        "relationships + ER": await timed([draw(n) for n in drawn]),
        "misspelled name": await timed([resolve(n) for n in typos]),
        "no such name": await timed([resolve(n) for n in unknown]),
    }


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


async def run(opts: argparse.Namespace) -> None:
    start = time.perf_counter()
    snapshot = synthetic_snapshot(
        tables=opts.tables, columns=opts.tables * 20, foreign_keys=opts.tables * 2, seed=opts.seed
    )
    generated = time.perf_counter() - start
    start = time.perf_counter()
    SnapshotCatalog(snapshot)
    indexed = time.perf_counter() - start
    columns = sum(len(t.columns) for t in snapshot.tables)
    print(
        f"Synthetic catalog: {len(snapshot.tables):,} tables, {columns:,} columns, "
        f"{len(snapshot.relationships):,} foreign keys, {len(snapshot.terms)} terms, "
        f"{len(snapshot.lineage):,} lineage edges, {vocabulary(snapshot.tables):,} distinct name words; "
        f"generated in {generated:.2f} s, indexed in {indexed:.2f} s"
    )
    offline = await offline_answers(snapshot, min(opts.calls, 100), opts.seed)
    times = await catalog_calls(snapshot, opts.calls, opts.seed)
    print(f"\n{opts.calls} calls each on {len(snapshot.tables):,} tables:\n")
    print("| question | p50 | p95 | max | target (p95) | met | no such table |")
    print("| --- | ---: | ---: | ---: | ---: | --- | ---: |")
    for name, (values, misses) in times.items():
        p95 = percentile(values, 95)
        target = TARGETS_MS[name] / 1000
        print(
            f"| {name} | {ms(statistics.median(values))} | {ms(p95)} | {ms(max(values))} | "
            f"<= {ms(target)} | {'yes' if p95 <= target else 'NO'} | {misses} |"
        )
    report(offline, percentile)

    await sql_figures(opts.sql_tables, opts.sql_rounds, opts.seed)
    print(
        f"\nReproduce: python benchmarks/catalog_scale.py --tables {opts.tables} --calls {opts.calls} "
        f"--sql-tables {opts.sql_tables} --sql-rounds {opts.sql_rounds} --seed {opts.seed}"
    )


def main() -> None:
    args = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    args.add_argument(
        "--tables", type=int, default=10_000, help="tables in the catalog (20 columns, 2 keys each)"
    )
    args.add_argument("--calls", type=int, default=200, help="calls per question")
    args.add_argument("--sql-tables", type=int, default=1_000, help="tables in the SQLite file")
    args.add_argument("--sql-rounds", type=int, default=3, help="times the SQLite file is read")
    args.add_argument("--seed", type=int, default=7)
    asyncio.run(run(args.parse_args()))


if __name__ == "__main__":
    main()
