"""The questions and their facts, drawn with a seeded RNG from each catalog's own names: families x
wordings x subjects. Facts come from `schema.py` (SQLite's catalog) or `sample.py` (the sample's
JSON), never typed."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

from .sample import Steward
from .schema import Schema
from .score import Check, has
from .templates import OPENINGS, WORDINGS
from .wording import STYLES, Namer, dress, misspell, plural, singular, words_of

T = TypeVar("T")
COMMON = {"id", "key", "name", "value", "type", "version", "uuid", "data", "text", "created", "updated"}
SLACK = 6
"""Tables an answer may name beyond the facts before it counts as a dump."""


@dataclass
class Case:
    catalog: str
    family: str
    style: str
    question: str
    check: Check
    subject: str = ""
    before: str = ""
    """A first question asked in the same conversation; the case scores the answer after it."""


class Catalog:
    """One catalog's facts and a way to name its tables as a steward would."""

    def __init__(self, name: str, schema: Schema, django: bool = False, steward: Steward | None = None):
        self.name, self.schema, self.steward = name, schema, steward
        self.namer = Namer(schema, django)

    def call(self, table: str, rng: random.Random, loose: bool) -> str:
        if self.steward is None:
            return self.namer.form(table, rng, loose)
        if not loose:
            return table
        shown = _plain(self.steward.display[table])
        kind = self.steward.kind[table]
        if kind == "DIMENSION":
            return f"{shown} dimension"
        if kind == "FACT":
            return rng.choice((f"{shown} fact", f"{shown} fact table"))
        if kind == "STAGING":
            bare = shown.removesuffix(" staging")
            return rng.choice((f"staging {bare}", f"{bare} staging table"))
        others = {
            _plain(self.steward.display[o]).removesuffix(" staging") for o in self.schema.tables if o != table
        }
        clash = shown in others or shown.removesuffix("s") in others  # "purchasing organizations"
        return table if clash else rng.choice((table, shown))


def _plain(display: str) -> str:
    """A display name as typed: lower case, without its punctuation ("Supplier Spend (Monthly)")."""
    return " ".join(re.sub(r"[^\w\s-]", " ", display.lower()).split())


class Writer:
    """Draws the cases of one catalog."""

    def __init__(self, catalog: Catalog, rng: random.Random):
        self.cat, self.rng = catalog, rng
        self.schema = catalog.schema
        self.cases: list[Case] = []
        self.used: dict[str, set[str]] = {}

    def ask(
        self, family: str, check: Check, subject: str = "", before: str = "", wording: str = "", **slots: str
    ) -> None:
        rng = self.rng
        style = rng.choice(STYLES)
        loose = style in ("loose", "misspelt") or rng.random() < 0.3
        filled = {k: (self.cat.call(v, rng, loose) if k in ("t", "u") else v) for k, v in slots.items()}
        key = wording or family
        fresh = [w for w in WORDINGS[key] if w not in self.used.setdefault(key, set())]
        if not fresh:  # every wording of the family used once: start again
            self.used[key].clear()
            fresh = list(WORDINGS[key])
        template = rng.choice(fresh)
        self.used[key].add(template)
        text = template.format(**filled)
        if style == "misspelt":
            text = misspell(text, rng)
        text = dress(text[0].upper() + text[1:] if style == "plain" else text, style, rng)
        self.cases.append(Case(self.cat.name, family, style, text, check, subject, before))

    def opening(self, table: str) -> str:
        """A first question about `table`, as a steward starts a conversation."""
        loose = self.rng.random() < 0.5
        return self.rng.choice(OPENINGS).format(t=self.cat.call(table, self.rng, loose))

    def follow_ups(self, n: int) -> None:
        s = self.schema
        kinds = ["follow_refs", "follow_targets", "follow_pk"]
        pool = [t for t in s.tables if s.referencing(t) and s.targets(t) and len(s.referencing(t)) <= 10]
        for i, t in enumerate(self.pick(pool, n)):
            kind = kinds[i % len(kinds)]
            if kind == "follow_refs":
                items = tuple(sorted(s.referencing(t)))
                check = Check(lists=(items,), max_tables=len(items) + len(s.targets(t)) + 1 + SLACK)
            elif kind == "follow_targets":
                items = tuple(sorted(s.targets(t)))
                check = Check(lists=(items,), max_tables=len(items) + len(s.referencing(t)) + 1 + SLACK)
            else:
                check = Check(names=(t, *s.tables[t].primary_key))
            self.ask("follow_up", check, f"{kind}:{t}", before=self.opening(t), wording=kind)

    def context(self, *tables: str) -> frozenset[str]:
        """Tables the descriptions of `tables` name (the sample's descriptions name their sources)."""
        st = self.cat.steward
        return mentioned(st, tables) if st is not None else frozenset()

    def pick(self, items: list[T], count: int) -> list[T]:
        ordered = sorted(items)  # type: ignore[type-var]
        return self.rng.sample(ordered, min(count, len(ordered)))

    # --------------------------------------------------------------- structure

    def referenced_by(self, n: int) -> None:
        s = self.schema
        for t in self.pick([t for t in s.tables if 1 <= len(s.referencing(t)) <= 12], n):
            expected = tuple(sorted(s.referencing(t)))
            room = len(s.neighbours(t)) + 1 + SLACK  # the other direction too is context, not a dump
            check = Check(lists=(expected,), max_tables=room, allowed=self.context(t, *expected))
            self.ask("referenced_by", check, t, t=t)

    def points_to(self, n: int) -> None:
        s = self.schema
        for t in self.pick([t for t in s.tables if s.targets(t)], n):
            expected = tuple(sorted(s.targets(t)))
            room = len(s.neighbours(t)) + 1 + SLACK
            check = Check(lists=(expected,), max_tables=room, allowed=self.context(t, *expected))
            self.ask("points_to", check, t, t=t)

    def primary_key(self, n: int) -> None:
        s = self.schema
        telling = [t for t, v in s.tables.items() if v.primary_key and not set(v.primary_key) <= COMMON]
        plain = [t for t, v in s.tables.items() if v.primary_key and set(v.primary_key) <= COMMON]
        chosen = self.pick(telling, n - 1) + self.pick(plain, 1)
        for t in chosen[:n]:
            self.ask("primary_key", Check(names=s.tables[t].primary_key), t, t=t)

    def optional_refs(self, n: int) -> None:
        s = self.schema

        def mixed(t: str) -> bool:
            fks = s.tables[t].foreign_keys
            return any(f.nullable for f in fks) and any(not f.nullable for f in fks)

        pool = [t for t in s.tables if mixed(t)] or [
            t for t in s.tables if any(f.nullable for f in s.tables[t].foreign_keys)
        ]
        for t in self.pick(pool, n):
            fks = s.tables[t].foreign_keys
            every = tuple(c for f in fks for c in f.columns)
            nullable = tuple(c for f in fks if f.nullable for c in f.columns)
            self.ask("optional_refs", Check(names=nullable, optional=(every, nullable)), t, t=t)

    def catalog_lists(self, one_to_one: int, self_ref: int, no_fk: int) -> None:
        s = self.schema
        ones = tuple(sorted({f.table for f in s.foreign_keys if f.unique}))
        loops = tuple(sorted({f.table for f in s.foreign_keys if f.table == f.target}))
        declared = tuple(sorted(t for t, v in s.tables.items() if not v.foreign_keys))
        alone = tuple(sorted(t for t in declared if not s.referencing(t)))
        for family, items, times, alt in (
            ("one_to_one", ones, one_to_one, ()),
            ("self_reference", loops, self_ref, ()),
            ("no_foreign_keys", declared, no_fk, (alone,) if alone else ()),
        ):
            if not items:
                continue
            for _ in range(times):
                room = max(len(items), *(len(a) for a in alt)) if alt else len(items)
                extra = {f.target for f in s.foreign_keys if f.table in items and family == "one_to_one"}
                check = Check(lists=(items, *alt), max_tables=room + len(extra) + SLACK)
                self.ask(family, check)

    def counts(self, tables: int, columns: int, fks: int, widest: int) -> None:
        s = self.schema
        for _ in range(tables):
            self.ask("count_tables", Check(counts=(len(s.tables),)))
        for t in self.pick(list(s.tables), columns):
            self.ask("count_columns", Check(counts=(len(s.tables[t].columns),)), t, t=t)
        constraints = len(s.foreign_keys)
        columns_in_fks = sum(len(f.columns) for f in s.foreign_keys)
        for _ in range(columns // 2):
            self.ask(
                "count_columns",
                Check(counts=(sum(len(v.columns) for v in s.tables.values()),)),
                wording="count_all_columns",
            )
        for _ in range(fks):
            self.ask("count_fks", Check(counts=tuple(sorted({constraints, columns_in_fks}))))
        most = max(len(v.columns) for v in s.tables.values())
        top = tuple(t for t, v in s.tables.items() if len(v.columns) == most)
        for _ in range(widest):
            self.ask("widest_table", Check(lists=tuple((t,) for t in top), max_tables=15))

    def column_like(self, n: int) -> None:
        s = self.schema
        table_words = {f(w) for t in s.tables for w in words_of(t) for f in (str, singular, plural)}
        holders: dict[str, set[str]] = {}
        for t, v in s.tables.items():
            for c in v.columns:
                for w in words_of(c):
                    if len(w) >= 4 and w not in COMMON and w not in table_words and not w.isdigit():
                        holders.setdefault(w, set()).add(t)
        pool = [w for w, ts in holders.items() if 2 <= len(ts) <= 10]
        for w in self.pick(pool, n):
            exact = tuple(sorted(holders[w]))
            loose = tuple(sorted(t for t, v in s.tables.items() if any(w in c.lower() for c in v.columns)))
            # a broader reading (every column holding that kind of value) is fair; naming most tables is not
            room = max(len(loose) + SLACK, len(s.tables) // 2)
            check = Check(lists=(exact, loose), max_tables=room)
            self.ask("column_like", check, w, w=w.replace("_", " "))

    def area_tables(self, n: int) -> None:
        s = self.schema
        heads = Counter(words_of(t)[0] for t in s.tables if len(words_of(t)) > 1)
        named = {tuple(self.cat.namer.loose.get(t, ())) for t in s.tables}

        def clear(head: str) -> bool:
            """No table outside the area has the word (a table called `endpoints` muddles "endpoint")."""
            forms = {head, singular(head), plural(head)}
            return not any(forms & set(words_of(t)) for t in s.tables if words_of(t)[0] != head)

        pool = [
            h
            for h, k in heads.items()
            if 3 <= k <= 15 and h not in ("django", "auth") and (h,) not in named and clear(h)
        ]
        for head in self.pick(pool, n):
            expected = tuple(sorted(t for t in s.tables if words_of(t)[0] == head))
            area = [head]
            while (
                all(len(words_of(t)) > len(area) + 1 for t in expected)
                and len({words_of(t)[len(area)] for t in expected}) == 1
            ):  # `easy_thumbnails_*`: the area is "easy thumbnails"
                area.append(words_of(expected[0])[len(area)])
            check = Check(lists=(expected,), max_tables=len(expected) + SLACK)
            self.ask("area_tables", check, head, a=" ".join(area))

    def columns(self, n: int) -> None:
        s = self.schema
        for t in self.pick([t for t, v in s.tables.items() if 2 <= len(v.columns) <= 20], n):
            room = len(s.neighbours(t)) + 1 + SLACK
            check = Check(names=tuple(s.tables[t].columns), max_tables=room, allowed=self.context(t))
            self.ask("columns", check, t, t=t)

    def compare(self, n: int) -> None:
        s = self.schema
        pairs = []
        for t in sorted(s.tables):
            for u in sorted(s.neighbours(t) | {x for x in s.tables if words_of(x)[0] == words_of(t)[0]}):
                if t < u:
                    shared = set(s.tables[t].columns) & set(s.tables[u].columns) - {"id"}
                    if 1 <= len(shared) <= 6 and set(s.tables[t].columns) != set(s.tables[u].columns):
                        pairs.append((t, u))
        for t, u in self.pick(pairs, n):
            common = sorted(set(s.tables[t].columns) & set(s.tables[u].columns) - {"id"})
            self.ask("compare", Check(names=(t, u, *common)), f"{t}|{u}", t=t, u=u)

    def join_path(self, n: int) -> None:
        s = self.schema
        pairs = []
        for t in sorted(s.tables):
            for u, d in s.distances(t).items():
                if t < u and 2 <= d <= 3:
                    pairs.append((t, u, d))
        for t, u, d in self.pick(pairs, n):
            if self.rng.random() < 0.5:
                t, u = u, t
            room = len(s.neighbours(t) | s.neighbours(u)) + d + 1 + SLACK  # each end's links are context
            check = Check(path=(t, u, d + 2), max_tables=room, allowed=self.context(t, u))
            self.ask("join_path", check, f"{t}|{u}", t=t, u=u)


def mentioned(st: Steward, tables: tuple[str, ...]) -> frozenset[str]:
    """The tables that the descriptions of `tables` name: an answer quoting them is no dump."""
    text = " ".join(st.descriptions.get(t, "") for t in tables)
    return frozenset(t for t in st.schema.tables if has(text, t))


def _steward_cases(w: Writer) -> None:
    st = w.cat.steward
    assert st is not None
    rng = w.rng
    tables = sorted(st.schema.tables)
    for t in w.pick([t for t in tables if t in st.owners], 4):
        names = tuple(p.full for p in st.owners[t])
        w.ask("owner", Check(names=names), t, t=t)
    for t in w.pick([t for t in tables if t in st.stewards], 4):
        w.ask("steward", Check(names=tuple(p.full for p in st.stewards[t])), t, t=t)
    owned: dict[str, set[str]] = {}
    for t, people in st.owners.items():
        for p in people:
            owned.setdefault(p.full, set()).add(t)
    for person in w.pick([p for p, ts in owned.items() if len(ts) >= 1], 4):
        items = tuple(sorted(owned[person]))
        looked_after = {t for t, ps in st.stewards.items() if any(p.full == person for p in ps)}
        room = len(set(items) | looked_after) + SLACK
        w.ask(
            "person_assets",
            Check(lists=(items,), max_tables=room, allowed=mentioned(st, items)),
            person,
            p=person,
        )
    unowned = tuple(t for t in tables if t not in st.owners)
    for _ in range(4):
        w.ask(
            "no_owner",
            Check(lists=(unowned,), max_tables=len(unowned) + SLACK, allowed=mentioned(st, unowned)),
        )
    undocumented = tuple(t for t in tables if t not in st.described)
    for _ in range(4):
        w.ask(
            "no_description",
            Check(
                lists=(undocumented,),
                max_tables=len(undocumented) + SLACK,
                allowed=mentioned(st, undocumented),
            ),
        )
    certified = tuple(t for t in tables if st.certified.get(t))
    for _ in range(4):
        w.ask(
            "certified_list",
            Check(lists=(certified,), max_tables=len(certified) + SLACK, allowed=mentioned(st, certified)),
        )
    yes = [t for t in tables if st.certified.get(t)]
    no = [t for t in tables if st.certified.get(t) is False]
    for t in w.pick(no, 2) + w.pick(yes, 2):
        w.ask("is_certified", Check(names=(t,), certified=st.certified[t]), t, t=t)
    for t in w.pick(list(st.classification), 4):
        w.ask("classification", Check(values=(st.classification[t],)), t, t=t)
    labels = Counter(st.classification.values())
    for label in w.pick([k for k, v in labels.items() if v >= 2], 4):
        items = tuple(sorted(t for t, v in st.classification.items() if v == label))
        wider = tuple(sorted(set(items) | st.column_classification[label]))  # or a column of it is
        check = Check(lists=(items, wider), max_tables=len(wider) + SLACK, allowed=mentioned(st, wider))
        w.ask("classified_list", check, label, k=label.lower())
    personal = tuple(sorted(st.personal))
    for _ in range(4):
        w.ask(
            "personal_data",
            Check(lists=(personal,), max_tables=len(personal) + SLACK, allowed=mentioned(st, personal)),
        )
    for t in w.pick(list(st.refresh), 4):
        w.ask("freshness", Check(values=(st.refresh[t],)), t, t=t)
    for t in w.pick(list(st.loaded), 4):
        w.ask("last_loaded", Check(values=(st.loaded[t][:10],)), t, t=t)
    for t in w.pick(list(st.quality), 4):
        w.ask("quality", Check(values=(f"{st.quality[t]:g}",)), t, t=t)
    top = tuple(t for t, _ in sorted(st.rows.items(), key=lambda kv: -kv[1])[:3])
    for _ in range(4):
        w.ask("largest", Check(names=top, max_tables=15))
    for t in w.pick([t for t in tables if st.sources.get(t)], 4):
        items = tuple(sorted(st.sources[t]))
        everything = st.ancestors(t)
        room = len(everything) + 1 + SLACK
        check = Check(lists=(items,), max_tables=room, allowed=mentioned(st, (*everything, t)))
        w.ask("upstream", check, t, t=t)
    for t in w.pick([t for t in tables if 1 <= len(st.downstream(t)) <= 10], 4):
        items = tuple(sorted(st.downstream(t)))
        reach = st.reachable(t)
        check = Check(lists=(items,), max_tables=len(reach) + 1 + SLACK, allowed=mentioned(st, (*reach, t)))
        w.ask("impact", check, t, t=t)
    for t in w.pick([t for t in tables if st.downstream(t)], 4):
        told = tuple(sorted({p.full for d in st.downstream(t) for p in st.owners.get(d, [])}))
        if told:
            w.ask("impact_owners", Check(names=told), t, t=t)
    turns = ["follow_owner", "follow_upstream", "follow_cert"]
    pool = [t for t in tables if t in st.owners and st.sources.get(t) and t in st.certified]
    for i, t in enumerate(w.pick(pool, 6)):
        kind = turns[i % len(turns)]
        if kind == "follow_owner":
            check = Check(names=tuple(p.full for p in st.owners[t]))
        elif kind == "follow_upstream":
            items, everything = tuple(sorted(st.sources[t])), st.ancestors(t)
            room = len(everything) + 1 + SLACK
            check = Check(lists=(items,), max_tables=room, allowed=mentioned(st, (*everything, t)))
        else:
            check = Check(names=(t,), certified=st.certified[t])
        w.ask("follow_up", check, f"{kind}:{t}", before=w.opening(t), wording=kind)
    terms = tuple(sorted(st.terms))
    for _ in range(4):
        w.ask("glossary_list", Check(lists=(terms,)))
    for g in w.pick([g for g, d in st.terms.items() if d], 4):
        shown = g.lower() if rng.random() < 0.5 else g
        w.ask("glossary_term", Check(definition=st.terms[g]), g, g=shown)
    domains = Counter(st.domain.values())
    for d in w.pick(list(domains), 3):
        items = tuple(sorted(t for t in tables if st.domain[t] == d))
        check = Check(lists=(items,), max_tables=len(items) + SLACK, allowed=mentioned(st, items))
        w.ask("domain_tables", check, d, d=d)
    for schema in w.pick(sorted(set(st.schema_of.values())), 3):
        items = tuple(sorted(t for t, v in st.schema_of.items() if v == schema))
        check = Check(lists=(items,), max_tables=len(items) + SLACK, allowed=mentioned(st, items))
        w.ask("schema_tables", check, schema, a=schema)
    kinds = Counter(st.kind.values())
    for k in w.pick(list(kinds), 4):
        word = {"DIMENSION": rng.choice(("dimension", "dim")), "FACT": "fact"}.get(k, k.lower())
        w.ask("count_by_type", Check(counts=(kinds[k],)), k, k=word)


def _schema_plan(w: Writer) -> None:
    w.referenced_by(7)
    w.points_to(6)
    w.primary_key(4)
    w.optional_refs(4)
    w.catalog_lists(one_to_one=2, self_ref=2, no_fk=3)
    w.counts(tables=3, columns=4, fks=2, widest=2)
    w.column_like(7)
    w.area_tables(4)
    w.columns(7)
    w.compare(4)
    w.join_path(7)
    w.follow_ups(3)


def _sample_plan(w: Writer) -> None:
    _steward_cases(w)
    w.referenced_by(3)
    w.points_to(3)
    w.primary_key(2)
    w.columns(3)
    w.join_path(3)
    w.column_like(2)
    w.counts(tables=1, columns=0, fks=0, widest=0)


def cases(catalogs: list[Catalog], seed: int = 11) -> Iterator[Case]:
    for catalog in catalogs:
        writer = Writer(catalog, random.Random(f"{seed}:{catalog.name}"))
        (_sample_plan if catalog.steward is not None else _schema_plan)(writer)
        yield from writer.cases
