"""Question families that need steward metadata (owners, descriptions, lineage, glossary, domains),
asked only of a catalog whose facts hold it (the bundled sample). Truth comes from its snapshot."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

from .cases import Case, Expect, Wording, rotate
from .facts import CatalogFacts
from .families import Family, _case
from .templates import Template

OWNER: list[Template] = [
    ("casual", "who owns {t}?"),
    ("filler", "quick question, who's the owner of {t}?"),
    ("terse", "{t} owner"),
    ("polite", "Could you tell me who is responsible for {t}?"),
    ("casual", "who do I ask about {t}?"),
    ("terse", "{t} belongs to whom?"),
]
PERSON: list[Template] = [
    ("casual", "what does {p} own?"),
    ("filler", "so which tables is {p} the owner of?"),
    ("terse", "tables owned by {p}"),
    ("casual", "what is {p} responsible for?"),
    ("terse", "show {p}'s tables"),
]
UPSTREAM: list[Template] = [
    ("casual", "where does {t} come from?"),
    ("terse", "{t} upstream lineage"),
    ("filler", "I wonder what feeds {t}"),
    ("casual", "what are the sources of {t}?"),
    ("casual", "which tables load into {t}?"),
]
IMPACT: list[Template] = [
    ("casual", "what breaks if I change {t}?"),
    ("filler", "before I change {t}, what is downstream of it?"),
    ("terse", "{t} downstream impact"),
    ("casual", "what is affected if {t} changes?"),
    ("terse", "downstream of {t}?"),
]
TERM: list[Template] = [
    ("casual", "what does {g} mean?"),
    ("terse", "define {g}"),
    ("filler", "in our glossary, what's a {g} exactly?"),
    ("polite", "could you explain the term {g}?"),
    ("terse", "{g}: definition?"),
]
GLOSSARY: list[Template] = [
    ("casual", "show me the glossary"),
    ("terse", "glossary terms"),
    ("polite", "Could you list the business terms, please?"),
    ("casual", "what business terms are defined?"),
    ("terse", "list all glossary entries"),
]
NO_OWNER: list[Template] = [
    ("casual", "which tables have no owner?"),
    ("terse", "tables without an owner"),
    ("filler", "for our audit, list tables nobody owns"),
    ("casual", "unowned tables?"),
    ("terse", "tables missing an owner"),
]
NO_DESCRIPTION: list[Template] = [
    ("casual", "which tables have no description?"),
    ("terse", "tables missing descriptions"),
    ("polite", "Could you list the tables that lack a description?"),
    ("casual", "which tables are undocumented, with no description?"),
]
DOMAIN: list[Template] = [
    ("casual", "what tables are in the {d} domain?"),
    ("filler", "quick one, which tables belong to {d}?"),
    ("terse", "{d} domain tables"),
    ("terse", "list the {d} tables"),
    ("casual", "tables of the {d} domain?"),
]

SENSITIVE: list[Template] = [
    ("casual", "which columns hold {label} data?"),
    ("terse", "{label} columns"),
    ("filler", "for GDPR, where do we keep {label}?"),
    ("casual", "where is {label} stored?"),
    ("terse", "show me all {label} fields"),
]
CERTIFIED: list[Template] = [
    ("casual", "which tables are certified?"),
    ("terse", "certified tables"),
    ("polite", "Could you list the certified datasets, please?"),
    ("terse", "show certified tables only"),
]
CLASSIFICATION: list[Template] = [
    ("casual", "how is {t} classified?"),
    ("terse", "{t} classification"),
    ("filler", "quick check, is {t} confidential or what?"),
    ("casual", "what's the sensitivity label of {t}?"),
]
FRESHNESS: list[Template] = [
    ("casual", "when was {t} last loaded?"),
    ("filler", "how fresh is the data in {t}?"),
    ("terse", "{t} last load"),
    ("casual", "when did {t} last refresh?"),
]
LARGEST: list[Template] = [
    ("casual", "what are the biggest tables?"),
    ("terse", "largest tables"),
    ("filler", "which tables have the most rows?"),
    ("terse", "top tables by row count"),
    ("casual", "biggest tables by rows?"),
]


def ownership(facts: CatalogFacts, rng: random.Random, n: int) -> Iterator[Case]:
    say = Wording(facts, rng)
    owned = sorted(t for t, f in facts.tables.items() if f.owner)
    half = (n + 1) // 2
    for (tone, text), table in zip(rotate(OWNER, half, rng), rotate(owned, half, rng), strict=False):
        name, form = say.name(table)
        expect = Expect(names=(table,), phrases=(facts.tables[table].owner,))
        yield _case(facts, "owner_person", tone, form, text, expect, table, rng, t=name)
    people = sorted({f.owner for f in facts.tables.values() if f.owner})
    for (tone, text), person in zip(
        rotate(PERSON, n - half, rng), rotate(people, n - half, rng), strict=False
    ):
        truth = tuple(sorted(t for t, f in facts.tables.items() if f.owner == person))
        stewarded = tuple(sorted(t for t, f in facts.tables.items() if f.steward == person))
        expect = Expect(lists=(truth,), allowed=stewarded)
        yield _case(facts, "owner_person", tone, "exact", text, expect, person, rng, p=person)


def lineage(facts: CatalogFacts, rng: random.Random, n: int) -> Iterator[Case]:
    say = Wording(facts, rng)
    sources: dict[str, set[str]] = {}
    targets: dict[str, set[str]] = {}
    for source, target in facts.lineage:
        sources.setdefault(target, set()).add(source)
        targets.setdefault(source, set()).add(target)
    half = (n + 1) // 2
    asked = [(t, UPSTREAM, sources[t]) for t in rotate(sorted(sources), half, rng)]
    asked += [(t, IMPACT, targets[t]) for t in rotate(sorted(targets), n - half, rng)]
    for table, templates, truth in asked:
        tone, text = rng.choice(templates)
        name, form = say.name(table)
        expect = Expect(lists=(tuple(sorted(truth)),), allowed=tuple(sorted(facts.tables)))
        yield _case(facts, "lineage_impact", tone, form, text, expect, table, rng, t=name)


def glossary(facts: CatalogFacts, rng: random.Random, n: int) -> Iterator[Case]:
    stewarded = sorted(t for t, (steward, _) in facts.terms.items() if steward)
    half = (n + 1) // 2
    for (tone, text), term in zip(rotate(TERM, half, rng), rotate(stewarded, half, rng), strict=False):
        expect = Expect(phrases=(term, facts.terms[term][0]))
        yield _case(facts, "glossary", tone, "exact", text, expect, term, rng, g=term.lower())
    every = (tuple(sorted(facts.terms)),)
    for tone, text in rotate(GLOSSARY, n - half, rng):
        yield _case(facts, "glossary", tone, "exact", text, Expect(lists=every, tables_listed=False), "", rng)


def documentation(facts: CatalogFacts, rng: random.Random, n: int) -> Iterator[Case]:
    asked: list[tuple[list[Template], tuple[str, ...]]] = []
    for templates, truth in (
        (NO_OWNER, tuple(sorted(t for t, f in facts.tables.items() if not f.owner))),
        (NO_DESCRIPTION, tuple(sorted(t for t, f in facts.tables.items() if not f.description))),
    ):
        if truth:
            asked.append((templates, truth))
    for i in range(n if asked else 0):
        templates, truth = asked[i % len(asked)]
        tone, text = rng.choice(templates)
        yield _case(facts, "debt", tone, "exact", text, Expect(lists=(truth,)), "", rng)


def domains(facts: CatalogFacts, rng: random.Random, n: int) -> Iterator[Case]:
    groups: dict[str, list[str]] = {}
    for table in facts.tables.values():
        if table.domain:
            groups.setdefault(table.domain, []).append(table.name)
    for (tone, text), domain in zip(rotate(DOMAIN, n, rng), rotate(sorted(groups), n, rng), strict=False):
        truth = tuple(sorted(groups[domain]))
        yield _case(facts, "area", tone, "exact", text, Expect(lists=(truth,)), domain, rng, d=domain.lower())


Prompt = tuple[list[Template], Expect, str, str, dict[str, str]]
"""(templates, expected facts, subject, the subject's form, placeholder values)."""


def status(facts: CatalogFacts, rng: random.Random, n: int) -> Iterator[Case]:
    """Classification, certification, freshness and size, where the catalog records them."""
    say = Wording(facts, rng)
    tables = facts.tables.values()
    labels: dict[str, list[str]] = {}
    for t in tables:
        for _, label in t.classified_columns:
            labels.setdefault(label, []).append(t.name)
    asked: list[Prompt] = []
    for label in sorted(labels):
        holders = tuple(sorted(set(labels[label])))
        # a long list states its total of columns, and names their tables
        expect = Expect(lists=(holders,), allowed=tuple(sorted(facts.tables)), total=len(labels[label]))
        asked.append((SENSITIVE, expect, label, "exact", {"label": label.lower()}))
    certified = tuple(sorted(t.name for t in tables if t.certified))
    if certified:
        asked.append((CERTIFIED, Expect(lists=(certified,)), "", "exact", {}))
    for table in rotate(sorted(t.name for t in tables if t.classification), 2, rng):
        name, form = say.name(table)
        expect = Expect(names=(table,), phrases=(facts.tables[table].classification,))
        asked.append((CLASSIFICATION, expect, table, form, {"t": name}))
    dated = sorted(t.name for t in tables if re.match(r"\d{4}-\d{2}-\d{2}", t.last_loaded))
    for table in rotate(dated, 2, rng):
        name, form = say.name(table)
        expect = Expect(names=(table,), phrases=(facts.tables[table].last_loaded[:10],))
        asked.append((FRESHNESS, expect, table, form, {"t": name}))
    counted = sorted(
        (t for t in tables if t.row_count is not None), key=lambda t: (-(t.row_count or 0), t.name)
    )
    if len(counted) > 3 and counted[2].row_count != counted[3].row_count:
        expect = Expect(lists=(tuple(t.name for t in counted[:3]),), allowed=tuple(t.name for t in counted))
        asked.append((LARGEST, expect, "", "exact", {}))
    for templates, expect, subject, form, fields in rotate(asked, n, rng):
        tone, text = rng.choice(templates)
        yield _case(facts, "status", tone, form, text, expect, subject, rng, **fields)


STEWARD_FAMILIES: dict[str, Family] = {
    "status": status,
    "owner_person": ownership,
    "lineage_impact": lineage,
    "glossary": glossary,
    "debt": documentation,
    "area": domains,
}
