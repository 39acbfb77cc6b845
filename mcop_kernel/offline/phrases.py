"""The words of a question beyond the names it holds: a search phrase, the words naming a column, and
whether it refers back to a table discussed earlier (`it`, `this table`)."""

from __future__ import annotations

from itertools import pairwise

from . import grammar
from .reading import Reading
from .tokens import Token

_SLOT_WORDS = 3
"""At most this many words name the column a column noun's grammar asks for."""


def refers_back(reading: Reading) -> bool:
    """`it`, `its`, or `this`/`that` standing for a table (`this table`, `that one`, `who owns that?`)."""
    tokens = reading.tokens
    for i, token in enumerate(tokens):
        if token.quoted or token.low not in grammar.PRONOUNS:
            continue
        if token.low not in ("this", "that", "same"):
            return True
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if after is None or after.punct or after.low in ("table", "one"):
            return True
    return False


def phrase_of(reading: Reading) -> str:
    """The question's content words, from the first to the last (a search query or a term)."""
    quoted = [t.text for t in reading.tokens if t.quoted]
    if quoted:
        return quoted[0]
    tokens = reading.tokens
    content = [i for i, t in enumerate(tokens) if not t.filler and t.low not in grammar.PHRASE_CUES]
    if not content:
        return ""
    inner = {i for i in range(content[0], content[-1]) if tokens[i].low in ("of", "and", "&")}
    return " ".join(
        tokens[i].low if tokens[i].mended else tokens[i].text for i in sorted(set(content) | inner)
    )


def column_slots(tokens: list[Token]) -> list[range]:
    """Where a column noun's grammar puts the name of the columns asked for: after a naming word ("fields
    called plant", "columns that are named like x"), after `for` with an indefinite article ("is there a
    column for plant?"), and before "in the name" ("cols with plant in their names")."""
    slots: list[range] = []
    for i, token in enumerate(tokens):
        if token.low not in grammar.COLUMN_NOUNS or token.quoted:
            continue
        j = i + 1
        while j < len(tokens) and tokens[j].low in grammar.RELATIVE:
            j += 1
        named = j < len(tokens) and tokens[j].low in grammar.NAMING
        while j < len(tokens) and tokens[j].low in grammar.NAMING:
            j += 1
        existing = (
            i and tokens[i - 1].low in grammar.INDEFINITE and j < len(tokens) and tokens[j].low == "for"
        )
        if named or existing:
            start = j + 1 if existing and not named else j
            end = start + 1 if start < len(tokens) and _first_slot_word(tokens[start]) else start
            while start < end < len(tokens) and end - start < _SLOT_WORDS and _slot_word(tokens[end]):
                end += 1
            if end > start:
                slots.append(range(start, end))
    if any(t.low in grammar.COLUMN_NOUNS for t in tokens):
        for i in range(1, len(tokens) - 2):  # "<word> in the name"
            if tokens[i].low == "in" and tokens[i + 2].low in ("name", "names"):
                start = i
                while start > 0 and i - start < _SLOT_WORDS and _slot_word(tokens[start - 1]):
                    start -= 1
                if start < i:
                    slots.append(range(start, i))
    return slots


def _before_column_noun(tokens: list[Token]) -> list[range]:
    """The words right before a column noun ("any plant columns", "a billing email field"), however
    ordinary the one next to it ("value columns"), never a determiner ("any columns", "key columns")."""
    for i, token in enumerate(tokens):
        if i == 0 or token.low not in grammar.COLUMN_NOUNS or token.quoted:
            continue
        start = i
        while start > 0 and i - start < _SLOT_WORDS:
            word = tokens[start - 1]
            ordinary = word.low in grammar.FILLER - grammar.NAME_WORDS or word.low in grammar.DETERMINERS
            if word.punct or not word.low.isalpha() or ordinary:
                break
            if start < i and word.low in grammar.COLUMN_STOP:
                break
            start -= 1
        if start < i:
            return [range(start, i)]
    return []


def _first_slot_word(token: Token) -> bool:
    """The word a naming word gives, however ordinary ("fields called value", "a column for number"),
    but not a determiner, a pronoun or filler ("a column for it", "cols called anything")."""
    if token.quoted:
        return True
    low = token.low
    ordinary = low in grammar.FILLER - grammar.NAME_WORDS - grammar.FILLER_NOUNS
    return not (token.punct or ordinary or low in grammar.DETERMINERS or low in grammar.PRONOUNS)


def _slot_word(token: Token) -> bool:
    return token.quoted or not (
        token.punct or token.low in grammar.COLUMN_STOP or token.low in grammar.COLUMN_NOUNS
    )


def column_phrase(reading: Reading) -> str:
    """The words of a question about columns that name the column asked for ("email", "money amounts"):
    those a column noun's grammar gives, else every word that is not filler."""
    tokens = reading.tokens
    slots = column_slots(tokens) or _before_column_noun(tokens)
    if slots:
        return " ".join(tokens[i].low for i in slots[0])
    kept = [
        t.low
        for i, t in enumerate(tokens)
        if not t.punct
        and t.low not in grammar.COLUMN_STOP
        and not (t.low in grammar.PLACES and i and tokens[i - 1].low in grammar.PLACE_LEADS)
    ]
    if kept:
        return " ".join(kept)
    return next(  # "any value columns?": the word before `columns` names them, however ordinary
        (
            t.low
            for t, after in pairwise(tokens)
            if after.low in grammar.COLUMN_NOUNS and t.low.isalpha() and t.low not in grammar.DETERMINERS
        ),
        "",
    )
