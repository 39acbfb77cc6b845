"""Questions about how tables link: references both ways, join paths, keys, optional and 1:1 links."""

from __future__ import annotations

from .question import Maker, Question, distances
from .score import Expect


def references(m: Maker, n: int) -> list[Question]:
    t = m.truth
    out = []
    for table in m.pick([x for x in t.tables if 1 <= len(t.points_to(x)) <= 8], n):
        out.append(
            m.ask(
                "references_out",
                (
                    "what does {t} reference?",
                    "which tables does {t} point to",
                    "{t} foreign keys go where?",
                    "what are the parents of {t}",
                    "what does {t} depend on (FKs)?",
                ),
                Expect(
                    lists=(tuple(sorted(t.points_to(table))),), allowed=(table, *sorted(t.neighbours(table)))
                ),
                table,
            )
        )
    for table in m.pick([x for x in t.tables if 1 <= len(t.referenced_by(x)) <= 10], n):
        out.append(
            m.ask(
                "references_in",
                (
                    "which tables reference {t}?",
                    "what points at {t}",
                    "who has a foreign key to {t}",
                    "what depends on {t}?",
                    "children of {t}?",
                    "what links to {t}",
                ),
                Expect(
                    lists=(tuple(sorted(t.referenced_by(table))),),
                    allowed=(table, *sorted(t.neighbours(table))),
                ),
                table,
            )
        )
    return out


def join_paths(m: Maker, n: int) -> list[Question]:
    pairs: list[tuple[str, str, int]] = []
    for start in sorted(m.truth.tables):
        for end, joins in distances(m.graph, start).items():
            if start < end and 2 <= joins <= 3:
                pairs.append((start, end, joins))
    out = []
    for i in m.rng.sample(range(len(pairs)), min(n, len(pairs))):
        start, end, joins = pairs[i]
        other, _ = m.namer.name(end)
        out.append(
            m.ask(
                "join_path",
                (
                    "how do I join {t} to {o}?",
                    "path from {t} to {o}",
                    "how are {t} and {o} connected?",
                    "join {t} with {o} - which tables in between?",
                    "what's the route from {t} over to {o}",
                ),
                Expect(path=(start, end, joins)),
                start,
                o=other,
            )
        )
    return out


def primary_keys(m: Maker, n: int) -> list[Question]:
    t = m.truth
    keyed = [x for x in t.tables if t.tables[x].primary_key and t.tables[x].primary_key != ("id",)]
    out = []
    for table in m.pick(keyed, n):
        out.append(
            m.ask(
                "primary_key",
                (
                    "what's the primary key of {t}?",
                    "pk of {t}?",
                    "what identifies a row in {t}",
                    "which columns make {t} unique (its key)?",
                    "what is the grain of {t}",
                ),
                Expect(names=t.tables[table].primary_key),
                table,
            )
        )
    return out


def optional_links(m: Maker, n: int) -> list[Question]:
    t = m.truth
    out = []
    optional = [k for k in t.links if k.optional]
    if optional:
        out += m.ask_each(
            "optional_one_to_one",
            (
                "how many foreign keys are optional?",
                "how many nullable references are there?",
                "count the optional FKs",
                "number of foreign keys that may be empty?",
            ),
            Expect(counts=(len(optional),)),
        )
    mixed = [x for x in t.tables if {k.optional for k in t.links if k.table == x} == {True, False}]
    for table in m.pick(mixed, n):
        cols = tuple(sorted({c for k in t.links if k.table == table and k.optional for c in k.columns}))
        out.append(
            m.ask(
                "optional_one_to_one",
                (
                    "which foreign keys of {t} are optional?",
                    "on {t}, which references can be null?",
                    "nullable FKs in {t}?",
                ),
                Expect(lists=(cols,), tables_listed=False),
                table,
            )
        )
    ones = sorted({k.table for k in t.links if k.one_to_one})
    if ones:
        out += m.ask_each(
            "optional_one_to_one",
            (
                "which tables have a one-to-one relationship?",
                "any one-to-one links?",
                "list the 1:1 relationships",
                "show one to one foreign keys",
            ),
            Expect(
                lists=(tuple(ones),), allowed=tuple(sorted({k.to_table for k in t.links if k.one_to_one}))
            ),
        )
    return out


def structure(m: Maker) -> list[Question]:
    t = m.truth
    citing = {k.table for k in t.links}
    linked = citing | {k.to_table for k in t.links}
    none_out = tuple(sorted(set(t.tables) - citing))
    isolated = tuple(sorted(set(t.tables) - linked))
    out = []
    if none_out:
        out += m.ask_each(
            "no_fk_self_ref",
            (
                "which tables have no foreign keys?",
                "tables without any FK?",
                "list tables that reference nothing",
                "are there tables with no foreign keys at all",
            ),
            Expect(lists=(none_out, isolated) if isolated else (none_out,)),
        )
    selfish = tuple(sorted({k.table for k in t.links if k.table == k.to_table}))
    if selfish:
        out += m.ask_each(
            "no_fk_self_ref",
            (
                "which tables reference themselves?",
                "any self-referencing tables?",
                "tables with a parent pointer to themselves",
                "self joins - which tables have a foreign key to their own table?",
            ),
            Expect(lists=(selfish,)),
        )
    keyless = tuple(sorted(x for x in t.tables if not t.tables[x].primary_key))
    if keyless:
        out += m.ask_each(
            "doc_debt",
            ("which tables have no primary key?", "tables missing a PK?", "any tables without a primary key"),
            Expect(lists=(keyless,)),
        )
    return out
