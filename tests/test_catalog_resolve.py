"""Forgiving table and term names, and ranked search, as a data steward would type them."""

from __future__ import annotations

import time

import pytest

from mcop_kernel.catalog import (
    CatalogLookupError,
    CatalogSnapshot,
    Column,
    SnapshotCatalog,
    Table,
    sample_catalog,
)
from mcop_kernel.catalog.resolve import SearchIndex, key, singular


@pytest.fixture(scope="module")
def catalog() -> SnapshotCatalog:
    return sample_catalog()


@pytest.mark.parametrize(
    ("query", "table"),
    [
        ("dimv_bs_supplier", "dimv_bs_supplier"),
        ("DIMV_BS_SUPPLIER", "dimv_bs_supplier"),
        ("suppliers", "dimv_bs_supplier"),
        ("Supplier", "dimv_bs_supplier"),
        ("dimv bs supplier", "dimv_bs_supplier"),
        ("the supplier dimension", "dimv_bs_supplier"),
        ("vendors", "dimv_bs_supplier"),
        ("purchase orders", "fact_bs_purchase_order"),
        ("Purchase Order", "fact_bs_purchase_order"),
        ("purchase_order", "fact_bs_purchase_order"),
        ("PO", "fact_bs_purchase_order"),
        ("purchase order lines", "fact_bs_purchase_order_line"),
        ("invoices", "fact_bs_invoice"),
        ("goods receipts", "fact_bs_goods_receipt"),
        ("payment terms", "dimv_bs_payment_terms"),
        ("supplier addresses", "dimv_bs_supplier_address"),
        ("dates", "dimv_bs_date"),
        ("legal entity", "dimv_bs_company_code"),
        ("ekko", "EKKO"),
        ("Purchasing Document Header", "EKKO"),
        ("stg purchase order", "stg_bs_purchase_order"),
        ("Purchase Order (Staging)", "stg_bs_purchase_order"),
    ],
)
async def test_resolves_what_people_type(catalog: SnapshotCatalog, query: str, table: str) -> None:
    assert await catalog.resolve_table(query) == table


async def test_describe_accepts_forgiving_names(catalog: SnapshotCatalog) -> None:
    assert (await catalog.describe_table("suppliers")).name == "dimv_bs_supplier"


@pytest.mark.parametrize(
    ("query", "table"),
    [
        ("supplyer", "dimv_bs_supplier"),
        ("purchse orders", "fact_bs_purchase_order"),
        ("invioce lines", "fact_bs_invoice_line"),
        ("goods reciepts", "fact_bs_goods_receipt"),
    ],
)
async def test_a_misspelling_with_one_confident_match_resolves(
    catalog: SnapshotCatalog, query: str, table: str
) -> None:
    assert await catalog.resolve_table(query) == table


async def test_unknown_names_suggest_close_ones(catalog: SnapshotCatalog) -> None:
    with pytest.raises(CatalogLookupError) as error:
        await catalog.resolve_table("suplyr")
    assert error.value.kind == "table" and not error.value.ambiguous
    assert "Did you mean" in error.value.message
    assert error.value.suggestions[0] == "dimv_bs_supplier"


async def test_names_that_mean_nothing_say_so(catalog: SnapshotCatalog) -> None:
    with pytest.raises(CatalogLookupError, match="No table named 'zebra crossings'"):
        await catalog.describe_table("zebra crossings")


async def test_ambiguous_names_list_the_candidates(catalog: SnapshotCatalog) -> None:
    with pytest.raises(CatalogLookupError) as error:
        await catalog.resolve_table("lines")
    assert error.value.ambiguous
    assert set(error.value.suggestions) == {"fact_bs_invoice_line", "fact_bs_purchase_order_line"}
    assert "Which one?" in error.value.message


async def test_search_ranks_the_supplier_dimension_first(catalog: SnapshotCatalog) -> None:
    hits = await catalog.search("supplier")
    assert (hits[0].kind, hits[0].name) == ("table", "dimv_bs_supplier")
    assert ("term", "Supplier") in [(h.kind, h.name) for h in hits[:3]]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(h.snippet and len(h.snippet) <= 120 for h in hits)


async def test_search_finds_terms_by_synonym(catalog: SnapshotCatalog) -> None:
    hits = await catalog.search("vendor")
    assert (hits[0].kind, hits[0].name) == ("term", "Supplier")
    assert "Vendor" in hits[0].snippet


async def test_search_finds_columns_with_their_table(catalog: SnapshotCatalog) -> None:
    hits = await catalog.search("net order value", limit=20)
    columns = {(h.table, h.name) for h in hits if h.kind == "column"}
    assert ("fact_bs_purchase_order", "net_order_value") in columns
    assert hits[0].kind in ("term", "column")


@pytest.mark.parametrize("query", ["", "   ", "?!"])
async def test_empty_search_finds_nothing(catalog: SnapshotCatalog, query: str) -> None:
    assert await catalog.search(query) == []


async def test_search_respects_the_limit(catalog: SnapshotCatalog) -> None:
    assert len(await catalog.search("key", limit=3)) == 3


def test_search_ranks_exact_then_prefix_then_words_then_description() -> None:
    def table(name: str, display: str, description: str = "") -> Table:
        return Table(
            id=name,
            name=name,
            display_name=display,
            type="TABLE",
            domain="d",
            status="Approved",
            description=description,
        )

    index = SearchIndex(
        [
            table("notes", "Notes", "Free text about an order."),
            table("old_order_archive", "Old Order Archive"),
            table("order_history", "Order History"),
            table("orders", "Orders"),
        ]
    )
    assert [h.name for h in index.search("order")] == [
        "orders",
        "order_history",
        "old_order_archive",
        "notes",
    ]


def test_plural_and_spelling_forms_share_a_key() -> None:
    assert key("Purchase Orders") == key("purchase_order") == "purchase_order"
    assert [singular(w) for w in ("companies", "addresses", "terms", "status", "goods")] == [
        "company",
        "address",
        "term",
        "status",
        "good",
    ]


async def test_terms_resolve_forgivingly(catalog: SnapshotCatalog) -> None:
    assert (await catalog.term("Purchase orders")).name == "Purchase Order"
    assert (await catalog.term("cost center")).name == "Cost Centre"
    with pytest.raises(CatalogLookupError, match="Did you mean: Incoterms"):
        await catalog.term("incoterm rules")


async def test_a_large_catalog_answers_quickly() -> None:
    """Indexes are built once: a 5,000-table catalog resolves and searches without per-call rebuilds."""
    tables = tuple(
        Table(
            id=f"t{i}",
            name=f"fact_area{i % 50}_entity_{i}",
            display_name=f"Entity {i}",
            type="FACT",
            domain=f"Area {i % 50}",
            status="Approved",
            description=f"Synthetic table number {i}.",
            columns=tuple(
                Column(id=f"t{i}c{j}", name=f"column_{j}", display_name=f"Column {j}", data_type="integer")
                for j in range(5)
            ),
        )
        for i in range(5000)
    )
    big = SnapshotCatalog(CatalogSnapshot(tables=tables))
    started = time.perf_counter()
    for i in range(0, 5000, 250):
        assert await big.resolve_table(f"entity {i}") == f"fact_area{i % 50}_entity_{i}"
        assert (await big.search(f"entity {i}", limit=5))[0].name == f"fact_area{i % 50}_entity_{i}"
    assert (await big.list_tables(domain="area 7", limit=1)).total == 100
    assert time.perf_counter() - started < 10


OSCAR_LIKE = (
    *("catalogue_product", "catalogue_productclass", "catalogue_category", "catalogue_productimage"),
    *("catalogue_productattribute", "order_order", "order_line", "order_billingaddress"),
    *("order_shippingaddress", "order_paymentevent", "basket_basket", "basket_line", "basket_lineattribute"),
    *("partner_partner", "partner_stockrecord", "partner_stockalert", "auth_user", "auth_group"),
    *("auth_permission", "wagtailcore_page", "wagtailcore_site", "wagtailcore_revision"),
)


def app_catalog(names: tuple[str, ...]) -> SnapshotCatalog:
    tables = tuple(Table(id=n, name=n, display_name=n, type="TABLE", domain="main", status="") for n in names)
    return SnapshotCatalog(CatalogSnapshot(tables=tables))


@pytest.mark.parametrize(
    ("query", "table"),
    [
        ("products", "catalogue_product"),
        ("orders", "order_order"),
        ("baskets", "basket_basket"),
        ("partners", "partner_partner"),
        ("stock records", "partner_stockrecord"),
        ("pages", "wagtailcore_page"),
        ("catalogue categories", "catalogue_category"),
        ("users", "auth_user"),
        ("ordr", "order_order"),
        ("paymnt events", "order_paymentevent"),
    ],
)
async def test_app_labels_are_prefixes_found_from_the_catalog(query: str, table: str) -> None:
    """Loose names on an application's schema: the app label (`catalogue_`, `order_`) is dropped
    because many tables start with it, not because anyone listed it."""
    assert await app_catalog(OSCAR_LIKE).resolve_table(query) == table


async def test_a_loose_name_shared_by_two_apps_is_ambiguous() -> None:
    with pytest.raises(CatalogLookupError) as error:
        await app_catalog(OSCAR_LIKE).resolve_table("lines")
    assert error.value.ambiguous and set(error.value.suggestions) == {"order_line", "basket_line"}


def test_prefixes_are_derived_not_listed() -> None:
    from mcop_kernel.catalog.resolve import derive_prefixes

    assert derive_prefixes(OSCAR_LIKE) >= {"catalogue", "order", "basket", "partner", "auth", "wagtailcore"}
    assert derive_prefixes(["fact_sales", "dim_customer", "dim_product"]) == frozenset()
    assert {"dimv", "bs"} <= derive_prefixes(["dimv_bs_a", "dimv_bs_b", "dimv_bs_c", "fact_bs_d", "stg_bs_e"])
