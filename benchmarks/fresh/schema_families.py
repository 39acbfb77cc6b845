"""Question families on a schema's structure; each question's truth is computed from the schema."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from .phrasing import Maker
from .question import Expect, listed

PER_FAMILY = 8
_NOT_A_TOPIC = {"when", "where", "what", "which", "from", "with", "into", "than", "then", "that", "this"}


def count_tables(m: Maker) -> None:
    phr = {
        "casual": (
            "how many tables are there?",
            "how many tables have we got in here?",
            "whats the table count?",
        ),
        "terse": ("table count", "number of tables?"),
        "polite": ("Could you tell me how many tables this catalog has?", "how many tables exist"),
    }
    for _ in range(PER_FAMILY - 3):
        m.ask("count_tables", phr, Expect(count=len(m.schema.tables)))


def columns(m: Maker) -> None:
    phr = {
        "casual": ("what columns does {t} have?", "what fields are on {t}?", "show me the columns of {t}"),
        "terse": ("{t} columns", "columns in {t}?"),
        "polite": ("the columns of {t}", "what columns {t} has"),
        "loose": ("what's in the {t} table?", "which fields do {t} have?"),
        "followup": ("and what columns does it have?", "what fields does that one hold?"),
    }
    for t in m.pick([t for t in m.schema.tables if len(m.schema.columns[t]) >= 2], PER_FAMILY):
        cols = m.schema.columns[t]
        m.ask("columns", phr, listed(list(cols), tables=False), t)


def primary_key(m: Maker) -> None:
    phr = {
        "casual": ("what's the primary key of {t}?", "what identifies a row in {t}?", "pk of {t}?"),
        "terse": ("{t} primary key", "{t} pk"),
        "polite": ("which column is the primary key of {t}", "what the primary key of {t} is"),
        "loose": ("what is the key on {t}?", "how is a row of {t} identified?"),
        "followup": ("what's its primary key?", "and the primary key?"),
    }
    pool = [t for t, pk in m.schema.primary_keys.items() if pk]
    unusual = [t for t in pool if m.schema.primary_keys[t] != ("id",)]
    few = m.pick(unusual, min(len(unusual), PER_FAMILY // 2))
    for t in few + m.pick([t for t in pool if t not in few], PER_FAMILY - len(few)):
        m.ask("primary_key", phr, Expect(names=m.schema.primary_keys[t]), t)


def points_to(m: Maker) -> None:
    phr = {
        "casual": ("what does {t} point to?", "which tables does {t} reference?", "what is {t} linked to?"),
        "terse": ("{t} foreign keys -> which tables", "{t} references"),
        "polite": ("which tables {t} refers to", "what tables the {t} table references"),
        "loose": ("what do {t} link to?", "which tables do {t} depend on?"),
        "followup": ("what does it reference?", "and which tables does it point at?"),
    }
    for t in m.pick([t for t in m.schema.tables if 1 <= len(m.schema.targets(t)) <= 8], PER_FAMILY):
        both = tuple(sorted(m.schema.referrers(t)))  # an answer may give both directions
        m.ask("points_to", phr, replace(listed(m.schema.targets(t)), context=both), t)


def referenced_by(m: Maker) -> None:
    phr = {
        "casual": ("which tables reference {t}?", "what points at {t}?", "who uses {t} as a foreign key?"),
        "terse": ("tables referencing {t}", "{t} referenced by?"),
        "polite": ("which tables have a foreign key to {t}", "which tables refer to {t}"),
        "loose": ("what links to {t}?", "which tables point to {t}?"),
        "followup": ("what references it?", "and which tables point to it?"),
    }
    pool = [t for t in m.schema.tables if 1 <= len(m.schema.referrers(t)) <= 12]
    for t in m.pick(pool, PER_FAMILY):
        both = tuple(sorted(m.schema.targets(t)))
        m.ask("referenced_by", phr, replace(listed(m.schema.referrers(t)), context=both), t)


def optional_refs(m: Maker) -> None:
    phr = {
        "casual": ("which foreign keys on {t} are optional?", "are any of {t}'s references nullable?"),
        "terse": ("{t} nullable foreign keys", "optional fks on {t}"),
        "polite": ("which references from {t} may be left empty", "which foreign keys of {t} are optional"),
        "loose": ("which links from {t} can be null?",),
        "followup": ("which of its foreign keys are optional?",),
    }
    pool = [t for t in m.schema.tables if any(fk.nullable for fk in m.schema.outgoing(t))]
    for t in m.pick(pool, PER_FAMILY - 2):
        optional = {c for fk in m.schema.outgoing(t) if fk.nullable for c in fk.columns}
        m.ask("optional_refs", phr, listed(optional, tables=False), t)


def kinds_of_link(m: Maker) -> None:
    one = {
        "casual": ("are there any one-to-one relationships?", "which tables are in a 1:1 relationship?"),
        "terse": ("one-to-one relationships", "1-1 links?"),
        "polite": ("which relationships are one to one",),
    }
    self_ = {
        "casual": ("which tables reference themselves?", "any self-referencing tables?"),
        "terse": ("self references", "tables with a foreign key to themselves"),
        "polite": ("which tables have a foreign key pointing to the same table",),
    }
    pairs = {n for fk in m.schema.foreign_keys if fk.one_to_one for n in (fk.table, fk.target)}
    for _ in range(4 if pairs else 0):
        m.ask("one_to_one", one, listed(pairs))
    for _ in range(3 if m.schema.self_referencing() else 0):
        m.ask("self_reference", self_, listed(m.schema.self_referencing()))


def without_foreign_keys(m: Maker) -> None:
    phr = {
        "casual": ("which tables have no foreign keys?", "list tables that don't reference anything"),
        "terse": ("tables without fks", "tables lacking foreign keys"),
        "polite": ("which tables have no foreign keys of their own",),
    }
    for _ in range(PER_FAMILY - 3):
        m.ask("no_foreign_keys", phr, listed(m.schema.without_foreign_keys()))


def column_word(m: Maker) -> None:
    phr = {
        "casual": (
            "is there a column for {w} anywhere?",
            "which tables have a {w} column?",
            "any {w} columns in this schema?",
        ),
        "terse": ("columns named like {w}", "cols called {w}?"),
        "polite": ("which tables hold a column called {w}", "where a {w} column exists"),
    }
    tokens: Counter[str] = Counter()
    for cols in m.schema.columns.values():
        tokens.update({p for c in cols for p in c.lower().split("_") if len(p) >= 4 and p.isalpha()})
    names = {t.lower() for t in m.schema.tables} | _NOT_A_TOPIC
    words = sorted(w for w, n in tokens.items() if 2 <= n <= 8 and w not in names and not w.endswith("id"))
    for w in m.pick(words, PER_FAMILY):
        m.ask("column_word", phr, listed(set(m.schema.columns_with_word(w))), w=w)


def join_path(m: Maker) -> None:
    phr = {
        "casual": (
            "how do I join {a} to {b}?",
            "how can I get from {a} to {b}?",
            "path between {a} and {b}?",
        ),
        "terse": ("join {a} {b}", "{a} -> {b} join"),
        "polite": ("how to join {a} with {b}", "how {a} connects to {b}"),
    }
    tables = m.schema.tables
    pairs = [
        (a, b, d)
        for a in tables
        for b in tables
        if a < b and (d := m.schema.distance(a, b)) is not None and 2 <= d <= 3
    ]
    m.rng.shuffle(pairs)
    for a, b, d in pairs[:PER_FAMILY]:
        m.ask("join_path", phr, Expect(path=(a, b, d)), a=a, b=b)


def fk_count(m: Maker) -> None:
    phr = {
        "casual": ("how many foreign keys does {t} have?", "how many references go out of {t}?"),
        "terse": ("{t} fk count", "number of foreign keys on {t}"),
        "polite": ("how many foreign keys {t} has",),
        "followup": ("how many foreign keys has it got?",),
    }
    pool = [t for t in m.schema.tables if len(m.schema.outgoing(t)) >= 2]
    for t in m.pick(pool, PER_FAMILY - 3):
        m.ask("fk_count", phr, Expect(count=len(m.schema.outgoing(t))), t)


FAMILIES = (
    count_tables,
    columns,
    primary_key,
    points_to,
    referenced_by,
    optional_refs,
    kinds_of_link,
    without_foreign_keys,
    column_word,
    join_path,
    fk_count,
)
