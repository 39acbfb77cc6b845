"""Steward questions about people and care: documentation debt, who answers for what, comparing, glossary.

Impact, status and classified data live in `stewardship_impact` and are exported from here too.
"""

from __future__ import annotations

import re
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
from .stewardship_impact import find_classified, impact_analysis, table_status

__all__ = [
    "assets_of_person",
    "compare_tables",
    "documentation_coverage",
    "find_classified",
    "first_sentence",
    "impact_analysis",
    "list_glossary",
    "list_people",
    "prepare",
    "resolve_person",
    "table_status",
    "tables_lacking",
]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


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
