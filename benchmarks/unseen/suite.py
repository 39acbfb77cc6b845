"""The unseen set of one catalog: every family whose facts the catalog holds, drawn by a seeded RNG."""

from __future__ import annotations

import random

from . import link_questions as links
from . import schema_questions as schema
from . import steward_questions as steward
from .question import Maker, Question
from .score import Expect
from .truth import Truth

SEED = 4242
OPENING = ("tell me about {t}", "let's look at {t}", "describe {t} please", "i'm curious about {t}")


def follow_ups(m: Maker, n: int) -> list[Question]:
    """Two turns: a table named loosely first, then a question about "it"."""
    t = m.truth
    out = []
    for table in m.pick([x for x in t.tables if t.referenced_by(x) or t.points_to(x)], n):
        name, _ = m.namer.name(table)
        before = (m.rng.choice(OPENING).format(t=name),)
        choices: list[tuple[str, tuple[str, ...], Expect]] = []
        if 1 <= len(t.referenced_by(table)) <= 10:
            refs = tuple(sorted(t.referenced_by(table)))
            choices.append(
                (
                    "references_in",
                    ("what references it?", "and what points at it?"),
                    Expect(lists=(refs,), allowed=(table, *sorted(t.neighbours(table)))),
                )
            )
        if 1 <= len(t.points_to(table)) <= 10:
            refs = tuple(sorted(t.points_to(table)))
            choices.append(
                (
                    "references_out",
                    ("what does it reference?", "and its parents?"),
                    Expect(lists=(refs,), allowed=(table, *sorted(t.neighbours(table)))),
                )
            )
        key = t.tables[table].primary_key
        if key and key != ("id",):
            choices.append(("primary_key", ("what's its primary key?", "and the pk?"), Expect(names=key)))
        if t.tables[table].owner:
            choices.append(
                ("people", ("who owns it?", "and the owner?"), Expect(names=(t.tables[table].owner,)))
            )
        if choices:
            family, wordings, expect = m.rng.choice(choices)
            out.append(m.ask(family, wordings, expect, before=before))
    return out


def questions(truth: Truth, seed: int = SEED) -> list[Question]:
    """The questions of one catalog; the same seed gives the same questions."""
    m = Maker(truth, random.Random(f"{seed}:{truth.label}"))
    k = 4 if truth.steward_metadata else 6  # a schema-only catalog asks more of its schema
    out = schema.list_count(m)
    out += schema.describe(m, k + 1)
    out += schema.column_kind(m, k)
    out += schema.column_where(m, k + 1)
    out += schema.search(m, k + 1)
    out += links.references(m, k)
    out += links.join_paths(m, k + 2)
    out += links.primary_keys(m, k)
    out += links.optional_links(m, 3)
    out += links.structure(m)
    out += follow_ups(m, k + 2)
    if truth.steward_metadata:
        out += steward.people(m, 4)
        out += steward.lineage(m, 4)
        out += steward.debt(m)
        out += steward.areas(m)
        out += steward.largest(m)
        out += steward.labels(m, 4)
        out += steward.glossary(m, 4)
    else:
        out += schema.areas(m, 4)
    return out
