"""How a steward names things: loose forms of table names, plurals and deterministic typos.

Every form is computed from the catalog's own names (never typed), and a loose form is offered only
when exactly one table of that catalog has it, so the question it goes into has one right answer.
"""

from __future__ import annotations

import random
import re
from collections import Counter

_WORD = re.compile(r"[A-Za-z][a-z]*|[0-9]+")


def words(name: str) -> list[str]:
    """A name's words: split at `_`, spaces, dots and case changes, lower-cased."""
    out: list[str] = []
    for part in re.split(r"[\s_.\-/()]+", name):
        if part.isupper() or part.islower():
            out.extend(w.lower() for w in re.findall(r"[A-Za-z]+|[0-9]+", part))
        else:
            out.extend(w.lower() for w in _WORD.findall(part))
    return [w for w in out if w]


def plural(word: str) -> str:
    if re.search(r"[^s]s$", word):
        return word
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + "s"


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(ss|x|z|ch|sh)es$", word):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _prefixes(names: list[str]) -> Counter[str]:
    """How many tables start with each leading run of `_`-separated tokens."""
    counts: Counter[str] = Counter()
    for name in names:
        tokens = name.lower().split("_")
        for i in range(1, len(tokens)):
            counts["_".join(tokens[:i])] += 1
    return counts


def core(name: str, prefixes: Counter[str]) -> str:
    """The name without its area prefix: the leading tokens that every table of its area shares, the
    area being the tables that share its first token (`catalogue_product` -> `product`,
    `stg_bs_purchase_order` -> `purchase_order`, `auth_user_groups` -> `user_groups`)."""
    tokens = name.lower().split("_")
    area = prefixes[tokens[0]]
    if len(tokens) < 2 or area < 2:
        return name.lower()
    keep = 1
    while keep < len(tokens) - 1 and prefixes["_".join(tokens[: keep + 1])] == area:
        keep += 1
    return "_".join(tokens[keep:])


def area_of(name: str) -> str:
    """The name-prefix area (a Django app label): the first `_` token, or "" when there is none."""
    head, sep, _ = name.partition("_")
    return head.lower() if sep else ""


class LooseNames:
    """The loose forms of a catalog's table names that point at exactly one table."""

    def __init__(self, names: list[str], display: dict[str, str] | None = None) -> None:
        self.names = names
        prefixes = _prefixes(names)
        forms: dict[str, set[str]] = {}
        for name in names:
            for form in self._forms(name, prefixes, (display or {}).get(name, "")):
                forms.setdefault(form, set()).add(name)
        exact = {n.lower() for n in names}
        self._unique = {
            form: next(iter(owners))
            for form, owners in forms.items()
            if len(owners) == 1 and form not in exact and len(form) >= 4
        }
        self.shared = {
            form: tuple(sorted(owners))
            for form, owners in forms.items()
            if 2 <= len(owners) <= 4 and form not in exact and len(form) >= 4
        }
        """Loose forms that two to four tables share: asking with one is really ambiguous."""
        self.by_table: dict[str, list[str]] = {}
        for form, table in sorted(self._unique.items()):
            self.by_table.setdefault(table, []).append(form)

    @staticmethod
    def _forms(name: str, prefixes: Counter[str], display: str) -> set[str]:
        stem = core(name, prefixes)
        spaced = " ".join(stem.split("_"))
        tokens = spaced.split()
        last = tokens[-1] if tokens else spaced
        forms: set[str] = set()
        if stem != name.lower() or "_" in name:
            # the singular and plural of the core both count as its form, so "groups" and "group" collide
            forms = {spaced, " ".join([*tokens[:-1], plural(last)]), " ".join([*tokens[:-1], singular(last)])}
        if display:
            plain = re.sub(r"\s*\(.*?\)", "", display).strip().lower()
            if re.fullmatch(r"[a-z]+(?: [a-z]+){0,3}", plain) and plain != spaced:
                forms.add(plain)
        return {f for f in forms if f and not f.isdigit()}

    def by_table_forms(self) -> list[str]:
        """Every loose form that names one table."""
        return sorted(self._unique)

    def loose(self, table: str, rng: random.Random) -> str | None:
        """One loose form of `table` that names it alone in this catalog, or None."""
        options = self.by_table.get(table, [])
        return rng.choice(options) if options else None


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def typo(text: str, rng: random.Random) -> str:
    """One deterministic slip in the longest word of `text`: a dropped, doubled or swapped letter
    inside the word (never the first), as people type."""
    tokens = re.findall(r"[A-Za-z]{5,}", text)
    if not tokens:
        return text
    word = max(tokens, key=len)
    i = rng.randrange(1, len(word) - 2)
    kind = rng.choice(("drop", "swap", "double"))
    if kind == "drop":
        slipped = word[:i] + word[i + 1 :]
    elif kind == "swap" and word[i] != word[i + 1]:
        slipped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    else:
        slipped = word[: i + 1] + word[i] + word[i + 1 :]
    return text.replace(word, slipped, 1)


def confident_typo(form: str, target: str, others: list[str], rng: random.Random) -> str | None:
    """A typo of `form` that is still nearer `target` than any other name by a clear margin."""
    slipped = typo(form, rng)
    if slipped == form:
        return None
    near = levenshtein(slipped.lower(), form.lower())
    for other in others:
        if other != target and levenshtein(slipped.lower(), other.lower()) <= near + 2:
            return None
    return slipped


OPENERS = ("hey, ", "quick question: ", "so ", "hi! ", "ok, ", "I was wondering, ", "sorry, ")
CLOSERS = (" thanks!", " please", " ?", " thx", " (for a report)")


def decorate(template: str, rng: random.Random) -> tuple[str, str]:
    """A template with a steward's habits, drawn by `rng`: sometimes a slip in one of its own words
    (never in a placeholder), an opener or a closer. Returns (template, what was added or "")."""
    roll = rng.random()
    if roll < 0.18:
        spans = [m for m in re.finditer(r"\{\w+\}|[A-Za-z]{5,}", template) if not m.group().startswith("{")]
        if spans:
            m = rng.choice(spans)
            return template[: m.start()] + typo(m.group(), rng) + template[m.end() :], "kwtypo"
    if roll < 0.4:
        return rng.choice(OPENERS) + template[:1].lower() + template[1:], "opener"
    if roll < 0.55:
        return template.rstrip("?.!") + rng.choice(CLOSERS), "closer"
    return template, ""
