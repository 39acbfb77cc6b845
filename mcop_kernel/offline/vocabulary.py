"""The connected catalog's own vocabulary: every name a question may use for a table, term, person or area."""

from __future__ import annotations

import re
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..catalog.models import Table, TableType
from ..catalog.snapshot import CatalogSnapshot
from ..catalog.words import singular

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+\d*|[A-Z0-9]+")
_RANK: dict[str, int] = {"FACT": 0, "DIMENSION": 0, "TABLE": 0, "VIEW": 1, "STAGING": 2, "SOURCE": 3}
"""Marts first: "purchase order" means the fact table, not its staging copy or the source-system table."""

EXACT, DISPLAY, LOOSE, PART, TERM = 0, 10, 20, 30, 40
"""How a key names a table, best first: its name, its display name, its name without the catalog's
common prefixes (LOOSE + one for each prefix word dropped beyond the first), the tail of that, a
glossary term whose name is the table's display name."""


@lru_cache(maxsize=1 << 16)
def split_words(text: str) -> tuple[str, ...]:
    """Words at `_`, spaces, punctuation and case changes, lower-cased: `EmailAddr` -> (email, addr)."""
    return tuple(w.lower() for w in _WORD.findall(text))


@lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """The comparable form of a name: `Purchase_Orders`, `purchase orders`, `PurchaseOrder` agree."""
    return " ".join(singular(w) for w in split_words(text))


@dataclass(frozen=True)
class TableFacts:
    """What tells one table from another in a clarifying question."""

    name: str
    type: TableType
    domain: str
    description: str
    rank: int


@dataclass
class Vocabulary:
    """Keys (see `key`) for every name in one catalog snapshot, and what each names."""

    tables: dict[str, TableFacts] = field(default_factory=dict)
    exact: dict[str, str] = field(default_factory=dict)
    table_keys: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    terms: dict[str, str] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)
    domains: dict[str, str] = field(default_factory=dict)
    areas: dict[str, str] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=Counter)
    words: set[str] = field(default_factory=set)
    word_list: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    prefixes: frozenset[str] = frozenset()
    examples: dict[str, str] = field(default_factory=dict)
    roles: dict[str, tuple[str, str]] = field(default_factory=dict)
    column_roles: dict[str, tuple[str, str]] = field(default_factory=dict)
    """A word that opens column names (`buyer` of `buyer_email`) -> (the table most such columns are in,
    one column), for role words no foreign key bears."""
    """A foreign key's role word (`customer` of `customer_id`) -> (the table it points at, the column)."""

    def role(self, word: str) -> tuple[str, str] | None:
        """The table a role word names, and how: through foreign keys (`user` -> the table `user_id`
        points at), a common synonym of one (a customer or client is usually a user), or the columns
        it opens (`buyer` -> the table of `buyer_email`)."""
        word = singular(word)
        for candidate in (word, *ROLE_SYNONYMS.get(word, ())):
            found = self.roles.get(candidate)
            if found is not None:
                return found[0], f"the table foreign keys such as `{found[1]}` point at"
            tables = self.candidates(candidate)
            if tables and tables[0][0] < PART:
                return tables[0][1], ""
        named = self.column_roles.get(word)
        return (named[0], f"the table whose columns such as `{named[1]}` name it") if named else None

    def candidates(self, span_key: str, table_type: TableType | None = None) -> list[tuple[int, str]]:
        """Tables a key names, best first: (how it names them, name)."""
        found = self.table_keys.get(span_key, {})
        ranked = sorted(
            found.items(), key=lambda item: (item[1], self.tables[item[0]].rank, len(item[0]), item[0])
        )
        pairs = [(quality, name) for name, quality in ranked]
        if table_type is not None:
            typed = [p for p in pairs if self.tables[p[1]].type == table_type]
            return typed or pairs
        return pairs


ROLE_SYNONYMS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("customer", "client", "buyer", "shopper", "purchaser", "member", "account", "person", "subscriber"),
        ("customer", "client", "user", "account", "member", "person"),
    ),
    **dict.fromkeys(("author", "creator", "writer", "editor", "poster"), ("author", "owner", "user")),
    **dict.fromkeys(("employee", "staff", "worker"), ("employee", "staff", "user")),
    **dict.fromkeys(("seller", "vendor", "merchant"), ("seller", "vendor", "supplier", "partner")),
}
"""Role words a steward uses for the party a row belongs to, and the names schemas commonly give it."""


def _roles(snapshot: CatalogSnapshot) -> dict[str, tuple[str, str]]:
    """Each single-column foreign key's role (`owner_id` -> owner) and the table it most often points at."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for rel in snapshot.relationships:
        if len(rel.from_columns) == 1:
            words = split_words(rel.from_columns[0])
            if len(words) > 1 and words[-1] == "id":
                column = f"{rel.from_table}.{rel.from_columns[0]}"
                counts[(" ".join(singular(w) for w in words[:-1]), rel.to_table, column)] += 1
    roles: dict[str, tuple[str, str]] = {}
    for (role, table, column), _ in counts.most_common():
        roles.setdefault(role, (table, column))
    return roles


def _prefix_words(names: list[tuple[str, ...]]) -> frozenset[str]:
    """Leading name words many tables share (`fact`, `bs`, an app label): the catalog's own prefixes."""
    droppable: set[str] = set()
    current = [w for w in names if len(w) > 1]
    for _ in range(2):
        firsts = Counter(w[0] for w in current if len(w) > 1)
        shared = {word for word, n in firsts.items() if n >= 2 and not word.isdigit()}
        if not shared:
            break
        droppable |= shared
        current = [w[1:] for w in current if len(w) > 2 and w[0] in shared]
    return frozenset(droppable)


def _core(words: tuple[str, ...], prefixes: frozenset[str]) -> tuple[str, ...]:
    """The name's words after its leading prefixes (never all of them)."""
    start = 0
    while start < min(2, len(words) - 1) and words[start] in prefixes:
        start += 1
    return words[start:]


def _compounds(words: tuple[str, ...], known: set[str]) -> tuple[str, ...]:
    """Words run together split into the catalog's own words: `productreview` -> (product, review)."""
    parted: list[str] = []
    for word in words:
        cuts = range(3, len(word) - 2) if len(word) >= 7 else range(0)
        both = [i for i in cuts if word[:i] in known and singular(word[i:]) in known]
        either = [
            (max(len(word[:i]) * (word[:i] in known), len(word[i:]) * (singular(word[i:]) in known)), i)
            for i in cuts
        ]
        best = max(either, default=(0, 0))
        cut = both[0] if both else best[1] if best[0] else 0
        parted += [word[:cut], word[cut:]] if cut else [word]
    return tuple(parted)


def build(snapshot: CatalogSnapshot) -> Vocabulary:
    """Index one snapshot's names (once per snapshot: see `vocabulary_of`)."""
    vocab = Vocabulary()
    split = {t.name: split_words(t.name) for t in snapshot.tables}
    vocab.prefixes = _prefix_words(list(split.values()))
    display_of: dict[str, list[str]] = defaultdict(list)
    area_counts: Counter[str] = Counter()
    column_names: Counter[str] = Counter()
    people: set[str] = set()
    table: Table
    for table in snapshot.tables:
        description = " ".join(table.description.split()).split(". ")[0][:120]
        vocab.tables[table.name] = TableFacts(
            table.name, table.type, table.domain, description, _RANK.get(table.type, 1)
        )
        vocab.exact[table.name.lower()] = table.name
        words = split[table.name]
        _add(vocab, " ".join(singular(w) for w in words), table.name, EXACT)
        _add(vocab, " ".join(words), table.name, EXACT)
        if table.display_name and table.display_name != table.name:
            _add(vocab, key(table.display_name), table.name, DISPLAY)
            display_of[key(table.display_name)].append(table.name)
        core_start = len(words) - len(_core(words, vocab.prefixes))
        for start in range(1, len(words)):
            quality = LOOSE + start - 1 if start <= core_start else PART
            _add(vocab, " ".join(singular(w) for w in words[start:]), table.name, quality)
        if len(words) > 1 and words[0] in vocab.prefixes:
            area_counts[words[0]] += 1
        column_names.update(column.name for column in table.columns)
        vocab.words.update(key(table.display_name).split())
        vocab.words.update(key(table.name).split())
        people.update(person.name for person in (table.owner, table.steward) if person is not None)
        if table.domain:
            vocab.domains[key(table.domain)] = table.domain
        for where in (table.schema_name, table.system):
            if where:
                area_counts[where] += 1
    known = {w for words in split.values() for w in words} | {
        w for name in column_names for w in split_words(name)
    }
    for table_name, words in split.items():
        parted = _compounds(words, known)
        if parted != words:
            _add(vocab, " ".join(singular(w) for w in parted), table_name, DISPLAY)
            for start in range(1, len(parted)):
                _add(vocab, " ".join(singular(w) for w in parted[start:]), table_name, LOOSE + start)
    for name, n in column_names.items():
        vocab.columns[key(name)] += n
        vocab.words.update(key(name).split())
    for person_name in sorted(people):
        _person(vocab, person_name)
    for area, n in area_counts.items():
        if n >= 2:
            vocab.areas.setdefault(key(area), area)
    for term in snapshot.terms:
        for name in (term.name, *term.synonyms):
            vocab.terms.setdefault(key(name), term.name)
            vocab.words.update(singular(w) for w in split_words(name))
            for named in display_of.get(key(term.name), ()):
                _add(vocab, key(name), named, TERM)
        if term.steward is not None:
            _person(vocab, term.steward.name)
    for mapping in (vocab.domains, vocab.areas, vocab.people):
        for name in mapping:
            vocab.words.update(name.split())
    vocab.names = sorted(vocab.exact)
    vocab.word_list = sorted(w for w in vocab.words if len(w) > 3 and not w.isdigit())
    vocab.examples = _examples(vocab, snapshot)
    vocab.roles = _roles(snapshot)
    vocab.column_roles = _column_roles(snapshot, vocab)
    return vocab


def _column_roles(snapshot: CatalogSnapshot, vocab: Vocabulary) -> dict[str, tuple[str, str]]:
    """The first word of multi-word column names, with the table (marts first) holding most of them."""
    counts: Counter[tuple[str, str]] = Counter()
    example: dict[tuple[str, str], str] = {}
    for table in snapshot.tables:
        for column in table.columns:
            words = split_words(column.name)
            if len(words) > 1 and len(words[0]) > 3:
                pair = (singular(words[0]), table.name)
                counts[pair] += 1
                example.setdefault(pair, f"{table.name}.{column.name}")
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], vocab.tables[kv[0][1]].rank, kv[0][1]))
    roles: dict[str, tuple[str, str]] = {}
    for pair, _ in ranked:
        roles.setdefault(pair[0], (pair[1], example[pair]))
    return roles


def _add(vocab: Vocabulary, span_key: str, table: str, quality: int) -> None:
    if span_key:
        known = vocab.table_keys[span_key].get(table)
        if known is None or quality < known:
            vocab.table_keys[span_key][table] = quality


def _person(vocab: Vocabulary, name: str) -> None:
    vocab.people.setdefault(key(name), name)
    for part in split_words(name):
        if len(part) > 2:
            other = vocab.people.get(part)
            vocab.people[part] = name if other in (None, name) else ""


def _examples(vocab: Vocabulary, snapshot: CatalogSnapshot) -> dict[str, str]:
    """Real names of this catalog for help and clarification texts."""
    ranked = sorted(vocab.tables.values(), key=lambda t: (t.rank, -len(_links(snapshot, t.name)), t.name))
    examples: dict[str, str] = {}
    if ranked:
        examples["table"] = ranked[0].name
        other = next((t.name for t in ranked[1:] if _links(snapshot, ranked[0].name) & {t.name}), None)
        examples["other"] = other or (ranked[1].name if len(ranked) > 1 else ranked[0].name)
    if snapshot.terms:
        examples["term"] = snapshot.terms[0].name
    people = sorted({p for p in vocab.people.values() if p})
    if people:
        examples["person"] = people[0]
    domains = Counter(t.domain for t in vocab.tables.values() if t.domain)
    if domains:
        examples["domain"] = domains.most_common(1)[0][0]
    if vocab.areas:
        examples["area"] = sorted(vocab.areas.values())[0]
    modelled = Counter(t.type for t in vocab.tables.values() if t.type in ("FACT", "DIMENSION"))
    if modelled:
        examples["type"] = modelled.most_common(1)[0][0]
    return examples


_LINKS: dict[int, dict[str, set[str]]] = {}


def _links(snapshot: CatalogSnapshot, table: str) -> set[str]:
    links = _LINKS.get(id(snapshot))
    if links is None:
        links = defaultdict(set)
        for rel in snapshot.relationships:
            links[rel.from_table].add(rel.to_table)
            links[rel.to_table].add(rel.from_table)
        _LINKS.clear()
        _LINKS[id(snapshot)] = links
    return links.get(table, set())


_CACHE: OrderedDict[int, tuple[CatalogSnapshot, Vocabulary]] = OrderedDict()
_CACHE_SIZE = 4


def vocabulary_of(snapshot: CatalogSnapshot) -> Vocabulary:
    """The snapshot's vocabulary, built on first use and kept for the few most recent snapshots (the
    entry holds the snapshot itself, so an id is never reused while its vocabulary is cached)."""
    entry = _CACHE.get(id(snapshot))
    if entry is not None and entry[0] is snapshot:
        _CACHE.move_to_end(id(snapshot))
        return entry[1]
    vocab = build(snapshot)
    _CACHE[id(snapshot)] = (snapshot, vocab)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return vocab


async def snapshot_of(catalog: Any) -> CatalogSnapshot | None:
    """The catalog's snapshot, whether `snapshot` is an async method or (older engines) a property."""
    got = getattr(catalog, "snapshot", None)
    if got is None:
        return None
    if callable(got):
        got = await got()
    return got if isinstance(got, CatalogSnapshot) else None
