"""What SQLite keeps that SQLAlchemy's inspector does not report: column-level UNIQUE (automatic
indexes), the shadow tables of virtual tables (storage internals), and `sqlite_stat1` row estimates."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from .sql_introspect import DbTable

SHADOW_SUFFIXES: dict[str, tuple[str, ...]] = {
    "fts3": ("content", "segments", "segdir", "docsize", "stat"),
    "fts4": ("content", "segments", "segdir", "docsize", "stat"),
    "fts5": ("data", "idx", "content", "docsize", "config"),
    "rtree": ("node", "rowid", "parent"),
    "rtree_i32": ("node", "rowid", "parent"),
    "geopoly": ("node", "rowid", "parent"),
}
"""The tables a virtual-table module creates to store its data (`<name>_<suffix>`)."""
_NAME = r"""(?:"(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[^\s.(]+)"""
_VIRTUAL = re.compile(
    rf"create\s+virtual\s+table\s+(?:if\s+not\s+exists\s+)?(?:{_NAME}\s*\.\s*)?({_NAME})\s+using\s+(\w+)",
    re.IGNORECASE,
)


def _unquote(name: str) -> str:
    if name[:1] == '"':
        return name[1:-1].replace('""', '"')
    return name[1:-1] if name[:1] in ("`", "[") else name


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def shadow_tables(definitions: dict[str, str]) -> set[str]:
    """The storage tables among `definitions` (name -> CREATE statement, from sqlite_master) that belong
    to a virtual table declared there: `docs_data` only when `docs` is `CREATE VIRTUAL TABLE ... USING
    fts5`."""
    lowered = {name.lower(): name for name in definitions}
    shadows: set[str] = set()
    for sql in definitions.values():
        found = _VIRTUAL.match(" ".join((sql or "").split()))
        if found is None:
            continue
        owner, module = _unquote(found.group(1)), found.group(2).lower()
        for suffix in SHADOW_SUFFIXES.get(module, ()):
            name = lowered.get(f"{owner}_{suffix}".lower())
            if name is not None:
                shadows.add(name)
    return shadows


def sqlite_details(conn: Connection, tables: list[DbTable]) -> tuple[list[DbTable], bool]:
    """`tables` without storage internals, with their unique indexes and row estimates added; and whether
    the database keeps estimates (`sqlite_stat1`, written by ANALYZE)."""
    kept: list[DbTable] = []
    estimates = False
    for schema in dict.fromkeys(t.schema for t in tables):
        master = f"{_quote(schema)}.sqlite_master"
        rows = conn.execute(text(f"SELECT name, sql FROM {master} WHERE type = 'table'")).all()
        definitions = {str(name): str(sql or "") for name, sql in rows}
        hidden = shadow_tables(definitions)
        mine = [t for t in tables if t.schema == schema and t.name not in hidden]
        kept += mine
        _add_unique_indexes(conn, schema, master, {t.name: t for t in mine if not t.is_view})
        if "sqlite_stat1" in definitions:
            estimates = True
            _add_estimates(conn, f"{_quote(schema)}.sqlite_stat1", {t.name: t for t in mine})
    return kept, estimates


def _add_unique_indexes(conn: Connection, schema: str, master: str, tables: dict[str, DbTable]) -> None:
    """Unique indexes SQLite made for UNIQUE constraints (origin 'u') or that were created (origin 'c'),
    whole-table (not partial) and on plain columns: PRAGMA index_list / index_info in one query."""
    query = text(
        f"SELECT m.name, il.name, ii.seqno, ii.name FROM {master} AS m "
        "JOIN pragma_index_list(m.name, :schema) AS il "
        "JOIN pragma_index_info(il.name, :schema) AS ii "
        "WHERE m.type = 'table' AND il.\"unique\" = 1 AND il.origin IN ('u', 'c') AND il.partial = 0 "
        "ORDER BY m.name, il.name, ii.seqno"
    )
    try:
        rows = conn.execute(query, {"schema": schema}).all()
    except SQLAlchemyError:  # an SQLite older than 3.16 has no table-valued pragmas
        return
    indexes: dict[tuple[str, str], list[str | None]] = {}
    for table, index, _seqno, column in rows:
        indexes.setdefault((str(table), str(index)), []).append(column)
    for (table_name, _index), columns in indexes.items():
        table = tables.get(table_name)
        if table is None or not all(columns):
            continue  # an expression index
        key = tuple(str(c) for c in columns)
        if key not in table.unique:
            table.unique.append(key)


def _add_estimates(conn: Connection, stat: str, tables: dict[str, DbTable]) -> None:
    """`sqlite_stat1.stat` starts with the table's row count as ANALYZE saw it."""
    try:
        rows = conn.execute(text(f"SELECT tbl, stat FROM {stat}")).all()
    except SQLAlchemyError:
        return
    for name, stat_text in rows:
        table = tables.get(str(name))
        first = str(stat_text or "").split(" ", 1)[0]
        if table is not None and first.isdigit():
            table.row_estimate = max(table.row_estimate or 0, int(first))
