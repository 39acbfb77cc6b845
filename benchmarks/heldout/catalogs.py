"""The held-out catalogs: an accounting application from PyPI, a hand-written clinic, helpdesk, the sample.

The accounting schema (django-ledger) is built with the understanding benchmark's own machinery
(`schemas.build`: its own venv under `.cache/schemas/ledger/`, a pinned version, `migrate` into
SQLite); the clinic is `clinic.sql`, run through plain sqlite3. Facts are read with
`benchmarks.understanding.facts`, never through the explorer's catalog code.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from benchmarks.understanding.facts import CatalogFacts, sample_facts, sqlite_facts
from benchmarks.understanding.schemas import _CONTRIB, CACHE, DJANGO, App, build

HERE = Path(__file__).resolve().parent
LEDGER = App(
    name="ledger",
    requirements=("django-ledger==0.8.5", DJANGO),
    installed_apps=(*_CONTRIB[:5], "django.contrib.humanize", "django_ledger"),
)
LABELS = ("ledger", "clinic", "helpdesk", "sample")


def build_clinic(cache: Path = CACHE) -> Path:
    """Leave `cache/heldout-clinic.sqlite`, rebuilt from `clinic.sql` each time (it is small)."""
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / "heldout-clinic.sqlite"
    target.unlink(missing_ok=True)
    con = sqlite3.connect(target)
    try:
        con.executescript((HERE / "clinic.sql").read_text())
    finally:
        con.close()
    return target


def app_labels(path: Path) -> dict[str, str]:
    """Table -> its Django app label, from the application's own `django_content_type` rows."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        present = con.execute("SELECT 1 FROM sqlite_master WHERE name = 'django_content_type'").fetchone()
        if not present:
            return {}
        rows = con.execute("SELECT app_label, model FROM django_content_type").fetchall()
    finally:
        con.close()
    return {f"{app}_{model}": str(app) for app, model in rows}


def load(label: str, build_missing: bool = False) -> tuple[CatalogFacts, dict[str, str]] | None:
    """A catalog's facts and its tables' app labels; None when its schema is not built (the
    accounting schema is built here when `build_missing`: a few minutes, once)."""
    if label == "sample":
        return sample_facts(), {}
    if label == "clinic":
        return sqlite_facts(build_clinic(), label), {}
    path = CACHE / f"{label}.sqlite"
    if label == "ledger" and build_missing:
        path = build(LEDGER)
    if not path.exists():
        return None
    return sqlite_facts(path, label), app_labels(path)


def column_types(facts: CatalogFacts) -> dict[str, dict[str, str]]:
    """Table -> column -> declared type: `PRAGMA table_info` for SQLite, the snapshot for the sample."""
    if not facts.spec:
        from mcop_kernel.catalog.sample import bundled_snapshot

        return {t.name: {c.name: c.data_type for c in t.columns} for t in bundled_snapshot().tables}
    path = facts.spec.removeprefix("sql:sqlite:///")
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out: dict[str, dict[str, str]] = {}
        for table in facts.tables:
            quoted = '"' + table.replace('"', '""') + '"'
            out[table] = {str(r[1]): str(r[2]) for r in con.execute(f"PRAGMA table_info({quoted})")}
        return out
    finally:
        con.close()
