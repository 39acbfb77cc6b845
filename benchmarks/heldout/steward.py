"""Held-out questions only the sample catalog can answer: people, lineage, impact, glossary, status.

Facts come from the sample's snapshot (`sample_facts()`); templates are a steward's own phrasings.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable

from benchmarks.understanding.cases import Expect
from benchmarks.understanding.facts import CatalogFacts

from .phrasings import (
    BIGGEST_DOMAIN,
    CERTIFIED,
    CLASSIFIED,
    DOMAIN,
    FRESH,
    GLOSSARY,
    IMPACT,
    LARGEST,
    NO_DESC,
    NO_OWNER,
    OWNS,
    PII,
    STEWARDS,
    TALK_TO,
    TERM,
    UPSTREAM,
)
from .questions import Question, _q
from .subjects import Subjects


def _reach(edges: list[tuple[str, str]], start: str, upstream: bool) -> set[str]:
    """Every table upstream (or downstream) of `start`, however far."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        here = todo.pop()
        for a, b in edges:
            nxt = a if upstream and b == here else b if not upstream and a == here else ""
            if nxt and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def steward_questions(facts: CatalogFacts, rng: random.Random, n: int = 2) -> list[Question]:
    """Steward-metadata questions on the sample, `n` subjects per template group."""
    s = Subjects(facts, {}, rng)
    t = facts.tables
    out: list[Question] = []

    def per_table(templates: list[str], intent: str, pool: list[str], make: Callable[[str], Expect]) -> None:
        for name in s.pick(pool, n):
            form, style = s.word(name)
            out.append(_q(facts, intent, style, rng.choice(templates).format(t=form), make(name)))

    owned = [n_ for n_ in t if t[n_].owner]
    per_table(
        TALK_TO,
        "people",
        owned,
        lambda x: Expect(lists=((t[x].owner,), (t[x].steward,)), tables_listed=False),
    )
    per_table(
        STEWARDS, "people", [n_ for n_ in t if t[n_].steward], lambda x: Expect(phrases=(t[x].steward,))
    )
    owners = Counter(tf.owner for tf in t.values() if tf.owner)
    for person in rng.sample(sorted(p for p, k in owners.items() if k <= 20), min(n, len(owners))):
        mine = tuple(sorted(x for x in t if t[x].owner == person))
        stewarded = tuple(x for x in t if t[x].steward == person)  # an answer may list these apart
        e = Expect(lists=(mine,), allowed=stewarded)
        out.append(_q(facts, "people", "person", rng.choice(OWNS).format(p=person), e))
    # the direct sources (targets) must be named; the ones further up (down) may be named too
    ups = {x for _, x in facts.lineage}
    per_table(
        UPSTREAM,
        "lineage",
        sorted(ups),
        lambda x: Expect(
            lists=(tuple(sorted({a for a, b in facts.lineage if b == x})),),
            allowed=(x, *sorted(_reach(facts.lineage, x, upstream=True))),
        ),
    )
    downs = {a for a, _ in facts.lineage}
    per_table(
        IMPACT,
        "impact",
        sorted(downs),
        lambda x: Expect(
            lists=(tuple(sorted({b for a, b in facts.lineage if a == x})),),
            allowed=(x, *sorted(_reach(facts.lineage, x, upstream=False))),
        ),
    )
    for term in rng.sample(sorted(facts.terms), n):
        out.append(
            _q(
                facts,
                "glossary",
                "term",
                rng.choice(TERM).format(w=term.lower()),
                Expect(phrases=(term, facts.terms[term][0])),
            )
        )
    out.append(
        _q(
            facts,
            "glossary",
            "list",
            rng.choice(GLOSSARY),
            Expect(lists=(tuple(sorted(facts.terms)),), tables_listed=False),
        )
    )
    certified = tuple(sorted(x for x in t if t[x].certified))
    out.append(_q(facts, "status", "certified", rng.choice(CERTIFIED), Expect(lists=(certified,))))
    per_table(
        CLASSIFIED,
        "status",
        [x for x in t if t[x].classification],
        lambda x: Expect(names=(x,), phrases=(t[x].classification,)),
    )
    pii = tuple(sorted(x for x in t if any(lbl == "PII" for _, lbl in t[x].classified_columns)))
    out.append(_q(facts, "status", "pii", rng.choice(PII), Expect(lists=(pii,))))
    per_table(
        FRESH,
        "status",
        [x for x in t if t[x].last_loaded],
        lambda x: Expect(phrases=(t[x].last_loaded[:10],)),
    )
    ranked = sorted((x for x in t if t[x].row_count), key=lambda x: -(t[x].row_count or 0))
    out.append(_q(facts, "status", "largest", rng.choice(LARGEST), Expect(names=tuple(ranked[:3]))))
    no_owner = tuple(sorted(x for x in t if not t[x].owner))
    no_desc = tuple(sorted(x for x in t if not t[x].description))
    out.append(_q(facts, "debt", "owner", rng.choice(NO_OWNER), Expect(lists=(no_owner,))))
    template = rng.choice(NO_DESC)
    either = (no_desc, no_owner) if "debt" in template else (no_desc,)  # debt: no owner counts too
    out.append(_q(facts, "debt", "description", template, Expect(lists=either)))
    domains = Counter(tf.domain for tf in t.values() if tf.domain)
    (top, k1), (_, k2) = domains.most_common(2)
    if k1 > k2:
        out.append(
            _q(facts, "area", "biggest", rng.choice(BIGGEST_DOMAIN), Expect(phrases=(top,), counts=(k1,)))
        )
    domain = rng.choice(sorted(domains))
    template = rng.choice(DOMAIN)
    e = (
        Expect(counts=(domains[domain],))
        if "how many" in template
        else Expect(lists=(tuple(sorted(x for x in t if t[x].domain == domain)),))
    )
    out.append(_q(facts, "area", "domain", template.format(w=domain.lower()), e))
    return out
