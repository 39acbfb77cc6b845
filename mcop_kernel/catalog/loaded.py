"""Catalogs read from somewhere else once (a database, Collibra) and then answered from memory."""

from __future__ import annotations

from abc import ABC, abstractmethod

from .models import (
    GlossaryTerm,
    JoinPath,
    LineageDirection,
    LineageGraph,
    Neighbourhood,
    Ownership,
    SearchHit,
    Table,
    TablePage,
    TableType,
)
from .snapshot_catalog import SnapshotCatalog


class LoadedCatalog(ABC):
    """Answers every Catalog question from the in-memory catalog `_catalog()` gives, which a
    subclass reads (lazily, once, shared by concurrent callers) from its source."""

    @abstractmethod
    async def _catalog(self) -> SnapshotCatalog:
        """The catalog as last read; reads it first if it has not been."""

    async def list_tables(
        self,
        *,
        type: TableType | None = None,
        domain: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> TablePage:
        catalog = await self._catalog()
        return await catalog.list_tables(type=type, domain=domain, offset=offset, limit=limit)

    async def search(self, query: str, *, limit: int = 10) -> list[SearchHit]:
        return await (await self._catalog()).search(query, limit=limit)

    async def resolve_table(self, name: str) -> str:
        return await (await self._catalog()).resolve_table(name)

    async def describe_table(self, name: str) -> Table:
        return await (await self._catalog()).describe_table(name)

    async def relationships(self, name: str, *, depth: int = 1) -> Neighbourhood:
        return await (await self._catalog()).relationships(name, depth=depth)

    async def join_path(self, start: str, end: str) -> JoinPath:
        return await (await self._catalog()).join_path(start, end)

    async def lineage(
        self, name: str, *, direction: LineageDirection = "both", depth: int = 3
    ) -> LineageGraph:
        return await (await self._catalog()).lineage(name, direction=direction, depth=depth)

    async def term(self, name: str) -> GlossaryTerm:
        return await (await self._catalog()).term(name)

    async def owner(self, name: str) -> Ownership:
        return await (await self._catalog()).owner(name)
