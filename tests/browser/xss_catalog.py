"""The bundled sample catalog with markup in one table's description and one column's description,
for checking that catalog text reaches the page as text. Configure the server with
`--MCOPExtension.catalog=python:xss_catalog:factory` (tests/browser/ is on its PYTHONPATH)."""

from __future__ import annotations

from dataclasses import replace

from mcop_kernel.catalog.sample import bundled_snapshot
from mcop_kernel.catalog.snapshot import CatalogSnapshot
from mcop_kernel.catalog.snapshot_catalog import SnapshotCatalog

TABLE = "dimv_bs_supplier"
PAYLOAD = "<img src=x onerror=alert(1)>"
COLUMN_PAYLOAD = "<svg><script>alert(2)</script></svg><b onmouseover=alert(3)>bold?</b>"
DESCRIPTION = f"Suppliers (vendors) {PAYLOAD} as the marts see them."


def snapshot() -> CatalogSnapshot:
    sample = bundled_snapshot()
    tables = []
    for table in sample.tables:
        if table.name == TABLE:
            first, *rest = table.columns
            first = first.model_copy(update={"description": f"Key {COLUMN_PAYLOAD}"})
            table = table.model_copy(update={"description": DESCRIPTION, "columns": (first, *rest)})
        tables.append(table)
    return replace(sample, tables=tuple(tables), title="Sample catalog with markup in descriptions")


def factory() -> SnapshotCatalog:
    return SnapshotCatalog(snapshot())
