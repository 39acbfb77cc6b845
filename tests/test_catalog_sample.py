"""The bundled sample catalog: its procurement data, and the Catalog answers built from it."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from mcop_kernel.catalog import (
    Catalog,
    CatalogLookupError,
    CatalogSnapshot,
    Column,
    ForeignKey,
    Relationship,
    SnapshotCatalog,
    Table,
    TableSummary,
    sample_catalog,
    snapshot_from_collibra,
)


@pytest.fixture(scope="module")
def catalog() -> SnapshotCatalog:
    return sample_catalog()


async def marts(catalog: SnapshotCatalog) -> list[Table]:
    return [t for t in (await catalog.snapshot()).tables if t.type in ("FACT", "DIMENSION")]


async def test_is_a_catalog_that_says_what_it_is(catalog: SnapshotCatalog) -> None:
    assert isinstance(catalog, Catalog)
    assert (
        catalog.description
        == f"Sample procurement catalog ({len((await catalog.snapshot()).tables)} tables, bundled)"
    )


async def test_the_named_tables_exist_with_their_types(catalog: SnapshotCatalog) -> None:
    order = await catalog.describe_table("fact_bs_purchase_order")
    supplier = await catalog.describe_table("dimv_bs_supplier")
    assert (order.type, order.display_name, order.domain) == ("FACT", "Purchase Order", "Procurement")
    assert (supplier.type, supplier.display_name) == ("DIMENSION", "Supplier")
    assert order.schema_name == "bs" and order.system == "Procurement Data Warehouse"
    assert order.column("supplier_key") == order.column("SUPPLIER_KEY")


async def test_marts_are_many_and_fully_described(catalog: SnapshotCatalog) -> None:
    tables = await marts(catalog)
    assert len(tables) >= 20
    assert {t.type for t in tables} == {"FACT", "DIMENSION"}
    for table in tables:
        assert table.description and table.owner and table.steward, table.name
        assert [c.name for c in table.columns if c.is_primary_key] == [table.columns[0].name], table.name
        assert all(c.data_type and c.description for c in table.columns), table.name
        assert table.owner.email and table.owner.email.endswith("@example.com")


async def test_statuses_are_mostly_approved(catalog: SnapshotCatalog) -> None:
    statuses = [t.status for t in (await catalog.snapshot()).tables]
    assert statuses.count("Approved") > len(statuses) * 0.8
    assert "Candidate" in statuses and "Under Review" in statuses


async def test_every_foreign_key_points_at_an_existing_column(catalog: SnapshotCatalog) -> None:
    tables = {t.name: t for t in (await catalog.snapshot()).tables}
    keys = [(t, c) for t in tables.values() for c in t.columns if c.foreign_key]
    assert len(keys) >= 40
    for table, column in keys:
        assert column.foreign_key is not None
        target = tables[column.foreign_key.table].column(column.foreign_key.column)
        assert target is not None and target.is_primary_key, f"{table.name}.{column.name}"
    relationships = {
        (r.from_table, r.from_columns, r.to_table) for r in (await catalog.snapshot()).relationships
    }
    assert relationships == {
        (t.name, (c.name,), c.foreign_key.table) for t, c in keys if c.foreign_key is not None
    }


async def test_facts_reference_dimensions_many_to_one(catalog: SnapshotCatalog) -> None:
    hood = await catalog.relationships("fact_bs_purchase_order")
    outgoing = {r.to_table: r for r in hood.relationships if r.from_table == "fact_bs_purchase_order"}
    assert outgoing["dimv_bs_supplier"].cardinality == "many-to-one"
    assert outgoing["dimv_bs_supplier"].from_columns == ("supplier_key",)
    assert {"dimv_bs_date", "dimv_bs_currency", "dimv_bs_company_code"} <= set(outgoing)
    lines = await catalog.relationships("fact_bs_purchase_order_line")
    assert any(r.to_table == "fact_bs_purchase_order" for r in lines.relationships)


async def test_every_column_term_link_resolves_both_ways(catalog: SnapshotCatalog) -> None:
    tables = {t.name: t for t in (await catalog.snapshot()).tables}
    terms = {t.name: t for t in (await catalog.snapshot()).terms}
    assert len(terms) >= 15
    for table in tables.values():
        for column in table.columns:
            for term_name in column.terms:
                assert f"{table.name}.{column.name}" in terms[term_name].columns
    for term in terms.values():
        assert term.definition and term.steward, term.name
        for ref in term.columns:
            table_name, column_name = ref.split(".")
            described = tables[table_name].column(column_name)
            assert described is not None and term.name in described.terms, ref


async def test_terms_resolve_by_synonym(catalog: SnapshotCatalog) -> None:
    supplier = await catalog.term("vendors")
    assert supplier.name == "Supplier" and "Vendor" in supplier.synonyms
    assert "dimv_bs_supplier.supplier_number" in supplier.columns
    with pytest.raises(CatalogLookupError) as error:
        await catalog.term("procurement wizardry")
    assert error.value.kind == "glossary term"


async def test_owner_and_steward(catalog: SnapshotCatalog) -> None:
    owners = await catalog.owner("purchase orders")
    assert owners.table == "fact_bs_purchase_order"
    assert owners.owner is not None and owners.owner.role == "Owner"
    assert owners.steward is not None and owners.steward.role == "Steward"


async def test_lineage_reaches_sap_through_staging(catalog: SnapshotCatalog) -> None:
    graph = await catalog.lineage("fact_bs_purchase_order", direction="upstream", depth=3)
    types = {t.name: t.type for t in graph.tables}
    into_fact = [e for e in graph.edges if e.target == "fact_bs_purchase_order"]
    assert into_fact and all(types[e.source] == "STAGING" for e in into_fact)
    staging = {e.source for e in into_fact}
    from_sap = [e for e in graph.edges if e.target in staging and types[e.source] == "SOURCE"]
    assert "EKKO" in {e.source for e in from_sap}
    assert all(e.process for e in graph.edges)
    shallow = await catalog.lineage("fact_bs_purchase_order", direction="upstream", depth=1)
    assert {t.type for t in shallow.tables} == {"FACT", "STAGING"}


async def test_lineage_downstream_from_a_source(catalog: SnapshotCatalog) -> None:
    graph = await catalog.lineage("EKKO", direction="downstream", depth=2)
    names = [t.name for t in graph.tables]
    assert names[0] == "EKKO"
    assert {"stg_bs_purchase_order", "fact_bs_purchase_order"} <= set(names)
    assert all(e.source in names and e.target in names for e in graph.edges)


async def test_join_path_from_invoices_to_suppliers(catalog: SnapshotCatalog) -> None:
    direct = await catalog.join_path("invoice", "supplier")
    assert direct.tables == ["fact_bs_invoice", "dimv_bs_supplier"]
    via_header = await catalog.join_path("invoice lines", "suppliers")
    assert via_header.tables == ["fact_bs_invoice_line", "fact_bs_invoice", "dimv_bs_supplier"]
    assert (await catalog.join_path("supplier", "dimv_bs_supplier")).steps == ()


async def test_join_path_prefers_shared_facts_over_shared_dimensions(catalog: SnapshotCatalog) -> None:
    path = await catalog.join_path("goods receipt", "purchase requisition")
    assert path.tables == [
        "fact_bs_goods_receipt",
        "fact_bs_purchase_order_line",
        "fact_bs_purchase_requisition",
    ]


async def test_no_join_path_is_a_lookup_error(catalog: SnapshotCatalog) -> None:
    with pytest.raises(CatalogLookupError) as error:
        await catalog.join_path("EKKO", "supplier")
    assert error.value.kind == "join path" and error.value.query == "EKKO -> dimv_bs_supplier"


async def test_neighbourhood_grows_with_depth(catalog: SnapshotCatalog) -> None:
    near = await catalog.relationships("suppliers", depth=1)
    far = await catalog.relationships("suppliers", depth=2)
    assert near.center == "dimv_bs_supplier" and near.tables[0].name == "dimv_bs_supplier"
    assert {"fact_bs_purchase_order", "fact_bs_invoice", "dimv_bs_country"} <= {t.name for t in near.tables}
    assert {t.name for t in near.tables} < {t.name for t in far.tables}
    for hood in (near, far):
        names = {t.name for t in hood.tables}
        assert all(r.from_table in names and r.to_table in names for r in hood.relationships)


async def test_listing_pages_through_every_table_in_a_stable_order(catalog: SnapshotCatalog) -> None:
    first = await catalog.list_tables(limit=1000)
    assert first.total == len((await catalog.snapshot()).tables) == len(first.items)
    types = [s.type for s in first.items]
    assert types[: types.count("FACT")] == ["FACT"] * types.count("FACT")
    assert types.index("DIMENSION") == types.count("FACT")
    facts = [s.name for s in first.items if s.type == "FACT"]
    assert facts == sorted(facts)
    paged: list[TableSummary] = []
    for offset in range(0, first.total, 7):
        page = await catalog.list_tables(offset=offset, limit=7)
        assert page.total == first.total and page.offset == offset
        paged.extend(page.items)
    assert paged == list(first.items)


async def test_listing_filters_by_type_and_domain(catalog: SnapshotCatalog) -> None:
    dims = await catalog.list_tables(type="DIMENSION", limit=5)
    assert dims.total >= 10 and len(dims.items) == 5 and all(s.type == "DIMENSION" for s in dims.items)
    sources = await catalog.list_tables(domain="source systems")
    assert {s.domain for s in sources.items} == {"Source Systems"} and sources.total >= 6
    staged_facts = await catalog.list_tables(type="FACT", domain="Staging")
    assert staged_facts.total == 0
    with pytest.raises(CatalogLookupError, match="Did you mean: Procurement"):
        await catalog.list_tables(domain="Procurment")


def test_bundled_file_is_collibra_shaped_and_consistent() -> None:
    export = json.loads(files("mcop_kernel.data").joinpath("sample_catalog.json").read_text("utf-8"))
    ids = [a["id"] for a in export["assets"]]
    assert len(ids) == len(set(ids))
    known = set(ids)
    for relation in export["relations"]:
        assert relation["source"]["id"] in known and relation["target"]["id"] in known
        assert set(relation["type"]) == {"role", "coRole"}
    assert all(a["asset"]["id"] in known for a in export["attributes"])
    assert all(r["baseResource"]["id"] in known for r in export["responsibilities"])
    assert {"Table", "Column", "Business Term", "Schema", "System"} <= {
        a["type"]["name"] for a in export["assets"]
    }


def test_converts_a_small_collibra_export() -> None:
    def asset(id: str, name: str, kind: str) -> dict[str, object]:
        return {
            "id": id,
            "name": name,
            "displayName": name.title(),
            "type": {"name": kind},
            "domain": {"name": "Sales"},
            "status": {"name": "Approved"},
        }

    def relation(id: str, source: str, role: str, co_role: str, target: str) -> dict[str, object]:
        return {
            "id": id,
            "source": {"id": source},
            "target": {"id": target},
            "type": {"role": role, "coRole": co_role},
        }

    export = {
        "assets": [
            asset("t1", "orders", "Table"),
            asset("t2", "customers", "Table"),
            asset("c1", "customer_id", "Column"),
            asset("c2", "id", "Column"),
            asset("g1", "Customer", "Business Term"),
        ],
        "relations": [
            relation("r1", "c1", "is part of", "contains", "t1"),
            relation("r2", "t2", "contains", "is part of", "c2"),
            relation("r3", "c1", "references", "is referenced by", "c2"),
            relation("r4", "c2", "represents", "is represented by", "g1"),
            relation("r5", "t2", "is source of", "is target of", "t1") | {"process": {"name": "nightly"}},
        ],
        "attributes": [
            {"asset": {"id": "t1"}, "type": {"name": "Table Type"}, "value": "fact"},
            {"asset": {"id": "c2"}, "type": {"name": "Is Primary Key"}, "value": "true"},
            {"asset": {"id": "c2"}, "type": {"name": "Data Type"}, "value": "integer"},
            {"asset": {"id": "g1"}, "type": {"name": "Synonym"}, "value": "Client"},
        ],
        "responsibilities": [
            {
                "role": {"name": "Data Steward"},
                "baseResource": {"id": "t1"},
                "owner": {"firstName": "Ada", "lastName": "Lovelace", "emailAddress": "ada@example.com"},
            },
        ],
    }
    snapshot = snapshot_from_collibra(export)
    orders, customers = snapshot.tables
    assert (orders.type, customers.type) == ("FACT", "TABLE")
    assert orders.columns[0].foreign_key == ForeignKey(table="customers", column="id")
    assert orders.steward is not None and orders.steward.name == "Ada Lovelace" and orders.owner is None
    assert customers.columns[0].is_primary_key and customers.columns[0].terms == ("Customer",)
    assert (
        snapshot.relationships[0].from_table == "orders" and snapshot.relationships[0].to_table == "customers"
    )
    assert snapshot.lineage[0].process == "nightly"
    assert snapshot.terms[0].synonyms == ("Client",) and snapshot.terms[0].columns == ("customers.id",)


async def test_serves_any_snapshot() -> None:
    def table(name: str, *columns: Column) -> Table:
        return Table(
            id=name,
            name=name,
            display_name=name,
            type="TABLE",
            domain="d",
            status="Approved",
            columns=columns,
        )

    key = Column(id="k", name="id", display_name="Id", data_type="int", is_primary_key=True)
    ref = Column(
        id="f", name="a_id", display_name="A", data_type="int", foreign_key=ForeignKey(table="a", column="id")
    )
    snapshot = CatalogSnapshot(
        tables=(table("a", key), table("b", ref), table("c")),
        relationships=(
            Relationship(id="r", from_table="b", from_columns=("a_id",), to_table="a", to_columns=("id",)),
        ),
    )
    small = SnapshotCatalog(snapshot)
    assert small.description == "Catalog snapshot (3 tables, in memory)"
    assert (await small.join_path("a", "b")).tables == ["a", "b"]
    with pytest.raises(CatalogLookupError):
        await small.join_path("a", "c")
    with pytest.raises(ValueError, match="two tables"):
        SnapshotCatalog(CatalogSnapshot(tables=(table("a"), table("a"))))


async def test_the_sample_carries_steward_metadata(catalog: SnapshotCatalog) -> None:
    """Classification, certification, freshness, row counts and quality, as Collibra attributes and
    statuses; not every table has every fact, and some have documentation debt."""
    snapshot = await catalog.snapshot()
    assert snapshot.holds is not None and {"classification", "certification", "quality"} <= snapshot.holds
    order = await catalog.describe_table("fact_bs_purchase_order")
    assert order.classification == "Confidential" and order.certified is True
    assert order.row_count is not None and order.row_count > 1_000_000
    assert order.refresh_schedule.startswith("Daily") and order.last_loaded.startswith("2026-")
    assert order.quality_score is not None and 0 < order.quality_score <= 100
    address = await catalog.describe_table("dimv_bs_supplier_address")
    assert {c.name: c.classification for c in address.columns}["email"] == "PII"
    assert address.certified is False
    assert {t.status for t in snapshot.tables} >= {"Certified", "Approved", "Candidate"}
    tables = snapshot.tables
    for fact in ("row_count", "quality_score", "classification", "certified"):
        have = [t for t in tables if getattr(t, fact) not in (None, "")]
        assert 0 < len(have) < len(tables), fact
    assert 0 < sum(1 for t in tables if t.owner is None) < 10
    assert 0 < sum(1 for t in tables if not t.description) < 10


def test_collibra_attribute_names_are_read() -> None:
    """The attribute names Collibra documents, and the forms their values take over REST."""
    from mcop_kernel.catalog import collibra_attributes as read

    assert read.classification({"Personal Information": ["true"]}) == "PII"
    assert read.classification({"Data Classification": ["Restricted"], "Is PII": [True]}) == "PII, Restricted"
    assert read.certified({}, "Certified") is True and read.certified({}, "Candidate") is False
    assert (
        read.certified({}, "Approved") is None
        and read.certified({"Certified": [False]}, "Certified") is False
    )
    assert read.last_loaded({"Last Loaded": [1764468000000]}) == "2025-11-30T02:00:00Z"
    assert read.row_count({"Number of Records": ["1,234"]}) == 1234
    assert read.quality_score({"Data Quality Score": [0.875]}) == 87.5
    assert read.holds(["Row Count"], ["Approved"]) >= {"row_counts", "owners"}
    assert "quality" not in read.holds(["Row Count"], ["Approved"])
