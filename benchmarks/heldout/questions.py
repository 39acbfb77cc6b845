"""Held-out questions on any schema: a steward's phrasings per intent, facts computed from the schema.

Templates name their subject with a placeholder ({t}, {a}/{b}, {w}); subjects are drawn by a seeded
RNG and worded by `subjects.Subjects`; every expected fact comes from `CatalogFacts`, never typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.understanding.cases import Expect
from benchmarks.understanding.facts import CatalogFacts
from benchmarks.understanding.graph import hubs, unique_shortest_path

from .phrasings import (
    AREA_COUNT,
    AREA_LIST,
    BIGGEST_AREA,
    COUNT_COLUMNS,
    COUNT_TABLES,
    DEBT,
    DESCRIBE,
    FOLLOW_UPS,
    JOIN,
    KEYS,
    ONE_TO_ONE,
    OPTIONAL,
    REFS_IN,
    REFS_OUT,
    SELF,
)
from .subjects import Subjects


@dataclass(frozen=True)
class Question:
    """One held-out question; `before` are earlier turns of the same conversation (follow-ups)."""

    catalog: str
    intent: str
    style: str
    question: str
    expect: Expect
    before: tuple[str, ...] = ()


Maker = Callable[[CatalogFacts, Subjects, int], list[Question]]


def _q(facts: CatalogFacts, intent: str, style: str, text: str, expect: Expect, *before: str) -> Question:
    return Question(facts.label, intent, style, text, expect, tuple(before))


def _virtual_alternatives(facts: CatalogFacts) -> tuple[int, ...]:
    plain = len(facts.tables)
    return (plain, plain - len(facts.virtual)) if facts.virtual else (plain,)


def count_tables(facts: CatalogFacts, s: Subjects, n: int) -> list[Question]:
    return [
        _q(facts, "count", "catalog", s.rng.choice(COUNT_TABLES), Expect(counts=_virtual_alternatives(facts)))
    ]


def _described(
    facts: CatalogFacts,
    s: Subjects,
    n: int,
    templates: list[str],
    intent: str,
    expect: Callable[[str], Expect | None],
    pool: list[str] | None = None,
) -> list[Question]:
    out: list[Question] = []
    for table in s.pick(pool if pool is not None else list(facts.tables), 4 * n):
        e = expect(table)
        if e is None:
            continue
        form, style = s.word(table)
        out.append(_q(facts, intent, style, s.rng.choice(templates).format(t=form), e))
        if len(out) == n:
            break
    return out


def count_columns(facts: CatalogFacts, s: Subjects, n: int) -> list[Question]:
    def e(t: str) -> Expect:
        return Expect(names=(t,), counts=(len(facts.tables[t].columns),))

    return _described(facts, s, n, COUNT_COLUMNS, "count", e)


def describe(facts: CatalogFacts, s: Subjects, n: int) -> list[Question]:
    def e(t: str) -> Expect | None:
        cols = facts.tables[t].columns
        return Expect(names=(t, *cols[:3])) if len(cols) >= 3 else None

    return _described(facts, s, n, DESCRIBE, "describe", e)


def keys(facts: CatalogFacts, s: Subjects, n: int) -> list[Question]:
    def e(t: str) -> Expect | None:
        pk = facts.tables[t].primary_key
        return Expect(names=(t, *pk)) if pk else None

    return _described(facts, s, n, KEYS, "keys", e)


def references(facts: CatalogFacts, s: Subjects, n: int) -> list[Question]:
    big = hubs(facts)

    def e_in(t: str) -> Expect | None:
        found = tuple(sorted(facts.referenced_by(t)))
        return Expect(lists=(found,), allowed=(t,)) if 0 < len(found) <= 8 and t not in big else None

    def e_out(t: str) -> Expect | None:
        found = tuple(sorted(facts.points_to(t)))
        return Expect(lists=(found,), allowed=(t,)) if 0 < len(found) <= 8 else None

    return _described(facts, s, n, REFS_IN, "references", e_in) + _described(
        facts, s, n, REFS_OUT, "references", e_out
    )


def join_paths(facts: CatalogFacts, s: Subjects, n: int) -> list[Question]:
    big = hubs(facts)
    names = sorted(t for t in facts.tables if facts.neighbours(t) and t not in big)
    out: list[Question] = []
    for _ in range(400):
        if len(out) == n or len(names) < 2:
            break
        a, b = s.rng.sample(names, 2)
        path = unique_shortest_path(facts, a, b, big, 3)
        if path is None or len(path) < 3:
            continue
        (fa, sa), (fb, sb) = s.word(a), s.word(b)
        text = s.rng.choice(JOIN).format(a=fa, b=fb)
        out.append(_q(facts, "join_path", f"{sa}+{sb}", text, Expect(path=path)))
    return out


def debt_and_kinds(facts: CatalogFacts, s: Subjects, n: int) -> list[Question]:
    own = tuple(
        sorted(
            t
            for t in facts.tables
            if not facts.points_to(t) and not any(r.table == t for r in facts.references)
        )
    )
    isolated = tuple(t for t in own if not facts.referenced_by(t))
    out = [_q(facts, "debt", "catalog", s.rng.choice(DEBT), Expect(lists=(own, isolated)))]
    selfs = tuple(sorted({r.table for r in facts.references if r.table == r.to_table}))
    if selfs:
        out.append(_q(facts, "kinds", "self", s.rng.choice(SELF), Expect(lists=(selfs,))))
    ones = [r for r in facts.references if r.one_to_one]
    if ones:
        e = Expect(
            lists=(tuple(sorted({r.table for r in ones})),),
            allowed=tuple(r.to_table for r in ones),
            total=len(ones),
        )
        out.append(_q(facts, "kinds", "one_to_one", s.rng.choice(ONE_TO_ONE), e))

    def e_opt(t: str) -> Expect | None:
        # the table's own nullable columns, not the whole catalog's list of optional references
        cols = tuple(c for r in facts.references if r.table == t and r.optional for c in r.columns)
        return Expect(names=cols, lists=((t,),), allowed=tuple(sorted(facts.neighbours(t)))) if cols else None

    return out + _described(facts, s, n, OPTIONAL, "kinds", e_opt)


def areas(facts: CatalogFacts, s: Subjects, n: int, apps: dict[str, str]) -> list[Question]:
    members: dict[str, list[str]] = {}
    for t in facts.tables:
        if t in apps:
            members.setdefault(apps[t], []).append(t)
    if len(members) < 2:
        return []
    for t in facts.tables:  # many-to-many tables carry their app's prefix but no content type
        app = max((a for a in members if t.startswith(a + "_") and t not in apps), key=len, default="")
        if app:
            members[app].append(t)
    sizes = sorted(((len(v), a) for a, v in members.items()), reverse=True)
    out: list[Question] = []
    if sizes[0][0] > sizes[1][0]:
        e = Expect(phrases=(sizes[0][1],), counts=(sizes[0][0],))
        out.append(_q(facts, "area", "biggest", s.rng.choice(BIGGEST_AREA), e))
    for app in s.rng.sample(sorted(a for a, v in members.items() if len(v) >= 2), min(n, len(members))):
        if s.rng.random() < 0.5:
            e = Expect(lists=(tuple(sorted(members[app])),))
            out.append(_q(facts, "area", "list", s.rng.choice(AREA_LIST).format(w=app), e))
        else:
            out.append(
                _q(
                    facts,
                    "area",
                    "count",
                    s.rng.choice(AREA_COUNT).format(w=app),
                    Expect(counts=(len(members[app]),)),
                )
            )
    return out


def follow_ups(facts: CatalogFacts, s: Subjects, n: int) -> list[Question]:
    out: list[Question] = []
    for table in s.pick(list(facts.tables), 4 * n):
        first, second, kind = s.rng.choice(FOLLOW_UPS)
        tf = facts.tables[table]
        into = tuple(sorted(facts.referenced_by(table)))
        if kind == "in":
            if not 0 < len(into) <= 8:
                continue
            e = Expect(lists=(into,), allowed=(table,))
        elif kind == "columns":
            e = Expect(counts=(len(tf.columns),))
        else:
            if not tf.primary_key:
                continue
            e = Expect(names=tf.primary_key)
        form, style = s.word(table)
        out.append(_q(facts, "follow_up", style, second, e, first.format(t=form)))
        if len(out) == n:
            break
    return out
