"""`CollibraCatalog`: a Collibra instance as a catalog, read once over REST API v2, answered from memory.

Usage::

    config = CollibraConfig("https://acme.collibra.com", client_id="mcop", client_secret=secret)
    catalog = CollibraCatalog(config)
    table = await catalog.describe_table("purchase orders")  # the first question reads Collibra
    await catalog.refresh()                                  # read it again

Opening the catalog connects to nothing; the first question reads every asset, relation, attribute
and responsibility (page by page, natively async with httpx, concurrent questions sharing one read),
converts them with `snapshot_from_collibra`, and every answer comes from that snapshot through
`LoadedCatalog`, the loader it shares with the SQL catalog. Errors are `CatalogUnavailableError`s
whose messages never hold a secret.
"""

from __future__ import annotations

import logging
import time

from .base import CatalogUnavailableError
from .collibra_client import CollibraClient, CollibraConfig
from .collibra_model import snapshot_from_collibra
from .loaded import LoadedCatalog
from .snapshot import CatalogSnapshot

__all__ = ["CollibraCatalog", "CollibraConfig"]

log = logging.getLogger(__name__)


class CollibraCatalog(LoadedCatalog):
    """The Catalog protocol over Collibra's tables, columns, business terms, relations and owners,
    read on first use and answered from memory."""

    def __init__(self, config: CollibraConfig) -> None:
        super().__init__()
        self._config = config

    @property
    def description(self) -> str:
        return f"{self._config.title} {self._config.label} ({self._state()})"

    async def read_snapshot(self) -> CatalogSnapshot:
        """Every page of every endpoint, natively async (the loader runs it on a worker thread's loop)."""
        started = time.perf_counter()
        async with CollibraClient(self._config) as client:
            export = await client.export()
        snapshot = snapshot_from_collibra(export, origin=self._config.label)
        log.info(
            "Read %d assets (%d tables) from Collibra %s in %.2f s",
            len(export["assets"]),
            len(snapshot.tables),
            self._config.label,
            time.perf_counter() - started,
        )
        return snapshot

    def _unavailable(self, exc: Exception) -> CatalogUnavailableError:
        """E.g. a ValueError from indexing: two tables of the same name."""
        return CatalogUnavailableError(f"Collibra {self._config.label} could not be used as a catalog: {exc}")
