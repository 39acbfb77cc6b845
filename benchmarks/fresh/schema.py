"""The truth of a schema, computed from the database itself (SQLAlchemy's inspector and SQLite's
PRAGMAs) or from the bundled sample's snapshot: never typed by hand."""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, inspect

_VIRTUAL = re.compile(r"create\s+virtual\s+table\s+\W?(\w+)\W?\s+using\s+(\w+)", re.IGNORECASE)
_SHADOWS = {
    "fts3": ("content", "segments", "segdir", "docsize", "stat"),
    "fts4": ("content", "segments", "segdir", "docsize", "stat"),
    "fts5": ("data", "idx", "content", "docsize", "config"),
    "rtree": ("node", "rowid", "parent"),
}


@dataclass(frozen=True)
class ForeignKey:
    table: str
    columns: tuple[str, ...]
    target: str
    nullable: bool  # every referencing column may be NULL: a row references zero or one row
    one_to_one: bool  # the referencing columns are unique (a unique constraint/index or the whole PK)


@dataclass
class Schema:
    label: str
    spec: str  # the catalog setting the explorer is given
    columns: dict[str, tuple[str, ...]]
    types: dict[tuple[str, str], str]
    primary_keys: dict[str, tuple[str, ...]]
    foreign_keys: list[ForeignKey]
    display: dict[str, str] = field(default_factory=dict)  # display names, where a catalog has them

    @property
    def tables(self) -> list[str]:
        return sorted(self.columns)

    def outgoing(self, table: str) -> list[ForeignKey]:
        return [fk for fk in self.foreign_keys if fk.table == table]

    def targets(self, table: str) -> set[str]:
        return {fk.target for fk in self.outgoing(table)}

    def referrers(self, table: str) -> set[str]:
        return {fk.table for fk in self.foreign_keys if fk.target == table}

    def self_referencing(self) -> set[str]:
        return {fk.table for fk in self.foreign_keys if fk.target == fk.table}

    def without_foreign_keys(self) -> set[str]:
        return set(self.columns) - {fk.table for fk in self.foreign_keys}

    def neighbours(self) -> dict[str, set[str]]:
        graph: dict[str, set[str]] = defaultdict(set)
        for fk in self.foreign_keys:
            if fk.table != fk.target:
                graph[fk.table].add(fk.target)
                graph[fk.target].add(fk.table)
        return graph

    def distance(self, start: str, end: str, allowed: set[str] | None = None) -> int | None:
        """Fewest joins from start to end over foreign keys (either direction), through allowed only."""
        graph, seen, todo = self.neighbours(), {start: 0}, deque([start])
        while todo:
            here = todo.popleft()
            if here == end:
                return seen[here]
            for there in graph.get(here, ()):
                if there not in seen and (allowed is None or there in allowed):
                    seen[there] = seen[here] + 1
                    todo.append(there)
        return None

    def columns_with_word(self, word: str) -> dict[str, list[str]]:
        """Columns whose name holds the word as one of its `_`-separated parts, by table."""
        found: dict[str, list[str]] = defaultdict(list)
        for table, columns in self.columns.items():
            for column in columns:
                if word in column.lower().split("_"):
                    found[table].append(column)
        return dict(found)


def _storage_internals(path: Path) -> set[str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    hidden = {name for name, _ in rows if name.startswith("sqlite_")}
    for _, sql in rows:
        match = _VIRTUAL.search(sql or "")
        if match:
            hidden |= {f"{match[1]}_{suffix}" for suffix in _SHADOWS.get(match[2].lower(), ())}
    return hidden


def _sqlite_unique_sets(path: Path, table: str) -> list[set[str]]:
    """Every unique index's columns (PRAGMA index_list reports SQLite's automatic ones too)."""
    quoted = '"' + table.replace('"', '""') + '"'
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        indexes = db.execute(f"PRAGMA index_list({quoted})").fetchall()
        sets = []
        for _, name, unique, *_ in indexes:
            if unique:
                iq = '"' + name.replace('"', '""') + '"'
                sets.append({row[2] for row in db.execute(f"PRAGMA index_info({iq})")})
    return sets


def from_sqlite(label: str, path: Path) -> Schema:
    """Read a SQLite file's tables, columns, keys and uniqueness."""
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    hidden = _storage_internals(path)
    try:
        inspector = inspect(engine)
        names = [n for n in inspector.get_table_names() if n not in hidden]
        columns, types, pks, fks = {}, {}, {}, []
        for table in names:
            cols = inspector.get_columns(table)
            columns[table] = tuple(c["name"] for c in cols)
            nullable = {c["name"]: bool(c["nullable"]) for c in cols}
            types.update({(table, c["name"]): str(c["type"]) for c in cols})
            pk = tuple(inspector.get_pk_constraint(table).get("constrained_columns") or ())
            pks[table] = pk
            unique = [set(u["column_names"]) for u in inspector.get_unique_constraints(table)]
            indexes = [i for i in inspector.get_indexes(table) if i.get("unique")]
            unique += [{c for c in i["column_names"] if c is not None} for i in indexes]
            unique += _sqlite_unique_sets(path, table)
            if pk:
                unique.append(set(pk))
            for fk in inspector.get_foreign_keys(table):
                own = tuple(fk["constrained_columns"])
                fks.append(
                    ForeignKey(
                        table,
                        own,
                        fk["referred_table"],
                        all(nullable.get(c, True) for c in own),
                        any(u and u <= set(own) for u in unique),
                    )
                )
    finally:
        engine.dispose()
    return Schema(label, f"sql:sqlite:///{path}", columns, types, pks, fks)


def from_sample() -> Schema:
    """The bundled sample's tables and relationships, from its snapshot."""
    from mcop_kernel.catalog.sample import bundled_snapshot

    snap = bundled_snapshot()
    columns = {t.name: tuple(c.name for c in t.columns) for t in snap.tables}
    types = {(t.name, c.name): c.data_type for t in snap.tables for c in t.columns}
    pks = {t.name: tuple(c.name for c in t.columns if c.is_primary_key) for t in snap.tables}
    fks = [
        ForeignKey(r.from_table, r.from_columns, r.to_table, r.optional, r.cardinality == "one-to-one")
        for r in snap.relationships
    ]
    display = {t.name: t.display_name for t in snap.tables if t.display_name.lower() != t.name.lower()}
    return Schema("sample", "sample", columns, types, pks, fks, display)
