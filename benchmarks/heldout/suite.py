"""The held-out set per catalog: every schema intent, and on the sample its steward intents too."""

from __future__ import annotations

import random

from benchmarks.understanding.facts import CatalogFacts

from .questions import (
    Question,
    areas,
    count_columns,
    count_tables,
    debt_and_kinds,
    describe,
    follow_ups,
    join_paths,
    keys,
    references,
)
from .subjects import Subjects
from .vocabulary import columns_of_kind, search


def schema_questions(
    facts: CatalogFacts,
    apps: dict[str, str],
    types: dict[str, dict[str, str]],
    rng: random.Random,
    n: int = 2,
) -> list[Question]:
    """Every schema intent for one catalog; `n` subjects per template group."""
    s = Subjects(facts, apps, rng)
    out: list[Question] = []
    for make in (
        count_tables,
        count_columns,
        describe,
        keys,
        references,
        join_paths,
        debt_and_kinds,
        follow_ups,
    ):
        out += make(facts, s, n)
    out += search(facts, s, n, apps)
    out += columns_of_kind(facts, s, 1, types)
    out += areas(facts, s, n, apps)
    return out
