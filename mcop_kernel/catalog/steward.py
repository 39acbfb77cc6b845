"""The steward index of a `CatalogSnapshot` (built once per snapshot), and counts, areas and sizes."""

from __future__ import annotations

import re
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, Literal, TypeVar

from rapidfuzz import fuzz, process

from .base import CatalogLookupError
from .models import Person, Relationship, Table
from .resolve import key
from .snapshot import CatalogSnapshot, MetadataKind
from .words import conventions_of

Lack = Literal["foreign_keys", "owner", "steward", "description", "primary_key", "terms"]
RelationshipKind = Literal["optional", "one-to-one", "self-referencing", "many-to-many"]

LACK_KINDS: dict[str, MetadataKind | None] = {
    "foreign_keys": None,
    "owner": "owners",
    "steward": "stewards",
    "description": "descriptions",
    "primary_key": None,
    "terms": "terms",
}
_LISTING_ORDER = {"FACT": 0, "DIMENSION": 1}
T = TypeVar("T")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def name_words(name: str) -> tuple[str, ...]:
    """Lower-case words of a name split at separators and case changes: `EmailAddr` -> (email, addr)."""
    return tuple(w.lower() for w in _CAMEL.findall(name))


def _areas_of(label: str) -> list[str]:
    """A table's name-prefix areas, widest first: its app label and the shorter prefixes within it
    (`django_ledger` -> django, django_ledger)."""
    parts = label.split("_") if label else []
    return ["_".join(parts[:end]) for end in range(1, len(parts) + 1)]


@dataclass
class _PersonFacts:
    name: str
    email: str | None = None
    owns: list[str] = field(default_factory=list)
    stewards: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)


class StewardIndex:
    """What steward questions need from one snapshot, computed once (see `index_of`)."""

    def __init__(self, snapshot: CatalogSnapshot) -> None:
        self.snapshot = snapshot
        self.tables: dict[str, Table] = {t.name: t for t in snapshot.tables}
        self.ordered = sorted(snapshot.tables, key=lambda t: (_LISTING_ORDER.get(t.type, 2), t.name))
        self.refs_out: dict[str, list[Relationship]] = defaultdict(list)
        self.refs_in: dict[str, list[Relationship]] = defaultdict(list)
        for rel in snapshot.relationships:
            self.refs_out[rel.from_table].append(rel)
            self.refs_in[rel.to_table].append(rel)
        self.downstream: dict[str, list[str]] = defaultdict(list)
        for edge in dict.fromkeys(snapshot.lineage):
            self.downstream[edge.source].append(edge.target)
        self.groups: dict[str, dict[str, list[str]]] = {"domain": {}, "schema": {}, "system": {}, "area": {}}
        self.labels: dict[str, dict[str, str]] = {kind: {} for kind in self.groups}
        keys: dict[str, str] = {}
        self.conventions = conventions_of(snapshot.tables)
        self.own_area: Counter[str] = Counter()
        """App label -> how many tables it is the label of (each table counted once, in its own)."""
        for table in self.ordered:
            label = self.conventions.label_of(table.name)
            self.own_area[label] += 1
            for kind, value in (
                ("domain", table.domain),
                ("schema", table.schema_name),
                ("system", table.system),
                *(("area", area) for area in _areas_of(label)),
            ):
                if value:
                    keyed = keys.get(value)
                    if keyed is None:
                        keyed = keys[value] = key(value)
                    self.groups[kind].setdefault(keyed, []).append(table.name)
                    self.labels[kind].setdefault(keyed, value)
        self.area_tails: dict[str, str] = _tails(self.labels["area"])
        """The last words of a multi-word app label, where only one label ends so (`ledger` ->
        `django_ledger`): what a steward calls the area."""
        self.columns: dict[str, list[str]] = defaultdict(list)
        """Column name -> the tables that have a column of that name, in listing order."""
        for table in self.ordered:
            for column in table.columns:
                self.columns[column.name].append(table.name)
        self.column_words = {name: name_words(name) for name in self.columns}
        self.column_names = list(self.column_words)
        compacts = ["".join(self.column_words[name]) for name in self.column_names]
        self.column_text = "\n".join(compacts)
        """Every column name's letters, one per line, so one `str.find` scan finds a word in all of them."""
        self.column_starts = list(accumulate((len(c) + 1 for c in compacts[:-1]), initial=0))
        self.column_parts: dict[str, set[str]] = defaultdict(set)
        for name, words in self.column_words.items():
            for word in words:
                self.column_parts[word].add(name)
        self._memo: dict[str, Any] = {}
        self.listings: OrderedDict[tuple[str, ...], tuple[dict[str, str] | None, list[Table]]] = OrderedDict()
        self.people: dict[str, _PersonFacts] = {}
        for table in self.ordered:
            if table.owner:
                self._person(table.owner).owns.append(table.name)
            if table.steward:
                self._person(table.steward).stewards.append(table.name)
        for term in sorted(snapshot.terms, key=lambda t: t.name.lower()):
            if term.steward:
                self._person(term.steward).terms.append(term.name)
        self.holds = snapshot.holds if snapshot.holds is not None else _recorded(snapshot)

    def _person(self, person: Person) -> _PersonFacts:
        facts = self.people.setdefault(person.name, _PersonFacts(person.name))
        facts.email = facts.email or person.email
        return facts

    def memo(self, name: str, build: Callable[[], T]) -> T:
        """`build()`, computed once per index under `name` (derived facts only some questions need)."""
        if name not in self._memo:
            self._memo[name] = build()
        result: T = self._memo[name]
        return result

    def memo_set(self, name: str, value: object) -> None:
        self._memo[name] = value

    def table(self, name: str) -> Table:
        """The table of that exact name (agent tools resolve loose names with the catalog first)."""
        found = self.tables.get(name)
        if found is None:
            close = process.extract(name, list(self.tables), scorer=fuzz.WRatio, limit=5, score_cutoff=60)
            raise CatalogLookupError("table", name, [c[0] for c in close])
        return found

    def unknown(self, kinds: Iterable[MetadataKind]) -> dict[str, Any]:
        """`unknown` and a `note` for the kinds this source does not record ({} when it records all)."""
        missing = [k for k in dict.fromkeys(kinds) if k not in self.holds]
        if not missing:
            return {}
        said = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + f" or {missing[-1]}"
        return {"unknown": missing, "note": f"This catalog records no {said.replace('_', ' ')}."}


def _tails(labels: dict[str, str]) -> dict[str, str]:
    """Keys of each multi-word label's trailing words -> the label's key, where no other label shares them."""
    found: dict[str, set[str]] = defaultdict(set)
    for keyed in labels:
        parts = keyed.split("_")
        for start in range(1, len(parts)):
            found["_".join(parts[start:])].add(keyed)
    return {
        tail: next(iter(owners)) for tail, owners in found.items() if len(owners) == 1 and tail not in labels
    }


def _recorded(snapshot: CatalogSnapshot) -> frozenset[MetadataKind]:
    """The kinds of metadata present in a snapshot that does not say what its source records."""
    tables = snapshot.tables
    columns = [c for t in tables for c in t.columns]
    found: set[MetadataKind] = set()
    checks: dict[MetadataKind, bool] = {
        "descriptions": any(t.description for t in tables) or any(c.description for c in columns),
        "owners": any(t.owner for t in tables),
        "stewards": any(t.steward for t in tables) or any(t.steward for t in snapshot.terms),
        "terms": bool(snapshot.terms) or any(c.terms for c in columns),
        "lineage": bool(snapshot.lineage),
        "classification": any(t.classification for t in tables) or any(c.classification for c in columns),
        "certification": any(t.certified is not None for t in tables),
        "row_counts": any(t.row_count is not None for t in tables),
        "freshness": any(t.refresh_schedule or t.last_loaded for t in tables),
        "quality": any(t.quality_score is not None for t in tables),
    }
    found.update(kind for kind, present in checks.items() if present)
    return frozenset(found)


_INDEXES: OrderedDict[int, StewardIndex] = OrderedDict()
_MAX_INDEXES = 4
_MAX_LISTINGS = 64


def index_of(snapshot: CatalogSnapshot) -> StewardIndex:
    """The steward index of a snapshot, built on first use and kept for the few latest snapshots."""
    found = _INDEXES.get(id(snapshot))
    if found is not None and found.snapshot is snapshot:
        _INDEXES.move_to_end(id(snapshot))
        return found
    built = StewardIndex(snapshot)
    _INDEXES[id(snapshot)] = built
    while len(_INDEXES) > _MAX_INDEXES:
        _INDEXES.popitem(last=False)
    return built


def bounded(limit: int, maximum: int = 200) -> int:
    """A list limit held to 1..maximum."""
    return min(max(limit, 1), maximum)


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
