"""What every explorer tool shares: its dependencies, the catalog snapshot it reads, how a name the
catalog does not know becomes a result the model can relay, and how every result stays in budget."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import wraps
from inspect import signature
from typing import Any, Concatenate, ParamSpec

from pydantic_ai import RunContext

from ..catalog import stewardship
from ..catalog.base import Catalog, CatalogLookupError
from ..catalog.snapshot import CatalogSnapshot
from ..diagrams import Diagram
from .budget import fit

MAX_LIMIT = 200
NO_SNAPSHOT = "This catalog cannot answer that: it offers no snapshot of its metadata."


@dataclass
class ExplorerDeps:
    """What one answer's tools need: the catalog, and the diagrams the tools drew for it."""

    catalog: Catalog
    diagrams: list[Diagram] = field(default_factory=list)

    @property
    def diagram(self) -> Diagram | None:
        """The diagram the final answer carries: the last one drawn."""
        return self.diagrams[-1] if self.diagrams else None


class _NoSnapshotError(LookupError):
    """The catalog offers no snapshot, so steward questions over the whole catalog cannot be answered."""


P = ParamSpec("P")
ToolFn = Callable[Concatenate[RunContext[ExplorerDeps], P], Awaitable[dict[str, Any]]]


def answers_lookup_errors(tool: ToolFn[P]) -> ToolFn[P]:
    """A name the catalog does not know becomes a result the model can relay, not a failure; a
    result too large for a model's context is cut to fit, saying what it left out (budget.fit)."""
    parameters = signature(tool)
    pages = "offset" in parameters.parameters

    @wraps(tool)
    async def wrapper(ctx: RunContext[ExplorerDeps], /, *args: P.args, **kwargs: P.kwargs) -> dict[str, Any]:
        try:
            result = await tool(ctx, *args, **kwargs)
        except CatalogLookupError as exc:
            return {"error": exc.message, "query": exc.query, "suggestions": exc.suggestions}
        except _NoSnapshotError:
            return {"error": NO_SNAPSHOT, "suggestions": []}
        offset = parameters.bind(ctx, *args, **kwargs).arguments.get("offset", 0) if pages else None
        return fit(result, next_offset=max(offset, 0) if isinstance(offset, int) else None)

    return wrapper


async def catalog_snapshot(catalog: Catalog) -> CatalogSnapshot:
    """The catalog's snapshot, with what steward questions read from it built; raises
    _NoSnapshotError for a catalog that offers none (a `python:` catalog written without one)."""
    try:
        read = catalog.snapshot
    except AttributeError:
        raise _NoSnapshotError(NO_SNAPSHOT) from None
    snap = await read()
    if not isinstance(snap, CatalogSnapshot):
        raise _NoSnapshotError(NO_SNAPSHOT)
    stewardship.prepare(snap)
    return snap


def bounded(limit: int) -> int:
    return min(max(limit, 1), MAX_LIMIT)
