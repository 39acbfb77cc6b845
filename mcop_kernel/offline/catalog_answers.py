"""The offline model's answers about the whole catalog (counts, debt, coverage, size) and table keys."""

from __future__ import annotations

from .answers import Result, and_list, count
from .intents import Intent
from .steward_answers import be, names_list, unknown_note

_LACKING = {
    "foreign_keys": "no foreign keys of their own (they reference no other table)",
    "owner": "no owner recorded",
    "steward": "no data steward recorded",
    "description": "no description",
    "primary_key": "no primary key",
    "terms": "no glossary terms linked to their columns",
}
_HAVE = {
    "foreign_keys": "have a foreign key",
    "owner": "have an owner",
    "steward": "have a steward",
    "description": "have a description",
    "primary_key": "have a primary key",
    "terms": "have a glossary term",
}


COMPLETE = (
    "That listing was already complete: there are no more tables to show. "
    "Ask “How many tables are there?” for the counts, or name an area, a domain or a type to narrow it."
)


def count_answer(intent: Intent, summary: Result) -> str:
    """The number first, then what it is made of."""
    tables, by_type = int(summary.get("tables", 0)), dict(summary.get("by_type") or {})
    if intent.what == "areas":
        return areas_answer(summary)
    if intent.what == "columns":
        columns = count(int(summary.get("columns", 0)), "column")
        return f"The catalog has **{columns}** across {count(tables, 'table')}."
    if intent.what == "foreign_keys":
        keys = count(int(summary.get("foreign_keys", 0)), "foreign key")
        return f"The catalog records **{keys}** between {count(tables, 'table')}."
    if intent.table_type:
        n = int(by_type.get(intent.table_type, 0))
        return f"There {be(n)} **{count(n, intent.table_type + ' table')}** (of {tables} in all)."
    for group, label in (("domains", "domain"), ("areas", "area"), ("schemas", "schema")):
        wanted = intent.domain if group == "domains" else intent.area
        for entry in summary.get(group) or []:
            if wanted and str(entry.get("name", "")).lower() == wanted.lower():
                n = int(entry.get("tables", 0))
                return f"There {be(n)} **{count(n, 'table')}** in the {entry['name']} {label}."
    kinds = ", ".join(f"{n} {t}" for t, n in sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])))
    kinds = kinds if len(by_type) > 1 else ""
    lines = [
        f"There are **{count(tables, 'table')}** in {summary.get('title') or 'the catalog'}"
        + (f": {kinds}." if kinds else ".")
    ]
    facts = [
        count(int(summary.get("columns", 0)), "column"),
        count(int(summary.get("foreign_keys", 0)), "foreign key"),
        count(int(summary.get("terms", 0)), "glossary term"),
        count(int(summary.get("lineage_edges", 0)), "lineage flow"),
    ]
    lines.append("It also records " + and_list(facts) + ".")
    domains = [f"{d['name']} ({d['tables']})" for d in summary.get("domains") or [] if d.get("name")]
    if domains:
        lines.append("Domains: " + ", ".join(domains[:10]) + ".")
    areas = [f"{a['name']} ({a['tables']})" for a in _ranked(summary.get("areas"))]
    if areas:
        lines.append("Areas by name prefix: " + ", ".join(areas[:12]) + ".")
    if intent.what == "overview":
        lines += ["", "Ask “Show me all tables” for the full list, or “List the … tables” for one area."]
    return "\n".join(lines)


def _ranked(groups: object) -> list[Result]:
    entries = [g for g in groups or [] if isinstance(g, dict) and g.get("name")]  # type: ignore[attr-defined]
    return sorted(entries, key=lambda g: (-int(g.get("tables", 0)), str(g["name"])))


def areas_answer(summary: Result) -> str:
    """The catalog's areas (domains, app labels, schemas) ranked by how many tables each holds."""
    total = int(summary.get("tables", 0))
    for group, label in (("domains", "domain"), ("areas", "area"), ("schemas", "schema")):
        ranked = _ranked(summary.get(group))
        if len(ranked) > 1:
            lines = [f"The biggest {label}s by number of tables (of {count(total, 'table')} in all):", ""]
            lines += [
                f"{n}. {g['name']}: {count(int(g['tables']), 'table')}" for n, g in enumerate(ranked[:15], 1)
            ]
            if len(ranked) > 15:
                lines.append(f"- … and {len(ranked) - 15} more {label}s")
            return "\n".join(lines)
    tables = count(total, "table")
    return f"This catalog is not split into areas: its {tables} share no domain, prefix or schema."


def widest_answer(tool: str, result: Result, biggest: Result | None) -> str:
    """The table with the most columns (or, when row counts are known, the biggest table's width)."""
    if tool == "describe_table":
        rows = next((t.get("row_count") for t in (biggest or {}).get("tables") or []), None)
        n = len(result.get("columns") or [])
        size = f" ({rows:,} rows)" if isinstance(rows, int) else ""
        return f"The biggest table by rows is `{result['name']}`{size}; it has **{count(n, 'column')}**."
    items = list(result.get("items") or [])
    if not items:
        return "The catalog has no tables."
    top = items[0]
    lead = "This catalog records no row counts, so by width: the" if biggest is not None else "The"
    width = count(int(top["columns"]), "column")
    lines = [f"{lead} table with the most columns is `{top['name']}`, with **{width}**."]
    if len(items) > 1:
        lines += ["", "Next widest:"] + [
            f"- `{t['name']}`: {count(int(t['columns']), 'column')}" for t in items[1:]
        ]
    return "\n".join(lines)


def keys_answer(intent: Intent, keys: Result) -> str:
    table, pk = keys["table"], list(keys.get("primary_key") or [])
    if pk:
        cols = and_list([f"`{c}`" for c in pk])
        grain = "one row per value of" if len(pk) == 1 else "one row per combination of"
        lines = [f"The primary key of `{table}` is {cols}: {grain} {cols}."]
    else:
        lines = [f"`{table}` has no primary key recorded."]
    for unique in keys.get("unique") or []:
        lines.append(f"- Unique: {', '.join(f'`{c}`' for c in unique)}")
    fks = keys.get("foreign_keys") or []
    if fks:
        lines.append(f"It has {count(len(fks), 'foreign key')}:")
        lines += [
            f"- {', '.join(f'`{c}`' for c in fk.get('columns', []))} → `{fk['table']}`"
            + (" (optional)" if fk.get("optional") else "")
            for fk in fks
        ]
    return "\n".join(lines)


def lacking_answer(intent: Intent, result: Result) -> str:
    what, tables = str(result.get("what") or intent.what), list(result.get("tables") or [])
    note = unknown_note(result)
    if result.get("unknown") and not tables:
        return note or f"This catalog does not record {what.replace('_', ' ')} at all."
    total, n = int(result.get("total", 0)), int(result.get("count", len(tables)))
    coverage = result.get("coverage")
    share = (
        f" {round(float(coverage) * 100)}% of tables {_HAVE.get(what, 'have it')}."
        if coverage is not None
        else ""
    )
    if intent.order.startswith("share") and total:
        return _share_answer(intent, what, n, total, tables, note)
    if n == 0:
        return f"All {count(total, 'table')} {_HAVE.get(what, 'have it')}: none lacks it."
    alone = result.get("isolated")
    if intent.order == "isolated" and isinstance(alone, list):
        n_alone = int(result.get("unreferenced", len(alone)))
        head = f"**{n_alone} of {total}** tables are linked to nothing (no foreign key in or out)."
        rest = f"{n} tables reference no other table; {n - n_alone} of those are referenced by another."
        return "\n".join([head, "", *names_list([str(t) for t in alone], n_alone), "", rest])
    head = f"**{n} of {total}** tables have {_LACKING.get(what, 'none')}.{share}"
    if what == "foreign_keys" and result.get("unreferenced") is not None:
        alone = int(result["unreferenced"])
        head += f" {alone} of them {'is' if alone == 1 else 'are'} not referenced by any table either."
    return "\n".join([head + (f" {note}" if note else ""), "", *names_list(tables, n)])


def _share_answer(intent: Intent, what: str, lacking: int, total: int, tables: list[str], note: str) -> str:
    """The share first ("**38 of 71** tables (**54%**) have a steward"), then the tables lacking it."""
    have = total - lacking
    if intent.order == "share-lacking":
        share = round(lacking * 100 / total)
        head = f"**{lacking} of {total}** tables (**{share}%**) have {_LACKING.get(what, 'none')}."
    else:
        head = (
            f"**{have} of {total}** tables (**{round(have * 100 / total)}%**) {_HAVE.get(what, 'have it')}."
        )
    head += f" {note}" if note else ""
    if not lacking:
        return head + " None lacks it."
    rest = f"{'The one' if lacking == 1 else f'The {lacking}'} without:"
    return "\n".join([head, "", rest, "", *names_list(tables, lacking)])


def coverage_answer(intent: Intent, result: Result, lacking: Result | None = None) -> str:
    """Coverage figures; with `lacking` (tables without a description), those tables when some have one."""
    rows = [
        ("table descriptions", "table_descriptions"),
        ("column descriptions", "column_descriptions"),
        ("owners", "owners"),
        ("stewards", "stewards"),
        ("columns linked to a glossary term", "terms_linked"),
    ]
    lines = [
        f"Documentation coverage over {count(int(result.get('tables', 0)), 'table')} and "
        f"{count(int(result.get('columns', 0)), 'column')}:",
        "",
    ]
    unknown = set(result.get("unknown") or [])
    for label, k in rows:
        value = result.get(k)
        if value is None or k in unknown:
            lines.append(f"- {label}: not recorded by this catalog")
        else:
            lines.append(f"- {label}: {round(float(value) * 100)}%")
    if result.get("note"):
        lines += ["", str(result["note"])]
    tables = list((lacking or {}).get("tables") or [])
    n, total = int((lacking or {}).get("count", len(tables))), int((lacking or {}).get("total", 0))
    if tables and n < total:
        lines += ["", f"The {count(n, 'table')} with no description, the first debt to pay:", ""]
        lines += names_list(tables, n)
    elif tables:
        lines += ["", "No table has a description yet."]
    return "\n".join(lines)


def largest_answer(intent: Intent, result: Result) -> str:
    tables = list(result.get("tables") or [])
    if not tables:
        return (
            unknown_note(result)
            or "This catalog records no row counts, so I can't tell which tables are largest."
        )
    lines = [
        f"The largest tables by row count ({result.get('known', len(tables))} of "
        f"{result.get('total', '?')} tables have a count):",
        "",
    ]
    lines += [f"{n}. `{t['name']}` — {int(t['row_count']):,} rows" for n, t in enumerate(tables, 1)]
    return "\n".join(lines)
