"""How a steward names things and wraps a question: loose table names made from the schema's own
words, misspellings, filler and casual styles. Every choice comes from the seeded `random.Random`."""

from __future__ import annotations

import random
import re
from collections import Counter

from .schema import Schema

PREFIXES = (
    "quick question: ",
    "hi, ",
    "hey - ",
    "sorry, probably a dumb one: ",
    "for the audit: ",
    "ok so ",
    "hmm, ",
    "one more: ",
    "I'm new here - ",
    "before I forget, ",
    "right, ",
    "a colleague asked me this: ",
    "need this for a ticket: ",
)
SUFFIXES = (
    " thanks",
    " cheers",
    " pls",
    " thx!",
    " (asking for the migration plan)",
    " - no rush",
    " ta",
    " if you know",
    " :)",
)
POLITE = (
    ("Could you tell me ", "? Thank you."),
    ("Would you mind checking ", " for me?"),
    ("I'd like to know ", ", please."),
    ("Can you help me find out ", "?"),
)
ASKING = {
    "what",
    "what's",
    "which",
    "who",
    "whom",
    "who's",
    "how",
    "where",
    "when",
    "is",
    "are",
    "does",
    "do",
    "has",
    "can",
    "any",
    "if",
}
DOING = {
    "list",
    "show",
    "describe",
    "tell",
    "give",
    "find",
    "search",
    "compare",
    "put",
    "link",
    "explain",
    "define",
}
STYLES = ("plain", "casual", "filler", "polite", "misspelt", "loose")


def words_of(name: str) -> list[str]:
    """A name's words: split at `_`, `-`, spaces and case changes (`registeredModel` -> two)."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return [w.lower() for w in re.split(r"[_\-\s.]+", spaced) if w]


def plural(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es" if not word.endswith("s") else word
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


class Namer:
    """Loose forms of a schema's table names: the app label dropped (Django schemas), run-together
    model names split at words the schema itself uses, singular or plural. A loose form is offered
    only when no other table of the schema has the same loose words."""

    def __init__(self, schema: Schema, django: bool):
        self.schema = schema
        tokens: Counter[str] = Counter()
        for table in schema.tables.values():
            for name in (table.name, *table.columns):
                tokens.update(w for w in words_of(name) if len(w) >= 3)
        self.known = {w for w in tokens if len(w) >= 3}
        heads = Counter(words_of(t)[0] for t in schema.tables if len(words_of(t)) > 1)
        self.labels = {h for h, n in heads.items() if n >= 2} if django else set()
        self.loose: dict[str, list[str]] = {}
        keys: Counter[tuple[str, ...]] = Counter()
        for name in schema.tables:
            keys[self._key(name)] += 1
        for name in schema.tables:
            if keys[self._key(name)] == 1:
                self.loose[name] = self._words(name)

    def _split(self, word: str) -> list[str]:
        """`globalpagepermission` -> `global page permission` when each is a word of this schema."""
        for cut in range(len(word) - 3, 3, -1):
            head, tail = word[:cut], word[cut:]
            if head in self.known:
                rest = [tail] if tail in self.known or singular(tail) in self.known else self._split(tail)
                if rest != [tail] or tail in self.known or singular(tail) in self.known:
                    return [head, *rest]
        return [word]

    def _words(self, table: str) -> list[str]:
        parts = words_of(table)
        if len(parts) > 1 and parts[0] in self.labels:
            parts = parts[1:]
        split = [piece for part in parts for piece in self._split(part)]
        kept: list[str] = []
        for word in split:  # `thumbnails_thumbnail` -> `thumbnail`
            if not kept or singular(kept[-1]) != singular(word):
                kept.append(word)
        return kept

    def _key(self, table: str) -> tuple[str, ...]:
        return tuple(singular(w) for w in self._words(table))

    def form(self, table: str, rng: random.Random, loose: bool) -> str:
        """The exact name, or a loose one (plural or singular, spaced)."""
        if not loose or table not in self.loose:
            return table
        parts = list(self.loose[table])
        last = parts[-1]
        if rng.random() < 0.6:
            if not last.endswith(("a", "info", "s")):
                parts[-1] = plural(last)
        elif singular(last) in self.known:
            parts[-1] = singular(last)
        return " ".join(parts)


def misspell(text: str, rng: random.Random, avoid: tuple[str, ...] = ()) -> str:
    """One word of six letters or more (else five) loses a letter or has two neighbours swapped. Exact
    names (`submission_submission`, `T001W`) are left alone: a steward who copies a name copies it right."""
    candidates: list[re.Match[str]] = []
    for least in (6, 5):
        pattern = rf"(?<![A-Za-z0-9_])[A-Za-z]{{{least},}}(?![A-Za-z0-9_])"
        candidates = [m for m in re.finditer(pattern, text) if m.group(0) not in avoid]
        if candidates:
            break
    else:
        return text
    found = rng.choice(candidates)
    word = found.group(0)
    at = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        wrong = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    else:
        wrong = word[:at] + word[at + 1 :]
    return text[: found.start()] + wrong + text[found.end() :]


def dress(question: str, style: str, rng: random.Random) -> str:
    """A question in one of the styles (the name form is chosen before)."""
    if style == "casual":
        return question.rstrip("?.!").lower()
    if style == "filler":
        if rng.random() < 0.6:
            return rng.choice(PREFIXES) + question
        return question.rstrip("?") + rng.choice(SUFFIXES)
    if style == "polite":
        body = re.sub(r"^(ok, )?and ", "", question.rstrip("?."), flags=re.I)
        body = body[0].lower() + body[1:]
        if body.split()[0] in ASKING:
            head, tail = rng.choice(POLITE)
            return head + body + tail
        if body.split()[0] in DOING:
            return rng.choice(("Could you please {}?", "Please {}.", "Would you {} for me?")).format(body)
        return rng.choice(("Could you tell me: {}?", "I'd like to know this, please: {}.")).format(body)
    return question
