"""The catalogs and their questions: families × wordings × subjects drawn from each schema by a seed."""

from __future__ import annotations

import random

from .build import APPS
from .phrasing import Maker
from .question import Question
from .schema import Schema, from_sample, from_sqlite
from .schema_families import FAMILIES as SCHEMA_FAMILIES
from .steward_families import FAMILIES as STEWARD_FAMILIES
from .wording import loose_names

SEED = 1311
LABELS = ("buildbot", "spirit", "djstripe", "sample")


def load(label: str) -> Schema | None:
    """A catalog's truth, or None when its database is not built."""
    if label == "sample":
        return from_sample()
    database = APPS[label].database
    return from_sqlite(label, database) if database.exists() else None


def questions(schema: Schema, seed: int = SEED) -> list[Question]:
    rng = random.Random(f"{seed}:{schema.label}")
    maker = Maker(schema, loose_names(schema), rng)
    for family in SCHEMA_FAMILIES:
        family(maker)
    if schema.label == "sample":
        for family in STEWARD_FAMILIES:
            family(maker)
    return maker.made
