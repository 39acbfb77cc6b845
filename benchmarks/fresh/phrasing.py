"""Turning a family's phrasings and a subject into a question in one of the wording styles."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from .question import Expect, Question
from .schema import Schema
from .wording import STYLES, dress, misspell

Phrasings = Mapping[str, Sequence[str]]
"""Per style, phrasings with `{t}` for the subject (`{w}` for a word, `{a}`/`{b}` for two tables);
a style without its own uses "casual"'s; "followup" phrasings speak of "it" after an earlier turn."""

_OPENERS = ("tell me about {t}", "describe {t}", "let's look at {t}", "what is {t}?")


class Maker:
    """Makes a catalog's questions: one style after another, subjects drawn by a seeded RNG."""

    def __init__(self, schema: Schema, loose: dict[str, str], rng: random.Random) -> None:
        self.schema, self.loose, self.rng = schema, loose, rng
        self.made: list[Question] = []
        self._turn = rng.randrange(len(STYLES))

    def next_style(self, styles: Sequence[str] = STYLES) -> str:
        self._turn += 1
        return styles[self._turn % len(styles)]

    def ask(
        self,
        family: str,
        phrasings: Phrasings,
        expect: Expect,
        subject: str | None = None,
        style: str | None = None,
        **slots: str,
    ) -> None:
        usable = [s for s in STYLES if s in phrasings or s not in ("followup", "loose")]
        if subject is None:
            usable = [s for s in usable if s not in ("followup", "loose")]
        elif subject not in self.loose:
            usable = [s for s in usable if s != "loose"]
        style = style if style in usable else self.next_style(usable)
        before: tuple[str, ...] = ()
        name = subject or ""
        if subject is not None and style in ("loose", "misspelt") and subject in self.loose:
            name = self.loose[subject]
        if style == "followup":
            before = (self.rng.choice(_OPENERS).format(t=subject),)
        text = self.rng.choice(phrasings.get(style) or phrasings["casual"]).format(t=name, **slots)
        text = dress(style, text, self.rng)
        if style == "misspelt":
            text = misspell(text, self.rng, avoid=tuple(self.schema.tables))
        self.made.append(Question(self.schema.label, family, style, text, expect, before))

    def pick(self, pool: Sequence[str], n: int) -> list[str]:
        """n subjects from the pool, each once until the pool runs out."""
        chosen: list[str] = []
        order = list(pool)
        while order and len(chosen) < n:
            self.rng.shuffle(order)
            chosen += order[: n - len(chosen)]
        return chosen
