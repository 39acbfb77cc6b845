"""Framing words around what a question asks ("walk me through X", "what's the deal with X", "X stuff",
"tables that deal with X"): found on the question's own words, blanked so that they are neither cues
nor names, and the frame they set (describe the table, or look for tables about a topic)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .grammar import ASKING, COLUMN_NOUNS, CUES
from .reading import Reading
from .tokens import Token

Frame = Literal["", "describe", "topic"]

_SUBJECT = r"(?:(?:the )?(?:x|it|this|that|them|these|those)(?: one| ones| table| tables)? )?"
DESCRIBE_FRAME = re.compile(
    r"\b(?:"
    + "|".join(
        (
            r"break(?:s|ing)? " + _SUBJECT + r"down",
            r"(?:walk|run|talk|take|step|guide)(?:s|ing)? (?:me |us )?(?:through|thru|over)",
            r"(?:what(?: is|'s)|what was|so what is) (?:the )?(?:deal|story|lowdown|scoop|rundown|situation)"
            r" (?:with|on|about|behind|of)",
            r"(?:the )?(?:lowdown|low-down|rundown|run-down|scoop|skinny) (?:on|of|about)",
            r"fill (?:me|us) in (?:on|about)",
            r"(?:get|bring|catch) (?:me |us )?up to speed (?:on|with)",
            r"catch (?:me|us) up on",
            r"unpack|dig (?:into|in to)|deep[- ]?dive (?:on|into)|drill (?:into|down into)|zoom in on",
            r"(?:have|take) a (?:closer |quick )?(?:look|peek) at|(?:look|peek) (?:closer )?(?:at|into)",
            r"what (?:do|can) (?:we|you) (?:know|tell me|say) about",
            r"(?:make sense|sense) of|get (?:my|our) head (?:round|around)",
        )
    )
    + r")\b"
)
"""Verbs and idioms that ask for a table as a whole: the table's description, not an intent of their own."""

TOPIC_FRAME = re.compile(
    r"\b(?:"
    + "|".join(
        (
            r"(?<=x )(?:stuff|things|bits|matters|-related|related stuff|related things)",
            r"(?<=x )related\b(?! to)",
            r"(?:deal|deals|dealing|(?:have |has |having )?to do) with",
            r"what (?:have|do) (?:we|you) (?:got|have|keep) (?:for|on|about|around)",
            r"(?:stuff|things|anything|everything|tables?|data) (?:related|relating|pertaining) to",
            r"(?:are|is) (?:all )?about",
            r"(?:cover|covers|covering|concern|concerns|concerning|involve|involves|involving|handle"
            r"|handles|handling|revolve around|revolves around)",
            r"(?:with|have|has|having|contain|containing) (?=x in (?:the|their|its) names?)",
            r"(?<=x )in (?:the|their|its) names?",
            r"names? (?:contain|contains|containing|include|includes|including|with|mentioning|mention)",
            r"named (?:like|after)",
        )
    )
    + r")"
)
"""Words that ask which tables are about a topic ("where do we keep X stuff", "tables that deal with X")."""
TOPIC_TABLES = re.compile(
    r"\b(?:tables?|where|stuff|things|anything|everything|what (?:do|have) (?:we|you) (?:have|got|keep))\b"
)
"""A topic frame asks for tables when the question asks for tables, or where something is kept."""
_KEEP = frozenset(
    ("x", "it", "this", "that", "them", "these", "those", "one", "ones", "table", "tables", "the")
)


@dataclass(frozen=True)
class Framed:
    """The question with its framing words blanked, and the frame they set."""

    reading: Reading
    frame: Frame = ""


def frame(reading: Reading) -> Framed:
    """Blank the words of a describe or topic frame; the catalog's names in the question are kept."""
    words = _words(reading)
    text = " ".join(word for _, word, _ in words)
    found: Frame = ""
    blanked: set[int] = set()
    for kind, pattern in (("describe", DESCRIBE_FRAME), ("topic", TOPIC_FRAME)):
        if kind == "topic" and not TOPIC_TABLES.search(text):
            continue
        for match in pattern.finditer(text):
            if kind == "topic" and any(w in COLUMN_NOUNS and at < match.start() for _, w, at in words):
                continue  # "fields named like x", "cols with x in the name": a column's name, not a topic
            hit = {
                i
                for i, word, at in words
                if at < match.end() and at + len(word) > match.start() and word not in _KEEP
            }
            if hit:
                found = found or kind  # type: ignore[assignment]
                blanked |= hit
    blanked |= _asides(reading)
    if not blanked:
        return Framed(reading)
    tokens = [Token(t.text, ",", punct=True) if i in blanked else t for i, t in enumerate(reading.tokens)]
    kept = [m for m in reading.mentions if m.tables or not blanked & set(range(m.start, m.end))]
    return Framed(Reading(tokens, kept), found)


def _words(reading: Reading) -> list[tuple[int, str, int]]:
    """The question's words as `masked` reads them (a table mention is one `x`): (token index, word,
    where it starts in the words joined by spaces)."""
    named = {m.start: m.end for m in reading.mentions if m.tables}
    words: list[tuple[int, str, int]] = []
    at, i = 0, 0
    while i < len(reading.tokens):
        end = named.get(i)
        word = "x" if end is not None else reading.tokens[i].low
        words.append((i, word, at))
        at += len(word) + 1
        i = end if end is not None else i + 1
    return words


def _asides(reading: Reading) -> set[int]:
    """Words around the question that name nothing: a preamble before its first comma or colon ("random
    question, and the pk?", "for a ticket I'm writing up: ...") and a parenthesis ("(for a ticket)")."""
    tokens = reading.tokens
    named = {i for m in reading.mentions for i in range(m.start, m.end)}
    asides: set[int] = set()
    opened: int | None = None
    for i, token in enumerate(tokens):
        if token.punct and token.low == "(":
            opened = i
        elif token.punct and token.low == ")" and opened is not None:
            inside = set(range(opened, i + 1))
            if not inside & named:
                asides |= inside
            opened = None
    separator = next((i for i, t in enumerate(tokens[:8]) if t.punct and t.low in (",", ":", ";")), None)
    if separator:
        before, after = tokens[:separator], tokens[separator + 1 :]
        plain = all(t.low not in ASKING and t.low not in CUES and not t.quoted for t in before)
        if plain and not named & set(range(separator)) and any(not t.filler for t in after):
            asides |= set(range(separator + 1))
    return asides
