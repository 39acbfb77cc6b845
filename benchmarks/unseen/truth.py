"""Ground truth for the unseen benchmark, read from each catalog's own source, never typed.

A SQLite schema is read with SQLAlchemy's inspector (tables, views, columns and types, nullability,
primary and foreign keys, unique constraints and indexes) plus `PRAGMA index_list`/`index_info`
(the automatic index of a column-level `UNIQUE`, which the inspector does not report) and
`sqlite_master` (virtual tables, whose FTS shadow tables are storage, not tables). Django app labels
come from the application's own `django_content_type` rows. The bundled sample is read from the
snapshot the sample catalog serves (owners, stewards, glossary, lineage, classification, row counts).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from mcop_kernel.catalog.sample import bundled_snapshot

_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config", "_segments", "_segdir", "_stat")


@dataclass(frozen=True)
class Link:
    """One foreign key: `table.columns` points at `to_table.to_columns`."""

    table: str
    columns: tuple[str, ...]
    to_table: str
    to_columns: tuple[str, ...]
    optional: bool
    one_to_one: bool


@dataclass(frozen=True)
class TableTruth:
    """What a steward may ask about one table."""

    name: str
    columns: tuple[str, ...]
    types: tuple[str, ...]
    """Declared type of each column, in the order of `columns`."""
    primary_key: tuple[str, ...]
    display_name: str = ""
    kind: str = ""
    """The catalog's table type (FACT, DIMENSION, ...) where it records one."""
    description: str = ""
    owner: str = ""
    steward: str = ""
    domain: str = ""
    schema: str = ""
    classification: str = ""
    certified: bool | None = None
    row_count: int | None = None
    classified: tuple[tuple[str, str], ...] = ()
    """(column, label) of the columns the catalog classifies."""


@dataclass(frozen=True)
class Term:
    """One glossary term."""

    name: str
    synonyms: tuple[str, ...]
    steward: str
    columns: tuple[str, ...]
    """As `table.column`."""


@dataclass
class Truth:
    """A catalog as the benchmark knows it."""

    label: str
    spec: str
    """What `session_config(catalog=...)` takes ("" for the bundled sample)."""
    tables: dict[str, TableTruth]
    links: list[Link]
    apps: dict[str, str] = field(default_factory=dict)
    """Table -> Django app label (tables named `<label>_...`)."""
    lineage: list[tuple[str, str]] = field(default_factory=list)
    terms: dict[str, Term] = field(default_factory=dict)
    steward_metadata: bool = False

    def points_to(self, table: str) -> set[str]:
        return {k.to_table for k in self.links if k.table == table and k.to_table != table}

    def referenced_by(self, table: str) -> set[str]:
        return {k.table for k in self.links if k.to_table == table and k.table != table}

    def neighbours(self, table: str) -> set[str]:
        return self.points_to(table) | self.referenced_by(table)


def _virtual(con: sqlite3.Connection) -> set[str]:
    rows = con.execute("SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'table'").fetchall()
    return {str(n) for n, sql in rows if re.match(r"\s*CREATE\s+VIRTUAL\s+TABLE", str(sql), re.I)}


def _pragma_unique(con: sqlite3.Connection, table: str) -> set[tuple[str, ...]]:
    quoted = '"' + table.replace('"', '""') + '"'
    out: set[tuple[str, ...]] = set()
    for idx in con.execute(f"PRAGMA index_list({quoted})").fetchall():
        if idx[2]:
            name = '"' + str(idx[1]).replace('"', '""') + '"'
            parts = sorted(con.execute(f"PRAGMA index_info({name})").fetchall(), key=lambda p: int(p[0]))
            out.add(tuple(str(p[2]) for p in parts))
    return out


def _app_labels(con: sqlite3.Connection, tables: list[str]) -> dict[str, str]:
    if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'django_content_type'").fetchone():
        return {}
    labels = sorted({str(r[0]) for r in con.execute("SELECT app_label FROM django_content_type")}, key=len)
    out: dict[str, str] = {}
    for table in tables:
        for label in labels:  # the longest label that prefixes the name wins
            if table.startswith(f"{label}_"):
                out[table] = label
    return out


def sqlite_truth(path: Path, label: str) -> Truth:
    """The truth of one SQLite file, read-only."""
    engine = sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        inspector = sa.inspect(engine)
        virtual = _virtual(con)
        names = [*inspector.get_table_names(), *inspector.get_view_names()]
        shadows = {f"{v}{s}" for v in virtual for s in _SHADOW_SUFFIXES}
        names = sorted(n for n in names if n not in shadows and not n.startswith("sqlite_"))
        tables: dict[str, TableTruth] = {}
        links: list[Link] = []
        for name in names:
            cols = inspector.get_columns(name)
            nullable = {str(c["name"]): bool(c["nullable"]) for c in cols}
            pk = tuple(str(c) for c in inspector.get_pk_constraint(name).get("constrained_columns") or ())
            unique = {pk} if pk else set()
            unique |= {tuple(u["column_names"]) for u in inspector.get_unique_constraints(name)}
            unique |= {
                tuple(str(c) for c in i["column_names"]) for i in inspector.get_indexes(name) if i["unique"]
            }
            unique |= _pragma_unique(con, name)
            tables[name] = TableTruth(
                name=name,
                columns=tuple(str(c["name"]) for c in cols),
                types=tuple(str(c["type"]) for c in cols),
                primary_key=pk,
            )
            for fk in inspector.get_foreign_keys(name):
                columns = tuple(str(c) for c in fk["constrained_columns"])
                links.append(
                    Link(
                        table=name,
                        columns=columns,
                        to_table=str(fk["referred_table"]),
                        to_columns=tuple(str(c) for c in fk["referred_columns"]),
                        optional=any(nullable.get(c, True) for c in columns),
                        one_to_one=columns in unique,
                    )
                )
        apps = _app_labels(con, names)
    finally:
        con.close()
        engine.dispose()
    return Truth(
        label=label,
        spec=f"sql:sqlite:///{path}",
        tables=tables,
        links=[k for k in links if k.to_table in tables],
        apps=apps,
    )


def sample_truth() -> Truth:
    """The truth of the bundled sample catalog, from the snapshot it serves."""
    snap = bundled_snapshot()
    tables = {
        t.name: TableTruth(
            name=t.name,
            columns=tuple(c.name for c in t.columns),
            types=tuple(c.data_type for c in t.columns),
            primary_key=tuple(c.name for c in t.columns if c.is_primary_key),
            display_name=t.display_name,
            kind=str(t.type),
            description=t.description,
            owner=t.owner.name if t.owner else "",
            steward=t.steward.name if t.steward else "",
            domain=t.domain,
            schema=t.schema_name,
            classification=t.classification,
            certified=t.certified,
            row_count=t.row_count,
            classified=tuple((c.name, c.classification) for c in t.columns if c.classification),
        )
        for t in snap.tables
    }
    links = [
        Link(
            table=r.from_table,
            columns=r.from_columns,
            to_table=r.to_table,
            to_columns=r.to_columns,
            optional=r.optional,
            one_to_one=r.cardinality == "one-to-one",
        )
        for r in snap.relationships
    ]
    terms = {
        t.name: Term(t.name, t.synonyms, t.steward.name if t.steward else "", t.columns) for t in snap.terms
    }
    return Truth(
        label="sample",
        spec="",
        tables=tables,
        links=links,
        lineage=[(e.source, e.target) for e in snap.lineage],
        terms=terms,
        steward_metadata=True,
    )
