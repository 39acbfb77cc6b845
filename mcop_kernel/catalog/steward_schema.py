"""Steward questions about structure: keys, references, kinds of relationship, columns across the catalog."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from .base import CatalogLookupError
from .models import Relationship
from .resolve import key
from .snapshot import CatalogSnapshot
from .steward import RelationshipKind, StewardIndex, bounded, index_of, name_words


def _ref(rel: Relationship, other: str) -> dict[str, Any]:
    return {
        "table": other,
        "columns": list(rel.from_columns),
        "to_columns": list(rel.to_columns),
        "optional": rel.optional,
        "cardinality": rel.cardinality,
    }


def _rel(rel: Relationship) -> dict[str, Any]:
    return {
        "from_table": rel.from_table,
        "from_columns": list(rel.from_columns),
        "to_table": rel.to_table,
        "to_columns": list(rel.to_columns),
        "optional": rel.optional,
        "cardinality": rel.cardinality,
    }


def _counted(rows: Sequence[Any], limit: int) -> tuple[list[Any], int]:
    return list(rows[: bounded(limit)]), len(rows)


# -- Keys and references ---------------------------------------------------------------------------


def table_references(snapshot: CatalogSnapshot, table: str, limit: int = 50) -> dict[str, Any]:
    """Tables whose foreign keys point at `table`, and the tables it points at."""
    index = index_of(snapshot)
    name = index.table(table).name
    incoming = sorted(index.refs_in.get(name, ()), key=lambda r: (r.from_table, r.from_columns))
    outgoing = sorted(index.refs_out.get(name, ()), key=lambda r: (r.to_table, r.from_columns))
    referenced_by, total_in = _counted([_ref(r, r.from_table) for r in incoming], limit)
    references, total_out = _counted([_ref(r, r.to_table) for r in outgoing], limit)
    return {
        "table": name,
        "referenced_by": referenced_by,
        "referenced_by_count": total_in,
        "references": references,
        "references_count": total_out,
    }


def get_keys(snapshot: CatalogSnapshot, table: str) -> dict[str, Any]:
    """The primary key, single-column unique keys and foreign keys of a table."""
    index = index_of(snapshot)
    found = index.table(table)
    foreign = [{k: v for k, v in _ref(r, r.to_table).items()} for r in index.refs_out.get(found.name, ())]
    covered = {c for r in index.refs_out.get(found.name, ()) for c in r.from_columns}
    for column in found.columns:
        if column.foreign_key and column.name not in covered:
            foreign.append(
                {
                    "table": column.foreign_key.table,
                    "columns": [column.name],
                    "to_columns": [column.foreign_key.column],
                    "optional": column.nullable,
                    "cardinality": "many-to-one",
                }
            )
    return {
        "table": found.name,
        "primary_key": [c.name for c in found.columns if c.is_primary_key],
        "unique": [[c.name] for c in found.columns if c.is_unique and not c.is_primary_key],
        "foreign_keys": foreign,
    }


def _junctions(index: StewardIndex) -> list[dict[str, Any]]:
    """Many-to-many links through junction tables: every column a key, two or more tables referenced."""
    links: list[dict[str, Any]] = []
    for table in index.ordered:
        outgoing = index.refs_out.get(table.name, ())
        targets = list(dict.fromkeys(r.to_table for r in outgoing if r.to_table != table.name))
        if len(targets) < 2:
            continue
        fk_columns = {c for r in outgoing for c in r.from_columns}
        if any(not c.is_primary_key and c.name not in fk_columns for c in table.columns):
            continue
        first, second = (next(r for r in outgoing if r.to_table == t) for t in targets[:2])
        links.append(
            {
                "from_table": first.to_table,
                "from_columns": list(first.to_columns),
                "to_table": second.to_table,
                "to_columns": list(second.to_columns),
                "optional": False,
                "cardinality": "many-to-many",
                "via": table.name,
            }
        )
    return links


def relationships_of_kind(
    snapshot: CatalogSnapshot, kind: RelationshipKind, limit: int = 50
) -> dict[str, Any]:
    """Foreign keys that are optional (nullable), one-to-one, self-referencing or many-to-many."""
    index = index_of(snapshot)
    if kind not in ("optional", "one-to-one", "self-referencing", "many-to-many"):
        raise CatalogLookupError(
            "kind of relationship", str(kind), ["optional", "one-to-one", "self-referencing", "many-to-many"]
        )
    chosen, tables = index.memo(f"kind:{kind}", lambda: _of_kind(index, kind))
    cap = bounded(limit)
    return {
        "kind": kind,
        "relationships": [dict(r) for r in chosen[:cap]],
        "count": len(chosen),
        "tables": tables[:cap],
        "tables_count": len(tables),
    }


def _of_kind(index: StewardIndex, kind: RelationshipKind) -> tuple[list[dict[str, Any]], list[str]]:
    rels = index.snapshot.relationships
    chosen: list[dict[str, Any]] = []
    if kind == "optional":
        chosen = [_rel(r) for r in rels if r.optional]
    elif kind == "one-to-one":
        chosen = [_rel(r) for r in rels if r.cardinality == "one-to-one"]
    elif kind == "self-referencing":
        chosen = [_rel(r) for r in rels if r.from_table == r.to_table]
    else:
        chosen = [_rel(r) for r in rels if r.cardinality == "many-to-many"] + _junctions(index)
    tables = list(
        dict.fromkeys(n for r in chosen for n in (r["from_table"], r.get("via"), r["to_table"]) if n)
    )
    return chosen, tables


def _columns_with(index: StewardIndex, word: str) -> set[str]:
    """Column names holding `word`: inside the name's letters (`emailaddr` holds `email`), or as a
    shortened name word (`addr` for `address`); a word of one or two letters must be a whole name word."""
    if len(word) <= 2:
        return set(index.column_parts.get(word, ()))
    found: set[str] = set()
    text, starts = index.column_text, index.column_starts
    at = text.find(word)
    while at != -1:
        line = bisect_right(starts, at) - 1
        found.add(index.column_names[line])
        following = line + 1
        at = text.find(word, starts[following]) if following < len(starts) else -1
    for end in range(3, len(word)):
        found.update(index.column_parts.get(word[:end], ()))
    return found


ColumnTest = Callable[[str, str], bool]
"""Whether a column (its name, its data type) looks like a kind of value."""


def _columns_of_kind(index: StewardIndex, kind: str, fits: ColumnTest) -> list[tuple[str, str]]:
    """Every (table, column) of the catalog that looks like the kind, in listing order; each distinct
    name and data type is judged once, and the answer is kept per kind."""

    def judge() -> list[tuple[str, str]]:
        verdicts: dict[tuple[str, str], bool] = {}
        found: list[tuple[str, str]] = []
        for table in index.ordered:
            for column in table.columns:
                pair = (column.name, column.data_type or "")
                verdict = verdicts.get(pair)
                if verdict is None:
                    verdict = verdicts[pair] = fits(*pair)
                if verdict:
                    found.append((table.name, column.name))
        return found

    return index.memo(f"value-kind:{kind}", judge)


def find_columns(
    snapshot: CatalogSnapshot,
    name: str,
    limit: int = 50,
    kind: str | None = None,
    fits: ColumnTest | None = None,
) -> dict[str, Any]:
    """Columns whose names hold the word(s) in any loose form (case, separators, plural, prefix); when
    no column holds them all, the columns holding the most of them. With a `kind` (and `fits`, the test
    of that kind), only columns that look like that kind of value; with a kind and no name, all of them."""
    index = index_of(snapshot)
    wanted = list(dict.fromkeys(w for w in (key(part) for part in name_words(name)) if w))
    kinded = set(_columns_of_kind(index, kind, fits)) if kind and fits else None
    hits: Counter[str] = Counter()
    for word in wanted:
        hits.update(_columns_with(index, word))
    if kinded is not None:
        if wanted:
            hits = Counter({c: n for c, n in hits.items() if any((t, c) in kinded for t in index.columns[c])})
        else:
            hits = Counter(dict.fromkeys((c for _, c in kinded), 1))
    compact = "".join(wanted)
    best = max(hits.values(), default=0)
    chosen = sorted(
        (c for c, n in hits.items() if n == best),
        key=lambda c: ("".join(index.column_words[c]) != compact, c.lower(), c),
    )
    cap = bounded(limit)
    rows: list[dict[str, Any]] = []
    tables: dict[str, None] = {}
    total = 0
    for column in chosen:
        holders = [t for t in index.columns[column] if kinded is None or (t, column) in kinded]
        total += len(holders)
        tables.update(dict.fromkeys(holders))
        for table in holders[: cap - len(rows)]:
            described = index.tables[table].column(column)
            rows.append(
                {
                    "table": table,
                    "column": column,
                    "data_type": described.data_type if described else "",
                    "description": described.description if described else "",
                }
            )
    result: dict[str, Any] = {
        "query": name,
        "columns": rows,
        "count": total,
        "tables": list(tables)[:cap],
        "tables_count": len(tables),
        "matched": "nothing"
        if not chosen
        else "all words"
        if best == len(wanted) or not wanted
        else "some words",
    }
    return result | ({"kind": kind} if kind else {})
