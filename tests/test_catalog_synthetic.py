"""The synthetic warehouse catalog: exact counts, the same catalog for the same seed, keys that point at
real columns, a SQLite file SQLCatalog reads back alike, and diagrams that stay within Mermaid's limit."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

from mcop_kernel.catalog import CatalogSnapshot, SnapshotCatalog
from mcop_kernel.catalog.sql import SQLCatalog
from mcop_kernel.catalog.synthetic import synthetic_snapshot, write_sqlite
from mcop_kernel.diagrams import MERMAID_MAX_TEXT, er_diagram, lineage_diagram

SMALL = (300, 6_000, 600)
"""Tables, columns and foreign keys of the catalog the SQLite tests write (fast to read back)."""


def make(tables: int, columns: int, foreign_keys: int, seed: int = 7) -> CatalogSnapshot:
    return synthetic_snapshot(tables=tables, columns=columns, foreign_keys=foreign_keys, seed=seed)


@pytest.fixture(scope="module")
def large() -> CatalogSnapshot:
    return synthetic_snapshot()


@pytest.fixture(scope="module")
def large_catalog(large: CatalogSnapshot) -> SnapshotCatalog:
    return SnapshotCatalog(large)


@pytest.fixture(scope="module")
def small() -> CatalogSnapshot:
    return make(*SMALL)


def foreign_keys(snapshot: CatalogSnapshot) -> list[tuple[str, str, str, str]]:
    return [
        (t.name, c.name, c.foreign_key.table, c.foreign_key.column)
        for t in snapshot.tables
        for c in t.columns
        if c.foreign_key is not None
    ]


def test_the_large_catalog_has_a_warehouse_s_counts(large: CatalogSnapshot) -> None:
    assert len(large.tables) == 10_000
    assert sum(len(t.columns) for t in large.tables) == 200_000
    assert len(foreign_keys(large)) == len(large.relationships) == 20_000
    assert Counter(t.type for t in large.tables) == {
        "FACT": 2_000,
        "DIMENSION": 3_000,
        "STAGING": 2_500,
        "SOURCE": 2_500,
    }
    assert len({t.domain for t in large.tables}) == len({t.schema_name for t in large.tables}) == 10
    assert len({t.name for t in large.tables}) == 10_000
    assert all(t.description and t.owner and t.steward for t in large.tables)
    assert len(large.terms) > 100
    assert len(large.lineage) > 1_000


@pytest.mark.parametrize("counts", [SMALL, (1, 1, 0), (40, 41, 1)])
def test_any_size_gets_exactly_the_counts_asked_for(counts: tuple[int, int, int]) -> None:
    snapshot = make(*counts)
    assert len(snapshot.tables) == counts[0]
    assert sum(len(t.columns) for t in snapshot.tables) == counts[1]
    assert len(snapshot.relationships) == counts[2]
    assert all(sum(c.is_primary_key for c in t.columns) == 1 for t in snapshot.tables)


@pytest.mark.parametrize(
    "counts",
    [
        (0, 0, 0),
        (100_000, 2_000_000, 0),  # more tables than names
        (10, 5, 0),  # fewer columns than primary keys
        (10, 200, 10_000),  # more keys than tables to point at
    ],
)
def test_counts_that_cannot_be_met_are_refused(counts: tuple[int, int, int]) -> None:
    with pytest.raises(ValueError):
        make(*counts)


def test_the_same_seed_gives_the_same_catalog(small: CatalogSnapshot) -> None:
    assert make(*SMALL) == small
    other = make(*SMALL, seed=8)
    assert other != small
    assert [t.name for t in other.tables] != [t.name for t in small.tables]


def test_every_key_points_at_an_existing_column(large: CatalogSnapshot) -> None:
    columns = {t.name: {c.name: c for c in t.columns} for t in large.tables}
    for table, column, target, target_column in foreign_keys(large):
        assert target != table
        assert columns[target][target_column].is_primary_key, (table, column)
    for rel in large.relationships:
        assert rel.from_columns[0] in columns[rel.from_table]
        assert rel.to_columns[0] in columns[rel.to_table]
    assert {(r.from_table, r.from_columns[0]) for r in large.relationships} == {
        (t, c) for t, c, _, _ in foreign_keys(large)
    }
    for edge in large.lineage:
        assert edge.source in columns and edge.target in columns
    for term in large.terms:
        assert term.columns
        for qualified in term.columns:
            table, column = qualified.split(".")
            assert term.name in columns[table][column].terms


def test_names_follow_the_warehouse_conventions(large: CatalogSnapshot) -> None:
    prefixes = {"FACT": "fact_", "DIMENSION": "dim_", "STAGING": "stg_", "SOURCE": "src_"}
    for table in large.tables:
        assert table.name.startswith(prefixes[table.type] + table.schema_name + "_")
        assert re.fullmatch(r"[a-z0-9_]+", table.name)


async def test_sqlcatalog_reads_the_written_file_back_alike(small: CatalogSnapshot, tmp_path: Path) -> None:
    path = write_sqlite(small, tmp_path / "warehouse.db")
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone() == (300,)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    catalog = SQLCatalog(f"sqlite:///{path}")
    try:
        read = await catalog.snapshot()
    finally:
        catalog.close()
    assert sorted(t.name for t in read.tables) == sorted(t.name for t in small.tables)
    assert sum(len(t.columns) for t in read.tables) == 6_000
    assert len(read.relationships) == 600
    assert sorted(foreign_keys(read)) == sorted(foreign_keys(small))
    written = {t.name: t for t in small.tables}
    for table in read.tables:
        original = written[table.name]
        assert [c.name for c in table.columns] == [c.name for c in original.columns]
        assert [c.is_primary_key for c in table.columns] == [c.is_primary_key for c in original.columns]
        expected = original.type if original.type != "SOURCE" else "TABLE"  # src_ says nothing to SQL
        assert table.type == expected


def test_writing_replaces_an_existing_file(small: CatalogSnapshot, tmp_path: Path) -> None:
    path = tmp_path / "warehouse.db"
    write_sqlite(synthetic_snapshot(tables=5, columns=20, foreign_keys=2), path)
    write_sqlite(small, path)
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone() == (300,)


async def test_diagrams_of_the_large_catalog_stay_within_mermaid_s_limit(
    large: CatalogSnapshot, large_catalog: SnapshotCatalog
) -> None:
    catalog = large_catalog
    degree = Counter(name for r in large.relationships for name in (r.from_table, r.to_table))
    hub = degree.most_common(1)[0][0]
    hood = await catalog.relationships(hub, depth=3)
    assert len(hood.tables) > 200
    diagram = er_diagram(hood.tables, hood.relationships, focus=[hub])
    assert len(diagram.source) <= MERMAID_MAX_TEXT
    assert diagram.tables[0] == hub
    assert len(diagram.tables) + len(diagram.omitted) == len(hood.tables)
    left_out = len(diagram.omitted)
    assert diagram.note.startswith(
        f"Showing {len(diagram.tables)} of {len(hood.tables)} tables around {hub}; {left_out} left out."
    )

    whole = er_diagram(large.tables, large.relationships)
    assert len(whole.source) <= MERMAID_MAX_TEXT
    assert whole.note.startswith(f"Showing {len(whole.tables)} of 10000 tables;")

    near = await catalog.relationships(hub, depth=1)
    small_diagram = er_diagram(near.tables, near.relationships, focus=[hub])
    assert len(small_diagram.source) <= MERMAID_MAX_TEXT and not small_diagram.omitted

    flows = lineage_diagram(await catalog.lineage(large.lineage[0].target, depth=3))
    assert len(flows.source) <= MERMAID_MAX_TEXT and len(flows.tables) >= 2


async def test_search_and_names_work_at_scale(large: CatalogSnapshot, large_catalog: SnapshotCatalog) -> None:
    catalog = large_catalog
    hits = await catalog.search("sales order", limit=3)
    assert hits[0].kind == "table" and hits[0].name == "fact_sales_order"
    assert (await catalog.search("turnover"))[0].name == "Revenue"  # a glossary synonym
    table = large.tables[123]
    assert await catalog.resolve_table(table.display_name) == table.name
    assert (await catalog.describe_table(table.name)).columns == table.columns
