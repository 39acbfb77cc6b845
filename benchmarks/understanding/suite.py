"""Which catalogs the benchmark asks, and the seeded list of cases for each."""

from __future__ import annotations

import random
from pathlib import Path

from .cases import Case
from .facts import CatalogFacts, sample_facts, sqlite_facts
from .families import SCHEMA_FAMILIES
from .schemas import APPS, CACHE
from .steward import STEWARD_FAMILIES
from .synthetic_app import build as build_synthetic

SEED = 11
PER_FAMILY = 8


def catalogs(labels: list[str] | None = None, cache: Path = CACHE) -> tuple[list[CatalogFacts], list[str]]:
    """The sample and every application schema built in `cache` (see schemas.py); also the labels
    asked for that are not built yet. "synthetic" (asked by name) is the small schema the tests
    build themselves, written to `cache` on the spot."""
    wanted = labels or ["sample", *sorted(APPS)]
    found: list[CatalogFacts] = []
    absent: list[str] = []
    for label in wanted:
        if label == "sample":
            found.append(sample_facts())
            continue
        if label == "synthetic":
            cache.mkdir(parents=True, exist_ok=True)
            found.append(sqlite_facts(build_synthetic(cache / "synthetic.sqlite"), label))
            continue
        path = cache / f"{label}.sqlite"
        if path.exists():
            found.append(sqlite_facts(path, label))
        else:
            absent.append(label)
    return found, absent


def cases(facts: CatalogFacts, seed: int = SEED, per_family: int = PER_FAMILY) -> list[Case]:
    """Every family's cases for one catalog: the same seed gives the same questions."""
    out: list[Case] = []
    families = dict(SCHEMA_FAMILIES)
    extra = STEWARD_FAMILIES if facts.has_steward_metadata else {}
    for name in sorted({*families, *extra}):
        # a family only the sample can be asked gets twice the cases, to weigh like the others
        count = per_family if name in families else 2 * per_family
        for make in (families.get(name), extra.get(name)):
            if make is not None:
                rng = random.Random(f"{seed}:{facts.label}:{name}:{make.__name__}")
                out.extend(make(facts, rng, count))
    return out
