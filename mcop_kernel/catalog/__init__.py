"""Catalog access: the `Catalog` protocol, its typed facts, and the bundled sample catalog."""

from __future__ import annotations

from .base import Catalog, CatalogLookupError, CatalogUnavailableError
from .collibra_model import CatalogSnapshot, snapshot_from_collibra
from .models import (
    Cardinality,
    Column,
    ForeignKey,
    GlossaryTerm,
    JoinPath,
    LineageDirection,
    LineageEdge,
    LineageGraph,
    Neighbourhood,
    Ownership,
    Person,
    Relationship,
    SearchHit,
    Table,
    TablePage,
    TableSummary,
    TableType,
)
from .sample import SampleCatalog

__all__ = [
    "Cardinality",
    "Catalog",
    "CatalogLookupError",
    "CatalogSnapshot",
    "CatalogUnavailableError",
    "Column",
    "ForeignKey",
    "GlossaryTerm",
    "JoinPath",
    "LineageDirection",
    "LineageEdge",
    "LineageGraph",
    "Neighbourhood",
    "Ownership",
    "Person",
    "Relationship",
    "SampleCatalog",
    "SearchHit",
    "Table",
    "TablePage",
    "TableSummary",
    "TableType",
    "snapshot_from_collibra",
]
