"""Tools for steward questions over the whole catalog: counts, keys, documentation debt, people, status."""

from __future__ import annotations

from functools import partial
from typing import Any

from pydantic_ai import RunContext
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from ..catalog import steward, steward_schema, stewardship
from ..catalog.base import CatalogLookupError
from ..catalog.snapshot import CatalogSnapshot
from ..catalog.steward import Lack, RelationshipKind
from ..offline import value_kinds
from .base import ExplorerDeps, answers_lookup_errors, catalog_snapshot


@answers_lookup_errors
async def catalog_summary(ctx: RunContext[ExplorerDeps]) -> dict[str, Any]:
    """What is in this catalog, counted: tables (and by type), columns, foreign keys, glossary terms,
    lineage edges, people, the domains, schemas and name-prefix areas with their table counts, and
    which kinds of metadata the source records. Answers "how many tables are there?", "how many fact
    tables?", "what is in this catalog?"."""
    return steward.catalog_summary(await catalog_snapshot(ctx.deps.catalog))


@answers_lookup_errors
async def table_references(ctx: RunContext[ExplorerDeps], table: str, limit: int = 50) -> dict[str, Any]:
    """Foreign keys around one table: `referenced_by` (tables whose foreign keys point at it) and
    `references` (what it points to). Answers "which tables reference X", "what does X point to".

    Args:
        table: The table's name; loose forms work.
        limit: At most this many of each list (at most 200); the counts say how many there are.
    """
    snap = await catalog_snapshot(ctx.deps.catalog)
    return steward_schema.table_references(snap, await ctx.deps.catalog.resolve_table(table), limit)


def _mended_column_words(snapshot: CatalogSnapshot, name: str) -> str:
    """`name` with each word no column name holds mended to the closest word column names do hold
    ("adress" -> address, "slgu" -> slug), when one is close enough; else `name` as it was."""
    parts = steward.index_of(snapshot).column_parts
    if not parts:
        return name
    vocabulary = list(parts)
    words = []
    for word in steward.name_words(name):
        close = None
        if len(word) > 3 and word not in parts:
            # one edit, a swap of two letters counted as one ("slgu" -> slug), in four letters or more
            close = process.extractOne(
                word, vocabulary, scorer=DamerauLevenshtein.normalized_similarity, score_cutoff=0.75
            )
        words.append(close[0] if close else word)
    return " ".join(words) if words else name


@answers_lookup_errors
async def get_keys(ctx: RunContext[ExplorerDeps], table: str) -> dict[str, Any]:
    """A table's keys: its primary key columns, unique columns and foreign keys.

    Args:
        table: The table's name; loose forms work.
    """
    snap = await catalog_snapshot(ctx.deps.catalog)
    return steward_schema.get_keys(snap, await ctx.deps.catalog.resolve_table(table))


@answers_lookup_errors
async def find_tables_lacking(
    ctx: RunContext[ExplorerDeps],
    what: Lack,
    limit: int = 50,
) -> dict[str, Any]:
    """Documentation and modelling debt: the tables that have no foreign keys, no owner, no steward, no
    description, no primary key or no glossary terms, with the coverage of the rest. "No foreign keys"
    means the table references no other table (`unreferenced` counts those no table references either,
    `isolated` names them: tables linked to nothing at all).
    Also answers counts and shares: "how many tables have no description?" (`count` of `total`) and
    "what share of tables have a steward?" (`total` - `count` have it; `coverage` is that fraction).

    Args:
        what: The missing thing: "foreign_keys", "owner", "steward", "description", "primary_key" or "terms".
        limit: At most this many table names (at most 200); `count` says how many lack it.
    """
    snap = await catalog_snapshot(ctx.deps.catalog)
    result = stewardship.tables_lacking(snap, what, limit)
    if what == "foreign_keys":
        index = steward.index_of(snap)
        alone = [
            t.name for t in index.ordered if not index.refs_out.get(t.name) and not index.refs_in.get(t.name)
        ]
        result["isolated"] = alone[: max(1, min(limit, 200))]
    return result


@answers_lookup_errors
async def documentation_coverage(ctx: RunContext[ExplorerDeps]) -> dict[str, Any]:
    """How well the catalog is documented: fractions (0 to 1) of tables with a description, columns
    with a description, tables with an owner and a steward, and columns linked to a glossary term."""
    return stewardship.documentation_coverage(await catalog_snapshot(ctx.deps.catalog))


@answers_lookup_errors
async def find_relationships_of_kind(
    ctx: RunContext[ExplorerDeps],
    kind: RelationshipKind,
    limit: int = 50,
) -> dict[str, Any]:
    """Relationships of one kind across the catalog: optional (nullable foreign keys), one-to-one,
    self-referencing (a table pointing at itself, such as a parent id), or many-to-many (also through
    junction tables). `count` answers "how many foreign keys are optional?"; filter the result by
    `from_table` for one table's nullable foreign keys.

    Args:
        kind: "optional", "one-to-one", "self-referencing" or "many-to-many".
        limit: At most this many relationships (at most 200); `count` says how many there are.
    """
    return steward_schema.relationships_of_kind(await catalog_snapshot(ctx.deps.catalog), kind, limit)


@answers_lookup_errors
async def find_columns(
    ctx: RunContext[ExplorerDeps], name: str = "", limit: int = 50, kind: str | None = None
) -> dict[str, Any]:
    """Where a column like this exists across the catalog: columns whose names hold the word(s) in any
    form (`email` finds email, email_address, user_email, EmailAddr), or that look like a kind of value
    (by their name words and data type). Answers "is there a column for email anywhere?", "which
    fields look like money?", "which tables carry dates?" (the `tables` of the result). A misspelt word
    that no column name holds is mended to the closest word column names do hold, and
    `corrected_from` then gives the word as asked.

    Args:
        name: The column word(s) to look for, without filler ("email", "created at"); may be empty
            when a `kind` is given.
        limit: At most this many columns (at most 200); `count` says how many match and
            `tables_count` in how many tables.
        kind: Only columns that look like this kind of value: "money", "date" (dates and times),
            "email", "phone", "address", "location", "flag" (yes/no), "quantity", "percentage",
            "url", "name", "identifier" or "text" (free text). With no name, every such column.
    """
    snap = await catalog_snapshot(ctx.deps.catalog)
    if kind is None:
        found = steward_schema.find_columns(snap, name, limit)
        mended = _mended_column_words(snap, name) if name and not found.get("count") else name
        if mended != name and (again := steward_schema.find_columns(snap, mended, limit)).get("count"):
            return {**again, "corrected_from": name}
        return found
    wanted = kind.strip().lower()
    wanted = value_kinds.VALUE_WORDS.get(wanted, wanted)
    if wanted not in value_kinds.VALUE_KINDS:
        raise CatalogLookupError("kind of value", kind, list(value_kinds.VALUE_KINDS))
    return steward_schema.find_columns(snap, name, limit, wanted, partial(value_kinds.matches, wanted))


@answers_lookup_errors
async def largest_tables(ctx: RunContext[ExplorerDeps], limit: int = 10) -> dict[str, Any]:
    """The largest tables by row count (the catalog's recorded counts or estimates), largest first.

    Args:
        limit: How many tables (at most 200).
    """
    return steward.largest_tables(await catalog_snapshot(ctx.deps.catalog), limit)


@answers_lookup_errors
async def assets_of_person(ctx: RunContext[ExplorerDeps], person: str, limit: int = 50) -> dict[str, Any]:
    """What a person owns and stewards: tables owned, tables stewarded, glossary terms stewarded.

    Args:
        person: The person's name, first or last name, or email.
        limit: At most this many of each list (at most 200).
    """
    return stewardship.assets_of_person(await catalog_snapshot(ctx.deps.catalog), person, limit)


@answers_lookup_errors
async def list_people(ctx: RunContext[ExplorerDeps], limit: int = 50) -> dict[str, Any]:
    """Everyone who owns or stewards something in the catalog, with how many tables and terms.

    Args:
        limit: At most this many people (at most 200); `count` says how many there are.
    """
    return stewardship.list_people(await catalog_snapshot(ctx.deps.catalog), limit)


@answers_lookup_errors
async def impact_analysis(
    ctx: RunContext[ExplorerDeps], table: str, depth: int = 6, limit: int = 50
) -> dict[str, Any]:
    """What a change to a table reaches and who to tell: tables downstream by lineage and tables that
    reference it by foreign key, each with owner and steward. Answers "what breaks if I change X",
    "who do I tell before changing X".

    Args:
        table: The table to change; loose forms work.
        depth: How many lineage steps downstream to follow (1 to 10).
        limit: At most this many tables in each list (at most 200).
    """
    snap = await catalog_snapshot(ctx.deps.catalog)
    name = await ctx.deps.catalog.resolve_table(table)
    return stewardship.impact_analysis(snap, name, min(max(depth, 1), 10), limit)


@answers_lookup_errors
async def table_status(ctx: RunContext[ExplorerDeps], table: str) -> dict[str, Any]:
    """Whether a table can be trusted: status, certification, classification and sensitive columns,
    refresh schedule and last load, quality score and row count, as far as the catalog records them.

    Args:
        table: The table's name; loose forms work.
    """
    snap = await catalog_snapshot(ctx.deps.catalog)
    return stewardship.table_status(snap, await ctx.deps.catalog.resolve_table(table))


@answers_lookup_errors
async def find_classified(
    ctx: RunContext[ExplorerDeps], label: str | None = None, limit: int = 50
) -> dict[str, Any]:
    """Tables and columns with a sensitivity classification, such as PII or Confidential.

    Args:
        label: The classification, matched loosely ("pii", "personal data", "confidential",
            "sensitive"); None lists everything classified.
        limit: At most this many tables and columns each (at most 200).
    """
    return stewardship.find_classified(await catalog_snapshot(ctx.deps.catalog), label, limit)


@answers_lookup_errors
async def compare_tables(ctx: RunContext[ExplorerDeps], first: str, second: str) -> dict[str, Any]:
    """Two tables side by side: type, domain, owner, the columns they share and those only one has,
    and whether (and through which tables) they join.

    Args:
        first: One table (loose names work).
        second: The other table.
    """
    catalog = ctx.deps.catalog
    snap = await catalog_snapshot(catalog)
    a, b = await catalog.resolve_table(first), await catalog.resolve_table(second)
    result = stewardship.compare_tables(snap, a, b)
    if result["direct"]:  # a foreign key between them is the shortest join there is
        result["joined_by"] = [a, b]
        return result
    try:
        result["joined_by"] = (await catalog.join_path(a, b)).tables
    except CatalogLookupError:
        result["joined_by"] = None
    return result


@answers_lookup_errors
async def list_glossary(ctx: RunContext[ExplorerDeps], offset: int = 0, limit: int = 50) -> dict[str, Any]:
    """The business glossary: terms in alphabetical order with the first sentence of each definition.

    Args:
        offset: How many terms to skip (for the next page).
        limit: Terms per page (at most 200).
    """
    return stewardship.list_glossary(await catalog_snapshot(ctx.deps.catalog), offset, limit)
