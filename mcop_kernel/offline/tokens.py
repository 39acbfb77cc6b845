"""A question's tokens: its words, quoted names and punctuation, with the grammar's short forms read
("cols") and misspelt words mended to the grammar's words or the catalog's own ("colmn", "purchse")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..catalog.words import singular
from . import grammar, value_kinds
from .names import Vocabulary

_TOKEN = re.compile(
    r"""“([^”]+)”|"([^"]+)"|`([^`]+)`|(?<![\w'])'([^']+)'(?![\w'])|(\w[\w\-./']*)|([,;:?!()&])"""
)
_HYPHENED = re.compile(r"^(\w+)-(related|relevant|specific|oriented|focused)$", re.IGNORECASE)
_IS_CONTRACTED = frozenset(["what", "who", "where", "it", "that", "there", "how", "here"])


@dataclass(frozen=True)
class Token:
    """A word of the question (or a quoted name, or punctuation); `low` is as read, typos mended."""

    text: str
    low: str
    quoted: bool = False
    punct: bool = False
    mended: bool = False

    @property
    def filler(self) -> bool:
        return not self.quoted and (self.punct or self.low in grammar.TYPO_EXEMPT)


def tokens_of(question: str, vocab: Vocabulary | None = None) -> list[Token]:
    """The question's tokens; with a vocabulary, words it does not know are mended to its closest word."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(" ".join(question.replace("’", "'").split())):
        quoted = next((g for g in match.groups()[:4] if g and g.strip()), None)
        if quoted is not None:
            tokens.append(Token(quoted.strip(), quoted.strip().lower(), quoted=True))
        elif match.group(5):
            raw = match.group(5).rstrip(".-/'")
            hyphened = _HYPHENED.match(raw)
            if hyphened:  # "thumbnail-related tables": the name, then the framing word
                tokens.append(_mend(Token(hyphened[1], hyphened[1].lower()), vocab))
                tokens.append(Token(hyphened[2], hyphened[2].lower()))
                continue
            word = re.sub(r"'s?$", "", raw)
            if word:
                tokens.append(_mend(Token(word, word.lower()), vocab))
            if raw.lower().endswith("'s") and word.lower() in _IS_CONTRACTED:
                tokens.append(Token("is", "is"))
        else:
            tokens.append(Token(match.group(6), match.group(6), punct=True))
    return tokens


def _mend(token: Token, vocab: Vocabulary | None) -> Token:
    low = token.low
    short = grammar.SHORT_FORMS.get(low)
    if short is not None and (vocab is None or low not in vocab.exact):  # "cols": columns, unless a table
        return Token(token.text, short)
    if vocab is None or len(low) < 4 or not low.isalpha() or low in grammar.TYPO_EXEMPT:
        return token
    if low in vocab.exact or singular(low) in vocab.words or low in vocab.words:
        return token
    if low in value_kinds.VALUE_WORDS or low in grammar.CUES or low in grammar.NOT_TYPOS:
        return token
    best: tuple[str, float] | None = None
    for choices, cutoff in ((grammar.TYPO_TARGETS, 80), (vocab.word_list, 84)):
        for query in dict.fromkeys((singular(low), low)):
            found = process.extractOne(query, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
            if found is None or found[0][0] != low[0] or low.startswith(found[0]):
                continue
            # a word the catalog's is a prefix of is no typo of it; a grammar word's last letter dropped
            # ("colum", "foreig") still is
            cut = choices is grammar.TYPO_TARGETS and len(low) >= 5 and len(found[0]) == len(low) + 1
            cut = cut and found[0][-1] not in "sd"  # "depend" is no typo of "depends"
            if found[0].startswith(low) and not cut:
                continue
            if best is None or found[1] > best[1]:
                best = (found[0], found[1])
    if best is None:
        return token
    return Token(token.text, best[0], mended=True)
