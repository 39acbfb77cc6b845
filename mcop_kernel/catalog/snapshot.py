"""`CatalogSnapshot`: everything a catalog knows at one moment, as immutable typed facts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .models import GlossaryTerm, LineageEdge, Relationship, Table

MetadataKind = Literal[
    "descriptions",
    "owners",
    "stewards",
    "terms",
    "lineage",
    "classification",
    "certification",
    "row_counts",
    "freshness",
    "quality",
]
"""Kinds of steward metadata a source may record; a tool says plainly when its catalog records none."""


@dataclass(frozen=True, slots=True)
class CatalogSnapshot:
    """Everything a catalog knows, as typed facts: what an in-memory catalog serves."""

    tables: tuple[Table, ...]
    relationships: tuple[Relationship, ...] = ()
    lineage: tuple[LineageEdge, ...] = ()
    terms: tuple[GlossaryTerm, ...] = ()
    title: str = "Catalog snapshot"
    origin: str = "in memory"
    holds: frozenset[MetadataKind] | None = None
    """What the source records at all (a database has no owners); None: judge from the facts present."""
