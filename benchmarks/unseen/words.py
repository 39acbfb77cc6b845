"""How a steward names things: loose table names, slips of the keyboard, filler around a question."""

from __future__ import annotations

import random
import re

from .truth import Truth

OPENERS = (
    "quick one: ",
    "hey, ",
    "so ",
    "sorry to bother, ",
    "ok ",
    "hi! ",
    "one more thing - ",
    "random question, ",
    "morning. ",
)
CLOSERS = (" thanks", " pls", " cheers", "?", " if you know", " (for a ticket)", " :)")
FILLER_SHARE = 0.45
"""About this share of questions carry a steward's filler before or after (or both)."""


def plural(word: str) -> str:
    """English plural of one word, good enough for table names."""
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + "s"


def singular(word: str) -> str:
    """English singular of one word (the inverse of `plural` on the names seen here)."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(ses|xes|zes|ches|shes)$", word):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _bare(truth: Truth, table: str) -> str:
    """The table's name in words: a Django app label dropped, the sample's display name."""
    if truth.steward_metadata:
        text = truth.tables[table].display_name or table
        return " ".join(re.sub(r"[^\w\s]", " ", text).lower().split())
    label = truth.apps.get(table, "")
    rest = table[len(label) + 1 :] if label and table.startswith(label + "_") else table
    return rest.replace("_", " ").lower().strip()


def loose_forms(truth: Truth, table: str) -> list[str]:
    """Loose names that name `table` and no other table of the catalog (the bare form and its
    other number); empty when the catalog's own words do not single it out."""
    bare = _bare(truth, table)
    if not bare:
        return []
    words = bare.split()
    last = words[-1]
    other_number = plural(last) if singular(last) == last else singular(last)
    forms = [bare, " ".join([*words[:-1], other_number])]
    others = {_bare(truth, t) for t in truth.tables if t != table}
    others |= {t.lower() for t in truth.tables if t != table}
    others_sing = {" ".join(singular(w) for w in o.split()) for o in others}
    out = []
    for form in dict.fromkeys(forms):
        key = " ".join(singular(w) for w in form.split())
        if form not in others and key not in others_sing and len(form) >= 3:
            out.append(form)
    return out


def typo(word: str, rng: random.Random) -> str:
    """One slip of the keyboard inside a word of six letters or more (swap, drop or double)."""
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if len(letters) < 6:
        return word
    i = rng.choice(letters[1:-2])
    kind = rng.choice(("swap", "drop", "double"))
    if kind == "swap" and word[i] != word[i + 1] and word[i + 1].isalpha():
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "double":
        return word[: i + 1] + word[i] + word[i + 1 :]
    return word[:i] + word[i + 1 :]


def misspell(phrase: str, rng: random.Random) -> str:
    """The phrase with its longest word misspelt (unchanged when no word is long enough)."""
    words = phrase.split(" ")
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    words[longest] = typo(words[longest], rng)
    return " ".join(words)


class Namer:
    """Chooses how each question names a table: exactly, loosely, or loosely and misspelt."""

    def __init__(self, truth: Truth, rng: random.Random) -> None:
        self.truth = truth
        self.rng = rng

    def name(self, table: str) -> tuple[str, str]:
        """(how the table is written, the style: exact, loose or misspelt)."""
        forms = loose_forms(self.truth, table)
        roll = self.rng.random()
        if not forms or roll < 0.35:
            return table, "exact"
        form = self.rng.choice(forms)
        if form == table.lower():
            return form, "exact"
        if roll < 0.55:
            slipped = misspell(form, self.rng)
            if slipped != form:
                return slipped, "misspelt"
        return form, "loose"

    def dress(self, question: str) -> tuple[str, str]:
        """The question with a steward's filler around it, sometimes; (text, style)."""
        opener = closer = ""
        if self.rng.random() < FILLER_SHARE:
            where = self.rng.choice(("before", "after", "both"))
            opener = self.rng.choice(OPENERS) if where != "after" else ""
            closer = self.rng.choice(CLOSERS) if where != "before" else ""
        text = f"{opener}{question}{closer}".strip()
        if self.rng.random() < 0.3:
            text = text.lower().rstrip("?")
        return text, "filler" if opener or closer.strip() else "plain"
