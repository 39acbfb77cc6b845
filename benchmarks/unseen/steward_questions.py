"""Questions only a catalog with steward metadata answers: people, lineage, debt, labels, glossary, rows."""

from __future__ import annotations

from collections import Counter

from .question import Maker, Question, downstream
from .score import Expect


def people(m: Maker, n: int) -> list[Question]:
    t = m.truth
    out = []
    for table in m.pick([x for x in t.tables if t.tables[x].owner], n):
        out.append(
            m.ask(
                "people",
                ("who owns {t}?", "owner of {t}?", "who's accountable for {t}", "whose table is {t}"),
                Expect(names=(t.tables[table].owner,)),
                table,
            )
        )
    for table in m.pick([x for x in t.tables if t.tables[x].steward], max(1, n // 2)):
        out.append(
            m.ask(
                "people",
                ("who is the steward of {t}?", "who stewards {t}", "data steward for {t}?"),
                Expect(names=(t.tables[table].steward,)),
                table,
            )
        )
    owners = Counter(i.owner for i in t.tables.values() if i.owner)
    for person in m.pick(list(owners), max(1, n // 2)):
        owned = tuple(sorted(x for x, i in t.tables.items() if i.owner == person))
        stewarded = tuple(sorted(x for x, i in t.tables.items() if i.steward == person))
        out.append(
            m.ask(
                "people",
                (
                    "what does {p} own?",
                    "which tables belong to {p}",
                    "{p}'s tables?",
                    "list everything owned by {p}",
                ),
                Expect(lists=(owned,), allowed=stewarded),
                p=person if m.rng.random() < 0.7 else person.split()[0],
            )
        )
    stewards = Counter(i.steward for i in t.tables.values() if i.steward)
    for person in m.pick(list(stewards), max(1, n // 2)):
        looked_after = tuple(sorted(x for x, i in t.tables.items() if i.steward == person))
        owned = tuple(sorted(x for x, i in t.tables.items() if i.owner == person))
        out.append(
            m.ask(
                "people",
                (
                    "what does {p} steward?",
                    "which tables is {p} the steward of",
                    "what is {p} data steward for?",
                ),
                Expect(lists=(looked_after,), allowed=owned),
                p=person,
            )
        )
    everyone = tuple(sorted(set(owners) | set(stewards) | {v.steward for v in t.terms.values() if v.steward}))
    out += m.ask_each(
        "people",
        (
            "who are the people in this catalog?",
            "list the owners and stewards",
            "who's who here - owners, stewards?",
        ),
        Expect(lists=(everyone,), tables_listed=False),
    )
    return out


def lineage(m: Maker, n: int) -> list[Question]:
    t = m.truth
    out = []
    fed = sorted({target for _, target in t.lineage})
    for table in m.pick(fed, n):
        sources = tuple(sorted({s for s, target in t.lineage if target == table}))
        out.append(
            m.ask(
                "impact_lineage",
                ("where does {t} come from?", "what feeds {t}?", "upstream of {t}?", "source tables of {t}"),
                Expect(lists=(sources,), tables_listed=False),
                table,
            )
        )
    feeding = [x for x in t.tables if 1 <= len(downstream(t, x)) <= 10]
    for table in m.pick(feeding, n):
        below = tuple(sorted(downstream(t, table)))
        out.append(
            m.ask(
                "impact_lineage",
                (
                    "what breaks if I change {t}?",
                    "impact of changing {t}",
                    "what's downstream of {t}",
                    "if {t} goes down what is affected?",
                ),
                Expect(lists=(below,), tables_listed=False),
                table,
            )
        )
    for table in m.pick(feeding, max(1, n // 2)):
        tell = {p for x in downstream(t, table) for p in (t.tables[x].owner, t.tables[x].steward) if p}
        if tell:
            out.append(
                m.ask(
                    "impact_lineage",
                    ("who do I need to tell before changing {t}?", "who should I warn if {t} changes"),
                    Expect(lists=(tuple(sorted(tell)),), tables_listed=False),
                    table,
                )
            )
    return out


def debt(m: Maker) -> list[Question]:
    t = m.truth
    out = []
    for what, key in (("an owner", "owner"), ("a steward", "steward"), ("a description", "description")):
        lacking = tuple(sorted(x for x, i in t.tables.items() if not getattr(i, key)))
        if not lacking:
            continue
        for wording in m.rng.sample(
            [
                "which tables have no {w}?",
                "tables missing {w}?",
                "anything without {w}",
                "show me tables lacking {w}",
            ],
            2,
        ):
            out.append(m.ask("doc_debt", (wording,), Expect(lists=(lacking,)), w=what))
        having = len(t.tables) - len(lacking)
        share = round(100 * having / len(t.tables))
        out.append(
            m.ask(
                "doc_debt",
                (
                    "what share of tables have {w}?",
                    "coverage: how many tables have {w}?",
                    "percentage of tables with {w}",
                ),
                Expect(counts=(share, having, len(lacking))),
                w=what,
            )
        )
    return out


def areas(m: Maker) -> list[Question]:
    t = m.truth
    out = []
    domains = Counter(i.domain for i in t.tables.values() if i.domain)
    for domain in m.pick([d for d, c in domains.items() if c >= 2], 2):
        tables = tuple(sorted(x for x, i in t.tables.items() if i.domain == domain))
        out.append(
            m.ask(
                "areas",
                ("what's in the {d} domain?", "tables in {d}", "list the {d} domain"),
                Expect(lists=(tables,)),
                d=domain if m.rng.random() < 0.6 else domain.lower(),
            )
        )
    kinds = Counter(i.kind for i in t.tables.values() if i.kind)
    for kind in m.pick([k for k, c in kinds.items() if c >= 2], 2):
        out.append(
            m.ask(
                "list_count",
                ("how many {k} tables are there?", "number of {k} tables?", "{k} tables - how many?"),
                Expect(counts=(kinds[kind],)),
                k=kind.lower() if m.rng.random() < 0.7 else kind,
            )
        )
    schemas = Counter(i.schema for i in t.tables.values() if i.schema)
    for schema in m.pick([s for s, c in schemas.items() if c >= 2], 1):
        out.append(
            m.ask(
                "areas",
                ("how many tables in the {s} schema?", "{s} schema - how many tables?"),
                Expect(counts=(schemas[schema],)),
                s=schema,
            )
        )
    return out


def largest(m: Maker) -> list[Question]:
    t = m.truth
    counted = sorted(
        (i for i in t.tables.values() if i.row_count is not None), key=lambda i: -(i.row_count or 0)
    )
    out = m.ask_each(
        "largest",
        (
            "what are the biggest tables?",
            "largest tables by rows?",
            "top tables by row count",
            "which tables are huge",
        ),
        Expect(lists=(tuple(i.name for i in counted[:3]),), tables_listed=False),
    )
    for info in m.rng.sample(counted, 3):
        out.append(
            m.ask(
                "largest",
                ("how many rows does {t} have?", "row count of {t}?", "how many records are in {t}"),
                Expect(counts=(int(info.row_count or 0),)),
                info.name,
            )
        )
    return out


def labels(m: Maker, n: int) -> list[Question]:
    t = m.truth
    out = []
    for table in m.pick([x for x in t.tables if t.tables[x].classification], n):
        out.append(
            m.ask(
                "classification",
                (
                    "how is {t} classified?",
                    "classification of {t}?",
                    "is {t} confidential or what?",
                    "sensitivity of {t}",
                ),
                Expect(phrases=(t.tables[table].classification,)),
                table,
            )
        )
    for table in m.pick([x for x in t.tables if 1 <= len(t.tables[x].classified) <= 5], n):
        cols = tuple(sorted(c for c, _ in t.tables[table].classified))
        out.append(
            m.ask(
                "classification",
                (
                    "which columns of {t} are sensitive?",
                    "sensitive fields in {t}?",
                    "anything classified in {t}",
                ),
                Expect(lists=(cols,), tables_listed=False),
                table,
            )
        )
    pii = tuple(sorted(x for x, i in t.tables.items() if any(label == "PII" for _, label in i.classified)))
    out += m.ask_each(
        "classification",
        (
            "where do we keep PII?",
            "which tables hold personal data (PII)?",
            "pii - where is it",
            "tables with PII columns?",
        ),
        Expect(lists=(pii,), tables_listed=False),
    )
    certified = tuple(sorted(x for x, i in t.tables.items() if i.certified))
    out += m.ask_each(
        "classification",
        (
            "which tables are certified?",
            "list the certified tables",
            "what's certified here",
            "certified datasets?",
        ),
        Expect(lists=(certified,)),
    )
    return out


def glossary(m: Maker, n: int) -> list[Question]:
    t = m.truth
    out = m.ask_each(
        "glossary",
        ("show me the glossary", "list the business terms", "what terms do we have defined?", "glossary pls"),
        Expect(lists=(tuple(sorted(t.terms)),), tables_listed=False),
    )
    for term in m.pick([x for x, v in t.terms.items() if v.synonyms], n):
        spoken = m.rng.choice(t.terms[term].synonyms)
        out.append(
            m.ask(
                "glossary",
                ("what does {w} mean?", "define {w}", "what's a {w} in our terms", "meaning of {w}?"),
                Expect(names=(term,)),
                w=spoken,
            )
        )
    for term in m.pick([x for x, v in t.terms.items() if v.steward], max(1, n // 2)):
        out.append(
            m.ask(
                "glossary",
                ("who stewards the term {w}?", "who is responsible for the definition of {w}"),
                Expect(names=(t.terms[term].steward,)),
                w=term,
            )
        )
    linked = [x for x, v in t.terms.items() if 1 <= len(v.columns) <= 6]
    for term in m.pick(linked, max(1, n // 2)):
        columns = tuple(sorted({c.rsplit(".", 1)[-1] for c in t.terms[term].columns}))
        out.append(
            m.ask(
                "glossary",
                (
                    "which columns are tagged with the term {w}?",
                    "where is the glossary term {w} used?",
                    "columns that carry the business term {w}",
                ),
                Expect(lists=(columns,), tables_listed=False),
                w=term if m.rng.random() < 0.7 else term.lower(),
            )
        )
    return out
