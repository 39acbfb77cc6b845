"""`SnapshotCatalog`: the engine that answers every Catalog question from a snapshot held in memory."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from rapidfuzz import fuzz, process

from .base import CatalogLookupError
from .joins import JoinGraph
from .models import (
    GlossaryTerm,
    JoinPath,
    LineageDirection,
    LineageEdge,
    LineageGraph,
    Neighbourhood,
    Ownership,
    SearchHit,
    Table,
    TablePage,
    TableSummary,
    TableType,
)
from .resolve import SearchIndex, TableResolver, TermResolver, key
from .snapshot import CatalogSnapshot

_LISTING_ORDER = {"FACT": 0, "DIMENSION": 1}


class SnapshotCatalog:
    """Every Catalog question answered from a snapshot held in memory; indexes are built once, here.

    Every backend answers through one: the bundled sample (``sample_catalog()``), a SQL database or a
    Collibra instance once read, or any ``SnapshotCatalog(CatalogSnapshot(tables=..., ...))`` (tests,
    synthetic catalogs, a Collibra export converted with ``snapshot_from_collibra``).
    """

    def __init__(self, snapshot: CatalogSnapshot) -> None:
        self._snapshot = snapshot
        self._tables: dict[str, Table] = {}
        for table in snapshot.tables:
            if table.name in self._tables:
                raise ValueError(f"The snapshot has two tables named {table.name!r}.")
            self._tables[table.name] = table
        ordered = sorted(snapshot.tables, key=lambda t: (_LISTING_ORDER.get(t.type, 2), t.name))
        self._summaries = {t.name: t.summary() for t in ordered}
        self._listing: tuple[TableSummary, ...] = tuple(self._summaries.values())
        self._by_domain: dict[str, list[TableSummary]] = defaultdict(list)
        for summary in self._listing:
            self._by_domain[key(summary.domain)].append(summary)
        self._domain_names = {key(s.domain): s.domain for s in self._listing}
        self._terms = {term.name: term for term in snapshot.terms}
        self._resolver = TableResolver(snapshot.tables, snapshot.terms)
        self._term_resolver = TermResolver(snapshot.terms)
        self._index = SearchIndex(snapshot.tables, snapshot.terms)
        self._position = {rel.id: i for i, rel in enumerate(snapshot.relationships)}
        self._graph = JoinGraph(self._tables, snapshot.relationships)
        self._joins = self._graph.joins
        self._upstream: dict[str, list[LineageEdge]] = defaultdict(list)
        self._downstream: dict[str, list[LineageEdge]] = defaultdict(list)
        for edge in dict.fromkeys(snapshot.lineage):
            self._upstream[edge.target].append(edge)
            self._downstream[edge.source].append(edge)

    async def snapshot(self) -> CatalogSnapshot:
        """The facts this catalog serves (already in memory: returns at once)."""
        return self._snapshot

    @property
    def description(self) -> str:
        return f"{self._snapshot.title} ({len(self._tables)} tables, {self._snapshot.origin})"

    async def list_tables(
        self,
        *,
        type: TableType | None = None,
        domain: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> TablePage:
        items: Sequence[TableSummary] = self._listing
        if domain and domain.strip():
            items = self._by_domain.get(key(domain), ())
            if not items:
                close = process.extract(key(domain), list(self._domain_names), scorer=fuzz.WRatio, limit=5)
                known = [self._domain_names[k] for k, score, _ in close if score >= 50]
                known = known or sorted(self._domain_names.values())[:5]
                raise CatalogLookupError("domain", domain, known)
        if type:
            wanted = type.upper()
            items = [s for s in items if s.type == wanted]
        offset, limit = max(offset, 0), max(limit, 0)
        return TablePage(
            items=tuple(items[offset : offset + limit]), total=len(items), offset=offset, limit=limit
        )

    async def search(self, query: str, *, limit: int = 10) -> list[SearchHit]:
        return self._index.search(query, limit)

    async def resolve_table(self, name: str) -> str:
        return self._resolver.resolve(name)

    async def describe_table(self, name: str) -> Table:
        return self._tables[self._resolver.resolve(name)]

    async def owner(self, name: str) -> Ownership:
        table = self._tables[self._resolver.resolve(name)]
        return Ownership(table=table.name, owner=table.owner, steward=table.steward)

    async def term(self, name: str) -> GlossaryTerm:
        return self._terms[self._term_resolver.resolve(name)]

    async def relationships(self, name: str, *, depth: int = 1) -> Neighbourhood:
        center = self._resolver.resolve(name)
        depth = max(depth, 0)
        included = [center]
        seen = {center}
        frontier = [center]
        for _ in range(depth):
            following = []
            for table in frontier:
                for other, _rel in self._joins.get(table, ()):
                    if other not in seen:
                        seen.add(other)
                        included.append(other)
                        following.append(other)
            frontier = following
        rels = {
            rel.id: rel for table in included for other, rel in self._joins.get(table, ()) if other in seen
        }
        ordered = sorted(rels.values(), key=lambda rel: self._position.get(rel.id, 0))
        return Neighbourhood(
            center=center,
            depth=depth,
            tables=tuple(self._tables[t] for t in included),
            relationships=tuple(ordered),
        )

    async def join_path(self, start: str, end: str) -> JoinPath:
        """Fewest joins; among equally short paths, the one that least often joins two tables through a
        dimension they both reference (receipt -> date <- requisition is valid SQL but rarely meant;
        receipt -> order line <- requisition is); a path through a generic hub (a users table nearly
        every table references) only when nothing close avoids it, and then with a warning."""
        return self._graph.path(self._resolver.resolve(start), self._resolver.resolve(end))

    @property
    def hubs(self) -> dict[str, int]:
        """Tables so widely referenced that joining through them is usually a coincidence, with how
        many tables reference each (found from the foreign keys, not from names)."""
        return dict(self._graph.hubs)

    async def lineage(
        self, name: str, *, direction: LineageDirection = "both", depth: int = 3
    ) -> LineageGraph:
        if direction not in ("upstream", "downstream", "both"):
            raise ValueError(f"direction must be upstream, downstream or both, not {direction!r}")
        center = self._resolver.resolve(name)
        names = {center: None}
        edges: dict[LineageEdge, None] = {}
        walks: list[tuple[dict[str, list[LineageEdge]], Callable[[LineageEdge], str]]] = []
        if direction in ("upstream", "both"):
            walks.append((self._upstream, lambda e: e.source))
        if direction in ("downstream", "both"):
            walks.append((self._downstream, lambda e: e.target))
        for adjacency, next_of in walks:
            seen, frontier = {center}, [center]
            for _ in range(max(depth, 0)):
                following = []
                for table in frontier:
                    for edge in adjacency.get(table, ()):
                        edges[edge] = None
                        other = next_of(edge)
                        if other not in seen:
                            seen.add(other)
                            names[other] = None
                            following.append(other)
                frontier = following
        return LineageGraph(
            center=center,
            direction=direction,
            depth=max(depth, 0),
            tables=tuple(self._summaries[n] for n in names if n in self._summaries),
            edges=tuple(edges),
        )
