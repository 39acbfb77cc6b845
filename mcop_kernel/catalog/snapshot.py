"""`CatalogSnapshot`: everything a catalog knows at one moment, as immutable typed facts."""

from __future__ import annotations

from dataclasses import dataclass

from .models import GlossaryTerm, LineageEdge, Relationship, Table


@dataclass(frozen=True, slots=True)
class CatalogSnapshot:
    """Everything a catalog knows, as typed facts: what an in-memory catalog serves."""

    tables: tuple[Table, ...]
    relationships: tuple[Relationship, ...] = ()
    lineage: tuple[LineageEdge, ...] = ()
    terms: tuple[GlossaryTerm, ...] = ()
    title: str = "Catalog snapshot"
    origin: str = "in memory"
