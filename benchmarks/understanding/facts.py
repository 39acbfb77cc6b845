"""Ground truth for the understanding benchmark: a catalog's facts read straight from its source.

A SQLite file is read with plain `sqlite3` (`sqlite_master`, `PRAGMA table_info`, `foreign_key_list`,
`index_list`, `index_info`), never through the explorer's catalog code; the bundled sample is read
from its snapshot (`bundled_snapshot()`), the data the sample catalog serves.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from mcop_kernel.catalog.sample import bundled_snapshot

_FTS_SHADOWS = ("_data", "_idx", "_content", "_docsize", "_config")


@dataclass(frozen=True)
class Reference:
    """One foreign key: `table.columns` points at `to_table.to_columns`."""

    table: str
    columns: tuple[str, ...]
    to_table: str
    to_columns: tuple[str, ...]
    optional: bool
    one_to_one: bool


@dataclass(frozen=True)
class TableFacts:
    """What a steward may ask about one table."""

    name: str
    columns: tuple[str, ...]
    primary_key: tuple[str, ...]
    display_name: str = ""
    description: str = ""
    owner: str = ""
    steward: str = ""
    domain: str = ""
    schema: str = ""
    classification: str = ""
    certified: bool | None = None
    row_count: int | None = None
    last_loaded: str = ""
    classified_columns: tuple[tuple[str, str], ...] = ()
    """(column, label) of the columns the catalog classifies ("PII", "Confidential")."""


@dataclass
class CatalogFacts:
    """A catalog as the benchmark sees it: tables, foreign keys and (the sample) steward metadata."""

    label: str
    spec: str
    """What `open_catalog()` takes to serve this catalog ("" for the bundled sample)."""
    tables: dict[str, TableFacts]
    references: list[Reference]
    lineage: list[tuple[str, str]] = field(default_factory=list)
    terms: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    """Glossary term -> (steward, columns as table.column)."""
    virtual: frozenset[str] = frozenset()
    """Tables that are virtual (FTS) tables: a count may fairly include or leave them out."""
    has_steward_metadata: bool = False

    def referenced_by(self, table: str) -> set[str]:
        return {r.table for r in self.references if r.to_table == table and r.table != table}

    def points_to(self, table: str) -> set[str]:
        return {r.to_table for r in self.references if r.table == table and r.to_table != table}

    def neighbours(self, table: str) -> set[str]:
        return self.referenced_by(table) | self.points_to(table)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _internal(name: str, sql: str, virtual: set[str]) -> bool:
    if name.startswith("sqlite_"):
        return True
    return any(name == f"{v}{suffix}" for v in virtual for suffix in _FTS_SHADOWS)


def sqlite_facts(path: Path, label: str) -> CatalogFacts:
    """The facts of a SQLite database file, read with sqlite3 only (read-only)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT name, type, coalesce(sql, '') FROM sqlite_master WHERE type IN ('table', 'view')"
        ).fetchall()
        virtual = {n for n, _, sql in rows if re.match(r"\s*CREATE\s+VIRTUAL\s+TABLE", sql, re.I)}
        names = sorted(n for n, _, sql in rows if not _internal(n, sql, virtual))
        tables: dict[str, TableFacts] = {}
        references: list[Reference] = []
        for name in names:
            info = con.execute(f"PRAGMA table_info({_quote(name)})").fetchall()
            columns = tuple(str(r[1]) for r in info)
            notnull = {str(r[1]): bool(r[3]) or bool(r[5]) for r in info}
            pk = tuple(str(r[1]) for r in sorted((r for r in info if r[5]), key=lambda r: int(r[5])))
            unique_sets = {pk} if pk else set()
            for idx in con.execute(f"PRAGMA index_list({_quote(name)})").fetchall():
                if idx[2]:  # unique
                    parts = con.execute(f"PRAGMA index_info({_quote(str(idx[1]))})").fetchall()
                    unique_sets.add(tuple(str(c[2]) for c in sorted(parts, key=lambda c: int(c[0]))))
            tables[name] = TableFacts(name=name, columns=columns, primary_key=pk)
            fks: dict[int, list[tuple[str, str, str]]] = {}
            for fk in con.execute(f"PRAGMA foreign_key_list({_quote(name)})").fetchall():
                fks.setdefault(int(fk[0]), []).append((str(fk[2]), str(fk[3]), str(fk[4] or "")))
            for fk_parts in fks.values():
                cols = tuple(p[1] for p in fk_parts)
                references.append(
                    Reference(
                        table=name,
                        columns=cols,
                        to_table=fk_parts[0][0],
                        to_columns=tuple(p[2] for p in fk_parts),
                        optional=not all(notnull.get(c, False) for c in cols),
                        one_to_one=cols in unique_sets,
                    )
                )
    finally:
        con.close()
    return CatalogFacts(
        label=label,
        spec=f"sql:sqlite:///{path}",
        tables=tables,
        references=[r for r in references if r.to_table in tables],
        virtual=frozenset(virtual),
    )


def sample_facts() -> CatalogFacts:
    """The facts of the bundled sample, from its snapshot."""
    snap = bundled_snapshot()
    tables = {
        t.name: TableFacts(
            name=t.name,
            columns=tuple(c.name for c in t.columns),
            primary_key=tuple(c.name for c in t.columns if c.is_primary_key),
            display_name=t.display_name,
            description=t.description,
            owner=t.owner.name if t.owner else "",
            steward=t.steward.name if t.steward else "",
            domain=t.domain,
            schema=t.schema_name,
            # read loosely: older snapshots (the "before" figures) lack the steward fields
            classification=getattr(t, "classification", ""),
            certified=getattr(t, "certified", None),
            row_count=getattr(t, "row_count", None),
            last_loaded=getattr(t, "last_loaded", ""),
            classified_columns=tuple(
                (c.name, c.classification) for c in t.columns if getattr(c, "classification", "")
            ),
        )
        for t in snap.tables
    }
    references = [
        Reference(
            table=r.from_table,
            columns=r.from_columns,
            to_table=r.to_table,
            to_columns=r.to_columns,
            optional=r.optional,
            one_to_one=r.cardinality == "one-to-one",
        )
        for r in snap.relationships
    ]
    terms = {t.name: (t.steward.name if t.steward else "", t.columns) for t in snap.terms}
    return CatalogFacts(
        label="sample",
        spec="",
        tables=tables,
        references=references,
        lineage=[(e.source, e.target) for e in snap.lineage],
        terms=terms,
        has_steward_metadata=True,
    )
