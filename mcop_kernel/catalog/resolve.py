"""Forgiving table names ("suppliers" finds `dimv_bs_supplier`, "orders" `order_order`) and glossary terms."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from .base import CatalogLookupError
from .models import GlossaryTerm, TableSummary, TableType
from .search import SearchIndex
from .words import _NOISE, _TYPE_HINTS, _cores, conventions_of, derive_prefixes, key, singular, words

__all__ = ["SearchIndex", "TableResolver", "TermResolver", "derive_prefixes", "key", "singular", "words"]

_RANK: dict[str, int] = {"FACT": 0, "DIMENSION": 0, "VIEW": 1, "TABLE": 1, "STAGING": 2, "SOURCE": 3}
"""Marts first: "purchase order" means the fact table, not its staging copy or the SAP source."""
MAX_SUGGESTIONS = 5
CONFIDENT = 85.0
"""A misspelled name whose best fuzzy match scores this (rapidfuzz ratio, 0-100) ..."""
CONFIDENT_GAP = 6.0
"""... and beats the next table's best by this much is taken as meant."""
SUGGEST_CUTOFF = 60.0
WORD_CUTOFF = 65.0
"""A query word the catalog does not use is read as the closest catalog word scoring this."""
POOL = 1000
LENGTH_SLACK = 3
"""At most this many tables are scored for a fuzzy match."""


def _query_core(text: str) -> tuple[list[str], set[TableType]]:
    parts = words(text)
    hints = {_TYPE_HINTS[w] for w in parts if w in _TYPE_HINTS}
    kept = [w for w in parts if w not in _NOISE]
    return (kept or parts), hints


class TableResolver:
    """Exact name, then case, display name, singular/plural, prefixes, glossary synonyms, words, and
    last a confident fuzzy match (a misspelling); prefixes are derived from the catalog's own names."""

    def __init__(self, tables: Iterable[TableSummary], terms: Iterable[GlossaryTerm] = ()) -> None:
        tables = list(tables)
        self.prefixes = derive_prefixes(t.name for t in tables)
        conventions = conventions_of(tables)
        self._names: dict[str, TableSummary] = {}
        self._lower: dict[str, list[str]] = defaultdict(list)
        self._keys: dict[str, list[str]] = defaultdict(list)
        self._cores: dict[str, dict[str, int]] = defaultdict(dict)
        self._squashed: dict[str, dict[str, int]] = defaultdict(dict)
        """Cores without their underscores: Django's `stockrecord` is "stock records"."""
        self._words: dict[str, set[str]] = defaultdict(set)
        self._word_count: dict[str, int] = {}
        for table in tables:
            name = table.name
            self._names[name] = table
            self._lower[name.lower()].append(name)
            for name_key in {key(name), key(table.display_name)}:
                self._keys[name_key].append(name)
            deepest = ""
            for text in (name, table.display_name):
                for core, depth in _cores(text, self.prefixes):
                    for index, form in ((self._cores, core), (self._squashed, core.replace("_", ""))):
                        known = index[form].get(name)
                        index[form][name] = depth if known is None else min(known, depth)
                    deepest = core if text == name else deepest
            loose = conventions.loose(name)
            label = conventions.label_of(name)
            if label or loose != (
                name.lower(),
            ):  # the app label dropped, the area's ending, words run together
                form = "_".join(singular(w) for w in loose)
                depth = len(label.split("_")) if label else 0
                for index, core in ((self._cores, form), (self._squashed, form.replace("_", ""))):
                    known = index[core].get(name)
                    index[core][name] = depth if known is None else min(known, depth)
                deepest = form
            table_words = set(deepest.split("_")) | set(words(table.display_name))
            for word in table_words:
                self._words[word].add(name)
            self._word_count[name] = len(table_words)
        self._aliases: dict[str, set[str]] = defaultdict(set)
        for term in terms:
            for synonym in term.synonyms:
                self._aliases[key(synonym)].add(_cores(term.name, self.prefixes)[-1][0])
        self._vocabulary: dict[int, list[str]] = defaultdict(list)
        """The words of table names by length, each list holding the words within LENGTH_SLACK of it:
        a misspelled word is compared with words of about its length only."""
        for word in sorted(self._words):
            for length in range(max(1, len(word) - LENGTH_SLACK), len(word) + LENGTH_SLACK + 1):
                self._vocabulary[length].append(word)
        self._ranks = {name: self._rank(name) for name in self._names}
        """Every word of every table name, for correcting a misspelled query word."""
        self._forms: dict[str, tuple[str, ...]] = {}
        for form, names in self._keys.items():
            for name in names:
                self._forms[name] = (*self._forms.get(name, ()), form)
        for form, depths in self._cores.items():
            for name in depths:
                self._forms[name] = (*self._forms.get(name, ()), form)

    def _core_names(
        self, core: str, hints: set[TableType] | frozenset[TableType] = frozenset(), *, squashed: bool = False
    ) -> list[str]:
        """Tables with this core, fewest prefixes dropped first (`order_order` is the orders table),
        of the hinted types when there are some."""
        found = (self._squashed if squashed else self._cores).get(core.replace("_", "") if squashed else core)
        if not found:
            return []
        if hints and any(self._names[n].type in hints for n in found):
            found = {n: depth for n, depth in found.items() if self._names[n].type in hints}
        least = min(found.values())
        return [n for n, depth in found.items() if depth == least]

    def resolve(self, query: str) -> str:
        text = query.strip()
        if text in self._names:
            return text
        parts, hints = _query_core(text)
        core = "_".join(parts)
        tiers: list[Iterable[str]] = [
            self._lower.get(text.lower(), ()),
            self._keys.get(key(text), ()),
            self._core_names(core, hints),
            (
                name
                for alias in sorted(self._aliases.get(core, ()))
                for name in self._core_names(alias, hints)
            ),
            self._core_names(core, hints, squashed=True),
        ]
        for candidates in tiers:
            found = self._pick(query, candidates, hints)
            if found:
                return found
        if parts and all(w in self._words for w in parts):
            matches = set.intersection(*(self._words[w] for w in parts))
            found = self._pick(query, matches, hints)
            if found:
                return found
        close = self._fuzzy(parts)
        if hints and any(self._names[n].type in hints for n, _ in close):
            close = [(n, score) for n, score in close if self._names[n].type in hints]
        if close and close[0][1] >= CONFIDENT and len(core) >= 4:
            best, score = close[0]
            rank = _RANK.get(self._names[best].type, 1)
            rivals = [
                n
                for n, s in close[1:]
                if s > score - CONFIDENT_GAP and _RANK.get(self._names[n].type, 1) <= rank
            ]
            if not rivals:
                return best
            raise CatalogLookupError("table", query, [best, *rivals][:MAX_SUGGESTIONS], ambiguous=True)
        raise CatalogLookupError("table", query, self.suggest(text))

    def _fuzzy(self, parts: list[str]) -> list[tuple[str, float]]:
        """Tables whose name forms are close to the query, best first, each with its best score (marts
        ahead of their copies when they score alike). Only tables holding the query's words, each word
        corrected against the catalog's vocabulary first, are scored: the work follows the matches."""
        probe = "_".join(parts)
        pool = self._pool(parts)
        if not probe or not pool:
            return []
        forms = [(form, name) for name in pool for form in self._forms.get(name, ())]
        found = process.extract(
            probe,
            [f for f, _ in forms],
            scorer=fuzz.ratio,
            limit=8 * MAX_SUGGESTIONS,
            score_cutoff=SUGGEST_CUTOFF,
        )
        best: dict[str, float] = {}
        for _, score, position in found:
            name = forms[position][1]
            best[name] = max(best.get(name, 0.0), float(score))
        ranked = sorted(best.items(), key=lambda item: (-item[1], self._order(item[0])))
        kept: list[tuple[str, float]] = []
        for name, score in ranked:  # a mart and its staging copy scoring alike: the mart
            if not any(s == score and self._same_thing(n, name) for n, s in kept):
                kept.append((name, score))
        return kept

    def _same_thing(self, first: str, second: str) -> bool:
        return self._forms.get(first, ())[-1:] == self._forms.get(second, ())[-1:]

    def _closest_word(self, word: str) -> str:
        """`word` if a table name uses it, else the name word of about its length closest to it."""
        if word in self._words or len(word) < 3:
            return word
        close = process.extractOne(
            word, self._vocabulary.get(len(word), []), scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF
        )
        return str(close[0]) if close else word

    def _pool(self, parts: list[str]) -> list[str]:
        """The tables holding as many of the query's (corrected) words as any table does, at most POOL."""
        sets: list[set[str]] = []
        for word in parts:
            word = self._closest_word(word)
            if word in self._words:
                sets.append(self._words[word])
        if len(parts) > 1 and len(sets) < len(parts):  # "stock records" may be one word, `stockrecord`
            squashed = self._closest_word("".join(parts))
            if squashed in self._words:
                sets.append(self._words[squashed])
        if not sets:
            return []
        sets.sort(key=len)
        pool = sets[0]
        for more in sets[1:]:
            narrower = pool & more
            if not narrower:
                break
            pool = narrower
        return sorted(pool, key=self._order)[:POOL] if len(pool) > POOL else list(pool)

    def _pick(self, query: str, candidates: Iterable[str], hints: set[TableType]) -> str | None:
        names = sorted(set(candidates), key=self._order)
        if hints and any(self._names[n].type in hints for n in names):
            names = [n for n in names if self._names[n].type in hints]
        if not names:
            return None
        best = [
            n for n in names if _RANK.get(self._names[n].type, 1) == _RANK.get(self._names[names[0]].type, 1)
        ]
        if len(best) > 1:
            raise CatalogLookupError("table", query, best[:MAX_SUGGESTIONS], ambiguous=True)
        return best[0]

    def _order(self, name: str) -> tuple[int, int, str]:
        return self._ranks[name]

    def _rank(self, name: str) -> tuple[int, int, str]:
        return _RANK.get(self._names[name].type, 1), self._word_count[name], name

    def suggest(self, query: str) -> list[str]:
        """Close names, marts first: what a "Did you mean" offers."""
        parts, _ = _query_core(query)
        names = [name for name, _ in self._fuzzy(parts)]
        if not names:
            shared = {n for w in parts for n in self._words.get(w, ())}
            names = sorted(shared, key=self._order)
        return list(dict.fromkeys(names))[:MAX_SUGGESTIONS]


class TermResolver:
    """A glossary term by name or synonym, ignoring case, punctuation and plurals."""

    def __init__(self, terms: Iterable[GlossaryTerm]) -> None:
        self._names: dict[str, list[str]] = defaultdict(list)
        self._synonyms: dict[str, list[str]] = defaultdict(list)
        for term in terms:
            self._names[key(term.name)].append(term.name)
            for synonym in term.synonyms:
                self._synonyms[key(synonym)].append(term.name)

    def resolve(self, query: str) -> str:
        probe = key(query)
        for index in (self._names, self._synonyms):
            found = sorted(set(index.get(probe, ())))
            if len(found) > 1:
                raise CatalogLookupError("glossary term", query, found, ambiguous=True)
            if found:
                return found[0]
        choices = [*self._names, *self._synonyms]
        close = process.extract(probe, choices, scorer=fuzz.ratio, limit=MAX_SUGGESTIONS, score_cutoff=60)
        names = [n for k, _, _ in close for n in self._names.get(k, self._synonyms.get(k, []))]
        raise CatalogLookupError("glossary term", query, list(dict.fromkeys(names))[:MAX_SUGGESTIONS])
