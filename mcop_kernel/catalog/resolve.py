"""Forgiving name resolution ("suppliers" finds `dimv_bs_supplier`) and ranked search over a catalog."""

from __future__ import annotations

import difflib
import heapq
import re
import textwrap
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from .base import CatalogLookupError
from .models import GlossaryTerm, SearchHit, Table, TableSummary, TableType

_WORD = re.compile(r"[a-z0-9]+")
_PREFIXES = frozenset({"fact", "fct", "dimv", "dim", "stg", "bs", "vw"})
"""Leading name words that say what kind of table it is, not what it holds."""
_TYPE_HINTS: dict[str, TableType] = {
    "fact": "FACT",
    "fct": "FACT",
    "dim": "DIMENSION",
    "dimv": "DIMENSION",
    "dimension": "DIMENSION",
    "stg": "STAGING",
    "staging": "STAGING",
    "source": "SOURCE",
}
_NOISE = frozenset({"the", "a", "an", "table", "bs", *_TYPE_HINTS})
_RANK: dict[str, int] = {"FACT": 0, "DIMENSION": 0, "VIEW": 1, "TABLE": 1, "STAGING": 2, "SOURCE": 3}
"""Marts first: "purchase order" means the fact table, not its staging copy or the SAP source."""
MAX_SUGGESTIONS = 5


@lru_cache(maxsize=1 << 16)
def singular(word: str) -> str:
    """A rough English singular, applied alike to queries and names so both sides agree."""
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
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


def _name_core(text: str) -> str:
    parts = _tokens(text)
    while len(parts) > 1 and parts[0] in _PREFIXES:
        parts = parts[1:]
    return "_".join(parts)


def _query_core(text: str) -> tuple[list[str], set[TableType]]:
    parts = words(text)
    hints = {_TYPE_HINTS[w] for w in parts if w in _TYPE_HINTS}
    kept = [w for w in parts if w not in _NOISE]
    return (kept or parts), hints


class TableResolver:
    """Exact name, then case, display name, singular/plural, prefixes, glossary synonyms, words."""

    def __init__(self, tables: Iterable[TableSummary], terms: Iterable[GlossaryTerm] = ()) -> None:
        self._names: dict[str, TableSummary] = {}
        self._lower: dict[str, list[str]] = defaultdict(list)
        self._keys: dict[str, list[str]] = defaultdict(list)
        self._cores: dict[str, list[str]] = defaultdict(list)
        self._words: dict[str, set[str]] = defaultdict(set)
        self._word_count: dict[str, int] = {}
        for table in tables:
            name = table.name
            self._names[name] = table
            self._lower[name.lower()].append(name)
            for name_key in {key(name), key(table.display_name)}:
                self._keys[name_key].append(name)
            for core in {_name_core(name), _name_core(table.display_name)}:
                self._cores[core].append(name)
            table_words = set(_name_core(name).split("_")) | set(words(table.display_name))
            for word in table_words:
                self._words[word].add(name)
            self._word_count[name] = len(table_words)
        self._aliases: dict[str, set[str]] = defaultdict(set)
        for term in terms:
            for synonym in term.synonyms:
                self._aliases[key(synonym)].add(_name_core(term.name))

    def resolve(self, query: str) -> str:
        text = query.strip()
        if text in self._names:
            return text
        parts, hints = _query_core(text)
        core = "_".join(parts)
        tiers: list[Iterable[str]] = [
            self._lower.get(text.lower(), ()),
            self._keys.get(key(text), ()),
            self._cores.get(core, ()),
            (name for alias in sorted(self._aliases.get(core, ())) for name in self._cores.get(alias, ())),
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
        raise CatalogLookupError("table", query, self.suggest(text))

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
            raise CatalogLookupError("table", query, best, ambiguous=True)
        return best[0]

    def _order(self, name: str) -> tuple[int, int, str]:
        return _RANK.get(self._names[name].type, 1), self._word_count[name], name

    def suggest(self, query: str) -> list[str]:
        """Close names, marts first: what a "Did you mean" offers."""
        parts, _ = _query_core(query)
        probe = "_".join(parts)
        pools = (self._cores, self._keys)
        close = [m for pool in pools for m in difflib.get_close_matches(probe, pool, MAX_SUGGESTIONS, 0.7)]
        names = [n for m in close for n in sorted(self._cores.get(m, self._keys.get(m, [])), key=self._order)]
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
        close = difflib.get_close_matches(probe, [*self._names, *self._synonyms], MAX_SUGGESTIONS, 0.6)
        names = [n for k in close for n in self._names.get(k, self._synonyms.get(k, []))]
        raise CatalogLookupError("glossary term", query, list(dict.fromkeys(names))[:MAX_SUGGESTIONS])


Kind = Literal["table", "column", "term"]
_KIND_ORDER: dict[Kind, int] = {"table": 0, "term": 1, "column": 2}
_TABLE_BONUS: dict[str, float] = {"FACT": 8, "DIMENSION": 8, "VIEW": 6, "TABLE": 6, "STAGING": 4, "SOURCE": 2}
EXACT, SYNONYM, PREFIX, WORDS, DESCRIPTION = 100.0, 90.0, 75.0, 60.0, 30.0


@dataclass(frozen=True, slots=True)
class _Digest:
    """Names and description pre-digested for fast scoring; shared by entries that read alike."""

    keys: tuple[str, ...]
    synonyms: tuple[tuple[str, str], ...]
    words: frozenset[str]
    text: str
    text_words: frozenset[str]
    haystack: str

    @classmethod
    def of(cls, names: tuple[str, ...], about: str, synonyms: tuple[str, ...]) -> _Digest:
        keys = tuple(dict.fromkeys(k for n in names for k in (key(n), _name_core(n)) if k))
        synonym_keys = tuple((key(s), s) for s in synonyms)
        text_words = frozenset(_tokens(about))
        return cls(
            keys=keys,
            synonyms=synonym_keys,
            words=frozenset(w for n in (*names, *synonyms) for w in _tokens(n)),
            text=about.lower(),
            text_words=text_words,
            haystack=" ".join((*keys, *(k for k, _ in synonym_keys), about.lower(), *text_words)),
        )

    def score(self, probe: str, probe_words: list[str], phrase: str) -> float:
        if not all(w in self.haystack for w in probe_words):
            return 0.0
        if probe in self.keys:
            return EXACT
        if any(k == probe for k, _ in self.synonyms):
            return SYNONYM
        if any(k.startswith(probe) for k in (*self.keys, *(k for k, _ in self.synonyms))):
            return PREFIX
        if all(w in self.words for w in probe_words):
            return WORDS
        if phrase in self.text or all(w in self.text_words for w in probe_words):
            return DESCRIPTION
        return 0.0


@dataclass(frozen=True, slots=True)
class _Entry:
    kind: Kind
    name: str
    table: str | None
    snippet: str
    bonus: float
    digest: _Digest

    def order(self, position: int) -> tuple[float, int, str, str, int]:
        """How this entry ranks among entries with the same score."""
        return -self.bonus, _KIND_ORDER[self.kind], self.name, self.table or "", position

    def hit(self, score: float, probe: str) -> SearchHit:
        snippet = self.snippet
        synonym = next((s for k, s in self.digest.synonyms if k == probe), None)
        if synonym and probe not in self.digest.keys:
            snippet = f"Synonym '{synonym}'. {snippet}"
        return SearchHit(
            kind=self.kind, name=self.name, table=self.table, score=score, snippet=_short(snippet)
        )


def _short(text: str, width: int = 120) -> str:
    return textwrap.shorten(text, width, placeholder="…") if text else ""


class SearchIndex:
    """Tables, columns and glossary terms, scored: exact name > synonym > prefix > words > description.

    Entries that read alike share one digest. A query scores only the digests whose words hold every
    query word (an inverted index from each word of the digests to them), and of each digest's entries
    only the best `limit`: the work follows the matches, not the size of the catalog."""

    def __init__(self, tables: Iterable[Table], terms: Iterable[GlossaryTerm] = ()) -> None:
        self._entries: list[_Entry] = []
        self._digests: dict[tuple[tuple[str, ...], str, tuple[str, ...]], _Digest] = {}
        for t in tables:
            bonus = _TABLE_BONUS.get(t.type, 6)
            about = f"{t.type} table in {t.domain}" + (f": {t.description}" if t.description else "")
            self._add("table", t.name, None, (t.name, t.display_name), t.description, about, bonus)
            for c in t.columns:
                about = f"{t.name}.{c.name} ({c.data_type})" + (f": {c.description}" if c.description else "")
                self._add("column", c.name, t.name, (c.name, c.display_name), c.description, about, bonus / 4)
        for term in terms:
            self._add(
                "term", term.name, None, (term.name,), term.definition, term.definition, 5, term.synonyms
            )
        self._digest_list = list(self._digests.values())
        number = {id(d): i for i, d in enumerate(self._digest_list)}
        self._members: list[list[int]] = [[] for _ in self._digest_list]
        for position, entry in enumerate(self._entries):
            self._members[number[id(entry.digest)]].append(position)
        for members in self._members:  # a digest's entries share its score: rank them once, here
            members.sort(key=lambda p: self._entries[p].order(p))
        self._by_word: dict[str, set[int]] = defaultdict(set)
        for i, digest in enumerate(self._digest_list):
            for word in set(_WORD.findall(digest.haystack)):
                self._by_word[word].add(i)

    def _add(
        self,
        kind: Kind,
        name: str,
        table: str | None,
        names: tuple[str, ...],
        about: str,
        snippet: str,
        bonus: float,
        synonyms: tuple[str, ...] = (),
    ) -> None:
        digest_key = (names, about, synonyms)
        digest = self._digests.get(digest_key)
        if digest is None:
            digest = self._digests[digest_key] = _Digest.of(names, about, synonyms)
        self._entries.append(_Entry(kind, name, table, snippet, bonus, digest))

    def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        probe = key(query)
        if not probe or limit <= 0:
            return []
        probe_words = probe.split("_")
        phrase = " ".join(query.lower().split())
        scored: list[tuple[float, int, str, str, int]] = []
        for i in self._candidates(probe_words):
            base = self._digest_list[i].score(probe, probe_words, phrase)
            if base:
                for position in self._members[i][:limit]:
                    entry = self._entries[position]
                    rank = (-(base + entry.bonus), _KIND_ORDER[entry.kind], entry.name, entry.table or "")
                    scored.append((*rank, position))
        best = heapq.nsmallest(limit, scored)
        return [self._entries[position].hit(-score, probe) for score, *_, position in best]

    def _candidates(self, probe_words: list[str]) -> set[int]:
        """The digests whose text holds every query word, as `_Digest.score` requires: a query word (letters
        and digits) is in a digest's text exactly when it is within one of the digest's words."""
        found: set[int] | None = None
        for probe_word in sorted(set(probe_words), key=len, reverse=True):
            having: set[int] = set()
            for word, digests in self._by_word.items():
                if probe_word in word:
                    having |= digests
            found = having if found is None else found & having
            if not found:
                return set()
        return found or set()
