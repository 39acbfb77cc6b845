"""Steward counts, areas and sizes of a `CatalogSnapshot`; the index they read lives in `steward_index`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, Literal

from rapidfuzz import fuzz, process

from .base import CatalogLookupError
from .models import Table
from .resolve import key
from .snapshot import CatalogSnapshot
from .steward_index import _INDEXES as _INDEXES
from .steward_index import (
    LACK_KINDS,
    Lack,
    RelationshipKind,
    StewardIndex,
    bounded,
    index_of,
    name_words,
)

__all__ = [
    "LACK_KINDS",
    "Lack",
    "RelationshipKind",
    "StewardIndex",
    "bounded",
    "catalog_summary",
    "index_of",
    "largest_tables",
    "listing",
    "name_words",
    "tables_in_area",
]

_MAX_LISTINGS = 64


# -- Counts and areas ------------------------------------------------------------------------------


def catalog_summary(snapshot: CatalogSnapshot, limit: int = 50) -> dict[str, Any]:
    """How much the catalog holds, by type, domain, schema and name-prefix area (`primary_keys`: tables
    that have one)."""
    index = index_of(snapshot)

    def grouped(kind: str, minimum: int = 1) -> list[tuple[int, str]]:
        counted = [(-len(names), index.labels[kind][k]) for k, names in index.groups[kind].items()]
        if kind == "area":  # app labels, not the wider prefixes that hold mostly one of them
            counted = [c for c in counted if _is_app(index, c[1])]
        return sorted(c for c in counted if -c[0] >= minimum)

    def wider(kind: str) -> list[tuple[int, str]]:
        counted = [(-len(names), index.labels[kind][k]) for k, names in index.groups[kind].items()]
        return sorted(c for c in counted if -c[0] >= 2 and not _is_app(index, c[1]))

    def counts() -> dict[str, Any]:
        by_type = Counter(t.type for t in snapshot.tables)
        return {
            "by_type": sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])),
            "columns": sum(len(t.columns) for t in snapshot.tables),
            "primary_keys": sum(1 for t in snapshot.tables if any(c.is_primary_key for c in t.columns)),
            "groups": {
                "domains": grouped("domain"),
                "schemas": grouped("schema"),
                "systems": grouped("system"),
                "areas": grouped("area", minimum=2),
                "prefix_areas": wider("area"),
            },
        }

    facts = index.memo("summary", counts)
    cap = bounded(limit)
    return {
        "title": snapshot.title,
        "origin": snapshot.origin,
        "tables": len(snapshot.tables),
        "by_type": dict(facts["by_type"]),
        "columns": facts["columns"],
        "foreign_keys": len(snapshot.relationships),
        "primary_keys": facts["primary_keys"],
        "terms": len(snapshot.terms),
        "lineage_edges": len(snapshot.lineage),
        **{
            group: [{"name": name, "tables": -negative} for negative, name in rows[:cap]]
            for group, rows in facts["groups"].items()
        },
        **{f"{group}_count": len(rows) for group, rows in facts["groups"].items()},
        "people": len(index.people),
        "holds": sorted(index.holds),
    }


def _is_app(index: StewardIndex, area: str) -> bool:
    """An area is an app label of its own unless most of its tables carry a longer label within it
    (`django` beside `django_ledger`); then the longer label is the area a steward means."""
    under = [label for label in index.own_area if label == area or label.startswith(area + "_")]
    biggest = max((index.own_area[label] for label in under if label != area), default=0)
    return area in index.own_area and biggest * 2 < sum(index.own_area[label] for label in under)


def tables_in_area(snapshot: CatalogSnapshot, area: str) -> tuple[str, str, list[str]]:
    """The tables of a domain, schema, system or name-prefix area (tried in that order), as
    (kind, label, table names in listing order); CatalogLookupError with suggestions when none match."""
    index = index_of(snapshot)
    wanted = key(area)
    for kind in ("domain", "schema", "system", "area"):
        names = index.groups[kind].get(wanted)
        if names:
            return kind, index.labels[kind][wanted], names
    if wanted:
        name_keys = index.memo("name_keys", lambda: [(key(t.name), t.name) for t in index.ordered])
        prefixed = [name for k, name in name_keys if k == wanted or k.startswith(wanted + "_")]
        if prefixed:
            return "prefix", area, prefixed
        label = index.area_tails.get(wanted)
        if label is not None:
            return "area", index.labels["area"][label], index.groups["area"][label]
    labels = {label for kind in index.labels.values() for label in kind.values()}
    close = process.extract(area, sorted(labels), scorer=fuzz.WRatio, limit=5, score_cutoff=60)
    raise CatalogLookupError("domain, schema or area", area, [c[0] for c in close])


def listing(
    snapshot: CatalogSnapshot,
    *,
    area: str | None = None,
    domain: str | None = None,
    type: str | None = None,
    order: Literal["name", "rows"] = "name",
) -> tuple[dict[str, str] | None, list[Table]]:
    """The tables of an area (see `tables_in_area`), of a domain and of a type, in listing order or
    largest first by row count (tables without a count last); with the area matched, when one was asked."""
    index = index_of(snapshot)
    wanted = ("listing", key(area or ""), key(domain or ""), (type or "").upper(), order)
    cached = index.listings.get(wanted)
    if cached is not None:
        return cached
    matched: dict[str, str] | None = None
    tables: list[Table] = index.ordered
    if area:
        kind, label, names = tables_in_area(snapshot, area)
        matched = {"kind": kind, "name": label}
        tables = [index.tables[n] for n in names]
    if domain:
        tables = [t for t in tables if key(t.domain) == wanted[2]]
    if type:
        tables = [t for t in tables if t.type == wanted[3]]
    if order == "rows":
        rank = index.memo(
            "row_rank", lambda: {t.name: i for i, t in enumerate(_ranked_by_rows(index.ordered))}
        )
        tables = sorted(tables, key=lambda t: rank[t.name])
    index.listings[wanted] = (matched, tables)
    while len(index.listings) > _MAX_LISTINGS:
        index.listings.popitem(last=False)
    return matched, tables


def _ranked_by_rows(tables: Iterable[Table]) -> list[Table]:
    return sorted(tables, key=lambda t: (t.row_count is None, -(t.row_count or 0), t.name))


def largest_tables(snapshot: CatalogSnapshot, limit: int = 10) -> dict[str, Any]:
    """The tables with the most rows, where the source records row counts."""
    index = index_of(snapshot)
    ranked = index.memo(
        "largest", lambda: _ranked_by_rows(t for t in index.ordered if t.row_count is not None)
    )
    return {
        "tables": [{"name": t.name, "row_count": t.row_count} for t in ranked[: bounded(limit)]],
        "known": len(ranked),
        "total": len(snapshot.tables),
    } | index.unknown(["row_counts"])
