"""Planning the synthetic warehouse: its tables, keys and columns (counts met exactly) and lineage."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from .models import ForeignKey, LineageEdge, TableType
from .synthetic_vocabulary import (
    ATTRIBUTES,
    DOMAINS,
    KEYS_PER_TABLE,
    PREFIX,
    QUALIFIER_PHRASES,
    QUALIFIERS,
    SHARED_DIMENSIONS,
    SYSTEMS,
    TYPE_SHARE,
)
from .synthetic_words import CodeBook, custom_field_code, source_field_code, source_table_code


@dataclass(slots=True)
class TablePlan:
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


def human_words(word: str) -> str:
    return word.replace("_", " ")


def plan_display_name(plan: TablePlan) -> str:
    text = f"{human_words(plan.noun)} {human_words(plan.qualifier)}".strip()
    if plan.code:
        return f"{plan.domain.title()} {plan.code.upper()} ({text.title()} Source)"
    kind = {"FACT": "", "DIMENSION": "", "STAGING": " (staging)", "SOURCE": " (source)"}[plan.type]
    return f"{plan.domain} {text}{kind}".title().replace("Emea", "EMEA").replace("Apac", "APAC")


def plan_description(plan: TablePlan) -> str:
    noun, qualifier = human_words(plan.noun), QUALIFIER_PHRASES[plan.qualifier]
    said = {
        "FACT": f"{plan.domain} {noun} events, one row per {noun}",
        "DIMENSION": f"{plan.domain} {noun} reference data, one row per {noun}",
        "STAGING": f"{plan.domain} {noun} records staged from the source system before modelling",
        "SOURCE": f"{plan.domain} {noun} records as extracted from {SYSTEMS['SOURCE']}",
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


def choose_tables(rng: random.Random, n_tables: int, book: CodeBook) -> list[TablePlan]:
    pools: dict[TableType, list[tuple[str, str, str]]] = defaultdict(list)
    for domain, (facts, dims) in DOMAINS.items():
        for qualifier in QUALIFIERS:
            pools["FACT"] += [(domain, noun, qualifier) for noun in facts]
            pools["DIMENSION"] += [(domain, noun, qualifier) for noun in (*dims, *SHARED_DIMENSIONS)]
            for kind in ("STAGING", "SOURCE"):
                pools[kind] += [(domain, noun, qualifier) for noun in (*facts, *dims)]
    capacity = sum(len(p) for p in pools.values())
    if not 0 < n_tables <= capacity:
        raise ValueError(f"tables must be between 1 and {capacity}, not {n_tables}.")
    types: list[TableType] = list(TYPE_SHARE)
    per_type = _exact_counts(
        rng, [TYPE_SHARE[t] for t in types], n_tables, [0] * len(types), [len(pools[t]) for t in types]
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
            name = "_".join(p for p in (PREFIX[kind], *words) if p)
            plans.append(TablePlan(name, kind, domain, schema, noun, qualifier, code=code))
    plans.sort(key=lambda p: (p.schema, p.name))
    return plans


def choose_keys(rng: random.Random, plans: list[TablePlan], n_keys: int) -> None:
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
    wanted = [KEYS_PER_TABLE[p.type] * rng.uniform(0.4, 1.6) for p in plans]
    high = [min(len(pool), 12) for pool in pools]
    counts = _exact_counts(rng, wanted, n_keys, [0] * len(plans), high)
    for i, (plan, count) in enumerate(zip(plans, counts, strict=True)):
        chosen: dict[int, None] = {}
        favourites = [j for j in hubs.get(plan.schema, ()) if j != i] if plan.type == "FACT" else []
        while len(chosen) < count:
            hub = favourites and rng.random() < 0.4
            chosen[rng.choice(favourites) if hub else rng.choice(pools[i])] = None
        plan.targets = list(chosen)


def _name_key(plan: TablePlan) -> str:
    return "_".join(p for p in (plan.noun, plan.qualifier) if p) + (
        "_key" if plan.type == "DIMENSION" else "_id"
    )


def fill_columns(rng: random.Random, plans: list[TablePlan], n_columns: int, book: CodeBook) -> None:
    for plan in plans:
        plan.pk = _name_key(plan)
    low = [1 + len(p.targets) for p in plans]
    high = [1 + len(p.targets) + len(ATTRIBUTES) for p in plans]
    wanted = [rng.uniform(8, 32) for _ in plans]
    counts = _exact_counts(rng, wanted, n_columns, low, high)
    for plan, count in zip(plans, counts, strict=True):
        taken = {plan.pk}
        role = "Surrogate key" if plan.type == "DIMENSION" else "Identifier"
        plan.columns.append(
            (plan.pk, "BIGINT", f"{role} of the {human_words(plan.noun)}.", True, plan.noun, None)
        )
        for j in plan.targets:
            target = plans[j]
            column = target.pk if target.pk not in taken else f"{target.type.lower()}_{target.pk}"
            n = 2
            while column in taken:
                column, n = f"{target.pk}_{n}", n + 1
            taken.add(column)
            about = f"References {plan_display_name(target)} ({target.name})."
            fk = ForeignKey(table=target.name, column=target.pk)
            plan.columns.append((column, "BIGINT", about, False, target.noun, fk))
        for name, data_type, about in rng.sample(ATTRIBUTES, count - len(plan.columns)):
            if plan.code:  # a source system names its fields in codes, some of them its own additions
                custom = rng.random() < 0.15
                name = (
                    custom_field_code(book, plan.name, name)
                    if custom
                    else source_field_code(book, plan.schema, name)
                )
            plan.columns.append((name, data_type, about, False, "", None))


def plan_lineage(rng: random.Random, plans: Sequence[TablePlan]) -> tuple[LineageEdge, ...]:
    """Source -> staging of the same entity, staging -> the marts built from it (and, for some facts,
    a second staging table of the domain)."""
    index = {(p.type, p.schema, p.noun, p.qualifier): p for p in plans}
    staging: dict[str, list[TablePlan]] = defaultdict(list)
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
