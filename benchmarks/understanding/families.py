"""Question families any catalog can answer: counts, describe, columns like X, keys, references,
join paths, documentation debt, kinds of relationship, areas and search. Subjects are drawn by a
seeded RNG from the catalog's facts; each expected fact is computed from those facts."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

from .cases import Case, Expect, Wording, rotate
from .facts import CatalogFacts
from .graph import hubs, unique_shortest_path
from .templates import (
    AMBIGUOUS,
    AREA,
    COLUMNS_LIKE,
    COUNT_COLUMNS,
    COUNT_TABLES,
    DESCRIBE,
    FUNCTION_WORDS,
    JOIN,
    NO_FK,
    ONE_TO_ONE,
    OPTIONAL,
    POINTS_TO,
    PRIMARY_KEY,
    REFERENCED_BY,
    SEARCH,
    SELF_REF,
    Template,
)
from .wording import area_of, decorate, plural, singular, typo, words

Family = Callable[[CatalogFacts, random.Random, int], Iterator[Case]]


def _case(
    facts: CatalogFacts,
    family: str,
    tone: str,
    form: str,
    template: str,
    expect: Expect,
    subject: str,
    rng: random.Random,
    **fields: str,
) -> Case:
    """A case from a template: decorated by a steward's habits (see `decorate`), then filled in."""
    template, habit = decorate(template, rng)
    style = "+".join(x for x in (tone, "" if form == "exact" else form, habit) if x)
    return Case(facts.label, family, style, template.format(**fields), expect, subject)


def counts(facts: CatalogFacts, rng: random.Random, n: int) -> Iterator[Case]:
    total = len(facts.tables)
    both = tuple(sorted({total, total - len(facts.virtual & set(facts.tables))}))
    for tone, text in COUNT_TABLES[: max(1, n // 2)]:
        yield _case(facts, "counts", tone, "exact", text, Expect(counts=both), "", rng)
    say = Wording(facts, rng)
    picks = rotate(sorted(facts.tables), n - max(1, n // 2), rng)
    for (tone, text), table in zip(rotate(COUNT_COLUMNS, len(picks), rng), picks, strict=True):
        name, form = say.name(table)
        expect = Expect(names=(table,), counts=(len(facts.tables[table].columns),))
        yield _case(facts, "counts", tone, form, text, expect, table, rng, t=name)


def describe(facts: CatalogFacts, rng: random.Random, n: int) -> Iterator[Case]:
    say = Wording(facts, rng)
    picks = rotate(sorted(facts.tables), n, rng)
    for (tone, text), table in zip(rotate(DESCRIBE, n, rng), picks, strict=True):
        name, form = say.name(table)
        columns = list(facts.tables[table].columns)
        shown = tuple(rng.sample(columns, min(3, len(columns))))
        yield _case(facts, "describe", tone, form, text, Expect(names=(table, *shown)), table, rng, t=name)


def _column_words(facts: CatalogFacts) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for table in facts.tables.values():
        for column in table.columns:
            for word in words(column):
                if len(word) >= 4 and not word.isdigit() and word not in FUNCTION_WORDS:
                    found.setdefault(word, set()).add(table.name)
    return found


def columns_like(facts: CatalogFacts, rng: random.Random, n: int) -> Iterator[Case]:
    table_words = {w for name in facts.tables for w in words(name)}
    found = _column_words(facts)
    choices = sorted(w for w, tables in found.items() if 2 <= len(tables) <= 8 and w not in table_words)
    for (tone, text), word in zip(rotate(COLUMNS_LIKE, n, rng), rotate(choices, n, rng), strict=False):
        expect = Expect(lists=(tuple(sorted(found[word])),))
        yield _case(facts, "columns_like", tone, "exact", text, expect, word, rng, w=word, ws=plural(word))


def primary_key(facts: CatalogFacts, rng: random.Random, n: int) -> Iterator[Case]:
    keyed = sorted(t for t, f in facts.tables.items() if f.primary_key)
    special = [t for t in keyed if facts.tables[t].primary_key != ("id",)]
    plain = [t for t in keyed if t not in special]
    picks = rotate(special, (n + 1) // 2 if plain else n, rng) + rotate(plain, n // 2 if special else n, rng)
    say = Wording(facts, rng)
    for (tone, text), table in zip(rotate(PRIMARY_KEY, n, rng), picks[:n], strict=False):
        name, form = say.name(table)
        expect = Expect(names=(table, *facts.tables[table].primary_key))
        yield _case(facts, "primary_key", tone, form, text, expect, table, rng, t=name)


def references(facts: CatalogFacts, rng: random.Random, n: int) -> Iterator[Case]:
    say = Wording(facts, rng)
    inbound = sorted(t for t in facts.tables if 1 <= len(facts.referenced_by(t)) <= 10)
    outbound = sorted(t for t in facts.tables if 1 <= len(facts.points_to(t)) <= 10)
    half = (n + 1) // 2
    asked = [(t, REFERENCED_BY, facts.referenced_by(t)) for t in rotate(inbound, half, rng)]
    asked += [(t, POINTS_TO, facts.points_to(t)) for t in rotate(outbound, n - half, rng)]
    for table, templates, truth in asked:
        tone, text = rng.choice(templates)
        name, form = say.name(table)
        expect = Expect(
            lists=(tuple(sorted(truth)),), allowed=tuple(sorted(facts.neighbours(table) | {table}))
        )
        yield _case(facts, "references", tone, form, text, expect, table, rng, t=name)


def join_path(facts: CatalogFacts, rng: random.Random, n: int) -> Iterator[Case]:
    say = Wording(facts, rng)
    avoid = hubs(facts)
    starts = rotate(sorted(t for t in facts.tables if facts.neighbours(t) and t not in avoid), 4 * n, rng)
    asked = 0
    for start in starts:
        if asked >= n:
            return
        ends = sorted(t for t in facts.tables if t != start and t not in avoid)
        rng.shuffle(ends)
        for end in ends[:40]:
            path = unique_shortest_path(facts, start, end, avoid, max_steps=3)
            if path is None:
                continue
            tone, text = rng.choice(JOIN)
            (a, fa), (b, fb) = say.name(start), say.name(end)
            form = fa if fa != "exact" else fb
            yield _case(
                facts, "join_path", tone, form, text, Expect(path=path), f"{start}->{end}", rng, a=a, b=b
            )
            asked += 1
            break


def debt(facts: CatalogFacts, rng: random.Random, n: int) -> Iterator[Case]:
    holders = {r.table for r in facts.references}
    outgoing = tuple(sorted(t for t in facts.tables if t not in holders))
    isolated = tuple(sorted(t for t in outgoing if not facts.referenced_by(t)))
    truths = tuple(x for x in (outgoing, isolated) if x)
    if not truths:
        return
    for tone, text in rotate(NO_FK, n, rng):
        yield _case(facts, "debt", tone, "exact", text, Expect(lists=truths), "", rng)


def kinds(facts: CatalogFacts, rng: random.Random, n: int) -> Iterator[Case]:
    refs = facts.references
    asked: list[tuple[list[Template], tuple[str, ...], tuple[str, ...], int]] = []
    for templates, chosen in (
        (SELF_REF, [r for r in refs if r.table == r.to_table]),
        (OPTIONAL, [r for r in refs if r.optional]),
        (ONE_TO_ONE, [r for r in refs if r.one_to_one]),
    ):
        if chosen:
            from_tables = tuple(sorted({r.table for r in chosen}))
            ends = tuple(sorted({r.to_table for r in chosen} | set(from_tables)))
            asked.append((templates, from_tables, ends, len(chosen)))
    for i in range(n if asked else 0):
        templates, truth, ends, total = asked[i % len(asked)]
        tone, text = rng.choice(templates)
        expect = Expect(lists=(truth,), allowed=ends, total=total)
        yield _case(facts, "kinds", tone, "exact", text, expect, "", rng)


def areas(facts: CatalogFacts, rng: random.Random, n: int) -> Iterator[Case]:
    groups: dict[str, list[str]] = {}
    for name in facts.tables:
        if area_of(name):
            groups.setdefault(area_of(name), []).append(name)
    names = {t.lower() for t in facts.tables}
    choices = sorted(a for a, ts in groups.items() if 2 <= len(ts) <= 25 and a not in names and len(a) >= 3)
    for (tone, text), area in zip(rotate(AREA, n, rng), rotate(choices, n, rng), strict=False):
        truth = tuple(sorted(groups[area]))
        expect = Expect(counts=(len(truth),)) if "how many" in text else Expect(lists=(truth,))
        yield _case(facts, "area", tone, "exact", text, expect, area, rng, a=area)


def search(facts: CatalogFacts, rng: random.Random, n: int) -> Iterator[Case]:
    labels = {area_of(t) for t in facts.tables}

    def holders(word: str) -> set[str]:
        return {
            t.name
            for t in facts.tables.values()
            if word in t.name.lower().replace("_", "") or word in {singular(w) for w in words(t.display_name)}
        }

    vocabulary = {singular(w) for t in facts.tables.values() for w in words(t.name) + words(t.display_name)}
    choices = sorted(
        w
        for w in vocabulary - FUNCTION_WORDS
        if len(w) >= 5 and w not in labels and 2 <= len(holders(w)) <= 8
    )
    for (tone, text), word in zip(rotate(SEARCH, n, rng), rotate(choices, n, rng), strict=False):
        form = "typo" if "{tw}" in text else "exact"
        expect = Expect(lists=(tuple(sorted(holders(word))),))
        yield _case(
            facts,
            "search",
            tone,
            form,
            text,
            expect,
            word,
            rng,
            w=word,
            ws=plural(word),
            tw=typo(plural(word), rng),
        )


def ambiguous(facts: CatalogFacts, rng: random.Random, n: int) -> Iterator[Case]:
    """A loose name that several tables share: the answer names every candidate (it asks which, or
    answers for one and says which others the name could mean)."""
    shared = Wording(facts, rng).loose.shared
    for (tone, text), form in zip(rotate(AMBIGUOUS, n, rng), rotate(sorted(shared), n, rng), strict=False):
        yield _case(facts, "ambiguous", tone, "loose", text, Expect(names=shared[form]), form, rng, t=form)


SCHEMA_FAMILIES: dict[str, Family] = {
    "ambiguous": ambiguous,
    "counts": counts,
    "describe": describe,
    "columns_like": columns_like,
    "primary_key": primary_key,
    "references": references,
    "join_path": join_path,
    "debt": debt,
    "kinds": kinds,
    "area": areas,
    "search": search,
}
