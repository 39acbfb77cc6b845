"""Give the bundled sample catalog the steward metadata a Collibra instance holds, as Collibra attributes.

Run from the repository root (deterministic; running it again gives the same file)::

    python scripts/sample_steward_metadata.py

It adds, as Collibra attributes and statuses: classification ("Personal Information" on columns
holding people's names, e-mail addresses, phone numbers and streets; "Security Classification" on
money columns and on tables), certification (the "Certified" attribute on the marts and the
"Certified" status on a few of them), freshness ("Refresh Frequency", "Last Loaded"), row counts
("Row Count", some tables only) and "Data Quality Score" (the marts and a few staging tables). It
also leaves some documentation debt: a few staging tables lose their owner, steward or description,
and a few staging columns their description, so "which tables have no owner?" has an answer.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SAMPLE = Path(__file__).resolve().parent.parent / "mcop_kernel" / "data" / "sample_catalog.json"
ADDED = frozenset(
    {
        "Personal Information",
        "Security Classification",
        "Certified",
        "Refresh Frequency",
        "Last Loaded",
        "Row Count",
        "Data Quality Score",
    }
)
PERSONAL = re.compile(
    r"(?i)(^|_)(email|phone|street|buyer_name|responsible_person)$|^(SMTP_ADDR|AFNAM|VERAK)$"
)
MONEY = re.compile(
    r"(?i)(^|_)(price|amount|value|paid_amount|spend_eur|tax_number|amount_local|amount_eur|value_eur)$"
    r"|^(NETPR|NETWR|WRBTR|DMBTR|RMWWR|STCEG|WSKTO)$"
)
FACTS: dict[str, tuple[int, float, str]] = {
    # rows, data-quality score, security classification
    "fact_bs_purchase_order": (1_284_530, 96.4, "Confidential"),
    "fact_bs_purchase_order_line": (4_917_206, 93.1, "Confidential"),
    "fact_bs_goods_receipt": (3_602_118, 88.7, "Internal"),
    "fact_bs_invoice": (1_106_774, 91.5, "Confidential"),
    "fact_bs_invoice_line": (3_987_321, 84.2, "Confidential"),
    "fact_bs_payment": (1_010_552, 71.8, "Confidential"),
    "fact_bs_purchase_requisition": (2_211_940, 90.3, "Internal"),
    "fact_bs_supplier_spend_monthly": (186_420, 79.5, "Confidential"),
}
DIMENSION_ROWS = {
    "dimv_bs_date": 3_653,
    "dimv_bs_currency": 168,
    "dimv_bs_country": 249,
    "dimv_bs_company_code": 18,
    "dimv_bs_plant": 64,
    "dimv_bs_purchasing_organization": 9,
    "dimv_bs_purchasing_group": 120,
    "dimv_bs_payment_terms": 46,
    "dimv_bs_incoterms": 11,
    "dimv_bs_cost_centre": 1_840,
    "dimv_bs_unit_of_measure": 312,
    "dimv_bs_material_group": 410,
    "dimv_bs_material": 48_210,
    "dimv_bs_supplier": 12_846,
    "dimv_bs_supplier_address": 15_930,
    "dimv_bs_contract": 3_412,
}
PUBLIC_DIMENSIONS = frozenset(
    {"dimv_bs_date", "dimv_bs_currency", "dimv_bs_country", "dimv_bs_unit_of_measure"}
)
CERTIFIED_STATUS = ("dimv_bs_currency", "dimv_bs_country", "dimv_bs_unit_of_measure")
"""Marts whose Collibra status is "Certified" (the others say so through the Certified attribute)."""
NOT_CERTIFIED = frozenset({"dimv_bs_supplier_address", "fact_bs_payment", "fact_bs_supplier_spend_monthly"})
DAILY_DIMENSIONS = frozenset(
    {"dimv_bs_supplier", "dimv_bs_material", "dimv_bs_supplier_address", "dimv_bs_contract"}
)
STALE = {"fact_bs_payment": "2026-11-26T02:41:00Z", "stg_bs_payment": "2026-11-26T01:12:00Z"}
"""Loads that stopped a few days before the others: what a freshness question should find."""
NO_OWNER = ("stg_bs_incoterms", "stg_bs_unit_of_measure", "stg_bs_cost_centre", "stg_bs_material_group")
NO_STEWARD = ("stg_bs_country", "stg_bs_currency", "stg_bs_incoterms")
NO_DESCRIPTION = ("stg_bs_payment_terms", "stg_bs_purchasing_group", "stg_bs_incoterms")
UNDESCRIBED_COLUMNS = (
    "stg_bs_country",
    "stg_bs_currency",
    "stg_bs_incoterms",
    "stg_bs_plant",
    "stg_bs_payment_terms",
)
"""Staging tables whose load-audit columns (`_loaded_at`, `_source_system`) lose their description."""


def spread(name: str, low: int, high: int) -> int:
    """A number in [low, high] fixed by `name` (the same on every run)."""
    digest = int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)
    return low + digest % (high - low + 1)


def attribute(asset_id: str, kind: str, value: Any) -> dict[str, Any]:
    return {"asset": {"id": asset_id}, "type": {"name": kind}, "value": value}


def table_facts(name: str, kind: str, columns: list[str]) -> Iterator[tuple[str, Any]]:
    """The steward attributes of one table, by its role in the warehouse."""
    personal = any(PERSONAL.search(c) for c in columns)
    money = any(MONEY.search(c) for c in columns)
    if kind == "FACT":
        rows, quality, label = FACTS[name]
        monthly = name.endswith("_monthly")
        yield "Security Classification", label
        yield "Certified", name not in NOT_CERTIFIED
        yield "Refresh Frequency", "Monthly, on the 2nd working day" if monthly else "Daily at 02:00 UTC"
        yield (
            "Last Loaded",
            STALE.get(
                name, "2026-11-02T03:05:00Z" if monthly else f"2026-11-30T02:{spread(name, 10, 55)}:00Z"
            ),
        )
        yield "Row Count", rows
        yield "Data Quality Score", quality
    elif kind == "DIMENSION":
        label = (
            "Restricted"
            if personal
            else "Public"
            if name in PUBLIC_DIMENSIONS
            else "Confidential"
            if money
            else "Internal"
        )
        yield "Security Classification", label
        if name not in CERTIFIED_STATUS:
            yield "Certified", name not in NOT_CERTIFIED
        daily = name in DAILY_DIMENSIONS
        yield "Refresh Frequency", "Daily at 01:30 UTC" if daily else "Weekly, Sundays at 03:00 UTC"
        yield "Last Loaded", f"2026-11-30T01:{spread(name, 31, 50)}:00Z" if daily else "2026-11-29T03:12:00Z"
        yield "Row Count", DIMENSION_ROWS[name]
        yield "Data Quality Score", 76.0 if name in NOT_CERTIFIED else spread(name, 880, 995) / 10
    elif kind == "STAGING":
        master = not re.search(r"order|invoice|payment|receipt|requisition", name)
        yield "Refresh Frequency", "Daily at 00:45 UTC" if master else "Hourly"
        yield (
            "Last Loaded",
            STALE.get(name, f"2026-11-30T{'00:4' if master else '06:0'}{spread(name, 0, 9)}:00Z"),
        )
        if personal:
            yield "Security Classification", "Restricted"
        mart = (
            DIMENSION_ROWS.get(name.replace("stg_", "dimv_"))
            or FACTS.get(name.replace("stg_", "fact_"), (0,))[0]
        )
        if mart and spread(name, 0, 2):  # two in three staging tables have a count, a little above the mart's
            yield "Row Count", mart + spread(name, 0, max(mart // 50, 3))
        if name in ("stg_bs_supplier", "stg_bs_invoice", "stg_bs_purchase_order"):
            yield "Data Quality Score", spread(name, 700, 900) / 10
    elif kind == "SOURCE":
        if personal or money:
            yield "Security Classification", "Restricted" if personal else "Confidential"
        if len(columns) >= 8:  # the big SAP tables are profiled, the small ones not
            yield "Row Count", spread(name, 250_000, 9_000_000)
            yield "Refresh Frequency", "Replicated every 15 minutes"


def enrich(export: dict[str, Any]) -> dict[str, Any]:
    assets = {a["id"]: a for a in export["assets"]}
    names = {a["id"]: a["name"] for a in export["assets"]}
    attributes = [a for a in export["attributes"] if a["type"]["name"] not in ADDED]
    kinds = {a["asset"]["id"]: a["value"] for a in attributes if a["type"]["name"] == "Table Type"}
    columns_of: dict[str, list[str]] = {}
    table_of: dict[str, str] = {}
    for relation in export["relations"]:
        source, target = relation["source"]["id"], relation["target"]["id"]
        if relation["type"]["role"] == "is part of" and assets[source]["type"]["name"] == "Column":
            columns_of.setdefault(target, []).append(names[source])
            table_of[source] = names[target]
    tables = {tid: names[tid] for tid in kinds}
    by_name = {name: tid for tid, name in tables.items()}
    for tid, name in tables.items():
        attributes += [
            attribute(tid, k, v) for k, v in table_facts(name, kinds[tid], columns_of.get(tid, []))
        ]
        if name in CERTIFIED_STATUS:
            assets[tid]["status"] = {"name": "Certified"}
    for cid in sorted(table_of):
        column = names[cid]
        if PERSONAL.search(column):
            attributes.append(attribute(cid, "Personal Information", True))
        elif MONEY.search(column):
            attributes.append(attribute(cid, "Security Classification", "Confidential"))
    undescribed = {by_name[t] for t in NO_DESCRIPTION}
    undescribed |= {
        cid for cid, t in table_of.items() if t in UNDESCRIBED_COLUMNS and names[cid].startswith("_")
    }
    export["attributes"] = [
        a for a in attributes if not (a["type"]["name"] == "Description" and a["asset"]["id"] in undescribed)
    ]
    unowned = {(by_name[t], "Owner") for t in NO_OWNER} | {(by_name[t], "Steward") for t in NO_STEWARD}
    export["responsibilities"] = [
        r for r in export["responsibilities"] if (r["baseResource"]["id"], r["role"]["name"]) not in unowned
    ]
    return export


def dump(export: dict[str, Any]) -> str:
    """The file's own layout: one asset, relation, attribute or responsibility per line."""
    parts = []
    for key, value in export.items():
        if isinstance(value, list):
            items = ",\n".join("    " + json.dumps(item, ensure_ascii=False) for item in value)
            parts.append(f"  {json.dumps(key)}: [\n{items}\n  ]")
        else:
            parts.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main() -> None:
    export = json.loads(SAMPLE.read_text(encoding="utf-8"))
    SAMPLE.write_text(dump(enrich(export)), encoding="utf-8")
    print(f"Wrote {SAMPLE.name}: {len(export['attributes'])} attributes")


if __name__ == "__main__":
    main()
