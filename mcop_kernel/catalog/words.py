"""The words of catalog names: singular forms, comparable keys, and the name prefixes a catalog uses."""

from __future__ import annotations

import re
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .models import Table, TableSummary, TableType

_WORD = re.compile(r"[a-z0-9]+")
_TYPE_HINTS: dict[str, TableType] = {
    "fact": "FACT",
    "fct": "FACT",
    "dim": "DIMENSION",
    "dimension": "DIMENSION",
    "stg": "STAGING",
    "staging": "STAGING",
    "src": "SOURCE",
    "source": "SOURCE",
}
"""Naming conventions common to warehouses everywhere: what kind of table it is, not what it holds."""
_TYPE_WORDS = frozenset({*_TYPE_HINTS, "vw", "view", "tbl"})
_NOISE = frozenset({"the", "a", "an", "table", "tables", *_TYPE_HINTS})
PREFIX_MIN_TABLES = 3
"""A leading name word is a droppable prefix (`dimv_`, `catalogue_`, an app label) when at least this
many tables (and PREFIX_SHARE of them) start with it and go on with more words."""
PREFIX_SHARE = 0.002
PREFIX_LEVELS = 3


@lru_cache(maxsize=1 << 16)
def singular(word: str) -> str:
    """A rough English singular, applied alike to queries and names so both sides agree (the
    resolver, search and the offline model's vocabulary all use this one)."""
    if len(word) <= 3 or word.endswith(("ss", "us", "is", "ics")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "uses")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


@lru_cache(maxsize=1 << 16)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(singular(w) for w in _WORD.findall(text.lower()))


def words(text: str) -> list[str]:
    """Lower-case singular words: `Purchase_Orders` -> ["purchase", "order"]."""
    return list(_tokens(text))


def key(text: str) -> str:
    """The comparable form of a name: `Purchase Orders` and `purchase_order` share `purchase_order`."""
    return "_".join(_tokens(text))


def _without_type_words(parts: tuple[str, ...]) -> tuple[str, ...]:
    while len(parts) > 1 and parts[0] in _TYPE_WORDS:
        parts = parts[1:]
    return parts


def derive_prefixes(names: Iterable[str]) -> frozenset[str]:
    """The leading name words that say where a table lives rather than what it holds, found from the
    catalog itself: a word that starts many names that go on (`dimv_`, `bs_`, `catalogue_`,
    `wagtailcore_`), level by level after the type words (`fact_`, `dim_`) and earlier prefixes."""
    names = list(names)
    least = max(PREFIX_MIN_TABLES, PREFIX_SHARE * len(names))
    remaining = [_without_type_words(_tokens(n)) for n in names]
    found: set[str] = set()
    for _ in range(PREFIX_LEVELS):
        counts = Counter(parts[0] for parts in remaining if len(parts) > 1)
        level = {word for word, n in counts.items() if n >= least and word not in _TYPE_WORDS}
        if not level:
            break
        found |= level
        remaining = [parts[1:] for parts in remaining if len(parts) > 1 and parts[0] in level]
    return frozenset(found)


def _cores(text: str, prefixes: frozenset[str]) -> list[tuple[str, int]]:
    """Every form of a name with its leading type words and then prefixes dropped one by one, with how
    many prefixes were dropped: `dimv_bs_supplier` -> bs_supplier (0), supplier (1)."""
    parts = _without_type_words(_tokens(text))
    found = [("_".join(parts), 0)]
    depth = 0
    while len(parts) > 1 and parts[0] in prefixes:
        parts, depth = _without_type_words(parts[1:]), depth + 1
        found.append(("_".join(parts), depth))
    return found


# -- Conventions a catalog's names follow, learnt from the names themselves --------------------------

LABEL_MIN_TABLES = 2
"""A leading name word shared by this many tables (not itself a table's name) is an area / app label."""
DEEPER_MIN_TABLES = 3
DEEPER_SHARE = 0.5
"""A longer label (`django_ledger` beside `django`) when this many of the shorter label's tables, and
at least DEEPER_SHARE of them, share it: the longest prefix that still groups."""
SUFFIX_SHARE = 0.6
"""A run-together ending (`model` of `customermodel`) is the area's convention, not meaning, when at
least this share of its tables (and three) end their names with it and most of what is left are words
the catalog uses elsewhere."""
SUFFIX_LENGTHS = range(3, 9)


@lru_cache(maxsize=1 << 16)
def name_parts(name: str) -> tuple[str, ...]:
    """A name's parts at separators, lower-cased, as written (no singular): `django_ledger_billmodel`."""
    return tuple(_WORD.findall(name.lower()))


@dataclass(frozen=True)
class NameConventions:
    """The app labels and run-together suffixes one catalog's table names follow."""

    labels: dict[str, str] = field(default_factory=dict)
    """Table name -> its area / app label (`django_ledger_billmodel` -> `django_ledger`)."""
    suffixes: dict[str, str] = field(default_factory=dict)
    """Area / app label ("" for tables without one) -> the ending its names share (`model`)."""
    words: CatalogWords = field(default_factory=lambda: CatalogWords(()))
    """The catalog's own words (name parts and column words), for splitting words run together."""

    def label_of(self, name: str) -> str:
        return self.labels.get(name, "")

    def core(self, name: str) -> tuple[str, ...]:
        """The name's parts after its label, the area's ending dropped: `customermodel` -> `customer`."""
        parts = name_parts(name)
        label = self.labels.get(name, "")
        rest = parts[len(label.split("_")) :] if label else parts
        suffix = self.suffixes.get(label, "")
        if rest and suffix and rest[-1].endswith(suffix) and len(rest[-1]) - len(suffix) >= 3:
            rest = (*rest[:-1], rest[-1][: -len(suffix)])
        return rest or parts

    def loose(self, name: str) -> tuple[str, ...]:
        """`core`, each part split into the catalog's words it runs together (`bankaccount` -> bank,
        account); the parts as they are where the conventions say nothing about the name."""
        return tuple(a for part in self.core(name) for a in self.words.atoms(part))


class CatalogWords:
    """A catalog's own words, and words run together in its names split into them (each word once)."""

    def __init__(self, known: Iterable[str]) -> None:
        self.known = frozenset(known)
        self._split: dict[str, tuple[str, ...]] = {}
        self._atoms: dict[str, tuple[str, ...]] = {}

    def __contains__(self, word: object) -> bool:
        return word in self.known

    def split(self, word: str) -> tuple[str, ...]:
        """`run_together` over this catalog's words."""
        found = self._split.get(word)
        if found is None:
            found = self._split[word] = run_together(word, self.known)
        return found

    def atoms(self, word: str) -> tuple[str, ...]:
        """The word split into the smallest of the catalog's words it is made of (`itemtransactionmodel`
        -> item, transaction, model)."""
        found = self._atoms.get(word)
        if found is None:
            pieces = self.split(word)
            found = pieces if len(pieces) == 1 else tuple(a for piece in pieces for a in self.atoms(piece))
            self._atoms[word] = found
        return found


def name_conventions(names: Iterable[str], known: Iterable[str] = ()) -> NameConventions:
    """App labels (the prefix shared by a group of tables, the longest that still groups) and each
    area's run-together ending, from the names themselves; `known` words (column words) help tell an
    ending from a word."""
    names = list(names)
    parts = {n: name_parts(n) for n in names}
    taken = {"_".join(p) for p in parts.values()}
    counts: Counter[tuple[str, ...]] = Counter()
    for p in parts.values():
        for end in range(1, len(p)):
            counts[p[:end]] += 1
    labels: dict[str, str] = {}
    for name, p in parts.items():
        if len(p) < 2 or counts[p[:1]] < LABEL_MIN_TABLES or p[0] in taken or p[0].isdigit():
            continue
        end = 1
        while end + 1 < len(p):
            longer = counts[p[: end + 1]]
            if longer < DEEPER_MIN_TABLES or longer < DEEPER_SHARE * counts[p[:end]]:
                break
            if "_".join(p[: end + 1]) in taken:
                break
            if longer == counts[p[:end]]:  # every table of the shorter label has the longer: one area,
                break  # named as people name it (`stg` of `stg_bs_*`)
            end += 1
        labels[name] = "_".join(p[:end])
    words = {w for p in parts.values() for w in p} | {w.lower() for w in known}
    groups: dict[str, list[str]] = {}
    for name, p in parts.items():
        label = labels.get(name, "")
        rest = p[len(label.split("_")) :] if label else p
        if rest:
            groups.setdefault(label, []).append(rest[-1])
    catalog_words = CatalogWords(words)
    suffixes = {label: s for label, lasts in groups.items() if (s := _ending(lasts, catalog_words))}
    return NameConventions(labels, suffixes, catalog_words)


def _ending(lasts: list[str], words: CatalogWords) -> str:
    """The ending most of these last name parts share beyond a word (`model`), or ""."""
    if len(lasts) < 3:
        return ""
    ends: Counter[str] = Counter(
        last[-n:] for last in set(lasts) for n in SUFFIX_LENGTHS if len(last) - n >= 3
    )
    least = max(3.0, SUFFIX_SHARE * len(set(lasts)))
    fitting = [(n, len(end), end) for end, n in ends.items() if n >= least]
    for _, _, end in sorted(fitting, reverse=True):
        stems = [last[: -len(end)] for last in set(lasts) if last.endswith(end) and len(last) - len(end) >= 3]
        known = sum(1 for s in stems if s in words or singular(s) in words or len(words.split(s)) > 1)
        if known * 2 >= len(stems):
            return end
    return ""


def run_together(word: str, known: frozenset[str]) -> tuple[str, ...]:
    """A word run together from the catalog's own words, split into them, fewest pieces first
    (`ticketcustomfieldvalue` -> ticket, customfield, value); the word itself when no split covers it."""
    if len(word) < 6 or not word.isalpha():
        return (word,)
    best: list[tuple[str, ...] | None] = [None] * (len(word) + 1)
    best[0] = ()
    for end in range(3, len(word) + 1):
        for start in range(0, end - 2):
            before = best[start]
            piece = word[start:end]
            if before is None or (piece not in known and singular(piece) not in known):
                continue
            if start == 0 and end == len(word):
                continue  # the whole word is not a split of it
            found = (*before, piece)
            if best[end] is None or len(found) < len(best[end] or ()):
                best[end] = found
    return best[len(word)] or (word,)


_CONVENTIONS: OrderedDict[tuple[str, ...], NameConventions] = OrderedDict()


def conventions_of(tables: Sequence[TableSummary]) -> NameConventions:
    """The naming conventions of a catalog's tables (their names, with the words of their columns
    where the tables carry them), learnt once and kept for the few latest catalogs."""
    names = tuple(t.name for t in tables)
    found = _CONVENTIONS.get(names)
    if found is None:
        column_names = {c.name for t in tables if isinstance(t, Table) for c in t.columns}
        column_words = {w for n in column_names for w in _WORD.findall(n.lower())}
        found = _CONVENTIONS[names] = name_conventions(names, column_words)
        while len(_CONVENTIONS) > 4:
            _CONVENTIONS.popitem(last=False)
    _CONVENTIONS.move_to_end(names)
    return found
