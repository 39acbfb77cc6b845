"""Collibra-shaped assets, relations, attributes and responsibilities, turned into typed catalog facts.

The input is what a Collibra export (or a REST client that has fetched every page) holds:

- ``assets``: ``{"id", "name", "displayName", "type": {"name"}, "domain": {"name"}, "status": {"name"}}``
- ``relations``: ``{"id", "source": {"id"}, "target": {"id"}, "type": {"role", "coRole"}}``, read as
  "source *role* target": a Column *is part of* a Table, a Table *is part of* a Schema, a Schema *is part
  of* a System, a Column *represents* a Business Term, a Column *references* the Column its foreign key
  points at, a Table *is source of* a Table (lineage; an optional ``"process": {"name"}`` names the job).
- ``attributes``: ``{"asset": {"id"}, "type": {"name"}, "value"}`` (Description, Definition, Data Type,
  Is Primary Key, Is Nullable, Is Unique, Table Type, Synonym, and the steward attributes
  `collibra_attributes` reads: Security Classification, Personal Information, Certified, Refresh
  Frequency, Last Loaded, Row Count, Data Quality Score and their common variants; others are ignored).
- ``responsibilities``: ``{"role": {"name"}, "baseResource": {"id"}, "owner": {user}}`` where a user has
  ``firstName``, ``lastName`` (or ``fullName``/``userName``) and ``emailAddress``.
- optionally ``catalog``: ``{"name"}``, the snapshot's title.

Nothing here reads files or the network, so a REST client can reuse it unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, Literal, cast, get_args

from . import collibra_attributes as steward
from .models import Column, ForeignKey, GlossaryTerm, LineageEdge, Person, Relationship, Table, TableType
from .snapshot import CatalogSnapshot

Json = Mapping[str, Any]
RoleName = Literal["Owner", "Steward", "Technical Steward"]

TABLE_ASSET_TYPES = frozenset({"Table", "Database View", "View"})
COLUMN_ASSET_TYPES = frozenset({"Column"})
TERM_ASSET_TYPES = frozenset({"Business Term"})

_RELATION_KINDS: dict[tuple[str, str], tuple[str, bool]] = {
    # (role, coRole) -> (kind, written the other way round)
    ("is part of", "contains"): ("part_of", False),
    ("contains", "is part of"): ("part_of", True),
    ("represents", "is represented by"): ("represents", False),
    ("is represented by", "represents"): ("represents", True),
    ("references", "is referenced by"): ("references", False),
    ("is referenced by", "references"): ("references", True),
    ("is source of", "is target of"): ("lineage", False),
    ("is target of", "is source of"): ("lineage", True),
}
_ROLES: dict[str, RoleName] = {
    "owner": "Owner",
    "business owner": "Owner",
    "steward": "Steward",
    "data steward": "Steward",
    "business steward": "Steward",
    "technical steward": "Technical Steward",
}
_TABLE_TYPES: frozenset[str] = frozenset(get_args(TableType))


def _name(obj: Json | None) -> str:
    return str(obj.get("name", "")) if isinstance(obj, Mapping) else ""


def _ref(obj: Json | None) -> str:
    return str(obj.get("id", "")) if isinstance(obj, Mapping) else ""


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "y", "1", "x"}
    return bool(value)


def _person(user: Json, role: RoleName) -> Person:
    full = user.get("fullName") or " ".join(
        str(part) for part in (user.get("firstName"), user.get("lastName")) if part
    )
    return Person(
        name=str(full or user.get("userName") or user.get("id", "unknown")),
        email=user.get("emailAddress") or user.get("email") or None,
        role=role,
    )


def _table_type(asset: Json, declared: str) -> TableType:
    upper = declared.strip().upper()
    if upper in _TABLE_TYPES:
        return cast(TableType, upper)
    return "VIEW" if _name(asset.get("type")) in {"Database View", "View"} else "TABLE"


class _Export:
    """One pass over an export, grouping what the typed facts need by asset id."""

    def __init__(self, export: Json) -> None:
        self.assets: dict[str, Json] = {str(a["id"]): a for a in export.get("assets", ())}
        self.attributes: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for attribute in export.get("attributes", ()):
            asset_id = _ref(attribute.get("asset"))
            self.attributes[asset_id][_name(attribute.get("type"))].append(attribute.get("value"))
        self.people: dict[str, dict[RoleName, Person]] = defaultdict(dict)
        for resp in export.get("responsibilities", ()):
            role = _ROLES.get(_name(resp.get("role")).lower())
            user = resp.get("owner")
            if role and isinstance(user, Mapping):
                self.people[_ref(resp.get("baseResource"))].setdefault(role, _person(user, role))
        self.attribute_names = {name for values in self.attributes.values() for name in values}
        self.statuses = {_name(a.get("status")) for a in self.assets.values()}
        self.columns_of: dict[str, list[str]] = defaultdict(list)
        self.parent: dict[str, str] = {}
        self.terms_of: dict[str, list[str]] = defaultdict(list)
        self.columns_of_term: dict[str, list[str]] = defaultdict(list)
        self.references: list[tuple[str, str, str]] = []
        self.flows: list[tuple[str, str, str]] = []
        for relation in export.get("relations", ()):
            self._add_relation(relation)

    def kind(self, asset_id: str) -> str:
        return _name(self.assets.get(asset_id, {}).get("type"))

    def _add_relation(self, relation: Json) -> None:
        rtype = relation.get("type") or {}
        found = _RELATION_KINDS.get((str(rtype.get("role", "")), str(rtype.get("coRole", ""))))
        if found is None:
            return
        kind, flipped = found
        source, target = _ref(relation.get("source")), _ref(relation.get("target"))
        if flipped:
            source, target = target, source
        if source not in self.assets or target not in self.assets:
            return
        if kind == "part_of":
            if self.kind(source) in COLUMN_ASSET_TYPES and self.kind(target) in TABLE_ASSET_TYPES:
                self.columns_of[target].append(source)
            self.parent[source] = target
        elif kind == "represents" and self.kind(target) in TERM_ASSET_TYPES:
            self.terms_of[source].append(target)
            self.columns_of_term[target].append(source)
        elif kind == "references":
            self.references.append((str(relation.get("id", "")), source, target))
        elif kind == "lineage":
            self.flows.append((source, target, _name(relation.get("process"))))

    def text(self, asset_id: str, attribute: str) -> str:
        values = self.attributes.get(asset_id, {}).get(attribute)
        return str(values[0]) if values else ""

    def texts(self, asset_id: str, attribute: str) -> tuple[str, ...]:
        return tuple(str(v) for v in self.attributes.get(asset_id, {}).get(attribute, ()))

    def flag(self, asset_id: str, attribute: str, default: bool) -> bool:
        values = self.attributes.get(asset_id, {}).get(attribute)
        return _flag(values[0]) if values else default

    def display(self, asset_id: str) -> str:
        asset = self.assets[asset_id]
        return str(asset.get("displayName") or asset.get("name", ""))

    def short_name(self, asset_id: str) -> str:
        """Collibra often qualifies names (``db>schema>table``); catalog facts use the last part."""
        return str(self.assets[asset_id].get("name", "")).rsplit(">", 1)[-1]


def snapshot_from_collibra(export: Json, *, origin: str = "Collibra") -> CatalogSnapshot:
    """Typed tables (with columns, keys, terms, owners), relationships, lineage and glossary terms."""
    data = _Export(export)
    table_ids = [aid for aid, asset in data.assets.items() if _name(asset.get("type")) in TABLE_ASSET_TYPES]
    table_of_column = {col: table for table in table_ids for col in data.columns_of.get(table, ())}
    term_names = {tid: data.short_name(tid) for tid in data.assets if data.kind(tid) in TERM_ASSET_TYPES}
    fk_target = {src: dst for _, src, dst in data.references if dst in table_of_column}

    def foreign_key(column_id: str) -> ForeignKey | None:
        target = fk_target.get(column_id)
        if target is None:
            return None
        return ForeignKey(table=data.short_name(table_of_column[target]), column=data.short_name(target))

    def column(column_id: str) -> Column:
        return Column(
            id=column_id,
            name=data.short_name(column_id),
            display_name=data.display(column_id),
            data_type=data.text(column_id, "Data Type") or "unknown",
            description=data.text(column_id, "Description"),
            nullable=data.flag(column_id, "Is Nullable", True),
            is_primary_key=data.flag(column_id, "Is Primary Key", False),
            foreign_key=foreign_key(column_id),
            terms=tuple(term_names[t] for t in data.terms_of.get(column_id, ()) if t in term_names),
            status=_name(data.assets[column_id].get("status")) or "Approved",
            classification=steward.classification(data.attributes.get(column_id, {})),
            is_unique=data.flag(column_id, "Is Unique", False),
        )

    tables = tuple(_table(data, tid, [column(c) for c in data.columns_of.get(tid, ())]) for tid in table_ids)
    by_id = {t.id: t for t in tables}
    return CatalogSnapshot(
        tables=tables,
        relationships=tuple(_relationships(data, table_of_column, by_id)),
        lineage=tuple(
            LineageEdge(source=by_id[s].name, target=by_id[t].name, process=process)
            for s, t, process in data.flows
            if s in by_id and t in by_id
        ),
        terms=tuple(_term(data, tid, table_of_column) for tid in term_names),
        title=_name(export.get("catalog")) or "Collibra catalog",
        origin=origin,
        holds=steward.holds(data.attribute_names, data.statuses),
    )


def _table(data: _Export, table_id: str, columns: list[Column]) -> Table:
    asset = data.assets[table_id]
    people = data.people.get(table_id, {})
    schema_id = data.parent.get(table_id, "")
    system_id = data.parent.get(schema_id, "")
    values = data.attributes.get(table_id, {})
    status = _name(asset.get("status")) or "Approved"
    return Table(
        id=table_id,
        name=data.short_name(table_id),
        display_name=data.display(table_id),
        type=_table_type(asset, data.text(table_id, "Table Type")),
        domain=_name(asset.get("domain")),
        status=status,
        description=data.text(table_id, "Description"),
        system=data.short_name(system_id) if system_id in data.assets else "",
        schema_name=data.short_name(schema_id) if schema_id in data.assets else "",
        owner=people.get("Owner"),
        steward=people.get("Steward") or people.get("Technical Steward"),
        columns=tuple(columns),
        classification=steward.classification(values),
        certified=steward.certified(values, status),
        row_count=steward.row_count(values),
        refresh_schedule=steward.refresh_schedule(values),
        last_loaded=steward.last_loaded(values),
        quality_score=steward.quality_score(values),
    )


def _relationships(
    data: _Export, table_of_column: Mapping[str, str], tables: Mapping[str, Table]
) -> Iterable[Relationship]:
    """One relationship per foreign-key column; a key that is the table's whole primary key (or is
    unique) is 1:1, and a nullable one is optional (zero or one)."""
    for relation_id, source, target in data.references:
        from_id, to_id = table_of_column.get(source), table_of_column.get(target)
        if from_id is None or to_id is None:
            continue
        from_table, column_name = tables[from_id], data.short_name(source)
        keys = [c.name for c in from_table.columns if c.is_primary_key]
        column = from_table.column(column_name)
        unique = keys == [column_name] or (column is not None and column.is_unique)
        yield Relationship(
            id=relation_id or f"{from_table.name}.{column_name}",
            from_table=from_table.name,
            from_columns=(column_name,),
            to_table=tables[to_id].name,
            to_columns=(data.short_name(target),),
            cardinality="one-to-one" if unique else "many-to-one",
            label=column_name,
            optional=column is not None and column.nullable and not column.is_primary_key,
        )


def _term(data: _Export, term_id: str, table_of_column: Mapping[str, str]) -> GlossaryTerm:
    asset = data.assets[term_id]
    people = data.people.get(term_id, {})
    columns = tuple(
        f"{data.short_name(table_of_column[c])}.{data.short_name(c)}"
        for c in data.columns_of_term.get(term_id, ())
        if c in table_of_column
    )
    return GlossaryTerm(
        id=term_id,
        name=data.short_name(term_id),
        definition=data.text(term_id, "Definition") or data.text(term_id, "Description"),
        domain=_name(asset.get("domain")),
        status=_name(asset.get("status")) or "Approved",
        steward=people.get("Steward") or people.get("Owner"),
        synonyms=data.texts(term_id, "Synonym"),
        columns=columns,
    )
