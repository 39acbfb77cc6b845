"""The bundled sample: a procurement catalog shaped like a Collibra export, the offline default."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

from .base import CatalogUnavailableError
from .collibra_model import snapshot_from_collibra
from .snapshot import CatalogSnapshot
from .snapshot_catalog import SnapshotCatalog

SAMPLE_PACKAGE = "mcop_kernel.data"
SAMPLE_FILE = "sample_catalog.json"


@cache
def bundled_snapshot() -> CatalogSnapshot:
    """The bundled sample, read and converted once per process (snapshots are immutable)."""
    try:
        text = files(SAMPLE_PACKAGE).joinpath(SAMPLE_FILE).read_text(encoding="utf-8")
        export = json.loads(text)
    except (OSError, ValueError) as exc:
        raise CatalogUnavailableError(f"The bundled sample catalog could not be read: {exc}") from exc
    return snapshot_from_collibra(export, origin="bundled")


def sample_catalog() -> SnapshotCatalog:
    """The bundled procurement sample (offline; raises CatalogUnavailableError if it is unreadable)."""
    return SnapshotCatalog(bundled_snapshot())
