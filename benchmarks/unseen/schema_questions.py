"""Questions any catalog can answer from its schema: counts, tables, columns, keys, links, joins, areas."""

from __future__ import annotations

import re
from collections import Counter

from .question import Maker, Question
from .score import Expect
from .words import plural, singular


def _parts(name: str) -> list[str]:
    return [p for p in re.split(r"[_\W]+", name.lower()) if p]


def list_count(m: Maker) -> list[Question]:
    t = m.truth
    out = [
        m.ask(
            "list_count",
            (
                "how many tables are there",
                "how many tables in here?",
                "table count?",
                "how big is this catalog, in tables?",
                "what's the total number of tables we have",
            ),
            Expect(counts=(len(t.tables),)),
        ),
        m.ask(
            "list_count",
            (
                "how many foreign keys are there altogether?",
                "total number of foreign keys?",
                "count the FK relationships in this database",
            ),
            Expect(counts=(len(t.links),)),
        ),
    ]
    for table in m.pick([n for n in t.tables if len(t.tables[n].columns) > 3], 2):
        out.append(
            m.ask(
                "list_count",
                (
                    "how many columns does {t} have?",
                    "number of columns in {t}",
                    "{t}: how many fields?",
                    "how wide is {t}, column-wise?",
                ),
                Expect(counts=(len(t.tables[table].columns),)),
                table,
            )
        )
    out.append(
        m.ask(
            "list_count",
            (
                "show me all the tables",
                "list every table",
                "what tables exist?",
                "give me the full table list",
            ),
            Expect(lists=(tuple(sorted(t.tables)),)),
        )
    )
    return out


def describe(m: Maker, n: int) -> list[Question]:
    t = m.truth
    out = []
    for table in m.pick([x for x in t.tables if len(t.tables[x].columns) >= 3], n):
        first = t.tables[table].columns[:3]
        out.append(
            m.ask(
                "describe",
                (
                    "describe {t}",
                    "tell me about {t}",
                    "what's in {t}?",
                    "explain the {t} table to me",
                    "what does {t} look like",
                    "i need an overview of {t}",
                    "{t}?",
                    "show me {t}",
                ),
                Expect(names=(table, *first)),
                table,
            )
        )
    return out


def _time_columns(m: Maker, table: str) -> list[str]:
    info = m.truth.tables[table]
    out = []
    for col, kind in zip(info.columns, info.types, strict=True):
        parts = _parts(col)
        timed = re.search(r"DATE|TIME", kind.upper()) is not None
        if timed or {"date", "time", "timestamp"} & set(parts) or parts[-1:] == ["at"]:
            out.append(col)
    return out


def _flag_columns(m: Maker, table: str) -> list[str]:
    info = m.truth.tables[table]
    return [
        c
        for c, k in zip(info.columns, info.types, strict=True)
        if "BOOL" in k.upper() or _parts(c)[:1] in (["is"], ["has"])
    ]


def column_kind(m: Maker, n: int) -> list[Question]:
    t = m.truth
    out = []
    timed = [x for x in t.tables if 1 <= len(_time_columns(m, x)) <= 6]
    for table in m.pick(timed, n):
        cols = tuple(_time_columns(m, table))
        out.append(
            m.ask(
                "column_kind",
                (
                    "which columns of {t} are dates or timestamps?",
                    "date/time fields in {t}?",
                    "when-columns on {t} (created, updated, that kind of thing)",
                    "timestamps on {t}",
                ),
                Expect(lists=(cols,), tables_listed=False),
                table,
            )
        )
    flagged = [x for x in t.tables if 1 <= len(_flag_columns(m, x)) <= 6]
    for table in m.pick(flagged, max(1, n // 2)):
        cols = tuple(_flag_columns(m, table))
        out.append(
            m.ask(
                "column_kind",
                ("which yes/no flags does {t} have?", "boolean columns in {t}", "true/false fields on {t}?"),
                Expect(lists=(cols,), tables_listed=False),
                table,
            )
        )
    return out


def column_where(m: Maker, n: int) -> list[Question]:
    t = m.truth
    holders: dict[str, set[str]] = {}
    for info in t.tables.values():
        for col in info.columns:
            for part in _parts(col):
                holders.setdefault(singular(part), set()).add(info.name)
    named = {singular(p) for x in t.tables for p in _parts(x)}  # a word naming a table asks about it
    words = [
        w for w, ts in holders.items() if 2 <= len(ts) <= 8 and len(w) >= 4 and w.isalpha() and w not in named
    ]
    out = []
    for word in m.pick(words, n):
        tables = tuple(sorted(holders[word]))
        out.append(
            m.ask(
                "column_where",
                (
                    "is there a {w} column anywhere?",
                    "which tables have a {w} field",
                    "where do we store {w}?",
                    "find columns named like {w}",
                    "any columns with {w} in the name",
                    "{w} column - which tables?",
                ),
                Expect(lists=(tables,), tables_listed=False),
                w=word,
            )
        )
    return out


def search(m: Maker, n: int) -> list[Question]:
    t = m.truth
    holders: dict[str, set[str]] = {}
    for name in t.tables:
        for part in _parts(name):
            holders.setdefault(singular(part), set()).add(name)
    apps = set(t.apps.values())
    words = [w for w, ts in holders.items() if 1 <= len(ts) <= 4 and len(w) >= 4 and w not in apps]
    out = []
    for word in m.pick(words, n):
        spoken = plural(word) if m.rng.random() < 0.4 and word.isalpha() else word
        out.append(
            m.ask(
                "search",
                (
                    "search for {w}",
                    "anything about {w}?",
                    "what do we have on {w}",
                    "look up {w}",
                    "tables to do with {w}",
                    "i'm looking for {w} data",
                ),
                Expect(lists=(tuple(sorted(holders[word])),), tables_listed=False),
                w=spoken,
            )
        )
    return out


def areas(m: Maker, n: int) -> list[Question]:
    t = m.truth
    sizes = Counter(t.apps.values())
    labels = [a for a, size in sizes.items() if size >= 2]
    out = []
    for label in m.pick(labels, n):
        tables = tuple(sorted(x for x, a in t.apps.items() if a == label))
        spoken = label.replace("_", " ") if m.rng.random() < 0.3 else label
        out.append(
            m.ask(
                "areas",
                (
                    "what tables are in the {a} app?",
                    "list the {a} tables",
                    "show everything under {a}",
                    "which tables belong to {a}",
                ),
                Expect(lists=(tables,)),
                a=spoken,
            )
        )
    for label in m.pick(labels, max(1, n // 2)):
        out.append(
            m.ask(
                "areas",
                (
                    "how many tables does the {a} app have?",
                    "{a} app: how many tables?",
                    "number of {a} tables?",
                ),
                Expect(counts=(sizes[label],)),
                a=label,
            )
        )
    top = sizes.most_common(2)
    if len(top) == 2 and top[0][1] > top[1][1]:
        out.append(
            m.ask(
                "areas",
                (
                    "which app has the most tables?",
                    "biggest app by table count?",
                    "what's the largest module here",
                ),
                Expect(names=(top[0][0],)),
            )
        )
    return out
