"""Steward questions about people and care: documentation debt, who answers for what, impact, status."""

from __future__ import annotations

import re
from collections import deque
from typing import Any

from rapidfuzz import fuzz, process

from .base import CatalogLookupError
from .models import Table
from .resolve import key
from .snapshot import CatalogSnapshot, MetadataKind
from .steward import (
    LACK_KINDS,
    Lack,
    bounded,
    catalog_summary,
    index_of,
    largest_tables,
    listing,
)
from .steward_schema import relationships_of_kind

_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_LABEL_FAMILIES = (
    frozenset(
        {"pii", "personal", "personal_data", "personally_identifiable", "personal_information", "gdpr"}
    ),
    frozenset({"confidential", "restricted", "secret", "strictly_confidential"}),
    frozenset({"sensitive", "sensitive_data"}),
)
_NOT_SENSITIVE = frozenset({"public", "internal", "none", "unclassified", "open"})


def _lacks(table: Table, what: Lack, has_refs: bool) -> bool:
    if what == "foreign_keys":
        return not has_refs and not any(c.foreign_key for c in table.columns)
    if what == "owner":
        return table.owner is None
    if what == "steward":
        return table.steward is None
    if what == "description":
        return not table.description.strip()
    if what == "primary_key":
        return not any(c.is_primary_key for c in table.columns)
    return not any(c.terms for c in table.columns)


def tables_lacking(snapshot: CatalogSnapshot, what: Lack, limit: int = 50) -> dict[str, Any]:
    """Tables without foreign keys, an owner, a steward, a description, a primary key or glossary terms."""
    if what not in LACK_KINDS:
        raise CatalogLookupError("kind of gap", str(what), list(LACK_KINDS))
    index = index_of(snapshot)
    lacking: list[str] = index.memo(
        f"lacking:{what}",
        lambda: [t.name for t in index.ordered if _lacks(t, what, bool(index.refs_out.get(t.name)))],
    )
    total = len(snapshot.tables)
    result: dict[str, Any] = {
        "what": what,
        "tables": lacking[: bounded(limit)],
        "count": len(lacking),
        "total": total,
        "coverage": round(1 - len(lacking) / total, 4) if total else 0.0,
    }
    if what == "foreign_keys":
        result["unreferenced"] = sum(1 for n in lacking if not index.refs_in.get(n))
    kind = LACK_KINDS[what]
    return result | index.unknown([kind] if kind else [])


def documentation_coverage(snapshot: CatalogSnapshot) -> dict[str, Any]:
    """Fractions of tables and columns that are described, owned, stewarded and linked to terms."""
    index = index_of(snapshot)
    counts = dict(index.memo("coverage", lambda: _coverage_counts(snapshot)))
    tables, columns = len(snapshot.tables), counts.pop("columns", 0)
    fractions = {}
    for name, n in counts.items():
        whole = tables if name in _PER_TABLE else columns
        fractions[name] = round(n / whole, 4) if whole else 0.0
    kinds: list[MetadataKind] = ["descriptions", "owners", "stewards", "terms"]
    return {"tables": tables, "columns": columns, **fractions, "counts": counts} | index.unknown(kinds)


_PER_TABLE = frozenset({"table_descriptions", "owners", "stewards"})


def _coverage_counts(snapshot: CatalogSnapshot) -> dict[str, int]:
    tables = snapshot.tables
    columns = [c for t in tables for c in t.columns]
    return {
        "columns": len(columns),
        "table_descriptions": sum(1 for t in tables if t.description.strip()),
        "column_descriptions": sum(1 for c in columns if c.description.strip()),
        "owners": sum(1 for t in tables if t.owner),
        "stewards": sum(1 for t in tables if t.steward),
        "terms_linked": sum(1 for c in columns if c.terms),
    }


# -- People ----------------------------------------------------------------------------------------


def resolve_person(snapshot: CatalogSnapshot, query: str) -> str:
    """A person's name from a loose one: the full name, an email, a first or last name, a misspelling."""
    people = index_of(snapshot).people
    wanted = " ".join(query.lower().split())
    for name, facts in people.items():
        if wanted in (name.lower(), (facts.email or "").lower()):
            return name
    words = set(key(query).split("_"))
    partial = [name for name in people if words and words <= set(key(name).split("_"))]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        raise CatalogLookupError("person", query, sorted(partial)[:5], ambiguous=True)
    close = process.extract(query, list(people), scorer=fuzz.WRatio, limit=5, score_cutoff=70)
    if close and (len(close) == 1 or close[0][1] - close[1][1] >= 8):
        return str(close[0][0])
    suggestions = [c[0] for c in close] or sorted(people)[:5]
    raise CatalogLookupError("person", query, suggestions)


def assets_of_person(snapshot: CatalogSnapshot, person: str, limit: int = 50) -> dict[str, Any]:
    """The tables a person owns and stewards and the glossary terms they steward."""
    index = index_of(snapshot)
    if not index.people:
        raise CatalogLookupError("person", person, [])
    facts = index.people[resolve_person(snapshot, person)]
    cap = bounded(limit)
    return {
        "person": facts.name,
        "email": facts.email,
        "owns": facts.owns[:cap],
        "owns_count": len(facts.owns),
        "stewards": facts.stewards[:cap],
        "stewards_count": len(facts.stewards),
        "terms": facts.terms[:cap],
        "terms_count": len(facts.terms),
    }


def list_people(snapshot: CatalogSnapshot, limit: int = 50) -> dict[str, Any]:
    """Everyone who owns or stewards something, with how much."""
    index = index_of(snapshot)
    people = sorted(index.people.values(), key=lambda p: (-(len(p.owns) + len(p.stewards)), p.name))
    return {
        "people": [
            {
                "name": p.name,
                "email": p.email,
                "owns": len(p.owns),
                "stewards": len(p.stewards),
                "terms": len(p.terms),
            }
            for p in people[: bounded(limit)]
        ],
        "count": len(people),
    } | index.unknown(["owners", "stewards"])


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


# -- Comparing and the glossary --------------------------------------------------------------------


def compare_tables(snapshot: CatalogSnapshot, first: str, second: str) -> dict[str, Any]:
    """Two tables side by side: columns in common and apart, and whether a foreign key joins them."""
    index = index_of(snapshot)
    a, b = index.table(first), index.table(second)
    a_cols = {c.name.lower(): c.name for c in a.columns}
    b_cols = {c.name.lower(): c.name for c in b.columns}

    def side(t: Table) -> dict[str, Any]:
        return {
            "name": t.name,
            "type": t.type,
            "domain": t.domain,
            "columns": len(t.columns),
            "owner": t.owner.name if t.owner else None,
            "description": t.description,
        }

    direct = any(r.to_table == b.name for r in index.refs_out.get(a.name, ())) or any(
        r.to_table == a.name for r in index.refs_out.get(b.name, ())
    )
    return {
        "first": side(a),
        "second": side(b),
        "shared_columns": [name for low, name in a_cols.items() if low in b_cols],
        "only_first": [name for low, name in a_cols.items() if low not in b_cols],
        "only_second": [name for low, name in b_cols.items() if low not in a_cols],
        "direct": direct,
        "joined_by": None,
    }


def first_sentence(text: str) -> str:
    """The first sentence of a definition."""
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0] if text.strip() else ""


def list_glossary(snapshot: CatalogSnapshot, offset: int = 0, limit: int = 50) -> dict[str, Any]:
    """The glossary's terms in alphabetical order, a page at a time."""
    terms = index_of(snapshot).memo("glossary", lambda: sorted(snapshot.terms, key=lambda t: t.name.lower()))
    offset, cap = max(offset, 0), bounded(limit)
    return {
        "terms": [
            {
                "name": t.name,
                "definition": first_sentence(t.definition),
                "domain": t.domain,
                "steward": t.steward.name if t.steward else None,
            }
            for t in terms[offset : offset + cap]
        ],
        "total": len(terms),
        "offset": offset,
    } | index_of(snapshot).unknown(["terms"])


def prepare(snapshot: CatalogSnapshot) -> None:
    """Build everything steward questions read from a snapshot once, so that no question pays for it
    (about a second for 10,000 tables; later calls return at once)."""
    index = index_of(snapshot)
    if index.memo("prepared", lambda: False):
        return
    for what in LACK_KINDS:
        tables_lacking(snapshot, what)  # type: ignore[arg-type]
    for kind in ("optional", "one-to-one", "self-referencing", "many-to-many"):
        relationships_of_kind(snapshot, kind)
    catalog_summary(snapshot)
    documentation_coverage(snapshot)
    find_classified(snapshot)
    largest_tables(snapshot)
    listing(snapshot, order="rows")
    list_glossary(snapshot)
    index.memo_set("prepared", True)
