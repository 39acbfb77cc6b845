"""How a steward words a question: styles, loose names for tables and seeded misspellings.

Loose names come from the schema itself (a name's words, an application label dropped, a model name
run together split at words the schema uses elsewhere, singular or plural) and are used only when no
other table of the schema has the same loose form, so a question never asks about two tables at once.
"""

from __future__ import annotations

import random
import re
from collections import Counter

from .schema import Schema

_UNCOUNTED = {"data", "info", "information", "metadata", "staging", "history"}
STYLES = ("casual", "terse", "polite", "filler", "misspelt", "loose", "followup")

_FILLER_BEFORE = (
    "ok so, ",
    "quick one: ",
    "hmm, I was wondering, ",
    "sorry if this is obvious, but ",
    "right, next thing - ",
    "for a ticket I'm writing up: ",
)
_FILLER_AFTER = (" thanks!", " cheers", " if you know", " - no rush", " (asking for the audit)", "")
_IMPERATIVE = {"show", "list", "define", "describe", "tell", "give", "find"}
_POLITE_BEFORE = ("Could you please tell me ", "Would you mind telling me ", "Please, can you show me ")


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "shes", "ches")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def plural(word: str) -> str:
    if word.endswith("s"):
        return word
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("x", "sh", "ch")):
        return word + "es"
    return word + "s"


def _split(word: str, known: set[str]) -> list[str]:
    """A run-together word as known words of at least three letters, fewest pieces first
    (`applicationfeerefund` → application, fee, refund), or the word itself."""
    known = known - {word, singular(word)}
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for i in range(1, len(word) + 1):
        for j in range(max(0, i - 24), i - 2):
            before, piece = best[j], word[j:i]
            if before is not None and (piece in known or singular(piece) in known):
                found = best[i]
                if found is None or len(before) + 1 < len(found):
                    best[i] = [*before, piece]
    pieces = best[-1]
    return pieces if pieces and len(pieces) > 1 else [word]


def _loose_words(name: str, areas: set[str], dominant: set[str], known: set[str]) -> list[str]:
    parts = [p for p in re.split(r"[_\s]+", name.lower()) if p]
    if len(parts) >= 2 and parts[-1] in parts[:-1]:
        return [parts[-1]]  # spirit_topic_topic → topic
    label = set(parts[:-1])
    if any(parts[-1].startswith(p) and len(parts[-1]) - len(p) >= 3 for p in label):
        words = _split(parts[-1], known | label)  # Django: an app label, then the model's name
        return [w for w in words if w not in areas] or words
    if len(parts) >= 2 and parts[0] in areas and (len(parts) >= 3 or parts[0] in dominant):
        parts = parts[1:]  # an application's label dropped
    return [w for p in parts for w in _split(p, known)]


def _key(words: list[str]) -> str:
    return "".join(singular(w) for w in words)


def loose_names(schema: Schema) -> dict[str, str]:
    """Each table's loose name, where the schema gives it one that no other table shares."""
    first = Counter(re.split(r"_", t.lower())[0] for t in schema.tables)
    areas = {w for w, n in first.items() if n >= 3}
    dominant = {w for w, n in first.items() if n >= max(3, len(schema.tables) // 4)}
    known = {p for t in schema.tables for p in t.lower().split("_") if len(p) >= 3}
    known |= {singular(p) for p in known}
    known |= {
        p for cols in schema.columns.values() for c in cols for p in c.lower().split("_") if len(p) >= 4
    }
    words = {t: _loose_words(t, areas, dominant, known) for t in schema.tables}
    for table, display in schema.display.items():
        words[table] = re.findall(r"[a-z0-9]+", display.lower())
    keys = Counter(_key(w) for w in words.values())
    exact = {t.lower().replace("_", "") for t in schema.tables}
    loose: dict[str, str] = {}
    full = {t: _key(t.lower().split("_")) for t in schema.tables}
    for table, ws in words.items():
        if keys[_key(ws)] > 1 or not ws or any(f.endswith(_key(ws)) for t, f in full.items() if t != table):
            continue  # another table's name ends the same way: the loose name would be ambiguous
        last = ws[-1]
        if table not in schema.display and last not in _UNCOUNTED and len(last) > 3:
            last = singular(last) if last != singular(last) else plural(last)
        phrase = " ".join([*ws[:-1], last])
        if phrase.replace(" ", "") != table.lower().replace("_", "") and phrase.replace(" ", "") not in exact:
            loose[table] = phrase
    return loose


def misspell(text: str, rng: random.Random, avoid: tuple[str, ...] = ()) -> str:
    """One letter dropped or two swapped in one word of at least six letters; an exact table name
    in the question is left as it is (a loose name may be misspelt)."""
    exact = {a.lower() for a in avoid}
    tokens = [m for m in re.finditer(r"[A-Za-z0-9_]+", text) if m.group().lower() not in exact]
    words = [m for m in tokens if len(m.group()) >= 6 and m.group().isalpha()]
    words = words or [m for m in tokens if len(m.group()) == 5 and m.group().isalpha()]
    if not words:
        return text
    m = rng.choice(words)
    w = m.group()
    i = rng.randrange(2, len(w) - 2)
    typo = w[:i] + w[i + 1 :] if rng.random() < 0.5 else w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    return text[: m.start()] + typo + text[m.end() :]


def dress(style: str, question: str, rng: random.Random) -> str:
    """A question in a style's clothes (the phrasing itself is the family's)."""
    if style == "filler":
        return rng.choice(_FILLER_BEFORE) + question + rng.choice(_FILLER_AFTER)
    if style == "polite" and question.split(" ", 1)[0] in _IMPERATIVE:
        return "Please " + question.rstrip("?") + ", thank you."
    if style == "polite" and not question[:1].isupper():
        return rng.choice(_POLITE_BEFORE) + question.rstrip("?") + "? Thank you."
    if style == "terse":
        return re.sub(r"\?$", "", question)
    return question
