"""Steward questions about one table's reach and standing: impact of a change, status, classified data."""

from __future__ import annotations

from collections import deque
from typing import Any

from rapidfuzz import fuzz

from .models import Table
from .resolve import key
from .snapshot import CatalogSnapshot, MetadataKind
from .steward import bounded, index_of

_LABEL_FAMILIES = (
    frozenset(
        {"pii", "personal", "personal_data", "personally_identifiable", "personal_information", "gdpr"}
    ),
    frozenset({"confidential", "restricted", "secret", "strictly_confidential"}),
    frozenset({"sensitive", "sensitive_data"}),
)
_NOT_SENSITIVE = frozenset({"public", "internal", "none", "unclassified", "open"})


# -- Impact and status -----------------------------------------------------------------------------


def impact_analysis(snapshot: CatalogSnapshot, table: str, depth: int = 6, limit: int = 50) -> dict[str, Any]:
    """What a change to `table` reaches: downstream lineage and tables referencing it, with their people."""
    index = index_of(snapshot)
    found = index.table(table)
    reached: dict[str, int] = {}
    queue = deque([(found.name, 0)])
    seen = {found.name}
    while queue:
        current, at = queue.popleft()
        if at >= max(depth, 1):
            continue
        for target in index.downstream.get(current, ()):
            if target not in seen:
                seen.add(target)
                reached[target] = at + 1
                queue.append((target, at + 1))

    def people_of(name: str) -> dict[str, str | None]:
        t = index.tables.get(name)
        return {
            "owner": t.owner.name if t and t.owner else None,
            "steward": t.steward.name if t and t.steward else None,
        }

    downstream: list[dict[str, Any]] = [{"table": n, "depth": d, **people_of(n)} for n, d in reached.items()]
    referencing = list(
        dict.fromkeys(r.from_table for r in index.refs_in.get(found.name, ()) if r.from_table != found.name)
    )
    referenced_by: list[dict[str, Any]] = [{"table": n, **people_of(n)} for n in referencing]
    people = list(
        dict.fromkeys(
            p for row in downstream + referenced_by for p in (row["owner"], row["steward"]) if p is not None
        )
    )
    cap = bounded(limit)
    if downstream or referenced_by:
        note = (
            f"A change to {found.name} reaches {len(downstream)} table(s) downstream by lineage and "
            f"{len(referenced_by)} table(s) that reference it by foreign key."
        )
    else:
        note = f"Nothing in the catalog depends on {found.name} by lineage or foreign key."
    unknown = index.unknown(["lineage", "owners", "stewards"])
    if unknown:
        note = f"{note} {unknown['note']}"
    return {
        "table": found.name,
        "owner": found.owner.name if found.owner else None,
        "steward": found.steward.name if found.steward else None,
        "downstream": downstream[:cap],
        "downstream_count": len(downstream),
        "referenced_by": referenced_by[:cap],
        "referenced_by_count": len(referenced_by),
        "people_to_tell": people,
        "note": note,
        **({"unknown": unknown["unknown"]} if unknown else {}),
    }


def table_status(snapshot: CatalogSnapshot, table: str) -> dict[str, Any]:
    """Certification, classification, freshness, quality and size of a table, as far as recorded."""
    index = index_of(snapshot)
    found = index.table(table)
    kinds: list[MetadataKind] = ["certification", "classification", "freshness", "quality", "row_counts"]
    unknown = index.unknown(kinds)
    return {
        "table": found.name,
        "status": found.status,
        "certified": found.certified,
        "classification": found.classification,
        "sensitive_columns": [
            {"column": c.name, "classification": c.classification} for c in found.columns if c.classification
        ],
        "refresh_schedule": found.refresh_schedule,
        "last_loaded": found.last_loaded,
        "quality_score": found.quality_score,
        "row_count": found.row_count,
        "unknown": unknown.get("unknown", []),
        "note": unknown.get("note", ""),
    }


def _label_matches(label: str, classification: str) -> bool:
    wanted, have = key(label), key(classification)
    if not have:
        return False
    if wanted in have or have in wanted:
        return True
    for family in _LABEL_FAMILIES:
        if any(w in wanted for w in family) and any(h in have for h in family):
            return True
    if "sensitive" in wanted:
        return have not in _NOT_SENSITIVE
    return fuzz.token_set_ratio(wanted.replace("_", " "), have.replace("_", " ")) >= 85


def find_classified(snapshot: CatalogSnapshot, label: str | None = None, limit: int = 50) -> dict[str, Any]:
    """Tables and columns carrying a classification label (loosely matched), or every classified one."""
    index = index_of(snapshot)
    tables_all, columns_all = index.memo("classified", lambda: _classified(index.ordered))
    verdicts: dict[str, bool] = {}

    def wanted(classification: str) -> bool:
        if classification not in verdicts:
            verdicts[classification] = not label or _label_matches(label, classification)
        return verdicts[classification]

    tables = [{"name": n, "classification": c} for n, c in tables_all if wanted(c)]
    columns = [{"table": t, "column": n, "classification": c} for t, n, c in columns_all if wanted(c)]
    cap = bounded(limit)
    labels = sorted({c for _, c in tables_all} | {c for *_, c in columns_all})
    return {
        "label": label,
        "tables": tables[:cap],
        "tables_count": len(tables),
        "columns": columns[:cap],
        "columns_count": len(columns),
        "count": len(tables) + len(columns),
        "labels": labels[:cap],
    } | index.unknown(["classification"])


def _classified(tables: list[Table]) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    return (
        [(t.name, t.classification) for t in tables if t.classification],
        [(t.name, c.name, c.classification) for t in tables for c in t.columns if c.classification],
    )
