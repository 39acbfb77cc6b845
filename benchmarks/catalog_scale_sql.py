"""The catalog read from a SQLite file (see `catalog_scale.py`): `SQLCatalog` end to end on a synthetic
warehouse's schema, and this project's Mermaid ER diagrams of that file beside eralchemy's `mermaid_er`."""

from __future__ import annotations

import importlib
import logging
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mcop_kernel.catalog.sql import SQLCatalog, SQLCatalogConfig
from mcop_kernel.catalog.synthetic import synthetic_snapshot, write_sqlite
from mcop_kernel.diagrams import MERMAID_MAX_TEXT, er_diagram

INTROSPECTION_TARGET_S = 5.0


async def introspect(path: Path) -> tuple[float, SQLCatalog]:
    catalog = SQLCatalog(SQLCatalogConfig(f"sqlite:///{path}", title="Synthetic warehouse"))
    start = time.perf_counter()
    await catalog.snapshot()
    return time.perf_counter() - start, catalog


def load_eralchemy() -> Any | None:
    """eralchemy's `render_er`, or None when it is not installed (it logs an error about Graphviz,
    which only its image output needs, when imported)."""
    logging.disable(logging.ERROR)
    try:
        return importlib.import_module("eralchemy").render_er
    except ImportError:
        return None
    finally:
        logging.disable(logging.NOTSET)


def eralchemy_mermaid(render_er: Any, url: str, include: Sequence[str] | None) -> tuple[float, str]:
    """Seconds and the Mermaid text (eralchemy wraps it in a Markdown comment beside a mermaid.ink link)."""
    start = time.perf_counter()
    output = render_er(url, None, mode="mermaid_er", include_tables=list(include) if include else None)
    seconds = time.perf_counter() - start
    text = output.decode() if isinstance(output, bytes) else str(output)
    return seconds, text.split("<!--\n\n", 1)[-1].split("\n\n-->", 1)[0]


async def er_comparison(path: Path, focus: str) -> list[tuple[str, str, float, int, int]]:
    """(generator, scope, seconds, Mermaid characters, tables drawn) from the SQLite file, for the whole
    database and for one table's neighbourhood."""
    rows = []
    seconds, sql = await introspect(path)
    snapshot = await sql.snapshot()
    start = time.perf_counter()
    whole = er_diagram(snapshot.tables, snapshot.relationships)
    draw = time.perf_counter() - start
    rows.append(("mcop er_diagram", "whole database", seconds + draw, len(whole.source), len(whole.tables)))
    start = time.perf_counter()
    hood = await sql.relationships(focus, depth=1)
    near = er_diagram(hood.tables, hood.relationships, focus=[focus], others="keys")
    near_time = time.perf_counter() - start
    rows.append(
        ("mcop er_diagram", f"{focus} + neighbours", seconds + near_time, len(near.source), len(near.tables))
    )
    sql.close()
    render_er = load_eralchemy()
    if render_er is not None:
        url = f"sqlite:///{path}"
        names = [t.name for t in hood.tables]
        for scope, include in (("whole database", None), (f"{focus} + neighbours", names)):
            seconds, text = eralchemy_mermaid(render_er, url, include)
            count = sum(1 for line in text.splitlines() if line.endswith("{"))
            rows.append(("eralchemy mermaid_er", scope, seconds, len(text), count))
    return rows


async def sql_figures(tables: int, rounds: int, seed: int) -> None:
    """Write a `tables`-table synthetic schema to SQLite, read it `rounds` times, compare ER diagrams."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "warehouse.db"
        small = synthetic_snapshot(
            tables=tables,
            columns=tables * 20,
            foreign_keys=tables * 2,
            seed=seed,
        )
        start = time.perf_counter()
        write_sqlite(small, path)
        written = time.perf_counter() - start
        reads: list[float] = []
        for _ in range(rounds):
            seconds, sql = await introspect(path)
            read = await sql.snapshot()
            sql.close()
            reads.append(seconds)
        n_columns = sum(len(t.columns) for t in read.tables)
        met = "met" if max(reads) <= INTROSPECTION_TARGET_S else "NOT met"
        print(
            f"\nSQLite file with {len(read.tables):,} tables, {n_columns:,} columns and "
            f"{len(read.relationships):,} foreign keys (written in {written:.2f} s), read through SQLCatalog "
            f"{rounds} times: median {statistics.median(reads):.2f} s, max {max(reads):.2f} s "
            f"(target <= {INTROSPECTION_TARGET_S:.0f} s: {met})"
        )
        hub = max(
            small.tables,
            key=lambda t: sum(1 for r in small.relationships if t.name in (r.from_table, r.to_table)),
        )
        rows = await er_comparison(path, hub.name)

    print(
        f"\nMermaid ER diagrams of that file (time includes reading it; limit {MERMAID_MAX_TEXT:,} chars):\n"
    )
    print("| generator | scope | time | Mermaid characters | within limit | tables drawn |")
    print("| --- | --- | ---: | ---: | --- | ---: |")
    for generator, scope, seconds, chars, drawn in rows:
        within = "yes" if chars <= MERMAID_MAX_TEXT else "no"
        print(f"| {generator} | {scope} | {seconds:.2f} s | {chars:,} | {within} | {drawn:,} |")
    if not any(r[0].startswith("eralchemy") for r in rows):
        print("(eralchemy is not installed: pip install -e '.[bench]')")
