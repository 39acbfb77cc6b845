"""The steward index of a `CatalogSnapshot`: what steward questions need, built once per snapshot."""

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
