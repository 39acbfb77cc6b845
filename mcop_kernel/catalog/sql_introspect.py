"""Reading a database's schemas, tables, views, columns, keys and comments in bulk, metadata only:
SQLAlchemy's inspector (one query per kind of fact and schema), or DuckDB's own catalog functions."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Inspector
from sqlalchemy.engine.reflection import ObjectKind
from sqlalchemy.exc import CompileError, SQLAlchemyError
from sqlalchemy.types import NullType, TypeEngine

from .sql_sqlite import sqlite_details

SYSTEM_SCHEMAS = frozenset(
    {"information_schema", "pg_catalog", "pg_toast", "sys", "mysql", "performance_schema"}
)
MAX_VIEW_DEFINITIONS = 2000
"""Views whose SQL is read (one query each) for lineage; a larger database gets lineage for these."""

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DbColumn:
    name: str
    data_type: str
    nullable: bool
    comment: str = ""


@dataclass(frozen=True, slots=True)
class DbForeignKey:
    columns: tuple[str, ...]
    ref_schema: str
    ref_table: str
    ref_columns: tuple[str, ...]
    name: str = ""


@dataclass(slots=True)
class DbTable:
    """One table or view as the database describes it."""

    schema: str
    name: str
    is_view: bool = False
    comment: str = ""
    columns: list[DbColumn] = field(default_factory=list)
    primary_key: tuple[str, ...] = ()
    foreign_keys: list[DbForeignKey] = field(default_factory=list)
    unique: list[tuple[str, ...]] = field(default_factory=list)
    definition: str = ""
    row_estimate: int | None = None
    """The database's own estimate of its rows (statistics, never a count), where it keeps one."""


@dataclass(frozen=True, slots=True)
class Database:
    """What introspection found. `unqualified_default` says how a view's unqualified table names
    resolve: in the default schema (PostgreSQL prints other schemas' names qualified) or first in
    the view's own schema."""

    default_schema: str
    tables: tuple[DbTable, ...]
    unqualified_default: bool = False
    comments: bool = True
    """Whether the database can hold table and column comments at all (SQLite cannot)."""
    row_estimates: bool = False
    """Whether it keeps row-count estimates (PostgreSQL and DuckDB do; SQLite once ANALYZE has run)."""


def introspect(conn: Connection, schemas: Sequence[str] = (), *, view_definitions: bool = True) -> Database:
    """Every table and view of `schemas` (all but system schemas when empty)."""
    if conn.dialect.name == "duckdb":
        return _introspect_duckdb(conn, schemas)
    inspector = inspect(conn)
    default = inspector.default_schema_name or ""
    wanted = list(schemas) or [s for s in inspector.get_schema_names() if not _is_system(s)]
    if default not in wanted and not schemas:
        wanted.insert(0, default)
    tables: list[DbTable] = []
    for schema in wanted:
        tables += _inspect_schema(inspector, None if schema == default else schema, schema)
    if view_definitions:
        for table in [t for t in tables if t.is_view][:MAX_VIEW_DEFINITIONS]:
            argument = None if table.schema == default else table.schema
            table.definition = _optional(partial(inspector.get_view_definition, table.name, argument)) or ""
    dialect = conn.dialect.name
    estimates = False
    if dialect == "sqlite":
        tables, estimates = sqlite_details(conn, tables)
    elif dialect == "postgresql":
        estimates = _postgres_estimates(conn, tables)
    return Database(
        default,
        tuple(tables),
        unqualified_default=dialect == "postgresql",
        comments=dialect != "sqlite",
        row_estimates=estimates,
    )


def _postgres_estimates(conn: Connection, tables: list[DbTable]) -> bool:
    """`pg_class.reltuples`, the planner's estimate (-1: never analysed, so unknown)."""
    query = text(
        "SELECT n.nspname, c.relname, c.reltuples FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm', 'f')"
    )
    try:
        found = {(schema, name): tuples for schema, name, tuples in conn.execute(query)}
    except SQLAlchemyError:
        return False
    for table in tables:
        tuples = found.get((table.schema, table.name))
        if tuples is not None and tuples >= 0:
            table.row_estimate = round(tuples)
    return True


def _is_system(schema: str) -> bool:
    return schema.lower() in SYSTEM_SCHEMAS or schema.startswith(("pg_temp_", "pg_toast_temp_"))


def _optional(read: Callable[[], T]) -> T | None:
    """What the dialect can tell, or None where it cannot (SQLite has no comments)."""
    try:
        return read()
    except NotImplementedError:
        return None


def _inspect_schema(inspector: Inspector, argument: str | None, schema: str) -> list[DbTable]:
    views = set(inspector.get_view_names(argument))
    views |= set(_optional(partial(inspector.get_materialized_view_names, argument)) or ())
    every: Any = ObjectKind.ANY
    columns = inspector.get_multi_columns(schema=argument, kind=every)
    keys = _optional(partial(inspector.get_multi_pk_constraint, schema=argument)) or {}
    foreign = _optional(partial(inspector.get_multi_foreign_keys, schema=argument)) or {}
    # SQLite: unique constraints and indexes come from one PRAGMA query (sql_sqlite), not from the
    # inspector's per-table parsing of each CREATE statement (most of the reading time).
    sqlite = inspector.dialect.name == "sqlite"
    unique = (
        {} if sqlite else _optional(partial(inspector.get_multi_unique_constraints, schema=argument)) or {}
    )
    indexes = {} if sqlite else _optional(partial(inspector.get_multi_indexes, schema=argument)) or {}
    comments = _optional(partial(inspector.get_multi_table_comment, schema=argument, kind=every)) or {}
    dialect = inspector.dialect
    # A key to a table of the default schema names no schema on PostgreSQL; elsewhere, its own schema.
    unqualified = (inspector.default_schema_name or schema) if dialect.name == "postgresql" else schema
    tables = []
    for ref, reflected in columns.items():
        name, comment, key = ref[1], comments.get(ref), keys.get(ref)
        unique_sets = [tuple(u["column_names"]) for u in unique.get(ref, ())]
        for index in indexes.get(ref, ()):
            names = index["column_names"]
            if index["unique"] and all(names):  # not an expression index
                unique_sets.append(tuple(str(n) for n in names))
        tables.append(
            DbTable(
                schema=schema,
                name=name,
                is_view=name in views,
                comment=(comment["text"] if comment else None) or "",
                columns=[
                    DbColumn(c["name"], _type_name(c["type"], dialect), c["nullable"], c.get("comment") or "")
                    for c in reflected
                ],
                primary_key=tuple(key["constrained_columns"] if key else ()),
                foreign_keys=[
                    DbForeignKey(
                        columns=tuple(fk["constrained_columns"]),
                        ref_schema=fk.get("referred_schema") or unqualified,
                        ref_table=fk["referred_table"],
                        ref_columns=tuple(fk["referred_columns"]),
                        name=fk.get("name") or "",
                    )
                    for fk in foreign.get(ref, ())
                ],
                unique=unique_sets,
            )
        )
    return tables


def _type_name(type_: TypeEngine[Any], dialect: Any) -> str:
    """The type as the database spells it (`NUMERIC(18, 2)`, `TIMESTAMP WITHOUT TIME ZONE`)."""
    if isinstance(type_, NullType):
        return "unknown"
    try:
        return str(type_.compile(dialect=dialect))
    except (CompileError, SQLAlchemyError, NotImplementedError, TypeError):
        return str(type_)


_DUCKDB_QUERIES = {
    "tables": "SELECT schema_name, table_name, comment, estimated_size FROM duckdb_tables() "
    "WHERE database_name = :db AND NOT internal AND NOT temporary",
    "views": "SELECT schema_name, view_name, comment, sql FROM duckdb_views() "
    "WHERE database_name = :db AND NOT internal AND NOT temporary",
    "columns": "SELECT schema_name, table_name, column_name, data_type, is_nullable, comment "
    "FROM duckdb_columns() WHERE database_name = :db AND NOT internal "
    "ORDER BY schema_name, table_name, column_index",
    "constraints": "SELECT schema_name, table_name, constraint_type, constraint_column_names, "
    "referenced_table, referenced_column_names, constraint_name FROM duckdb_constraints() "
    "WHERE database_name = :db AND constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY') "
    "ORDER BY constraint_index",
}


def _introspect_duckdb(conn: Connection, schemas: Sequence[str]) -> Database:
    """DuckDB's catalog functions: four queries for the whole database, whatever its size. (DuckDB
    answers SQLAlchemy's PostgreSQL-style reflection queries only in part.)"""
    database, default = conn.execute(text("SELECT current_database(), current_schema()")).one()

    def rows(kind: str) -> Iterable[Any]:
        found = conn.execute(text(_DUCKDB_QUERIES[kind]), {"db": database})
        return [row for row in found if (not schemas or row[0] in schemas) and not _is_system(row[0])]

    tables: dict[tuple[str, str], DbTable] = {}
    for schema, name, comment, size in rows("tables"):
        tables[schema, name] = DbTable(schema, name, comment=comment or "", row_estimate=size)
    for schema, name, comment, sql in rows("views"):
        view = DbTable(schema, name, is_view=True, comment=comment or "", definition=sql or "")
        tables[schema, name] = view
    for schema, name, column, data_type, nullable, comment in rows("columns"):
        if (schema, name) in tables:
            tables[schema, name].columns.append(DbColumn(column, data_type, bool(nullable), comment or ""))
    for schema, name, kind, columns, ref_table, ref_columns, constraint in rows("constraints"):
        table = tables.get((schema, name))
        if table is None:
            continue
        if kind == "PRIMARY KEY":
            table.primary_key = tuple(columns)
            table.unique.append(tuple(columns))
        elif kind == "UNIQUE":
            table.unique.append(tuple(columns))
        elif ref_table:  # DuckDB keeps foreign keys within one schema
            key = DbForeignKey(tuple(columns), schema, ref_table, tuple(ref_columns), constraint)
            table.foreign_keys.append(key)
    return Database(default, tuple(tables.values()), row_estimates=True)
