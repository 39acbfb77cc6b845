"""Typed catalog facts: the shapes every catalog backend returns and every tool reads."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

TableType = Literal["FACT", "DIMENSION", "STAGING", "SOURCE", "VIEW", "TABLE"]
"""FACT and DIMENSION are the marts; STAGING and SOURCE feed them; VIEW and TABLE are what a
database that says nothing about modelling roles gives."""

Cardinality = Literal["one-to-one", "one-to-many", "many-to-one", "many-to-many"]
LineageDirection = Literal["upstream", "downstream", "both"]


class _Fact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Person(_Fact):
    """Someone responsible for an asset (Collibra: a user holding a responsibility)."""

    name: str
    email: str | None = None
    role: Literal["Owner", "Steward", "Technical Steward"] = "Owner"


class ForeignKey(_Fact):
    """The column this column references."""

    table: str
    column: str


class Column(_Fact):
    """A column of a table, with the glossary terms that describe its meaning."""

    id: str
    name: str
    display_name: str
    data_type: str
    description: str = ""
    nullable: bool = True
    is_primary_key: bool = False
    foreign_key: ForeignKey | None = None
    terms: tuple[str, ...] = ()
    status: str = "Approved"
    classification: str = ""
    """A sensitivity label where the catalog holds one ("PII", "Confidential"); empty when unknown."""
    is_unique: bool = False


class TableSummary(_Fact):
    """One line about a table, as a listing or a search shows it."""

    id: str
    name: str
    display_name: str
    type: TableType
    domain: str
    status: str
    description: str = ""


class Table(TableSummary):
    """A table with everything a data steward asks about it."""

    system: str = ""
    schema_name: str = ""
    owner: Person | None = None
    steward: Person | None = None
    columns: tuple[Column, ...] = ()
    classification: str = ""
    """The table's sensitivity label where the catalog holds one ("Confidential", "Internal")."""
    certified: bool | None = None
    """Certified for use, where the catalog says (None: it does not say)."""
    row_count: int | None = None
    """Rows, or the database's own estimate, where the metadata holds it (never counted by reading data)."""
    refresh_schedule: str = ""
    """How often the table is loaded ("daily 02:00 UTC"), where the catalog records it."""
    last_loaded: str = ""
    """When it was last loaded (ISO 8601), where the catalog records it."""
    quality_score: float | None = None
    """A data-quality score from 0 to 100, where the catalog holds one."""

    def summary(self) -> TableSummary:
        return TableSummary(**{k: getattr(self, k) for k in TableSummary.model_fields})

    def column(self, name: str) -> Column | None:
        lowered = name.lower()
        return next((c for c in self.columns if c.name.lower() == lowered), None)


class Relationship(_Fact):
    """A foreign-key relationship. `from_table` holds the foreign key and is the *many* side of a
    one-to-many: one supplier (`to_table`) has many purchase orders (`from_table`)."""

    id: str
    from_table: str
    from_columns: tuple[str, ...]
    to_table: str
    to_columns: tuple[str, ...]
    cardinality: Cardinality = "many-to-one"
    label: str = ""
    optional: bool = False
    """The foreign key may be null: a `from_table` row references zero or one `to_table` row."""


class Neighbourhood(_Fact):
    """A table, the tables within `depth` relationships of it, and those relationships."""

    center: str
    depth: int
    tables: tuple[Table, ...]
    relationships: tuple[Relationship, ...]


class JoinPath(_Fact):
    """The shortest chain of relationships that joins two tables."""

    start: str
    end: str
    steps: tuple[Relationship, ...]
    warning: str = ""
    """Set when the path joins through a generic hub (a users, content-type or audit table that almost
    every table references): such a join is valid SQL but usually a coincidence."""
    alternative: JoinPath | None = None
    """The best path that avoids that hub, when there is one."""

    @property
    def tables(self) -> list[str]:
        names = [self.start]
        for step in self.steps:
            names.append(step.to_table if step.from_table == names[-1] else step.from_table)
        return names


class LineageEdge(_Fact):
    """Data flows from `source` to `target` through `process` (a job, a view, a load)."""

    source: str
    target: str
    process: str = ""


class LineageGraph(_Fact):
    """Lineage around one table: the tables involved and the flows between them."""

    center: str
    direction: LineageDirection
    depth: int
    tables: tuple[TableSummary, ...]
    edges: tuple[LineageEdge, ...]


class GlossaryTerm(_Fact):
    """A business glossary term and the columns it describes (as `table.column`)."""

    id: str
    name: str
    definition: str
    domain: str = ""
    status: str = "Approved"
    steward: Person | None = None
    synonyms: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()


class Ownership(_Fact):
    """Who answers for a table."""

    table: str
    owner: Person | None
    steward: Person | None


class SearchHit(_Fact):
    """One search result: a table, a column (with its table) or a glossary term."""

    kind: Literal["table", "column", "term"]
    name: str
    table: str | None = None
    score: float = Field(ge=0)
    snippet: str = ""


class TablePage(_Fact):
    """A page of a table listing."""

    items: tuple[TableSummary, ...]
    total: int
    offset: int
    limit: int
