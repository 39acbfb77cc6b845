"""The facts of a migrated SQLite schema, read with SQLite's own catalog (sqlite_master and the
PRAGMAs), never with the product's code: tables, columns, keys, references, unique indexes."""

from __future__ import annotations

import re
import sqlite3
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_VIRTUAL = re.compile(r"CREATE\s+VIRTUAL\s+TABLE\s+[\"`\[]?(\w+)[\"`\]]?\s+USING\s+(\w+)", re.I)
_SHADOW = {
    "fts5": ("_data", "_idx", "_content", "_docsize", "_config"),
    "fts4": ("_content", "_segments", "_segdir", "_docsize", "_stat"),
    "fts3": ("_content", "_segments", "_segdir", "_docsize", "_stat"),
    "rtree": ("_node", "_parent", "_rowid"),
}


@dataclass(frozen=True)
class ForeignKey:
    table: str
    columns: tuple[str, ...]
    target: str
    target_columns: tuple[str, ...]
    nullable: bool  # every referencing column may be NULL: a row points at zero or one row
    unique: bool  # the referencing columns are unique: one-to-one


@dataclass
class Table:
    name: str
    columns: list[str]
    types: dict[str, str]
    notnull: dict[str, bool]
    primary_key: tuple[str, ...]
    uniques: list[tuple[str, ...]] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)


@dataclass
class Schema:
    name: str
    tables: dict[str, Table]

    @property
    def foreign_keys(self) -> list[ForeignKey]:
        return [fk for table in self.tables.values() for fk in table.foreign_keys]

    def referencing(self, target: str) -> set[str]:
        return {fk.table for fk in self.foreign_keys if fk.target == target and fk.table != target}

    def targets(self, table: str) -> set[str]:
        return {fk.target for fk in self.tables[table].foreign_keys if fk.target != table}

    def neighbours(self, table: str) -> set[str]:
        return (self.targets(table) | self.referencing(table)) - {table}

    def distances(self, start: str) -> dict[str, int]:
        seen = {start: 0}
        queue = deque([start])
        while queue:
            here = queue.popleft()
            for there in self.neighbours(here):
                if there not in seen:
                    seen[there] = seen[here] + 1
                    queue.append(there)
        return seen


def _shadow_tables(rows: list[tuple[str, str, str]]) -> set[str]:
    shadows: set[str] = set()
    for _kind, _name, sql in rows:
        found = _VIRTUAL.search(sql or "")
        if found:
            base, module = found.group(1), found.group(2).lower()
            shadows.update(base + suffix for suffix in _SHADOW.get(module, ()))
    return shadows


def read_schema(path: Path, name: str) -> Schema:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'view')"
        ).fetchall()
        hidden = _shadow_tables(rows)
        tables: dict[str, Table] = {}
        for _kind, table, _sql in rows:
            if table.startswith("sqlite_") or table in hidden:
                continue
            # table_xinfo also lists generated columns (hidden 2 or 3); 1 is a virtual table's hidden column
            info = [r[:6] for r in db.execute(f'PRAGMA table_xinfo("{table}")').fetchall() if r[6] != 1]
            columns = [row[1] for row in info]
            pk = tuple(row[1] for row in sorted((r for r in info if r[5]), key=lambda r: r[5]))
            uniques = []
            for index in db.execute(f'PRAGMA index_list("{table}")').fetchall():
                if index[2]:  # unique (a column-level UNIQUE, a UNIQUE constraint or index, the pk)
                    cols = tuple(r[2] for r in db.execute(f'PRAGMA index_info("{index[1]}")').fetchall())
                    uniques.append(cols)
            if pk:
                uniques.append(pk)
            tables[table] = Table(
                table,
                columns,
                {row[1]: row[2] for row in info},
                {row[1]: bool(row[3]) or row[1] in pk for row in info},
                pk,
                uniques,
            )
        for table in tables.values():
            groups: dict[int, list[tuple[Any, ...]]] = {}
            for row in db.execute(f'PRAGMA foreign_key_list("{table.name}")').fetchall():
                groups.setdefault(row[0], []).append(row)
            for _id, parts in sorted(groups.items()):
                parts.sort(key=lambda r: r[1])
                target = parts[0][2]
                if target not in tables:
                    continue
                cols = tuple(p[3] for p in parts)
                target_cols = tuple(p[4] or tables[target].primary_key[i] for i, p in enumerate(parts))
                table.foreign_keys.append(
                    ForeignKey(
                        table.name,
                        cols,
                        target,
                        target_cols,
                        nullable=all(not table.notnull[c] for c in cols),
                        unique=any(set(u) == set(cols) for u in table.uniques),
                    )
                )
        return Schema(name, tables)
    finally:
        db.close()
