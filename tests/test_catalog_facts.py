"""Facts a steward checks against the database itself: optional (nullable) keys, SQLite's column-level
UNIQUE, storage internals left out, row estimates kept without reading data, what a database cannot
know, and join paths that do not run through a users or content-type table everything references."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
import pytest

from mcop_kernel.catalog import (
    CatalogLookupError,
    CatalogSnapshot,
    Relationship,
    SnapshotCatalog,
    Table,
    TableType,
)
from mcop_kernel.catalog.sql import SQLCatalog
from mcop_kernel.catalog.sql_sqlite import shadow_tables

SHOP = [
    "CREATE TABLE person (id INTEGER PRIMARY KEY, email TEXT UNIQUE, name TEXT NOT NULL)",
    "CREATE TABLE passport (id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL UNIQUE "
    "REFERENCES person (id), number TEXT)",
    "CREATE TABLE badge (id INTEGER PRIMARY KEY, person_id INTEGER UNIQUE REFERENCES person (id))",
    "CREATE TABLE note (id INTEGER PRIMARY KEY AUTOINCREMENT, person_id INTEGER REFERENCES person (id), "
    "author_id INTEGER NOT NULL REFERENCES person (id), body TEXT)",
    "CREATE VIRTUAL TABLE note_search USING fts5(body)",
    "CREATE VIRTUAL TABLE old_search USING fts4(body)",
    "CREATE TABLE report_data (id INTEGER PRIMARY KEY, figure REAL)",  # a name like a shadow's, but real
]


def sqlite_file(path: Path, statements: list[str], *, analyze: bool = False) -> str:
    with sqlite3.connect(path) as conn:
        for statement in statements:
            conn.execute(statement)
        if analyze:
            conn.executemany(
                "INSERT INTO person (email, name) VALUES (?, ?)", [(f"{i}@x", "n") for i in range(7)]
            )
            conn.execute("ANALYZE")
    conn.close()
    return f"sqlite:///{path}"


async def test_sqlite_column_unique_makes_a_one_to_one(tmp_path: Path) -> None:
    snapshot = await SQLCatalog(sqlite_file(tmp_path / "shop.db", SHOP)).snapshot()
    tables = {t.name: t for t in snapshot.tables}
    assert [c.name for c in tables["person"].columns if c.is_unique] == ["email"]
    assert [c.name for c in tables["passport"].columns if c.is_unique] == ["person_id"]
    kinds = {(r.from_table, r.from_columns): (r.cardinality, r.optional) for r in snapshot.relationships}
    assert kinds[("passport", ("person_id",))] == ("one-to-one", False)
    assert kinds[("badge", ("person_id",))] == ("one-to-one", True)
    assert kinds[("note", ("person_id",))] == ("many-to-one", True)
    assert kinds[("note", ("author_id",))] == ("many-to-one", False)


async def test_storage_internals_are_not_tables(tmp_path: Path) -> None:
    catalog = SQLCatalog(sqlite_file(tmp_path / "shop.db", SHOP))
    names = {t.name for t in (await catalog.snapshot()).tables}
    assert names == {"person", "passport", "badge", "note", "note_search", "old_search", "report_data"}
    assert (await catalog.list_tables()).total == 7


def test_shadow_tables_are_found_from_the_virtual_tables_declaration() -> None:
    declared = {
        "docs": 'CREATE VIRTUAL TABLE "docs" USING fts5(title, body)',
        "docs_data": "CREATE TABLE 'docs_data'(id INTEGER PRIMARY KEY, block BLOB)",
        "docs_idx": "CREATE TABLE 'docs_idx'(segid, term, pgno, PRIMARY KEY(segid, term))",
        "docs_config": "CREATE TABLE 'docs_config'(k PRIMARY KEY, v)",
        "pages": "CREATE TABLE pages (id INTEGER PRIMARY KEY)",
        "pages_data": "CREATE TABLE pages_data (id INTEGER PRIMARY KEY)",
        "geo": "create virtual table geo using rtree(id, x0, x1)",
        "geo_node": "CREATE TABLE geo_node(nodeno INTEGER PRIMARY KEY, data)",
    }
    assert shadow_tables(declared) == {"docs_data", "docs_idx", "docs_config", "geo_node"}


async def test_row_estimates_come_from_statistics_only(tmp_path: Path) -> None:
    plain = await SQLCatalog(sqlite_file(tmp_path / "plain.db", SHOP)).snapshot()
    assert all(t.row_count is None for t in plain.tables)
    assert plain.holds is not None and "row_counts" not in plain.holds
    analysed = await SQLCatalog(sqlite_file(tmp_path / "stats.db", SHOP, analyze=True)).snapshot()
    counts = {t.name: t.row_count for t in analysed.tables}
    assert counts["person"] == 7 and analysed.holds is not None and "row_counts" in analysed.holds
    path = tmp_path / "shop.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, amount DECIMAL(18, 2))")
    conn.execute("INSERT INTO orders SELECT i, i FROM range(1234) t(i)")
    conn.close()
    duck = await SQLCatalog(f"duckdb:///{path}").snapshot()
    assert [t.row_count for t in duck.tables] == [1234]


async def test_a_database_says_what_it_cannot_know(tmp_path: Path) -> None:
    snapshot = await SQLCatalog(sqlite_file(tmp_path / "shop.db", SHOP)).snapshot()
    assert snapshot.holds is not None
    for kind in ("owners", "stewards", "terms", "classification", "certification", "freshness", "quality"):
        assert kind not in snapshot.holds
    assert "descriptions" not in snapshot.holds, "SQLite cannot hold comments"


def django_schema(users: str = "auth_user", types: str = "django_content_type") -> list[str]:
    """The shape of a Django project: nearly every app table points at the users table, generic
    relations and the admin log at the content types."""
    user = f"INTEGER NOT NULL REFERENCES {users} (id)"
    ctype = f"INTEGER REFERENCES {types} (id)"
    return [
        f"CREATE TABLE {users} (id INTEGER PRIMARY KEY, username VARCHAR(150) UNIQUE, email VARCHAR(254))",
        f"CREATE TABLE {types} (id INTEGER PRIMARY KEY, app_label VARCHAR(100), model VARCHAR(100))",
        "CREATE TABLE auth_group (id INTEGER PRIMARY KEY, name VARCHAR(150) UNIQUE)",
        f"CREATE TABLE auth_permission (id INTEGER PRIMARY KEY, content_type_id {ctype}, codename TEXT)",
        f"CREATE TABLE auth_user_groups (id INTEGER PRIMARY KEY, user_id {user}, "
        "group_id INTEGER REFERENCES auth_group (id))",
        f"CREATE TABLE django_admin_log (id INTEGER PRIMARY KEY, user_id {user}, content_type_id {ctype})",
        f"CREATE TABLE catalogue_product (id INTEGER PRIMARY KEY, created_by_id {user}, title TEXT)",
        "CREATE TABLE catalogue_category (id INTEGER PRIMARY KEY, name TEXT)",
        "CREATE TABLE catalogue_productcategory (id INTEGER PRIMARY KEY, "
        "product_id INTEGER REFERENCES catalogue_product (id), "
        "category_id INTEGER REFERENCES catalogue_category (id))",
        f"CREATE TABLE order_order (id INTEGER PRIMARY KEY, user_id {user}, total NUMERIC)",
        "CREATE TABLE order_line (id INTEGER PRIMARY KEY, order_id INTEGER REFERENCES order_order (id), "
        "product_id INTEGER REFERENCES catalogue_product (id))",
        f"CREATE TABLE reviews_productreview (id INTEGER PRIMARY KEY, user_id {user}, "
        "product_id INTEGER REFERENCES catalogue_product (id))",
        f"CREATE TABLE blog_post (id INTEGER PRIMARY KEY, author_id {user}, title TEXT)",
        f"CREATE TABLE blog_comment (id INTEGER PRIMARY KEY, user_id {user}, "
        "post_id INTEGER REFERENCES blog_post (id))",
        f"CREATE TABLE basket_basket (id INTEGER PRIMARY KEY, owner_id {user})",
        f"CREATE TABLE wishlists_wishlist (id INTEGER PRIMARY KEY, owner_id {user})",
        f"CREATE TABLE taggit_taggeditem (id INTEGER PRIMARY KEY, object_id INT, content_type_id {ctype})",
        f"CREATE TABLE comments_flag (id INTEGER PRIMARY KEY, user_id {user}, content_type_id {ctype})",
        f"CREATE TABLE notifications_notification (id INTEGER PRIMARY KEY, recipient_id {user}, "
        f"target_content_type_id {ctype})",
        f"CREATE TABLE wagtailcore_revision (id INTEGER PRIMARY KEY, user_id {user}, "
        f"content_type_id {ctype})",
    ]


@pytest.fixture
def django(tmp_path: Path) -> SQLCatalog:
    return SQLCatalog(sqlite_file(tmp_path / "django.db", django_schema()))


async def test_hubs_are_found_from_the_graph(django: SQLCatalog) -> None:
    await django.snapshot()
    hubs = (await django._catalog()).hubs
    assert hubs == {"auth_user": 12, "django_content_type": 6}


async def test_a_join_avoids_the_users_table_when_a_real_link_exists(django: SQLCatalog) -> None:
    """Review and order both point at auth_user (two joins), but the real link is the product."""
    path = await django.join_path("reviews_productreview", "order_order")
    assert path.tables == ["reviews_productreview", "catalogue_product", "order_line", "order_order"]
    assert path.warning == "" and path.alternative is None


async def test_a_join_only_through_the_users_table_says_so(django: SQLCatalog) -> None:
    path = await django.join_path("blog_comment", "basket_basket")
    assert path.tables == ["blog_comment", "auth_user", "basket_basket"]
    assert "auth_user" in path.warning and "coincidence" in path.warning
    assert path.alternative is None and "No path avoids it" in path.warning


async def test_a_much_longer_path_avoiding_the_hub_is_the_alternative(tmp_path: Path) -> None:
    chain = [
        f"CREATE TABLE link_{i} (id INTEGER PRIMARY KEY, nxt INTEGER REFERENCES link_{i + 1} (id))"
        for i in range(5)
    ]
    chain.append("CREATE TABLE link_5 (id INTEGER PRIMARY KEY, order_id INTEGER REFERENCES order_order (id))")
    chain.append("ALTER TABLE blog_post ADD COLUMN chain_id INTEGER REFERENCES link_0 (id)")
    catalog = SQLCatalog(sqlite_file(tmp_path / "d.db", django_schema() + chain))
    path = await catalog.join_path("blog_post", "order_order")
    assert path.tables == ["blog_post", "auth_user", "order_order"]
    assert path.alternative is not None
    assert path.alternative.tables == ["blog_post", *(f"link_{i}" for i in range(6)), "order_order"]
    assert "blog_post -> link_0" in path.warning


async def test_hubs_do_not_depend_on_names(tmp_path: Path) -> None:
    catalog = SQLCatalog(sqlite_file(tmp_path / "r.db", django_schema(users="people", types="kinds")))
    assert set((await catalog._catalog()).hubs) == {"people", "kinds"}
    path = await catalog.join_path("reviews_productreview", "order_order")
    assert "people" not in path.tables and path.warning == ""
    assert "people" in (await catalog.join_path("blog_comment", "basket_basket")).warning


async def test_a_dimension_both_facts_share_is_not_a_hub_in_a_small_star() -> None:
    def table(name: str, kind: TableType = "TABLE") -> Table:
        return Table(id=name, name=name, display_name=name, type=kind, domain="d", status="")

    def fk(a: str, b: str) -> Relationship:
        return Relationship(
            id=f"{a}-{b}", from_table=a, from_columns=(f"{b}_id",), to_table=b, to_columns=("id",)
        )

    catalog = SnapshotCatalog(
        CatalogSnapshot(
            tables=(table("date", "DIMENSION"), table("sales", "FACT"), table("stock", "FACT")),
            relationships=(fk("sales", "date"), fk("stock", "date")),
        )
    )
    path = await catalog.join_path("sales", "stock")
    assert path.tables == ["sales", "date", "stock"] and path.warning == ""
    with pytest.raises(CatalogLookupError):
        await catalog.join_path("sales", "nothing")
