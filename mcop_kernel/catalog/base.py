"""The Catalog protocol every backend implements, and the error it raises for names it cannot find."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

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
from .snapshot import CatalogSnapshot


class CatalogLookupError(LookupError):
    """A name matched nothing, or more than one thing. The message is written for the user."""

    def __init__(self, kind: str, query: str, suggestions: Sequence[str] = (), *, ambiguous: bool = False):
        self.kind = kind
        self.query = query
        self.suggestions = list(suggestions)
        self.ambiguous = ambiguous
        if ambiguous:
            message = f"'{query}' matches more than one {kind}: {', '.join(self.suggestions)}. Which one?"
        elif self.suggestions:
            message = f"No {kind} named '{query}'. Did you mean: {', '.join(self.suggestions)}?"
        else:
            message = f"No {kind} named '{query}'."
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self.args[0])


class CatalogUnavailableError(RuntimeError):
    """The catalog could not be reached or did not answer in time."""


@runtime_checkable
class Catalog(Protocol):
    """Read-only access to a data catalog. Every name argument resolves forgivingly
    ("suppliers" finds `dimv_bs_supplier`); a miss raises CatalogLookupError with suggestions."""

    @property
    def description(self) -> str:
        """One line saying which catalog this is (shown to users; never holds a secret)."""
        ...

    async def snapshot(self) -> CatalogSnapshot:
        """Everything the catalog knows, as immutable facts (a loaded catalog reads its source first)."""
        ...

    async def list_tables(
        self,
        *,
        type: TableType | None = None,
        domain: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> TablePage: ...

    async def search(self, query: str, *, limit: int = 10) -> list[SearchHit]: ...

    async def resolve_table(self, name: str) -> str:
        """The exact table name for a forgiving one."""
        ...

    async def describe_table(self, name: str) -> Table: ...

    async def relationships(self, name: str, *, depth: int = 1) -> Neighbourhood: ...

    async def join_path(self, start: str, end: str) -> JoinPath: ...

    async def lineage(
        self, name: str, *, direction: LineageDirection = "both", depth: int = 3
    ) -> LineageGraph: ...

    async def term(self, name: str) -> GlossaryTerm: ...

    async def owner(self, name: str) -> Ownership: ...
