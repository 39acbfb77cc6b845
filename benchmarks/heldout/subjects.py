"""How a steward names a table loosely: app label dropped, words spaced, singular or plural.

Computed from the real name only (and the sample's display names). A loose form is used only when
it points at one table of its catalog; otherwise the question uses the exact name.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict

from benchmarks.understanding.facts import CatalogFacts

_CLASS_SUFFIX = re.compile(r"(?<=[a-z])model$")
"""Django model classes named `AccountModel` give tables `..._accountmodel`; stewards say "account"."""


def plural(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es" if not word.endswith("ss") and word.endswith(("x", "ch", "sh")) else word
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _words(table: str, app: str) -> list[str]:
    rest = table[len(app) + 1 :] if app and table.startswith(app + "_") else table
    rest = re.sub(r"([a-z])([A-Z])", r"\1_\2", rest).lower()
    words = [w for w in rest.split("_") if w]
    if words:
        words[-1] = _CLASS_SUFFIX.sub("", words[-1]) or words[-1]
    return words


def area_prefixes(tables: list[str]) -> dict[str, str]:
    """Table -> the longest leading run of its words (`dimv_bs`, `pinax_teams`) that at least three
    tables share: a name-prefix area a steward leaves out when naming the table."""
    counts: dict[str, int] = defaultdict(int)
    for t in tables:
        parts = t.split("_")
        for k in range(1, len(parts)):
            counts["_".join(parts[:k])] += 1
    out: dict[str, str] = {}
    for t in tables:
        parts = t.split("_")
        shared = ["_".join(parts[:k]) for k in range(1, len(parts)) if counts["_".join(parts[:k])] >= 3]
        if shared:
            out[t] = shared[-1]
    return out


def forms(table: str, app: str, display: str = "") -> list[str]:
    """Loose forms of one table: spaced words singular and plural, and a plain display name. A
    coded name (`EKPO`, `T052`) has no loose form of its own words, only its display name."""
    out: list[str] = []
    words = [] if re.fullmatch(r"[A-Z0-9]+", table) else _words(table, app)
    if words:
        out.append(" ".join(words))
        out.append(" ".join([*words[:-1], plural(words[-1])]))
    plain = re.sub(r"\s*\(.*?\)", "", display).strip().lower()
    if plain and plain != table.lower():
        out.append(plain)
    return [f for f in dict.fromkeys(out) if f != table.lower()]


class Subjects:
    """Draws subjects for questions and words them exactly or loosely, in a seeded rotation."""

    def __init__(self, facts: CatalogFacts, apps: dict[str, str], rng: random.Random) -> None:
        self.facts = facts
        self.rng = rng
        self._turn = 0
        owners: dict[str, set[str]] = defaultdict(set)
        by_table: dict[str, list[str]] = {}
        lowered = {t.lower() for t in facts.tables}
        prefixes = area_prefixes(sorted(facts.tables))
        for name, table in facts.tables.items():
            app = apps.get(name) or prefixes.get(name, "")
            by_table[name] = forms(name, app, table.display_name)
            for f in by_table[name]:
                owners[f].add(name)
        self.loose = {
            t: [f for f in fs if len(owners[f]) == 1 and f not in lowered and len(f) > 3]
            for t, fs in by_table.items()
        }

    def word(self, table: str) -> tuple[str, str]:
        """(how the question names `table`, "exact" or "loose"), alternating where a loose form exists."""
        self._turn += 1
        if self._turn % 2 and self.loose.get(table):
            return self.rng.choice(self.loose[table]), "loose"
        return table, "exact"

    def pick(self, pool: list[str], count: int) -> list[str]:
        """`count` distinct tables from `pool` (fewer when it is small), seeded."""
        pool = sorted(pool)
        return self.rng.sample(pool, min(count, len(pool)))
