"""A database's tables and keys as catalog facts: names, table types by naming convention, foreign keys
with their cardinality, and lineage from the tables each view's SQL reads."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from .models import Column, ForeignKey, LineageEdge, Relationship, Table, TableType
from .snapshot import CatalogSnapshot, MetadataKind
from .sql_introspect import Database, DbForeignKey, DbTable

_CONVENTIONS: tuple[tuple[tuple[str, ...], TableType], ...] = (
    (("fact_", "fct_"), "FACT"),
    (("dim_", "dimv_"), "DIMENSION"),
    (("stg_",), "STAGING"),
)
_Namer = Callable[[str, str], str]
VIEW_PROCESS = "view"
"""The lineage process of a view: its SQL reads the source tables."""


def table_type(name: str, *, is_view: bool) -> TableType:
    """FACT, DIMENSION or STAGING when the name says so (`fact_orders`), else VIEW or TABLE."""
    lowered = name.lower()
    for prefixes, kind in _CONVENTIONS:
        if lowered.startswith(prefixes):
            return kind
    return "VIEW" if is_view else "TABLE"


def snapshot_from_database(
    database: Database, *, title: str, origin: str, system: str = ""
) -> CatalogSnapshot:
    """Tables named `table` in the default schema and `schema.table` elsewhere, each foreign key a
    relationship (one-to-one when its columns are unique on the referencing side, else many-to-one;
    optional when a key column is nullable)."""
    default = database.default_schema

    def catalog_name(schema: str, name: str) -> str:
        return name if schema == default else f"{schema}.{name}"

    names = {(t.schema, t.name): catalog_name(t.schema, t.name) for t in database.tables}
    tables = tuple(_table(t, catalog_name(t.schema, t.name), catalog_name, system) for t in database.tables)
    relationships = tuple(
        _relationship(t, names[t.schema, t.name], fk, names[fk.ref_schema, fk.ref_table])
        for t in database.tables
        for fk in t.foreign_keys
        if (fk.ref_schema, fk.ref_table) in names
    )
    lowered = {(s.lower(), n.lower()): name for (s, n), name in names.items()}
    lineage = tuple(
        LineageEdge(source=source, target=names[view.schema, view.name], process=VIEW_PROCESS)
        for view in database.tables
        if view.is_view and view.definition
        for source in _view_sources(view, database, lowered)
        if source != names[view.schema, view.name]
    )
    return CatalogSnapshot(
        tables=tables,
        relationships=relationships,
        lineage=lineage,
        title=title,
        origin=origin,
        holds=holds(database),
    )


def holds(database: Database) -> frozenset[MetadataKind]:
    """What a database records at all: comments (where it can hold them), lineage from views, row
    estimates where it keeps statistics. Never owners, stewards, glossary terms, classification,
    certification, freshness or quality: those are not in a database."""
    kinds: set[MetadataKind] = {"lineage"}
    if database.comments:
        kinds.add("descriptions")
    if database.row_estimates:
        kinds.add("row_counts")
    return frozenset(kinds)


def _table(table: DbTable, name: str, catalog_name: _Namer, system: str) -> Table:
    pk = set(table.primary_key)
    unique = {key[0] for key in table.unique if len(key) == 1 and key != table.primary_key}
    references = {
        column: ForeignKey(table=catalog_name(fk.ref_schema, fk.ref_table), column=ref_column)
        for fk in table.foreign_keys
        for column, ref_column in zip(fk.columns, fk.ref_columns, strict=False)
    }
    return Table(
        id=f"{table.schema}.{table.name}",
        name=name,
        display_name=table.name,
        type=table_type(table.name, is_view=table.is_view),
        domain=table.schema,
        status="",
        description=table.comment,
        system=system,
        schema_name=table.schema,
        row_count=table.row_estimate,
        columns=tuple(
            Column(
                id=f"{table.schema}.{table.name}.{c.name}",
                name=c.name,
                display_name=c.name,
                data_type=c.data_type,
                description=c.comment,
                nullable=c.nullable and c.name not in pk,  # SQLite reports key columns as nullable
                is_primary_key=c.name in pk,
                foreign_key=references.get(c.name),
                status="",
                is_unique=c.name in unique,
            )
            for c in table.columns
        ),
    )


def _relationship(table: DbTable, name: str, fk: DbForeignKey, target: str) -> Relationship:
    """Unique on the referencing side (the primary key, a unique constraint or index within the key's
    columns) means each referenced row has at most one: one-to-one. A nullable key column makes the
    reference optional: a row references zero or one row."""
    columns = set(fk.columns)
    nullable = {c.name for c in table.columns if c.nullable} - set(table.primary_key)
    keys = [set(table.primary_key), *(set(u) for u in table.unique)]
    one = any(key and key <= columns for key in keys)
    return Relationship(
        id=f"{name}:{fk.name or ','.join(fk.columns)}",
        from_table=name,
        from_columns=fk.columns,
        to_table=target,
        to_columns=fk.ref_columns,
        cardinality="one-to-one" if one else "many-to-one",
        label=", ".join(fk.columns),
        optional=bool(columns & nullable),
    )


_TOKEN = re.compile(
    r"""\s+|--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|[^\W\d][\w$]*|\d+|.""",
    re.DOTALL,
)
_AFTER_TABLE = frozenset(
    (
        *("where", "join", "inner", "left", "right", "full", "outer", "cross", "natural", "on", "using"),
        *("group", "order", "limit", "offset", "union", "except", "intersect", "having", "window"),
        *("qualify", "lateral", "fetch", "for", "with", "returning", "select", "values"),
    )
)
"""Words that may follow a table name and are not its alias."""


def _identifier(token: str) -> str | None:
    if token[:1] in ('"', "`", "["):
        return token[1:-1].replace('""', '"')
    return token.lower() if re.match(r"[^\W\d]", token) else None


def referenced_names(sql: str) -> Iterator[tuple[str, ...]]:
    """The (possibly qualified) names after FROM and JOIN, and after commas in a FROM list; a FROM
    inside a function's parentheses (`EXTRACT(year FROM placed)`) names no table."""
    tokens = [t for t in _TOKEN.findall(sql) if t.strip() and not t.startswith(("--", "/*", "'"))]
    tables_inside: list[bool] = []  # per open parenthesis: a query or joined tables, not an expression
    i = 0
    while i < len(tokens):
        keyword = tokens[i].lower()
        i += 1
        if keyword in ("(", ")"):
            if keyword == "(":
                tables_inside.append(i < len(tokens) and tokens[i].lower() in ("select", "with", "values"))
            elif tables_inside:
                tables_inside.pop()
            continue
        while keyword in ("from", "join") and (not tables_inside or tables_inside[-1]):
            while i < len(tokens) and tokens[i] == "(":
                tables_inside.append(True)
                i += 1
            parts, i = _qualified_name(tokens, i)
            if not parts or parts[-1] in ("select", "lateral") or (i < len(tokens) and tokens[i] == "("):
                break  # a subquery or a table function
            yield tuple(parts)
            if i < len(tokens) and tokens[i].lower() == "as":
                i += 1
            if i < len(tokens) and _identifier(tokens[i]) and tokens[i].lower() not in _AFTER_TABLE:
                i += 1  # an alias
            if keyword != "from" or i >= len(tokens) or tokens[i] != ",":
                break
            i += 1


def _qualified_name(tokens: list[str], i: int) -> tuple[list[str], int]:
    """`schema.table` (or `table`, or `db.schema.table`) starting at token `i`, and the token after it."""
    parts: list[str] = []
    while i < len(tokens) and (part := _identifier(tokens[i])) is not None:
        parts.append(part)
        i += 1
        if i >= len(tokens) or tokens[i] != ".":
            break
        i += 1
    return parts, i


def _view_sources(view: DbTable, database: Database, lowered: dict[tuple[str, str], str]) -> list[str]:
    """The catalog tables a view's SQL reads (`lowered`: catalog names by lower-case schema and name)."""
    order = [database.default_schema]
    if not database.unqualified_default:
        order.insert(0, view.schema)
    found: dict[str, None] = {}
    for parts in referenced_names(view.definition):
        table = parts[-1].lower()
        candidates = [(parts[-2].lower(), table)] if len(parts) > 1 else [(s.lower(), table) for s in order]
        source = next((lowered[c] for c in candidates if c in lowered), None)
        if source:
            found[source] = None
    return list(found)
