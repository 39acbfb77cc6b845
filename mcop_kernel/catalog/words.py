"""The words of catalog names: singular forms, comparable keys, and the name prefixes a catalog uses."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from .models import TableType

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
