"""One benchmark question, and the graph facts (neighbours, shortest joins) questions are drawn from."""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass

from .score import Expect
from .truth import Truth
from .words import Namer


@dataclass(frozen=True)
class Question:
    """A question in a steward's words with the facts its answer must state."""

    catalog: str
    family: str
    style: str
    """How it is worded: exact, loose, misspelt names; filler; follow-up."""
    question: str
    expect: Expect
    before: tuple[str, ...] = ()
    """Earlier turns of the same conversation, asked first and not scored."""


class Maker:
    """Builds the questions of one catalog: names tables, dresses wording, keeps the RNG."""

    def __init__(self, truth: Truth, rng: random.Random) -> None:
        self.truth = truth
        self.rng = rng
        self.namer = Namer(truth, rng)
        self.graph = undirected(truth)

    def ask(
        self,
        family: str,
        wordings: tuple[str, ...],
        expect: Expect,
        table: str = "",
        before: tuple[str, ...] = (),
        **slots: str,
    ) -> Question:
        """A question from one of `wordings`; `{t}` is `table` named the way a steward would."""
        named = "exact"
        if table:
            slots["t"], named = self.namer.name(table)
        text, dressed = self.namer.dress(self.rng.choice(wordings).format(**slots))
        if before:
            style = "follow-up"
        elif named != "exact":
            style = named
        elif dressed == "filler":
            style = dressed
        else:
            style = "terse" if len(text.split()) <= 4 else "plain"
        return Question(self.truth.label, family, style, text, expect, before)

    def ask_each(
        self, family: str, wordings: tuple[str, ...], expect: Expect, times: int = 2
    ) -> list[Question]:
        """The same catalog-wide fact asked `times` ways (distinct wordings, each dressed anew)."""
        chosen = self.rng.sample(wordings, min(times, len(wordings)))
        return [self.ask(family, (w,), expect) for w in chosen]

    def pick(self, items: list[str], n: int) -> list[str]:
        """Up to `n` of `items`, drawn by the seeded RNG."""
        pool = sorted(items)
        return self.rng.sample(pool, min(n, len(pool)))


def undirected(truth: Truth) -> dict[str, set[str]]:
    """Table -> the tables one foreign key away, in either direction."""
    graph: dict[str, set[str]] = {t: set() for t in truth.tables}
    for link in truth.links:
        if link.table != link.to_table:
            graph[link.table].add(link.to_table)
            graph[link.to_table].add(link.table)
    return graph


def distances(graph: dict[str, set[str]], start: str, limit: int = 8) -> dict[str, int]:
    """Fewest joins from `start` to every table it reaches (at most `limit`)."""
    seen = {start: 0}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        if seen[here] >= limit:
            continue
        for there in sorted(graph[here]):
            if there not in seen:
                seen[there] = seen[here] + 1
                queue.append(there)
    return seen


def downstream(truth: Truth, table: str) -> set[str]:
    """Every table fed from `table` by lineage, however far."""
    out: set[str] = set()
    frontier = [table]
    while frontier:
        here = frontier.pop()
        for source, target in truth.lineage:
            if source == here and target not in out and target != table:
                out.add(target)
                frontier.append(target)
    return out
