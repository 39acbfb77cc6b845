"""The unseen catalogs: MLflow's tracking store, a django CMS site, and the bundled sample."""

from __future__ import annotations

from .build import APPLICATIONS, build, target
from .truth import Truth, sample_truth, sqlite_truth

LABELS = ("mlflow", "djangocms", "sample")


def load(label: str, build_missing: bool = False) -> Truth | None:
    """A catalog's truth; None when its schema is not built (built here when `build_missing`)."""
    if label == "sample":
        return sample_truth()
    path = target(label)
    if build_missing and not path.exists():
        path = build(APPLICATIONS[label])
    if not path.exists():
        return None
    return sqlite_truth(path, label)


def figures(truth: Truth) -> dict[str, int]:
    """What a catalog holds, computed from its truth (the README's catalogs table)."""
    return {
        "tables": len(truth.tables),
        "columns": sum(len(t.columns) for t in truth.tables.values()),
        "foreign keys": len(truth.links),
        "optional": sum(k.optional for k in truth.links),
        "one-to-one": sum(k.one_to_one for k in truth.links),
        "self-referencing": sum(k.table == k.to_table for k in truth.links),
        "app labels": len(set(truth.apps.values())),
        "lineage edges": len(truth.lineage),
        "terms": len(truth.terms),
    }
