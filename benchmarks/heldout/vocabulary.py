"""Held-out questions about the catalog's vocabulary: columns of a kind, a column by name, search words.

Kinds are read from names (email, phone) or declared types (money, dates); search words are whole
words of the catalog's own names. Every expected list is computed from `CatalogFacts`.
"""

from __future__ import annotations

import re
from collections import Counter

from benchmarks.understanding.cases import Expect
from benchmarks.understanding.facts import CatalogFacts

from .phrasings import DATES, KIND_WORDS, MONEY, NAMED, SEARCH
from .questions import Question, _q
from .subjects import _CLASS_SUFFIX, Subjects


def _tables_with_column(facts: CatalogFacts, word: str, whole: bool) -> tuple[str, ...]:
    """Tables with a column named `word` (`whole`) or whose name holds it."""
    w = word.lower()
    return tuple(
        sorted(
            t
            for t, tf in facts.tables.items()
            if any(c.lower() == w if whole else w in c.lower() for c in tf.columns)
        )
    )


def _list_expect(found: tuple[str, ...]) -> Expect:
    return Expect(lists=(found,))


def columns_of_kind(
    facts: CatalogFacts, s: Subjects, n: int, types: dict[str, dict[str, str]]
) -> list[Question]:
    """Columns by what they look like: by name (email, phone) or by declared type (money, dates)."""
    out: list[Question] = []
    for word, templates in KIND_WORDS.items():
        found = _tables_with_column(facts, word, whole=False)
        if found:
            out.append(_q(facts, "columns_kind", word, s.rng.choice(templates), _list_expect(found)))

    def typed(pattern: str) -> tuple[str, ...]:
        return tuple(
            sorted(t for t, cols in types.items() if any(re.search(pattern, v, re.I) for v in cols.values()))
        )

    for style, templates, pattern in (
        ("money", MONEY, r"decimal|numeric|money"),
        ("dates", DATES, r"date|time"),
    ):
        found = typed(pattern)
        if found:
            out.append(_q(facts, "columns_kind", style, s.rng.choice(templates), _list_expect(found)))
    counts = Counter(c for tf in facts.tables.values() for c in set(tf.columns))
    named = sorted(c for c, k in counts.items() if 2 <= k <= 6 and len(c) > 4 and not c.endswith("_id"))
    for word in s.rng.sample(named, min(n, len(named))):
        found = _tables_with_column(facts, word, whole=True)
        out.append(
            _q(facts, "columns_kind", "named", s.rng.choice(NAMED).format(w=word), _list_expect(found))
        )
    return out


def _parts(name: str) -> list[str]:
    """The words of a name split at `_`, spaces and punctuation, lowercased, class suffix dropped."""
    return [_CLASS_SUFFIX.sub("", p) for p in re.findall(r"[a-z0-9]+", name.lower())]


def search(facts: CatalogFacts, s: Subjects, n: int, apps: dict[str, str]) -> list[Question]:
    """A whole word of the catalog's names (tables, columns) that starts a word of two to six
    tables' names or display names (`ticket` holds `ticketcc`, `groups`; `action` is not in
    `transaction`); app labels are areas, not search words."""
    vocab = {
        w for t, tf in facts.tables.items() for name in (t, *tf.columns) for w in _parts(name) if len(w) >= 5
    }
    words = {t: _parts(t) + _parts(tf.display_name) for t, tf in facts.tables.items()}
    labels = set(apps.values()) | {"model"}
    holding = {
        w: tuple(sorted(t for t in facts.tables if any(p.startswith(w) for p in words[t])))
        for w in vocab - labels
    }
    pool = sorted(w for w, found in holding.items() if 2 <= len(found) <= 6)
    out: list[Question] = []
    for word in s.rng.sample(pool, min(n, len(pool))):
        out.append(
            _q(facts, "search", "word", s.rng.choice(SEARCH).format(w=word), _list_expect(holding[word]))
        )
    return out
