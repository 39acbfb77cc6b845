"""Question families on steward metadata (owners, stewards, glossary, lineage, classification,
freshness), which only the bundled sample holds; the truth is read from its snapshot."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

from mcop_kernel.catalog.sample import bundled_snapshot

from .phrasing import Maker
from .question import Expect, listed

PER_FAMILY = 5
_SCHEDULE_WORDS = re.compile(r"\d+ minutes|hourly|daily|weekly|monthly", re.IGNORECASE)


def _content_words(text: str) -> list[str]:
    return sorted({w.lower() for w in re.findall(r"[A-Za-z]{7,}", text)})


def steward(m: Maker) -> None:
    snap = bundled_snapshot()
    tables = {t.name: t for t in snap.tables}
    owner = {
        "casual": ("who owns {t}?", "who's the owner of {t}?", "whose table is {t}?"),
        "terse": ("{t} owner", "owner of {t}?"),
        "polite": ("who the owner of {t} is", "who owns the {t} table"),
        "loose": ("who owns the {t}?", "who is responsible for {t}?"),
        "followup": ("who owns it?", "and who's its owner?"),
    }
    owned = [n for n, t in tables.items() if t.owner]
    for n in m.pick(owned, PER_FAMILY):
        m.ask("owner", owner, Expect(words=(tables[n].owner.name,)), n)  # type: ignore[union-attr]

    stewards = {
        "casual": ("who is the steward of {t}?", "who stewards {t}?"),
        "terse": ("{t} steward",),
        "polite": ("who the data steward for {t} is",),
        "followup": ("and its steward?", "who stewards it?"),
    }
    for n in m.pick([n for n, t in tables.items() if t.steward], PER_FAMILY - 1):
        m.ask("steward", stewards, Expect(words=(tables[n].steward.name,)), n)  # type: ignore[union-attr]

    assets = {
        "casual": ("what does {p} own?", "which tables belong to {p}?", "show me {p}'s tables"),
        "terse": ("tables owned by {p}",),
        "polite": ("which tables {p} owns",),
    }
    by_owner: dict[str, set[str]] = defaultdict(set)
    by_steward: dict[str, set[str]] = defaultdict(set)
    for n, t in tables.items():
        if t.owner:
            by_owner[t.owner.name].add(n)
        if t.steward:
            by_steward[t.steward.name].add(n)
    for p in m.pick(sorted(by_owner), PER_FAMILY - 1):
        expect = replace(listed(by_owner[p]), context=tuple(sorted(by_steward[p])))
        m.ask("person_assets", assets, expect, p=p)

    unowned = {
        "casual": ("which tables have no owner?", "anything without an owner?"),
        "terse": ("tables with no owner", "unowned tables"),
        "polite": ("which tables are missing an owner",),
    }
    for _ in range(3):
        m.ask("no_owner", unowned, listed({n for n, t in tables.items() if not t.owner}))

    for _ in range(2):
        m.ask(
            "people",
            {"casual": ("who are the owners here?", "list the people who own tables")},
            listed(set(by_owner), tables=False),
        )


def governance(m: Maker) -> None:
    snap = bundled_snapshot()
    tables = {t.name: t for t in snap.tables}
    classified = {
        "casual": ("how is {t} classified?", "what's the classification of {t}?", "is {t} confidential?"),
        "terse": ("{t} classification", "{t} sensitivity"),
        "polite": ("what classification {t} has",),
        "followup": ("how sensitive is it?", "and its classification?"),
    }
    for n in m.pick([n for n, t in tables.items() if t.classification], PER_FAMILY):
        m.ask("classification", classified, Expect(words=(tables[n].classification,)), n)

    fresh = {
        "casual": ("how often is {t} refreshed?", "when does {t} get loaded?", "how fresh is {t}?"),
        "terse": ("{t} refresh schedule",),
        "polite": ("how often {t} is refreshed",),
        "followup": ("how often does it refresh?",),
    }
    scheduled = [n for n, t in tables.items() if _SCHEDULE_WORDS.search(t.refresh_schedule)]
    for n in m.pick(scheduled, PER_FAMILY):
        word = _SCHEDULE_WORDS.search(tables[n].refresh_schedule)
        m.ask("freshness", fresh, Expect(words=(word.group(),)), n)  # type: ignore[union-attr]


def lineage(m: Maker) -> None:
    snap = bundled_snapshot()
    up: dict[str, set[str]] = defaultdict(set)
    down: dict[str, set[str]] = defaultdict(set)
    for e in snap.lineage:
        up[e.target].add(e.source)
        down[e.source].add(e.target)
    sources = {
        "casual": ("where does {t} come from?", "what feeds {t}?", "what's upstream of {t}?"),
        "terse": ("{t} sources", "{t} upstream"),
        "polite": ("where the data in {t} comes from",),
        "loose": ("where do {t} come from?",),
        "followup": ("where does it come from?", "and what feeds it?"),
    }
    for n in m.pick(sorted(up), PER_FAMILY):
        m.ask("upstream", sources, listed(up[n]), n)
    impact = {
        "casual": (
            "what breaks if I change {t}?",
            "what's downstream of {t}?",
            "if {t} changes, what is hit?",
        ),
        "terse": ("{t} downstream", "impact of changing {t}"),
        "polite": ("what would be affected if {t} changed",),
        "followup": ("what breaks if I change it?", "what depends on it downstream?"),
    }
    for n in m.pick(sorted(n for n in down if len(down[n]) <= 8), PER_FAMILY):
        m.ask("impact", impact, Expect(names=tuple(sorted(down[n])), about_tables=True), n)


def glossary(m: Maker) -> None:
    snap = bundled_snapshot()
    term = {
        "casual": ("what does {w} mean?", "define {w}", "what's meant by {w} here?"),
        "terse": ("{w}?", "{w} definition"),
        "polite": ("what the business term {w} means",),
    }
    for g in m.pick([g.name for g in snap.terms], PER_FAMILY):
        words = _content_words(next(t.definition for t in snap.terms if t.name == g))
        m.ask("glossary_term", term, Expect(some=tuple(words), at_least=max(1, len(words) // 2)), w=g)
    everything = {
        "casual": ("show me the glossary", "what business terms are defined?", "list the glossary terms"),
        "terse": ("glossary",),
        "polite": ("which terms the glossary has",),
    }
    for _ in range(3):
        m.ask("glossary_list", everything, listed([g.name for g in snap.terms], tables=False))


FAMILIES = (steward, governance, lineage, glossary)
