"""A large synthetic catalog at the scale of a real warehouse, deterministic from a seed.

Usage::

    snapshot = synthetic_snapshot()                 # 10,000 tables, 200,000 columns, 20,000 keys
    catalog = SnapshotCatalog(snapshot)
    write_sqlite(synthetic_snapshot(tables=1000, columns=20_000, foreign_keys=2_000), "wh.db")
    # then SQLCatalog("sqlite:///wh.db") reads the same tables, columns and foreign keys back

Tables are spread over ten business domains (one schema each) and named by convention
(`fact_sales_order_line_daily`, `dim_sales_customer`, `stg_finance_invoice`, and source tables and
fields in ERP codes, `src_hr_pesk` with `zz_`-fields of their own, as `synthetic_words` derives them),
with FACT, DIMENSION, STAGING and SOURCE types, descriptions, owners and stewards. Facts reference
dimensions of their domain (the unqualified ones, like `dim_sales_date`, most often) and sometimes another
fact; dimensions, staging and source tables have fewer keys. Glossary terms describe the key columns and
some attributes; lineage runs source -> staging -> mart. The requested counts are met exactly.

The vocabulary is in `synthetic_vocabulary`, the planning of tables, keys, columns and lineage in
`synthetic_plan`, the SQLite schema in `synthetic_sqlite`; this module builds the typed snapshot.
"""

from __future__ import annotations

import random
from collections import defaultdict

from .models import Column, GlossaryTerm, Person, Relationship, Table
from .snapshot import CatalogSnapshot
from .synthetic_plan import (
    choose_keys,
    choose_tables,
    fill_columns,
    human_words,
    plan_description,
    plan_display_name,
    plan_lineage,
)
from .synthetic_sqlite import create_statements as create_statements
from .synthetic_sqlite import write_sqlite
from .synthetic_vocabulary import (
    ATTRIBUTE_TERMS,
    ATTRIBUTES,
    DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
    QUALIFIERS,
    SHARED_DIMENSIONS,
    SYSTEMS,
)
from .synthetic_words import CodeBook

__all__ = ["synthetic_snapshot", "write_sqlite"]


def _people(rng: random.Random) -> dict[str, tuple[Person, Person]]:
    people = {}
    for domain in DOMAINS:
        owner, steward = (f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(2))
        people[domain] = (
            Person(name=owner, email=_email(owner), role="Owner"),
            Person(name=steward, email=_email(steward), role="Steward"),
        )
    return people


def _business_words() -> set[str]:
    """Every word the business vocabulary uses, so no ERP code reads as one of them."""
    names = [n for facts, dims in DOMAINS.values() for n in (*facts, *dims)]
    names += [*SHARED_DIMENSIONS, *QUALIFIERS, *(a for a, _, _ in ATTRIBUTES)]
    return {word for name in names for word in name.split("_")}


def _email(name: str) -> str:
    plain = name.lower().replace(" ", ".").replace("é", "e").replace("í", "i")
    return f"{plain}@example.com"


def synthetic_snapshot(
    *,
    tables: int = 10_000,
    columns: int = 200_000,
    foreign_keys: int = 20_000,
    seed: int = 7,
    title: str = "Synthetic warehouse catalog",
) -> CatalogSnapshot:
    """A catalog with exactly `tables` tables, `columns` columns and `foreign_keys` foreign keys (each
    a one-column key to its target's primary key), glossary terms and lineage; the same for the same
    arguments. Raises ValueError for counts that cannot be met (more tables than names, too few columns
    for the keys)."""
    rng = random.Random(seed)
    book = CodeBook(reserved=_business_words())
    plans = choose_tables(rng, tables, book)
    choose_keys(rng, plans, foreign_keys)
    fill_columns(rng, plans, columns, book)
    people = _people(rng)

    term_of_noun: dict[str, str] = {}
    for facts, dims in DOMAINS.values():
        for noun in (*facts, *dims, *SHARED_DIMENSIONS):
            term_of_noun.setdefault(noun, human_words(noun).title())
    term_of_attribute = {attribute: name for attribute, (name, _) in ATTRIBUTE_TERMS.items()}
    term_columns: dict[str, list[str]] = defaultdict(list)

    built: list[Table] = []
    relationships: list[Relationship] = []
    for plan in plans:
        table_id = f"{plan.schema}.{plan.name}"
        typed_columns = []
        for name, data_type, about, is_pk, noun, fk in plan.columns:
            term = term_of_noun.get(noun) if (is_pk or fk) and plan.type in ("FACT", "DIMENSION") else None
            term = term or term_of_attribute.get(name)
            if term:
                term_columns[term].append(f"{plan.name}.{name}")
            typed_columns.append(
                Column(
                    id=f"{table_id}.{name}",
                    name=name,
                    display_name=human_words(name).title(),
                    data_type=data_type,
                    description=about,
                    nullable=not is_pk,
                    is_primary_key=is_pk,
                    foreign_key=fk,
                    terms=(term,) if term else (),
                )
            )
            if fk is not None:
                relationships.append(
                    Relationship(
                        id=f"{plan.name}.{name}",
                        from_table=plan.name,
                        from_columns=(name,),
                        to_table=fk.table,
                        to_columns=(fk.column,),
                        label=name,
                    )
                )
        owner, steward = people[plan.domain]
        built.append(
            Table(
                id=table_id,
                name=plan.name,
                display_name=plan_display_name(plan),
                type=plan.type,
                domain=plan.domain,
                status="Approved" if plan.type in ("FACT", "DIMENSION") else "Candidate",
                description=plan_description(plan),
                system=SYSTEMS[plan.type],
                schema_name=plan.schema,
                owner=owner,
                steward=steward,
                columns=tuple(typed_columns),
            )
        )

    synonyms = {name: syns for name, syns in ATTRIBUTE_TERMS.values()}
    terms = tuple(
        GlossaryTerm(
            id=f"term.{name.lower().replace(' ', '_')}",
            name=name,
            definition=f"The {name.lower()} as the business defines it, agreed across domains.",
            domain="Enterprise Glossary",
            synonyms=synonyms.get(name, ()),
            columns=tuple(term_columns[name]),
        )
        for name in sorted(term_columns)
    )
    return CatalogSnapshot(
        tables=tuple(built),
        relationships=tuple(relationships),
        lineage=plan_lineage(rng, plans),
        terms=terms,
        title=title,
        origin=f"synthetic (seed {seed})",
    )
