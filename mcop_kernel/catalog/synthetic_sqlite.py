"""A catalog snapshot's schema as SQL: CREATE TABLE statements and a new SQLite file with no rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .snapshot import CatalogSnapshot


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_statements(snapshot: CatalogSnapshot) -> list[str]:
    """CREATE TABLE statements for the snapshot's tables: columns, primary and foreign keys, no data."""
    statements = []
    for table in snapshot.tables:
        parts = [
            f"{_quote(c.name)} {c.data_type}" + ("" if c.nullable else " NOT NULL") for c in table.columns
        ]
        keys = [c.name for c in table.columns if c.is_primary_key]
        if keys:
            parts.append(f"PRIMARY KEY ({', '.join(map(_quote, keys))})")
        parts += [
            f"FOREIGN KEY ({_quote(c.name)}) REFERENCES {_quote(c.foreign_key.table)} "
            f"({_quote(c.foreign_key.column)})"
            for c in table.columns
            if c.foreign_key is not None
        ]
        statements.append(f"CREATE TABLE {_quote(table.name)} (\n  " + ",\n  ".join(parts) + "\n)")
    return statements


def write_sqlite(snapshot: CatalogSnapshot, path: str | Path) -> Path:
    """The snapshot's schema as a new SQLite file (replacing one at `path`): one table per catalog
    table, with its primary and foreign keys; no rows. `SQLCatalog(f"sqlite:///{path}")` reads it back."""
    target = Path(path)
    target.unlink(missing_ok=True)
    connection = sqlite3.connect(target)
    try:
        with connection:
            connection.execute("PRAGMA journal_mode = OFF")
            for statement in create_statements(snapshot):
                connection.execute(statement)
    finally:
        connection.close()
    return target
