"""A benchmark case (a question and the facts its answer must hold) and how subjects are worded."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TypeVar

from .facts import CatalogFacts
from .wording import LooseNames, confident_typo

T = TypeVar("T")


@dataclass(frozen=True)
class Expect:
    """The facts a correct answer states; what each means is in this folder's README."""

    names: tuple[str, ...] = ()
    """Catalog names (tables, columns) that must each appear as a whole name, in any case."""
    phrases: tuple[str, ...] = ()
    """Person or term names that must each appear, in any case."""
    counts: tuple[int, ...] = ()
    """One of these numbers must appear (several when a count may fairly be taken two ways)."""
    lists: tuple[tuple[str, ...], ...] = ()
    """The listed items; the answer must satisfy the list rule for one of these (alternative truths)."""
    tables_listed: bool = True
    """The listed items are table names: naming many tables outside the list fails the case."""
    allowed: tuple[str, ...] = ()
    """Tables the answer may name besides the list without counting as wrong (the subject, the
    other end of a listed relationship)."""
    total: int | None = None
    """The total a long list must state when it is not the number of listed items (a list of
    relationships named by their tables)."""
    path: tuple[str, ...] = ()
    """A join path's tables, which must appear in this order (or its reverse)."""


@dataclass(frozen=True)
class Case:
    catalog: str
    family: str
    style: str
    """How the question is worded: its template's tone, and the subject's form (exact, loose, typo)."""
    question: str
    expect: Expect
    subject: str = ""


@dataclass
class Wording:
    """Subject names for questions: the exact name, a loose form, or a typo, in rotation."""

    facts: CatalogFacts
    rng: random.Random
    loose: LooseNames = field(init=False)
    _turn: int = 0

    def __post_init__(self) -> None:
        display = {n: t.display_name for n, t in self.facts.tables.items()}
        self.loose = LooseNames(sorted(self.facts.tables), display)
        self._others = [*self.facts.tables, *self.loose.by_table_forms()]

    def name(self, table: str) -> tuple[str, str]:
        """(how the question names `table`, which form that is). Rotates exact -> loose -> typo; a
        form that would not point at `table` alone falls back to the exact name."""
        self._turn += 1
        choice = self._turn % 3
        if choice == 1:
            form = self.loose.loose(table, self.rng)
            if form:
                return form, "loose"
        if choice == 2:
            base = self.loose.loose(table, self.rng) or table
            slipped = confident_typo(base, base, [o for o in self._others if o != base], self.rng)
            if slipped and not self._others_match(slipped, table):
                return slipped, "typo"
        return table, "exact"

    def _others_match(self, text: str, table: str) -> bool:
        lowered = text.lower()
        return any(o.lower() == lowered for o in self.facts.tables if o != table)


def rotate(items: list[T], count: int, rng: random.Random) -> list[T]:
    """`count` picks from `items`, each used once before any is used twice, in a seeded order."""
    if not items:
        return []
    out: list[T] = []
    while len(out) < count:
        batch = list(items)
        rng.shuffle(batch)
        out.extend(batch)
    return out[:count]
