"""`CollibraCatalog`: a Collibra instance as a catalog, read once over REST API v2, answered from memory.

Usage::

    config = CollibraConfig("https://acme.collibra.com", client_id="mcop", client_secret=secret)
    catalog = CollibraCatalog(config)
    table = await catalog.describe_table("purchase orders")  # the first question reads Collibra
    await catalog.refresh()                                  # read it again

Opening the catalog connects to nothing; the first question reads every asset, relation, attribute
and responsibility (page by page, natively async with httpx, concurrent questions sharing one read),
converts them with `snapshot_from_collibra`, and every answer comes from that snapshot through
`SnapshotCatalog`. Errors are `CatalogUnavailableError`s whose messages never hold a secret.
"""

from __future__ import annotations

import asyncio
import logging
import time

from .base import CatalogUnavailableError
from .collibra_client import CollibraClient, CollibraConfig
from .collibra_model import snapshot_from_collibra
from .loaded import LoadedCatalog
from .snapshot import CatalogSnapshot
from .snapshot_catalog import SnapshotCatalog

__all__ = ["CollibraCatalog", "CollibraConfig"]

log = logging.getLogger(__name__)


class CollibraCatalog(LoadedCatalog):
    """The Catalog protocol over Collibra's tables, columns, business terms, relations and owners,
    read on first use and answered from memory."""

    def __init__(self, config: CollibraConfig) -> None:
        self._config = config
        self._loaded: SnapshotCatalog | None = None
        self._loading: asyncio.Task[SnapshotCatalog] | None = None

    @property
    def description(self) -> str:
        loaded = self._loaded
        state = f"{len(loaded.snapshot.tables)} tables" if loaded else "not read yet"
        return f"{self._config.title} {self._config.label} ({state})"

    async def snapshot(self) -> CatalogSnapshot:
        """Collibra's facts, read on first use."""
        return (await self._catalog()).snapshot

    async def refresh(self) -> CatalogSnapshot:
        """Read Collibra again; answers use the new snapshot once it is complete (the previous one is
        kept if reading fails)."""
        return (await asyncio.shield(self._start(again=True))).snapshot

    async def _catalog(self) -> SnapshotCatalog:
        loaded = self._loaded
        return loaded if loaded is not None else await asyncio.shield(self._start(again=False))

    def _start(self, *, again: bool) -> asyncio.Task[SnapshotCatalog]:
        """The read in flight on this event loop, or a new one. Callers share it, and one caller
        giving up (a cancelled answer) does not stop it for the others."""
        current = self._loading
        loop = asyncio.get_running_loop()
        reusable = (
            current is not None
            and current.get_loop() is loop
            and not (current.done() and (current.cancelled() or current.exception() is not None))
        )
        if current is not None and reusable and not again:
            return current
        task = loop.create_task(self._read(), name="mcop-collibra-catalog")
        self._loading = task
        return task

    async def _read(self) -> SnapshotCatalog:
        started = time.perf_counter()
        try:
            async with CollibraClient(self._config) as client:
                export = await client.export()
                snapshot = snapshot_from_collibra(export, origin=self._config.label)
                catalog = SnapshotCatalog(snapshot)
        except CatalogUnavailableError as exc:
            log.warning("%s", exc)
            raise
        except ValueError as exc:  # e.g. two tables of the same name
            error = CatalogUnavailableError(
                f"Collibra {self._config.label} could not be used as a catalog: {exc}"
            )
            log.warning("%s", error)
            raise error from None
        if self._loading is asyncio.current_task():
            self._loaded = catalog
        log.info(
            "Read %d assets (%d tables) from Collibra %s in %.2f s",
            len(export["assets"]),
            len(snapshot.tables),
            self._config.label,
            time.perf_counter() - started,
        )
        return catalog
