"""Ranked search over a catalog's tables, columns and glossary terms."""

from __future__ import annotations

import heapq
import textwrap
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .models import GlossaryTerm, SearchHit, Table
from .words import _WORD, _cores, _tokens, derive_prefixes, key

Kind = Literal["table", "column", "term"]
_KIND_ORDER: dict[Kind, int] = {"table": 0, "term": 1, "column": 2}
_TABLE_BONUS: dict[str, float] = {"FACT": 8, "DIMENSION": 8, "VIEW": 6, "TABLE": 6, "STAGING": 4, "SOURCE": 2}
EXACT, SYNONYM, PREFIX, WORDS, INSIDE, DESCRIPTION = 100.0, 90.0, 75.0, 60.0, 55.0, 30.0
"""How an entry holds the query, best first: its name, a synonym, the start of its name, its name's
words, words run together inside its name (`customfield` in `ticketcustomfieldvalue`), its description."""
NAMED = 20.0
"""A table or term whose name holds the query ranks above the columns that do: "where is X" asks for
tables first."""
INSIDE_MIN = 4
"""A query word shorter than this is found only as a whole name word, never inside a longer one."""


@dataclass(frozen=True, slots=True)
class _Digest:
    """Names and description pre-digested for fast scoring; shared by entries that read alike."""

    keys: tuple[str, ...]
    synonyms: tuple[tuple[str, str], ...]
    words: frozenset[str]
    text: str
    text_words: frozenset[str]
    haystack: str
    letters: str
    """The names' letters with separators dropped, for words run together inside them."""

    @classmethod
    def of(
        cls, names: tuple[str, ...], about: str, synonyms: tuple[str, ...], prefixes: frozenset[str]
    ) -> _Digest:
        cores = (core for n in names for core, _ in _cores(n, prefixes))
        keys = tuple(dict.fromkeys(k for k in (*(key(n) for n in names), *cores) if k))
        synonym_keys = tuple((key(s), s) for s in synonyms)
        text_words = frozenset(_tokens(about))
        return cls(
            keys=keys,
            synonyms=synonym_keys,
            words=frozenset(w for n in (*names, *synonyms) for w in _tokens(n)),
            text=about.lower(),
            text_words=text_words,
            haystack=" ".join((*keys, *(k for k, _ in synonym_keys), about.lower(), *text_words)),
            letters=" ".join(
                (*(k.replace("_", "") for k in keys), *(n.lower().replace("_", "") for n in names))
            ),
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
        if all(len(w) >= INSIDE_MIN and w in self.letters for w in probe_words):
            return INSIDE
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


def _grams(word: str) -> set[str]:
    return {word[i : i + 3] for i in range(len(word) - 2)}


class SearchIndex:
    """Tables, columns and glossary terms, scored: exact name > synonym > prefix > words > description.

    Entries that read alike share one digest. A query scores only the digests whose words hold every
    query word (an inverted index from each word of the digests to them), and of each digest's entries
    only the best `limit`: the work follows the matches, not the size of the catalog."""

    def __init__(self, tables: Iterable[Table], terms: Iterable[GlossaryTerm] = ()) -> None:
        tables = list(tables)
        self._prefixes = derive_prefixes(t.name for t in tables)
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
        self._grams: dict[str, set[str]] = defaultdict(set)
        """Each three-letter piece of the words to the words holding it: a query word finds the words
        it is part of without reading the whole vocabulary (thousands of words in a warehouse)."""
        for word in self._by_word:
            for gram in _grams(word):
                self._grams[gram].add(word)

    def _words_holding(self, part: str) -> list[str]:
        """The indexed words `part` is within (`order` is within `order`, `orders`, `reorder`)."""
        if len(part) < 3:
            return [word for word in self._by_word if part in word]
        pieces = sorted((self._grams.get(gram, set()) for gram in _grams(part)), key=len)
        if not pieces or not pieces[0]:
            return []
        having = set(pieces[0]).intersection(*pieces[1:])
        return [word for word in having if part in word]

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
            prefixes = self._prefixes if kind == "table" else frozenset()  # prefixes of table names
            digest = self._digests[digest_key] = _Digest.of(names, about, synonyms, prefixes)
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
                    named = NAMED if entry.kind != "column" and base > DESCRIPTION else 0.0
                    rank = (
                        -(base + entry.bonus + named),
                        _KIND_ORDER[entry.kind],
                        entry.name,
                        entry.table or "",
                    )
                    scored.append((*rank, position))
        best = heapq.nsmallest(limit, scored)
        return [self._entries[position].hit(-score, probe) for score, *_, position in best]

    def _candidates(self, probe_words: list[str]) -> set[int]:
        """The digests whose text holds every query word, as `_Digest.score` requires: a query word (letters
        and digits) is in a digest's text exactly when it is within one of the digest's words."""
        found: set[int] | None = None
        for probe_word in sorted(set(probe_words), key=len, reverse=True):
            having: set[int] = set()
            for word in self._words_holding(probe_word):
                having |= self._by_word[word]
            found = having if found is None else found & having
            if not found:
                return set()
        return found or set()
