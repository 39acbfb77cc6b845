"""Reading a question with no catalog to read it against: names come from the question's own words."""

from __future__ import annotations

from . import grammar
from .reading import Mention, Reading
from .tokens import tokens_of
from .vocabulary import EXACT


def read_without_catalog(question: str) -> Reading:
    """With no catalog to read against: each run of words that are neither filler nor cues is a name."""
    tokens = tokens_of(question)
    reading = Reading(tokens)
    run: list[int] = []

    def flush() -> None:
        if run:
            text = " ".join(tokens[i].text for i in run)
            reading.mentions.append(Mention(run[0], run[-1] + 1, text, tables=((EXACT, text),)))
            run.clear()

    for i, token in enumerate(tokens):
        name_like = token.quoted or not (
            token.filler or token.low in grammar.CUES or token.low in grammar.PRONOUNS
        )
        if (name_like and token.low not in grammar.TYPE_WORDS) or (
            token.low == "of" and run and i + 1 < len(tokens) and not tokens[i + 1].filler
        ):
            run.append(i)
        else:
            flush()
    flush()
    return reading
