"""Catalog access: the `Catalog` protocol, its typed facts, the snapshot engine and the bundled sample."""

from __future__ import annotations

from .base import Catalog, CatalogLookupError, CatalogUnavailableError
from .collibra_model import snapshot_from_collibra
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
from .sample import sample_catalog
from .snapshot import CatalogSnapshot
from .snapshot_catalog import SnapshotCatalog

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
    "SearchHit",
    "SnapshotCatalog",
    "Table",
    "TablePage",
    "TableSummary",
    "TableType",
    "sample_catalog",
    "snapshot_from_collibra",
]
