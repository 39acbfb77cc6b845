"""Example joins are written from the join path, with identifiers quoted when they need it."""

from __future__ import annotations

from mcop_kernel.catalog.models import JoinPath, Relationship
from mcop_kernel.catalog.sample import sample_catalog
from mcop_kernel.sql import join_sql, quote_identifier


async def test_invoice_to_supplier_joins_on_the_foreign_keys() -> None:
    catalog = sample_catalog()
    path = await catalog.join_path("fact_bs_invoice", "dimv_bs_supplier")
    sql = join_sql(path)
    assert sql.startswith(
        "SELECT *\nFROM fact_bs_invoice AS fbi\nJOIN dimv_bs_supplier AS dbs ON fbi.supplier_key = dbs."
    )
    assert sql.endswith(";")


def test_awkward_names_are_quoted_and_aliases_stay_unique() -> None:
    step = Relationship(
        id="r1",
        from_table="sales order",
        from_columns=('cust"id',),
        to_table="sales.orders",
        to_columns=("id",),
    )
    sql = join_sql(JoinPath(start="sales order", end="sales.orders", steps=(step,)))
    assert 'FROM "sales order" AS so' in sql
    assert 'JOIN "sales.orders" AS so2 ON so."cust""id" = so2.id' in sql
    assert quote_identifier("plain_name") == "plain_name"
    assert quote_identifier("2019") == '"2019"'
