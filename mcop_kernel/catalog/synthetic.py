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
"""

from __future__ import annotations

import random
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .models import Column, ForeignKey, GlossaryTerm, LineageEdge, Person, Relationship, Table, TableType
from .snapshot import CatalogSnapshot
from .synthetic_words import CodeBook, custom_field_code, source_field_code, source_table_code

__all__ = ["synthetic_snapshot", "write_sqlite"]

# fmt: off
_DOMAINS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # domain: (fact nouns, dimension nouns)
    "Sales": (
        (
            "order", "order_line", "invoice", "invoice_line", "return", "quote", "shipment", "discount",
            "commission", "booking",
        ),
        (
            "customer", "product", "sales_rep", "channel", "price_list", "territory", "promotion", "store",
        ),
    ),
    "Finance": (
        (
            "journal_entry", "ledger_balance", "payment", "receivable", "payable", "budget_line", "accrual",
            "tax_posting", "cash_flow", "allocation",
        ),
        (
            "account", "cost_center", "profit_center", "fiscal_period", "bank_account", "tax_code",
            "legal_entity", "exchange_rate",
        ),
    ),
    "Procurement": (
        (
            "purchase_order", "purchase_order_line", "requisition", "goods_receipt", "supplier_invoice",
            "contract_call_off", "spend", "rfq_response", "delivery_schedule", "price_variance",
        ),
        (
            "supplier", "material", "contract", "buyer", "purchasing_group", "plant", "incoterm",
            "payment_term",
        ),
    ),
    "Supply Chain": (
        (
            "inventory_snapshot", "stock_movement", "demand_forecast", "replenishment", "safety_stock",
            "production_plan", "transfer_order", "backorder", "stock_count", "lead_time",
        ),
        (
            "warehouse", "item", "bin_location", "planner", "lot", "route", "unit_of_measure", "vendor",
        ),
    ),
    "HR": (
        (
            "payroll_run", "timesheet", "absence", "headcount", "hire", "termination", "training_completion",
            "performance_review", "compensation_change", "overtime",
        ),
        (
            "employee", "position", "job_grade", "department", "location", "manager", "skill", "pay_scale",
        ),
    ),
    "Marketing": (
        (
            "campaign_response", "web_session", "email_send", "ad_impression", "lead", "conversion",
            "survey_answer", "social_mention", "click", "attribution",
        ),
        (
            "campaign", "segment", "audience", "creative", "landing_page", "keyword", "media_channel",
            "brand",
        ),
    ),
    "Customer Service": (
        (
            "ticket", "call", "chat_message", "escalation", "satisfaction_score", "sla_breach",
            "case_resolution", "callback", "refund", "complaint",
        ),
        (
            "agent", "queue", "case_category", "service_level", "contact_reason", "knowledge_article", "team",
            "shift",
        ),
    ),
    "Manufacturing": (
        (
            "work_order", "machine_event", "scrap", "yield", "downtime", "quality_inspection", "batch_record",
            "energy_reading", "maintenance_order", "operation_confirmation",
        ),
        (
            "machine", "production_line", "bill_of_material", "routing", "work_center", "operator",
            "defect_code", "tool",
        ),
    ),
    "Logistics": (
        (
            "freight_order", "delivery", "carrier_invoice", "tracking_event", "load", "pick", "pack",
            "dock_appointment", "fuel_purchase", "claim",
        ),
        (
            "carrier", "vehicle", "driver", "shipping_point", "zone", "container", "port", "service_type",
        ),
    ),
    "Risk": (
        (
            "exposure", "incident", "control_test", "audit_finding", "credit_limit_change", "fraud_alert",
            "loss_event", "policy_exception", "risk_assessment", "sanction_hit",
        ),
        (
            "counterparty", "risk_category", "control", "policy", "regulation", "auditor", "rating",
            "business_unit",
        ),
    ),
}
_SHARED_DIMENSIONS = (
    "date", "currency", "country", "organisation_unit", "calendar_week", "status", "source_system", "user",
)
_QUALIFIERS = (
    "", "daily", "monthly", "history", "snapshot", "detail", "summary", "archive", "current", "adjusted",
    "forecast", "plan", "emea", "apac", "amer", "latest", "weekly", "yearly", "restated", "v2", "legacy",
    "cleansed", "enriched", "audit",
)
_QUALIFIER_PHRASES = {
    "": "",
    "daily": "one row per day",
    "monthly": "aggregated per month",
    "history": "with full history",
    "snapshot": "a periodic snapshot",
    "detail": "at the most detailed grain",
    "summary": "summarised",
    "archive": "archived records",
    "current": "current records only",
    "adjusted": "after adjustments",
    "forecast": "forecast figures",
    "plan": "planned figures",
    "emea": "for Europe, Middle East and Africa",
    "apac": "for Asia Pacific",
    "amer": "for the Americas",
    "latest": "the latest version of each record",
    "weekly": "one row per week",
    "yearly": "one row per year",
    "restated": "restated after corrections",
    "v2": "second version of the model",
    "legacy": "from the legacy platform",
    "cleansed": "cleansed and deduplicated",
    "enriched": "enriched with reference data",
    "audit": "audit trail",
}
# fmt: on
_PREFIX: dict[TableType, str] = {"FACT": "fact", "DIMENSION": "dim", "STAGING": "stg", "SOURCE": "src"}
_TYPE_SHARE: dict[TableType, float] = {"FACT": 0.2, "DIMENSION": 0.3, "STAGING": 0.25, "SOURCE": 0.25}
_KEYS_PER_TABLE: dict[TableType, float] = {"FACT": 5.0, "DIMENSION": 1.5, "STAGING": 0.6, "SOURCE": 1.6}
_SYSTEMS = {
    "SOURCE": "SAP ERP",
    "STAGING": "Snowflake staging",
    "FACT": "Snowflake",
    "DIMENSION": "Snowflake",
}
_ATTRIBUTES: tuple[tuple[str, str, str], ...] = (
    # name, data type, description
    ("name", "VARCHAR(120)", "Name as shown to users."),
    ("code", "VARCHAR(20)", "Business code, unique within the source system."),
    ("description", "VARCHAR(400)", "Free-text description."),
    ("status_code", "VARCHAR(10)", "Lifecycle status of the record."),
    ("valid_from", "DATE", "First day the record is valid."),
    ("valid_to", "DATE", "Last day the record is valid."),
    ("created_at", "TIMESTAMP", "When the record was created in the source system."),
    ("updated_at", "TIMESTAMP", "When the record was last changed in the source system."),
    ("created_by", "VARCHAR(60)", "User who created the record."),
    ("amount", "DECIMAL(18,2)", "Amount in document currency."),
    ("net_amount", "DECIMAL(18,2)", "Amount after discounts, before tax."),
    ("gross_amount", "DECIMAL(18,2)", "Amount including tax."),
    ("tax_amount", "DECIMAL(18,2)", "Tax charged on the amount."),
    ("amount_local", "DECIMAL(18,2)", "Amount in the company's local currency."),
    ("quantity", "DECIMAL(18,3)", "Quantity in the base unit of measure."),
    ("unit_price", "DECIMAL(18,4)", "Price per base unit."),
    ("discount_pct", "DECIMAL(5,2)", "Discount as a percentage of the list price."),
    ("cost", "DECIMAL(18,2)", "Cost of goods or services."),
    ("margin", "DECIMAL(18,2)", "Revenue minus cost."),
    ("revenue", "DECIMAL(18,2)", "Recognised revenue."),
    ("duration_minutes", "INTEGER", "Duration in minutes."),
    ("line_number", "INTEGER", "Position of the line within its document."),
    ("document_number", "VARCHAR(30)", "Number of the source document."),
    ("document_date", "DATE", "Date printed on the document."),
    ("posting_date", "DATE", "Date the document was posted."),
    ("due_date", "DATE", "Date payment is due."),
    ("event_timestamp", "TIMESTAMP", "When the event happened."),
    ("fiscal_year", "INTEGER", "Fiscal year the record belongs to."),
    ("fiscal_month", "INTEGER", "Fiscal month the record belongs to."),
    ("is_active", "BOOLEAN", "Whether the record is in use."),
    ("is_deleted", "BOOLEAN", "Soft-delete flag from the source system."),
    ("priority", "VARCHAR(10)", "Priority assigned by the business."),
    ("category", "VARCHAR(40)", "Business category."),
    ("sub_category", "VARCHAR(40)", "Business sub-category."),
    ("email", "VARCHAR(120)", "Email address for correspondence."),
    ("phone", "VARCHAR(40)", "Phone number for correspondence."),
    ("address_line", "VARCHAR(200)", "Street address."),
    ("postal_code", "VARCHAR(20)", "Postal code."),
    ("city", "VARCHAR(80)", "City."),
    ("region_code", "VARCHAR(10)", "Sales or reporting region."),
    ("score", "DECIMAL(9,4)", "Score computed by the scoring model."),
    ("weight_kg", "DECIMAL(12,3)", "Gross weight in kilograms."),
    ("volume_m3", "DECIMAL(12,3)", "Volume in cubic metres."),
    ("comment_text", "VARCHAR(1000)", "Comment entered by the user."),
    ("external_reference", "VARCHAR(60)", "Reference in the partner's system."),
    ("batch_id", "VARCHAR(40)", "Load batch that wrote the row."),
    ("load_timestamp", "TIMESTAMP", "When the row was loaded into the warehouse."),
    ("record_source", "VARCHAR(40)", "Source system of the row."),
    ("hash_diff", "CHAR(32)", "Hash of the descriptive attributes, for change detection."),
    ("sequence_number", "BIGINT", "Change sequence number from the source system."),
    ("operation_type", "CHAR(1)", "Insert, update or delete, as captured from the source."),
    ("rank_in_period", "INTEGER", "Rank within the reporting period."),
    ("target_amount", "DECIMAL(18,2)", "Target set for the period."),
    ("variance_amount", "DECIMAL(18,2)", "Actual minus target."),
    ("probability_pct", "DECIMAL(5,2)", "Likelihood as a percentage."),
    ("approval_status", "VARCHAR(20)", "Approval state in the workflow."),
    ("approved_by", "VARCHAR(60)", "User who approved the record."),
    ("approved_at", "TIMESTAMP", "When the record was approved."),
    ("language_code", "CHAR(2)", "ISO 639-1 language code."),
    ("time_zone", "VARCHAR(40)", "IANA time zone."),
)
_ATTRIBUTE_TERMS = {
    "net_amount": ("Net Amount", ("Net Value",)),
    "gross_amount": ("Gross Amount", ("Gross Value",)),
    "revenue": ("Revenue", ("Turnover", "Sales")),
    "margin": ("Gross Margin", ("Profit Margin",)),
    "posting_date": ("Posting Date", ("Booking Date",)),
    "due_date": ("Due Date", ("Payment Due Date",)),
    "unit_price": ("Unit Price", ("Price per Unit",)),
    "quantity": ("Quantity", ("Qty",)),
    "email": ("Email Address", ("E-mail",)),
    "fiscal_year": ("Fiscal Year", ("Financial Year",)),
}
_FIRST = ("Anna", "Ben", "Chloé", "Dmitri", "Eva", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Lars")
_LAST = ("Schmidt", "Okafor", "Novak", "Tanaka", "García", "Larsen", "Moreau", "Patel", "Rossi", "Kowalski")


@dataclass(slots=True)
class _Plan:
    """One table before it becomes a typed fact."""

    name: str
    type: TableType
    domain: str
    schema: str
    noun: str
    qualifier: str
    pk: str = ""
    columns: list[tuple[str, str, str, bool, str, ForeignKey | None]] = field(default_factory=list)
    targets: list[int] = field(default_factory=list)
    n_columns: int = 0
    code: str = ""
    """A source table's ERP code (`src_finance_bkpf`), standing for its noun and qualifier."""


def _human(word: str) -> str:
    return word.replace("_", " ")


def _display(plan: _Plan) -> str:
    text = f"{_human(plan.noun)} {_human(plan.qualifier)}".strip()
    if plan.code:
        return f"{plan.domain.title()} {plan.code.upper()} ({text.title()} Source)"
    kind = {"FACT": "", "DIMENSION": "", "STAGING": " (staging)", "SOURCE": " (source)"}[plan.type]
    return f"{plan.domain} {text}{kind}".title().replace("Emea", "EMEA").replace("Apac", "APAC")


def _description(plan: _Plan) -> str:
    noun, qualifier = _human(plan.noun), _QUALIFIER_PHRASES[plan.qualifier]
    said = {
        "FACT": f"{plan.domain} {noun} events, one row per {noun}",
        "DIMENSION": f"{plan.domain} {noun} reference data, one row per {noun}",
        "STAGING": f"{plan.domain} {noun} records staged from the source system before modelling",
        "SOURCE": f"{plan.domain} {noun} records as extracted from {_SYSTEMS['SOURCE']}",
    }[plan.type]
    return f"{said}, {qualifier}." if qualifier else f"{said}."


def _exact_counts(
    rng: random.Random, wanted: list[float], total: int, low: list[int], high: list[int]
) -> list[int]:
    """Integers near `wanted` (scaled to `total`), each within [low, high], summing exactly to `total`."""
    scale = total / sum(wanted) if sum(wanted) else 0.0
    counts = [min(max(round(w * scale), lo), hi) for w, lo, hi in zip(wanted, low, high, strict=True)]
    if not sum(low) <= total <= sum(high):
        raise ValueError(f"{total} cannot be spread within the bounds ({sum(low)}..{sum(high)}).")
    order = list(range(len(counts)))
    while (gap := total - sum(counts)) != 0:
        rng.shuffle(order)
        step = 1 if gap > 0 else -1
        for i in order:
            if (counts[i] < high[i]) if step > 0 else (counts[i] > low[i]):
                counts[i] += step
                gap -= step
                if gap == 0:
                    break
    return counts


def _choose_tables(rng: random.Random, n_tables: int, book: CodeBook) -> list[_Plan]:
    pools: dict[TableType, list[tuple[str, str, str]]] = defaultdict(list)
    for domain, (facts, dims) in _DOMAINS.items():
        for qualifier in _QUALIFIERS:
            pools["FACT"] += [(domain, noun, qualifier) for noun in facts]
            pools["DIMENSION"] += [(domain, noun, qualifier) for noun in (*dims, *_SHARED_DIMENSIONS)]
            for kind in ("STAGING", "SOURCE"):
                pools[kind] += [(domain, noun, qualifier) for noun in (*facts, *dims)]
    capacity = sum(len(p) for p in pools.values())
    if not 0 < n_tables <= capacity:
        raise ValueError(f"tables must be between 1 and {capacity}, not {n_tables}.")
    types: list[TableType] = list(_TYPE_SHARE)
    per_type = _exact_counts(
        rng, [_TYPE_SHARE[t] for t in types], n_tables, [0] * len(types), [len(pools[t]) for t in types]
    )
    plans = []
    for kind, count in zip(types, per_type, strict=True):
        pool = pools[kind]
        # The unqualified tables first (every domain's dim_x_date exists before its dim_x_date_emea).
        plain = [p for p in pool if not p[2]]
        rng.shuffle(plain)
        rest = [p for p in pool if p[2]]
        chosen = (plain + rng.sample(rest, len(rest)))[:count]
        for domain, noun, qualifier in chosen:
            schema = domain.lower().replace(" ", "_")
            code = source_table_code(book, schema, noun, qualifier) if kind == "SOURCE" else ""
            words = (schema, code) if code else (schema, noun, qualifier)
            name = "_".join(p for p in (_PREFIX[kind], *words) if p)
            plans.append(_Plan(name, kind, domain, schema, noun, qualifier, code=code))
    plans.sort(key=lambda p: (p.schema, p.name))
    return plans


def _choose_keys(rng: random.Random, plans: list[_Plan], n_keys: int) -> None:
    by: dict[tuple[str, TableType], list[int]] = defaultdict(list)
    for i, plan in enumerate(plans):
        by[plan.schema, plan.type].append(i)
    hubs = {s: [i for i in idx if not plans[i].qualifier] for (s, t), idx in by.items() if t == "DIMENSION"}

    def candidates(i: int) -> list[int]:
        plan = plans[i]
        if plan.type == "FACT":
            return by[plan.schema, "DIMENSION"] + by[plan.schema, "FACT"]
        return by[plan.schema, plan.type]

    pools = [[j for j in candidates(i) if j != i] for i in range(len(plans))]
    wanted = [_KEYS_PER_TABLE[p.type] * rng.uniform(0.4, 1.6) for p in plans]
    high = [min(len(pool), 12) for pool in pools]
    counts = _exact_counts(rng, wanted, n_keys, [0] * len(plans), high)
    for i, (plan, count) in enumerate(zip(plans, counts, strict=True)):
        chosen: dict[int, None] = {}
        favourites = [j for j in hubs.get(plan.schema, ()) if j != i] if plan.type == "FACT" else []
        while len(chosen) < count:
            hub = favourites and rng.random() < 0.4
            chosen[rng.choice(favourites) if hub else rng.choice(pools[i])] = None
        plan.targets = list(chosen)


def _name_key(plan: _Plan) -> str:
    return "_".join(p for p in (plan.noun, plan.qualifier) if p) + (
        "_key" if plan.type == "DIMENSION" else "_id"
    )


def _fill_columns(rng: random.Random, plans: list[_Plan], n_columns: int, book: CodeBook) -> None:
    for plan in plans:
        plan.pk = _name_key(plan)
    low = [1 + len(p.targets) for p in plans]
    high = [1 + len(p.targets) + len(_ATTRIBUTES) for p in plans]
    wanted = [rng.uniform(8, 32) for _ in plans]
    counts = _exact_counts(rng, wanted, n_columns, low, high)
    for plan, count in zip(plans, counts, strict=True):
        taken = {plan.pk}
        role = "Surrogate key" if plan.type == "DIMENSION" else "Identifier"
        plan.columns.append((plan.pk, "BIGINT", f"{role} of the {_human(plan.noun)}.", True, plan.noun, None))
        for j in plan.targets:
            target = plans[j]
            column = target.pk if target.pk not in taken else f"{target.type.lower()}_{target.pk}"
            n = 2
            while column in taken:
                column, n = f"{target.pk}_{n}", n + 1
            taken.add(column)
            about = f"References {_display(target)} ({target.name})."
            fk = ForeignKey(table=target.name, column=target.pk)
            plan.columns.append((column, "BIGINT", about, False, target.noun, fk))
        for name, data_type, about in rng.sample(_ATTRIBUTES, count - len(plan.columns)):
            if plan.code:  # a source system names its fields in codes, some of them its own additions
                custom = rng.random() < 0.15
                name = (
                    custom_field_code(book, plan.name, name)
                    if custom
                    else source_field_code(book, plan.schema, name)
                )
            plan.columns.append((name, data_type, about, False, "", None))


def _people(rng: random.Random) -> dict[str, tuple[Person, Person]]:
    people = {}
    for domain in _DOMAINS:
        owner, steward = (f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(2))
        people[domain] = (
            Person(name=owner, email=_email(owner), role="Owner"),
            Person(name=steward, email=_email(steward), role="Steward"),
        )
    return people


def _business_words() -> set[str]:
    """Every word the business vocabulary uses, so no ERP code reads as one of them."""
    names = [n for facts, dims in _DOMAINS.values() for n in (*facts, *dims)]
    names += [*_SHARED_DIMENSIONS, *_QUALIFIERS, *(a for a, _, _ in _ATTRIBUTES)]
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
    plans = _choose_tables(rng, tables, book)
    _choose_keys(rng, plans, foreign_keys)
    _fill_columns(rng, plans, columns, book)
    people = _people(rng)

    term_of_noun: dict[str, str] = {}
    for facts, dims in _DOMAINS.values():
        for noun in (*facts, *dims, *_SHARED_DIMENSIONS):
            term_of_noun.setdefault(noun, _human(noun).title())
    term_of_attribute = {attribute: name for attribute, (name, _) in _ATTRIBUTE_TERMS.items()}
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
                    display_name=_human(name).title(),
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
                display_name=_display(plan),
                type=plan.type,
                domain=plan.domain,
                status="Approved" if plan.type in ("FACT", "DIMENSION") else "Candidate",
                description=_description(plan),
                system=_SYSTEMS[plan.type],
                schema_name=plan.schema,
                owner=owner,
                steward=steward,
                columns=tuple(typed_columns),
            )
        )

    synonyms = {name: syns for name, syns in _ATTRIBUTE_TERMS.values()}
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
        lineage=_lineage(rng, plans),
        terms=terms,
        title=title,
        origin=f"synthetic (seed {seed})",
    )


def _lineage(rng: random.Random, plans: Sequence[_Plan]) -> tuple[LineageEdge, ...]:
    """Source -> staging of the same entity, staging -> the marts built from it (and, for some facts,
    a second staging table of the domain)."""
    index = {(p.type, p.schema, p.noun, p.qualifier): p for p in plans}
    staging: dict[str, list[_Plan]] = defaultdict(list)
    for plan in plans:
        if plan.type == "STAGING":
            staging[plan.schema].append(plan)
    edges: dict[LineageEdge, None] = {}
    for plan in plans:
        if plan.type == "STAGING":
            source = index.get(("SOURCE", plan.schema, plan.noun, plan.qualifier))
            if source:
                edges[LineageEdge(source=source.name, target=plan.name, process=f"load_{plan.schema}")] = None
        elif plan.type in ("FACT", "DIMENSION"):
            feeds = [index.get(("STAGING", plan.schema, plan.noun, plan.qualifier))]
            if plan.type == "FACT" and staging[plan.schema] and rng.random() < 0.5:
                feeds.append(rng.choice(staging[plan.schema]))
            for feed in feeds:
                if feed is not None and feed.name != plan.name:
                    edge = LineageEdge(source=feed.name, target=plan.name, process=f"dbt_{plan.schema}_marts")
                    edges[edge] = None
    return tuple(edges)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_statements(snapshot: CatalogSnapshot) -> list[str]:
    """CREATE TABLE statements for the snapshot's tables: columns, primary and foreign keys, no data."""
    statements = []
    for table in snapshot.tables:
        parts = [
            f"{_quote(c.name)} {c.data_type}" + ("" if c.nullable else " NOT NULL") for c in table.columns
        ]
        keys = [c.name for c in table.columns if c.is_primary_key]
        if keys:
            parts.append(f"PRIMARY KEY ({', '.join(map(_quote, keys))})")
        parts += [
            f"FOREIGN KEY ({_quote(c.name)}) REFERENCES {_quote(c.foreign_key.table)} "
            f"({_quote(c.foreign_key.column)})"
            for c in table.columns
            if c.foreign_key is not None
        ]
        statements.append(f"CREATE TABLE {_quote(table.name)} (\n  " + ",\n  ".join(parts) + "\n)")
    return statements


def write_sqlite(snapshot: CatalogSnapshot, path: str | Path) -> Path:
    """The snapshot's schema as a new SQLite file (replacing one at `path`): one table per catalog
    table, with its primary and foreign keys; no rows. `SQLCatalog(f"sqlite:///{path}")` reads it back."""
    target = Path(path)
    target.unlink(missing_ok=True)
    connection = sqlite3.connect(target)
    try:
        with connection:
            connection.execute("PRAGMA journal_mode = OFF")
            for statement in create_statements(snapshot):
                connection.execute(statement)
    finally:
        connection.close()
    return target
