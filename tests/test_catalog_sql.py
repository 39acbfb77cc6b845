"""SQLCatalog over real databases (SQLite, DuckDB, a throwaway PostgreSQL server): what a data steward
sees of a database's tables, keys and comments, read-only, with clear errors and no password shown."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import socket
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlalchemy as sa
from postgres import PostgresServer, free_port, running_postgres
from pydantic_ai import models

from mcop_kernel import AgentEvent, ConfigError, ExplorerSession, open_catalog, session_config
from mcop_kernel.catalog import Catalog, CatalogLookupError, CatalogUnavailableError
from mcop_kernel.catalog.sql import SQLCatalog, SQLCatalogConfig
from mcop_kernel.catalog.sql_introspect import Database, introspect
from mcop_kernel.catalog.sql_snapshot import referenced_names
from mcop_kernel.sql import join_sql

models.ALLOW_MODEL_REQUESTS = False

STAR_SCHEMA = [
    "CREATE TABLE dim_region (region_id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL)",
    "CREATE TABLE dim_customer (customer_id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL, "
    "email VARCHAR(120) UNIQUE, region_id INTEGER REFERENCES dim_region (region_id))",
    "CREATE TABLE customer_profile (customer_id INTEGER PRIMARY KEY REFERENCES dim_customer (customer_id), "
    "loyalty_tier VARCHAR(10))",
    "CREATE TABLE dim_product (product_id INTEGER PRIMARY KEY, name VARCHAR(80) NOT NULL, "
    "unit_price NUMERIC(18, 2))",
    "CREATE TABLE fact_orders (order_id INTEGER PRIMARY KEY, "
    "customer_id INTEGER NOT NULL REFERENCES dim_customer (customer_id), order_date DATE, "
    "total_amount NUMERIC(18, 2))",
    "CREATE TABLE fact_order_lines (order_id INTEGER NOT NULL REFERENCES fact_orders (order_id), "
    "line_no INTEGER NOT NULL, product_id INTEGER REFERENCES dim_product (product_id), quantity INTEGER, "
    "PRIMARY KEY (order_id, line_no))",
    "CREATE TABLE stg_orders (raw_id INTEGER, payload TEXT)",
    "CREATE VIEW order_summary AS SELECT o.order_id, c.name, o.total_amount "
    "FROM fact_orders o JOIN dim_customer c ON c.customer_id = o.customer_id",
]
COMMENTS = [  # SQLite has no comments
    "COMMENT ON TABLE dim_customer IS 'Everyone who has placed an order'",
    "COMMENT ON COLUMN dim_customer.email IS 'Where invoices are sent'",
]
DUCKDB_EXTRA = [
    "CREATE SCHEMA sales",
    "CREATE TABLE sales.targets (region_id INTEGER, amount DECIMAL(18, 2))",
]
POSTGRES_EXTRA = [
    "CREATE SCHEMA sales AUTHORIZATION steward",
    "CREATE TABLE sales.fact_returns (return_id INTEGER PRIMARY KEY, "
    "order_id INTEGER NOT NULL REFERENCES public.fact_orders (order_id), reason TEXT)",
    "CREATE TABLE sales.targets (region_id INTEGER, amount NUMERIC(18, 2))",
    "COMMENT ON COLUMN sales.fact_returns.reason IS 'Why the customer sent the goods back'",
]
MONEY = {"sqlite": "NUMERIC(18, 2)", "duckdb": "DECIMAL(18,2)", "postgresql": "NUMERIC(18, 2)"}
BACKENDS = ["sqlite", "duckdb", "postgresql"]


def make_sqlite(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        for statement in STAR_SCHEMA:
            conn.execute(statement)
    conn.close()
    return path


def make_duckdb(path: Path) -> Path:
    conn = duckdb.connect(str(path))
    for statement in STAR_SCHEMA + COMMENTS + DUCKDB_EXTRA:
        conn.execute(statement)
    conn.close()
    return path


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    """One PostgreSQL server for this module, holding the star schema (public) and a `sales` schema."""
    with running_postgres() as pg:
        pg.execute("; ".join([*STAR_SCHEMA, *COMMENTS, *POSTGRES_EXTRA]))
        yield pg


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The star schema's URL in the backend named by the test's `backend` parameter."""
    backend = request.param
    if backend == "sqlite":
        return f"sqlite:///{make_sqlite(tmp_path / 'shop.db')}"
    if backend == "duckdb":
        return f"duckdb:///{make_duckdb(tmp_path / 'shop.duckdb')}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.url()


@pytest.fixture
def catalog(database_url: str) -> Iterator[SQLCatalog]:
    sql_catalog = SQLCatalog(database_url)
    yield sql_catalog
    sql_catalog.close()


every_backend = pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
commented_backends = pytest.mark.parametrize("database_url", ["duckdb", "postgresql"], indirect=True)


@every_backend
async def test_describe_table_shows_columns_types_keys_and_comments(catalog: SQLCatalog) -> None:
    assert isinstance(catalog, Catalog)
    backend = catalog.engine.dialect.name
    customer = await catalog.describe_table("customers")
    assert (customer.name, customer.type) == ("dim_customer", "DIMENSION")
    columns = {c.name: c for c in customer.columns}
    assert list(columns) == ["customer_id", "name", "email", "region_id"]
    assert columns["customer_id"].is_primary_key and not columns["customer_id"].nullable
    assert columns["name"].data_type.startswith("VARCHAR") and not columns["name"].nullable
    assert columns["email"].nullable
    assert columns["region_id"].foreign_key is not None
    assert columns["region_id"].foreign_key.table == "dim_region"
    orders = await catalog.describe_table("fact_orders")
    amount = orders.column("total_amount")
    assert amount is not None and amount.data_type == MONEY[backend]
    if backend != "sqlite":
        assert customer.description == "Everyone who has placed an order"
        assert columns["email"].description == "Where invoices are sent"
    if backend != "duckdb":  # DuckDB keeps no lengths on VARCHAR
        assert columns["name"].data_type == "VARCHAR(40)"


@every_backend
async def test_relationships_one_customer_many_orders(catalog: SQLCatalog) -> None:
    hood = await catalog.relationships("customers")
    by_pair = {(r.from_table, r.to_table): r for r in hood.relationships}
    orders = by_pair["fact_orders", "dim_customer"]
    assert (orders.from_columns, orders.to_columns) == (("customer_id",), ("customer_id",))
    assert orders.cardinality == "many-to-one"
    assert by_pair["customer_profile", "dim_customer"].cardinality == "one-to-one"  # its key is the FK
    assert by_pair["dim_customer", "dim_region"].cardinality == "many-to-one"
    lines = await catalog.relationships("fact_order_lines")
    assert {(r.to_table, r.cardinality) for r in lines.relationships} >= {
        ("fact_orders", "many-to-one"),
        ("dim_product", "many-to-one"),
    }


@every_backend
async def test_join_path_across_three_tables(catalog: SQLCatalog) -> None:
    path = await catalog.join_path("order lines", "customers")
    assert path.tables == ["fact_order_lines", "fact_orders", "dim_customer"]
    sql = join_sql(path)
    assert "JOIN fact_orders AS fo ON fol.order_id = fo.order_id" in sql
    assert "JOIN dim_customer AS dc ON fo.customer_id = dc.customer_id" in sql


@every_backend
async def test_table_types_follow_naming_conventions_and_views(catalog: SQLCatalog) -> None:
    page = await catalog.list_tables(limit=100)
    types = {t.name: t.type for t in page.items}
    assert types["fact_orders"] == types["fact_order_lines"] == "FACT"
    assert types["dim_customer"] == types["dim_region"] == "DIMENSION"
    assert types["stg_orders"] == "STAGING"
    assert types["order_summary"] == "VIEW"
    assert types["customer_profile"] == "TABLE"
    facts = (await catalog.list_tables(type="FACT")).items
    assert {"fact_order_lines", "fact_orders"} <= {t.name for t in facts}
    assert {t.type for t in facts} == {"FACT"}


@every_backend
async def test_lineage_comes_only_from_view_definitions(catalog: SQLCatalog) -> None:
    view = await catalog.lineage("order_summary", direction="upstream")
    assert {(e.source, e.target) for e in view.edges} == {
        ("fact_orders", "order_summary"),
        ("dim_customer", "order_summary"),
    }
    plain = await catalog.lineage("dim_region")
    assert plain.edges == () and [t.name for t in plain.tables] == ["dim_region"]


def test_a_views_sql_names_the_tables_it_reads() -> None:
    sql = """CREATE VIEW v AS -- FROM commented_out
      SELECT 'FROM a string' AS note, o.id FROM "Sales"."Orders" AS o, dim_customer c
      LEFT JOIN (SELECT * FROM stg_orders) s ON s.id = o.id
      JOIN generate_series(1, 3) g ON true
      WHERE EXTRACT(year FROM o.placed) > 2000 AND o.id IN (SELECT id FROM flagged)"""
    assert list(referenced_names(sql)) == [
        ("Sales", "Orders"),
        ("dim_customer",),
        ("stg_orders",),
        ("flagged",),
    ]


@every_backend
async def test_an_unknown_table_gets_did_you_mean(catalog: SQLCatalog) -> None:
    assert (await catalog.describe_table("custmer")).name == "dim_customer"  # one confident match
    with pytest.raises(CatalogLookupError, match=r"No table named 'cstmr'\. Did you mean: dim_customer"):
        await catalog.describe_table("cstmr")


@commented_backends
async def test_search_finds_a_column_by_its_comment(catalog: SQLCatalog) -> None:
    hits = await catalog.search("invoices sent")
    assert (hits[0].kind, hits[0].table, hits[0].name) == ("column", "dim_customer", "email")


@commented_backends
async def test_other_schemas_are_named_schema_dot_table(catalog: SQLCatalog) -> None:
    names = [t.name for t in (await catalog.list_tables(limit=100)).items]
    assert "sales.targets" in names and "dim_customer" in names
    targets = await catalog.describe_table("sales.targets")
    assert (targets.schema_name, targets.domain) == ("sales", "sales")
    assert [t.name for t in (await catalog.list_tables(domain="sales")).items][-1] == "sales.targets"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_postgres_keys_across_schemas(catalog: SQLCatalog) -> None:
    returns = await catalog.describe_table("returns")
    assert returns.name == "sales.fact_returns"
    order = returns.column("order_id")
    assert order is not None and order.foreign_key is not None and order.foreign_key.table == "fact_orders"
    path = await catalog.join_path("sales.fact_returns", "dim_customer")
    assert path.tables == ["sales.fact_returns", "fact_orders", "dim_customer"]
    hits = await catalog.search("goods back")
    assert (hits[0].table, hits[0].name) == ("sales.fact_returns", "reason")


@every_backend
async def test_the_catalog_cannot_write(catalog: SQLCatalog, database_url: str) -> None:
    await catalog.snapshot()
    with pytest.raises(sa.exc.DBAPIError, match=r"(?i)read.?only"), catalog.engine.connect() as conn:
        conn.execute(sa.text("CREATE TABLE intruder (id INTEGER)"))
        conn.commit()
    await catalog.refresh()
    with pytest.raises(CatalogLookupError):
        await catalog.describe_table("intruder")


async def test_a_sqlite_file_is_left_untouched(tmp_path: Path) -> None:
    path = make_sqlite(tmp_path / "shop.db")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    catalog = SQLCatalog(f"sqlite:///{path}")
    await catalog.describe_table("fact_orders")
    with pytest.raises(sa.exc.OperationalError), catalog.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM fact_orders"))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.db"]  # no journal, no -wal file


async def test_refresh_picks_up_a_new_table(tmp_path: Path) -> None:
    path = make_sqlite(tmp_path / "shop.db")
    catalog = SQLCatalog(f"sqlite:///{path}")
    assert "(not read yet)" in catalog.description
    await catalog.describe_table("fact_orders")
    assert "(8 tables)" in catalog.description
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE dim_supplier (supplier_id INTEGER PRIMARY KEY, name VARCHAR(40))")
    conn.close()
    with pytest.raises(CatalogLookupError):
        await catalog.describe_table("dim_supplier")  # still the snapshot read before
    snapshot = await catalog.refresh()
    assert "dim_supplier" in [t.name for t in snapshot.tables]
    assert (await catalog.describe_table("suppliers")).name == "dim_supplier"


async def test_concurrent_questions_share_one_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = 0

    def counted(*args: Any, **kwargs: Any) -> Database:
        nonlocal reads
        reads += 1
        return introspect(*args, **kwargs)

    monkeypatch.setattr("mcop_kernel.catalog.sql.introspect", counted)
    catalog = SQLCatalog(f"sqlite:///{make_sqlite(tmp_path / 'shop.db')}")
    names = await asyncio.gather(*(catalog.resolve_table(n) for n in ("orders", "customers", "products")))
    assert names == ["fact_orders", "dim_customer", "dim_product"]
    await catalog.search("order")
    assert reads == 1


async def test_opening_connects_to_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    catalog = open_catalog(f"sql:sqlite:///{missing}")
    assert isinstance(catalog, SQLCatalog) and not missing.exists()
    with pytest.raises(CatalogUnavailableError, match=r"unable to open database file|does not exist"):
        await catalog.list_tables()
    assert not missing.exists(), "read-only: a missing file is not created"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("sql:postgres://steward:hunter22@db/dw", "postgres"),
        ("sql:nosuchdb://steward:hunter22@db/dw", "nosuchdb"),
        ("sql:not a url", "Use a SQLAlchemy URL"),
    ],
)
def test_bad_urls_are_refused_when_configured(spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        open_catalog(spec)
    assert "hunter22" not in str(caught.value)


async def test_a_database_that_is_down_fails_fast_without_the_password() -> None:
    port = free_port()  # nothing listens there
    catalog = SQLCatalog(f"postgresql+psycopg://steward:Sup3r-secret@127.0.0.1:{port}/mcop")
    assert "Sup3r-secret" not in catalog.description and "steward:***@" in catalog.description
    started = time.monotonic()
    with pytest.raises(CatalogUnavailableError, match="could not be read") as caught:
        await catalog.describe_table("orders")
    assert time.monotonic() - started < 5
    assert "Connection refused" in str(caught.value) and "Sup3r-secret" not in str(caught.value)


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections and never says a word: a database that hangs."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield int(listener.getsockname()[1])


async def test_a_database_that_hangs_gives_a_clear_error(silent_server: int) -> None:
    url = f"postgresql+psycopg://steward@127.0.0.1:{silent_server}/mcop"
    impatient = SQLCatalog(SQLCatalogConfig(url, connect_timeout=10, timeout=0.5))
    with pytest.raises(CatalogUnavailableError, match=r"did not finish describing its tables within 0\.5 s"):
        await impatient.list_tables()
    connecting = SQLCatalog(SQLCatalogConfig(url, connect_timeout=1, timeout=30))
    with pytest.raises(CatalogUnavailableError, match=r"(?i)timeout"):
        await connecting.list_tables()


async def test_the_postgres_password_stays_secret(
    postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = postgres.password
    catalog = SQLCatalog(postgres.url())
    assert secret not in catalog.description
    assert (await catalog.describe_table("customers")).name == "dim_customer"
    assert secret not in catalog.description and "(10 tables)" in catalog.description

    for variable in ("MCOP_SQL_PASSWORD", "PGPASSWORD"):  # user@host/db, the password in the environment
        monkeypatch.delenv("MCOP_SQL_PASSWORD", raising=False)
        monkeypatch.delenv("PGPASSWORD", raising=False)
        monkeypatch.setenv(variable, secret)
        from_env = open_catalog(f"sql:{postgres.url(password='')}")
        assert (await from_env.resolve_table("orders")) == "fact_orders"
        assert secret not in from_env.description

    monkeypatch.delenv("PGPASSWORD")
    wrong = SQLCatalog(postgres.url(password="wr0ng-guess"))
    with pytest.raises(CatalogUnavailableError, match="password authentication failed") as caught:
        await wrong.list_tables()
    assert "wr0ng-guess" not in str(caught.value) and secret not in str(caught.value)
    assert "Read 10 tables" in caplog.text
    assert secret not in caplog.text and "wr0ng-guess" not in caplog.text


async def test_the_explorer_answers_over_a_database(tmp_path: Path) -> None:
    """The whole agent (offline model) over `sql:sqlite:///...`, as `mcop --catalog` would use it."""
    path = make_sqlite(tmp_path / "shop.db")
    session = await ExplorerSession.open("sql", session_config(catalog=f"sql:sqlite:///{path}"))
    listing = [e async for e in session.ask("Show me all tables")][-1]
    assert isinstance(listing, AgentEvent)
    assert "fact_orders (FACT)" in listing.content and "dim_customer (DIMENSION)" in listing.content
    er = [e async for e in session.ask("Show relationships between orders and customers")][-1]
    assert isinstance(er, AgentEvent) and er.diagram is not None
    assert er.diagram.startswith("erDiagram")
    assert "dim_customer ||--o{ fact_orders" in er.diagram  # one customer, many orders
    assert "customer_id" in er.content


def make_wide_sqlite(path: Path, tables: int = 1000, columns: int = 10) -> Path:
    """`tables` tables of `columns` columns; each table after the first references two earlier ones."""
    statements = []
    for n in range(tables):
        cols = [f"t{n}_id INTEGER PRIMARY KEY"]
        cols += [f"c{k} VARCHAR(40)" if k % 2 else f"c{k} NUMERIC(18, 2)" for k in range(columns - 3)]
        refs = [n // 2, n - 1] if n else []
        cols += [f"ref{i} INTEGER REFERENCES t{r} (t{r}_id)" for i, r in enumerate(refs)]
        cols += [f"pad{i} INTEGER" for i in range(2 - len(refs))]
        statements.append(f"CREATE TABLE t{n} ({', '.join(cols)});")
    with sqlite3.connect(path) as conn:
        conn.executescript("\n".join(statements))
    conn.close()
    return path


async def test_a_thousand_tables(tmp_path: Path) -> None:
    """Reads 1,000 tables in one go, off the event loop. Prints the time taken (benchmarks measure;
    this test asserts no timing)."""
    catalog = SQLCatalog(f"sqlite:///{make_wide_sqlite(tmp_path / 'wide.db')}")
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    ticker = asyncio.create_task(tick())
    started = time.perf_counter()
    snapshot = await catalog.snapshot()
    elapsed = time.perf_counter() - started
    ticker.cancel()
    print(f"\nSQLCatalog: introspected and indexed 1,000 SQLite tables in {elapsed:.2f} s")
    assert len(snapshot.tables) == 1000 and len(snapshot.relationships) == 1998
    assert sum(len(t.columns) for t in snapshot.tables) == 10_000
    assert ticks >= 2, "the event loop kept running while the database was read"
    path = await catalog.join_path("t999", "t0")
    assert path.tables[0] == "t999" and path.tables[-1] == "t0"


async def test_postgres_row_estimates_come_from_the_planners_statistics(postgres: PostgresServer) -> None:
    """`pg_class.reltuples`: the estimate after ANALYZE; a table never analysed has no count."""
    postgres.execute(
        "CREATE TABLE counted (id INTEGER PRIMARY KEY); CREATE TABLE uncounted (id INTEGER PRIMARY KEY); "
        "INSERT INTO counted SELECT generate_series(1, 321); ANALYZE counted"
    )
    catalog = SQLCatalog(postgres.url())
    try:
        snapshot = await catalog.snapshot()
    finally:
        catalog.close()
    counts = {t.name: t.row_count for t in snapshot.tables}
    assert counts["counted"] == 321 and counts["uncounted"] is None
    assert snapshot.holds == frozenset({"descriptions", "lineage", "row_counts"})
