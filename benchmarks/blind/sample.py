"""The facts of the bundled sample catalog, read from its JSON data (Collibra's export shapes) with
this set's own reader, never with the product's: structure as a `Schema`, and the steward's facts
(owners, stewards, types, domains, lineage, classification, certification, freshness, quality,
glossary)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .schema import ForeignKey, Schema, Table

DATA = Path(__file__).resolve().parents[2] / "mcop_kernel" / "data" / "sample_catalog.json"


@dataclass
class Person:
    username: str
    first: str
    last: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Steward:
    """What the sample records beyond structure, by table name."""

    schema: Schema
    display: dict[str, str]
    kind: dict[str, str]
    domain: dict[str, str]
    described: set[str]
    schema_of: dict[str, str] = field(default_factory=dict)  # table -> its schema asset's name
    descriptions: dict[str, str] = field(default_factory=dict)
    column_classification: dict[str, set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )  # label -> tables
    owners: dict[str, list[Person]] = field(default_factory=dict)
    stewards: dict[str, list[Person]] = field(default_factory=dict)
    sources: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # table -> its sources
    classification: dict[str, str] = field(default_factory=dict)
    personal: set[str] = field(default_factory=set)  # tables holding a personal-data column
    certified: dict[str, bool] = field(default_factory=dict)
    refresh: dict[str, str] = field(default_factory=dict)
    loaded: dict[str, str] = field(default_factory=dict)
    quality: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    terms: dict[str, str] = field(default_factory=dict)  # term -> definition
    people: dict[str, Person] = field(default_factory=dict)

    def downstream(self, table: str) -> set[str]:
        return {target for target, sources in self.sources.items() if table in sources}

    def ancestors(self, table: str) -> set[str]:
        """Everything upstream of `table`, however far."""
        seen: set[str] = set()
        todo = [table]
        while todo:
            for there in self.sources.get(todo.pop(), set()) - seen:
                seen.add(there)
                todo.append(there)
        return seen

    def reachable(self, table: str) -> set[str]:
        """Everything downstream of `table`, however far."""
        seen: set[str] = set()
        todo = [table]
        while todo:
            for there in self.downstream(todo.pop()) - seen:
                seen.add(there)
                todo.append(there)
        return seen


def _attributes(data: dict[str, Any]) -> dict[str, dict[str, list[Any]]]:
    found: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for attribute in data["attributes"]:
        found[attribute["asset"]["id"]][attribute["type"]["name"]].append(attribute["value"])
    return found


def read_sample(path: Path = DATA) -> Steward:
    data = json.loads(path.read_text())
    assets = {asset["id"]: asset for asset in data["assets"]}
    attrs = _attributes(data)
    tables = {i: a for i, a in assets.items() if a["type"]["name"] in ("Table", "Database View")}
    column_of: dict[str, str] = {}
    order: dict[str, list[str]] = defaultdict(list)
    refs: list[tuple[str, str]] = []
    lineage: list[tuple[str, str]] = []
    schema_links: list[tuple[str, str]] = []
    for relation in data["relations"]:
        source, target, role = relation["source"]["id"], relation["target"]["id"], relation["type"]["role"]
        if role == "is part of" and source in assets and assets[source]["type"]["name"] == "Column":
            if target in tables:
                column_of[source] = target
                order[target].append(source)
        elif (
            role == "is part of"
            and source in tables
            and assets.get(target, {}).get("type", {}).get("name") == "Schema"
        ):
            schema_links.append((source, assets[target]["name"]))
        elif role == "references":
            refs.append((source, target))
        elif role == "is source of" and source in tables and target in tables:
            lineage.append((tables[source]["name"], tables[target]["name"]))
    built: dict[str, Table] = {}
    for tid, asset in tables.items():
        names = [assets[c]["name"] for c in order[tid]]
        notnull = {assets[c]["name"]: not _true(attrs[c].get("Is Nullable", [True])[0]) for c in order[tid]}
        pk = tuple(assets[c]["name"] for c in order[tid] if _true(attrs[c].get("Is Primary Key", [False])[0]))
        types = {assets[c]["name"]: str(attrs[c].get("Data Type", [""])[0]) for c in order[tid]}
        built[asset["name"]] = Table(asset["name"], names, types, notnull, pk, [pk] if pk else [])
    for source, target in refs:
        if source not in column_of or target not in column_of:
            continue
        table, other = built[tables[column_of[source]]["name"]], tables[column_of[target]]["name"]
        column = assets[source]["name"]
        table.foreign_keys.append(
            ForeignKey(
                table.name,
                (column,),
                other,
                (assets[target]["name"],),
                nullable=not table.notnull[column],
                unique=any(u == (column,) for u in table.uniques),
            )
        )
    name = {tid: asset["name"] for tid, asset in tables.items()}
    steward = Steward(
        Schema("sample", built),
        {name[t]: a.get("displayName") or name[t] for t, a in tables.items()},
        {name[t]: str(attrs[t].get("Table Type", ["TABLE"])[0]) for t in tables},
        {name[t]: a.get("domain", {}).get("name", "") for t, a in tables.items()},
        {name[t] for t in tables if attrs[t].get("Description")},
    )
    for source, target in lineage:
        steward.sources[target].add(source)
    for tid, schema in schema_links:
        steward.schema_of[name[tid]] = schema
    for tid in tables:
        table, held = name[tid], attrs[tid]
        if held.get("Security Classification"):
            steward.classification[table] = str(held["Security Classification"][0])
        if held.get("Certified"):
            steward.certified[table] = _true(held["Certified"][0])
        elif tables[tid].get("status", {}).get("name") == "Certified":
            steward.certified[table] = True
        for key, into in (("Refresh Frequency", steward.refresh), ("Last Loaded", steward.loaded)):
            if held.get(key):
                into[table] = str(held[key][0])
        if held.get("Data Quality Score"):
            steward.quality[table] = float(held["Data Quality Score"][0])
        if held.get("Row Count"):
            steward.rows[table] = int(held["Row Count"][0])
    for tid in tables:
        if attrs[tid].get("Description"):
            steward.descriptions[name[tid]] = str(attrs[tid]["Description"][0])
    for column, tid in column_of.items():
        for label in attrs[column].get("Security Classification", []):
            steward.column_classification[str(label)].add(name[tid])
        if _true(attrs[column].get("Personal Information", [False])[0]):
            steward.personal.add(name[tid])
    for aid, asset in assets.items():
        if asset["type"]["name"] == "Business Term":
            steward.terms[asset["name"]] = str(attrs[aid].get("Definition", [""])[0])
    for duty in data["responsibilities"]:
        owner = duty["owner"]
        person = Person(owner["userName"], owner.get("firstName", ""), owner.get("lastName", ""))
        steward.people[person.full] = person
        base = duty["baseResource"]["id"]
        if base in tables:
            duties = steward.owners if duty["role"]["name"] == "Owner" else steward.stewards
            duties.setdefault(name[base], []).append(person)
    return steward


def _true(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "yes", "1")
