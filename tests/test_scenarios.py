"""A steward's questions in their own words, end to end with the default (offline) model, on three catalogs:
the bundled sample, a Django-style SQLite schema (`<app>_<model>` tables, users referenced from everywhere)
and a plain one. Every expected fact is computed from the catalog's own snapshot, never typed."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic_ai import Agent, models
from server_process import ServerProcess
from ws_client import SESSIONS_IN, ask

from mcop_kernel import AgentEvent, ExplorerSession, PartialEvent, ToolEvent, UserEvent, session_config
from mcop_kernel.agent import ExplorerDeps, build_agent
from mcop_kernel.catalog.base import Catalog
from mcop_kernel.catalog.sample import bundled_snapshot, sample_catalog
from mcop_kernel.catalog.snapshot import CatalogSnapshot
from mcop_kernel.catalog.sql import SQLCatalog
from mcop_kernel.offline.vocabulary import snapshot_of
from mcop_kernel.protocol import Event, to_event
from mcop_kernel.protocol_messages import decode

models.ALLOW_MODEL_REQUESTS = False

DJANGO = """
CREATE TABLE django_content_type (id INTEGER PRIMARY KEY, app_label VARCHAR(100), model VARCHAR(100));
CREATE TABLE auth_user (id INTEGER PRIMARY KEY, username VARCHAR(150) NOT NULL UNIQUE, email VARCHAR(254),
    is_staff BOOL, date_joined DATETIME);
CREATE TABLE auth_group (id INTEGER PRIMARY KEY, name VARCHAR(150) NOT NULL UNIQUE);
CREATE TABLE auth_user_groups (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES auth_user(id),
    group_id INTEGER NOT NULL REFERENCES auth_group(id));
CREATE TABLE django_admin_log (id INTEGER PRIMARY KEY, action_time DATETIME,
    user_id INTEGER NOT NULL REFERENCES auth_user(id),
    content_type_id INTEGER REFERENCES django_content_type(id));
CREATE TABLE catalogue_productclass (id INTEGER PRIMARY KEY, name VARCHAR(128));
CREATE TABLE catalogue_category (id INTEGER PRIMARY KEY, name VARCHAR(255),
    parent_id INTEGER REFERENCES catalogue_category(id));
CREATE TABLE catalogue_product (id INTEGER PRIMARY KEY, title VARCHAR(255),
    product_class_id INTEGER REFERENCES catalogue_productclass(id), date_created DATETIME);
CREATE TABLE catalogue_productcategory (id INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES catalogue_product(id),
    category_id INTEGER NOT NULL REFERENCES catalogue_category(id));
CREATE TABLE partner_partner (id INTEGER PRIMARY KEY, name VARCHAR(128));
CREATE TABLE partner_stockrecord (id INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partner_partner(id),
    product_id INTEGER NOT NULL REFERENCES catalogue_product(id), price DECIMAL(12,2), num_in_stock INTEGER);
CREATE TABLE basket_basket (id INTEGER PRIMARY KEY, owner_id INTEGER REFERENCES auth_user(id),
    status VARCHAR(128));
CREATE TABLE basket_line (id INTEGER PRIMARY KEY, basket_id INTEGER NOT NULL REFERENCES basket_basket(id),
    product_id INTEGER REFERENCES catalogue_product(id), quantity INTEGER, price_excl_tax DECIMAL(12,2));
CREATE TABLE order_shippingaddress (id INTEGER PRIMARY KEY, line1 VARCHAR(255), phone_number VARCHAR(128));
CREATE TABLE order_order (id INTEGER PRIMARY KEY, number VARCHAR(128) UNIQUE,
    basket_id INTEGER REFERENCES basket_basket(id), user_id INTEGER REFERENCES auth_user(id),
    shipping_address_id INTEGER UNIQUE REFERENCES order_shippingaddress(id), total_incl_tax DECIMAL(12,2),
    guest_email VARCHAR(254), date_placed DATETIME);
CREATE TABLE order_line (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES order_order(id),
    product_id INTEGER REFERENCES catalogue_product(id), quantity INTEGER, line_price_excl_tax DECIMAL(12,2));
CREATE TABLE reviews_productreview (id INTEGER PRIMARY KEY,
    product_id INTEGER REFERENCES catalogue_product(id),
    user_id INTEGER REFERENCES auth_user(id), email VARCHAR(254), body TEXT);
CREATE TABLE django_session (session_key VARCHAR(40) PRIMARY KEY, session_data TEXT, expire_date DATETIME);
"""
PLAIN = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, created_at TIMESTAMP);
CREATE TABLE categories (id INTEGER PRIMARY KEY, name TEXT, parent_id INTEGER REFERENCES categories(id));
CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT, unit_price NUMERIC(10,2),
    category_id INTEGER REFERENCES categories(id));
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),
    order_date DATE, total_amount NUMERIC(10,2));
CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id),
    product_id INTEGER NOT NULL REFERENCES products(id), quantity INTEGER, unit_price NUMERIC(10,2));
CREATE TABLE audit_log (id INTEGER PRIMARY KEY, happened_at TIMESTAMP, message TEXT);
"""
SAMPLE_ONLY = ("fact_bs_", "dimv_bs_", "stg_bs_", "Procurement", "EKKO")


@dataclass
class Asked:
    text: str
    calls: list[tuple[str, dict[str, Any]]]
    messages: list[Any]

    @property
    def tools(self) -> list[str]:
        return [name for name, _ in self.calls]


@dataclass
class Explorer:
    """One catalog, its snapshot (where the expected facts come from), and a way to ask it things."""

    catalog: Catalog
    snapshot: CatalogSnapshot
    agent: Agent[ExplorerDeps, str]

    async def load(self) -> Explorer:
        """Read the catalog's snapshot, the source of every expected fact (inside the test's own loop)."""
        snapshot = await snapshot_of(self.catalog)
        assert snapshot is not None
        self.snapshot = snapshot
        return self

    async def ask(self, question: str, history: Asked | None = None) -> Asked:
        before = history.messages if history else None
        result = await self.agent.run(
            question, deps=ExplorerDeps(catalog=self.catalog), message_history=before
        )
        parts = [p for m in result.new_messages() for p in getattr(m, "parts", [])]
        calls = [(p.tool_name, p.args_as_dict()) for p in parts if p.part_kind == "tool-call"]
        return Asked(result.output, calls, result.all_messages())

    def referencing(self, table: str) -> set[str]:
        return {r.from_table for r in self.snapshot.relationships if r.to_table == table}

    def referenced(self, table: str) -> set[str]:
        return {r.to_table for r in self.snapshot.relationships if r.from_table == table}

    def columns_like(self, word: str) -> set[str]:
        return {
            f"{t.name}.{c.name}" for t in self.snapshot.tables for c in t.columns if word in c.name.lower()
        }

    def without_foreign_keys(self) -> set[str]:
        return {t.name for t in self.snapshot.tables} - {r.from_table for r in self.snapshot.relationships}

    def downstream(self, table: str) -> set[str]:
        seen, frontier = {table}, [table]
        while frontier:
            frontier = [
                e.target for e in self.snapshot.lineage if e.source in frontier and e.target not in seen
            ]
            seen.update(frontier)
        return seen - {table}


def _sqlite(path: Path, ddl: str) -> Path:
    with sqlite3.connect(path) as conn:
        conn.executescript(ddl)
    return path


async def _explorer(catalog: Catalog) -> Explorer:
    snapshot = await snapshot_of(catalog)
    assert snapshot is not None
    return Explorer(catalog, snapshot, AGENT)


AGENT = build_agent()


@pytest.fixture(scope="module")
def django_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _sqlite(tmp_path_factory.mktemp("django") / "shop.db", DJANGO)


@pytest.fixture(scope="module")
def plain_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _sqlite(tmp_path_factory.mktemp("plain") / "shop.db", PLAIN)


@pytest.fixture
def sample() -> Explorer:
    return Explorer(sample_catalog(), bundled_snapshot(), AGENT)


@pytest.fixture
def django(django_db: Path) -> Iterator[Explorer]:
    """The Django-style schema through the SQL catalog; its snapshot is read by `Explorer.load`."""
    catalog = SQLCatalog(f"sqlite:///{django_db}")
    yield Explorer(catalog, CatalogSnapshot(tables=()), AGENT)
    catalog.close()


@pytest.fixture
def plain(plain_db: Path) -> Iterator[Explorer]:
    catalog = SQLCatalog(f"sqlite:///{plain_db}")
    yield Explorer(catalog, CatalogSnapshot(tables=()), AGENT)
    catalog.close()


def names_all(text: str, names: Iterable[str]) -> None:
    missing = [n for n in names if f"`{n}`" not in text]
    assert not missing, f"the answer leaves out {missing}:\n{text}"


# -- The original design's scenarios: through a session, and a real server's WebSocket in both modes ----

Ask = Callable[[str], Awaitable[list[Event]]]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], ServerProcess]]:
    """The module's servers, one per mode (`MCOPExtension.sessions_in`), each started when a test
    first needs it and stopped when the module's tests are done."""
    with ExitStack() as stack:
        started: dict[str, ServerProcess] = {}

        def server(mode: str) -> ServerProcess:
            if mode not in started:
                home = tmp_path_factory.mktemp(f"scenarios-{mode}")
                settings = (
                    "--ServerApp.jpserver_extensions=mcop_extension=True",
                    f"--MCOPExtension.sessions_in={mode}",
                    f"--MCOPExtension.store_path={home / 'sessions.sqlite'}",
                )
                started[mode] = stack.enter_context(ServerProcess.running(home, *settings, timeout=120))
            return started[mode]

        yield server


@pytest.fixture(params=["session", *SESSIONS_IN])
def ask_explorer(request: pytest.FixtureRequest, servers: Callable[[str], ServerProcess]) -> Ask:
    """Ask one question in a session of its own: an `ExplorerSession` called directly ("session"),
    or over a real Jupyter server's WebSocket (v2) with the sessions in its process ("server") or in
    MCOP kernels ("kernel"), its messages read back as the events they encode."""
    if request.param == "session":

        async def in_a_session(question: str) -> list[Event]:
            session = await ExplorerSession.open("scenario", session_config())
            return [event async for event in session.ask(question)]

        return in_a_session
    server = servers(request.param)

    async def over_the_websocket(question: str) -> list[Event]:
        ws = await server.mcop_ws(
            re.sub(r"[^a-z]+", "-", question.lower()).strip("-")[:64], params={"protocol": "2"}
        )
        events: list[Event] = []
        text = ""
        for message in await ask(ws, question):
            event = to_event(decode(message), text)
            text = event.text if isinstance(event, PartialEvent) else text
            events.append(event)
        return events

    return over_the_websocket


async def test_show_me_all_tables(ask_explorer: Ask) -> None:
    events = await ask_explorer("Show me all tables")
    assert events[0] == UserEvent("Show me all tables")
    assert any(isinstance(e, PartialEvent) for e in events)
    assert any(isinstance(e, ToolEvent) and e.tool_name == "list_tables" for e in events)
    final = events[-1]
    assert isinstance(final, AgentEvent)
    assert "fact_bs_purchase_order (FACT)" in final.content
    assert "dimv_bs_supplier (DIMENSION)" in final.content
    assert final.diagram is None


async def test_relationships_end_with_an_er_diagram_of_both_tables(ask_explorer: Ask) -> None:
    events = await ask_explorer("Show relationships between fact_bs_purchase_order and suppliers")
    kinds = [getattr(e, "kind", "") for e in events]
    first_tool, final = kinds.index("tool"), events[-1]
    assert "agent_partial" in kinds[:first_tool], "the answer starts streaming before the tool runs"
    assert "agent_partial" in kinds[first_tool:], "and goes on streaming after it"
    assert isinstance(final, AgentEvent)
    assert final.diagram is not None and final.diagram.startswith("erDiagram")
    assert "dimv_bs_supplier ||--o{ fact_bs_purchase_order" in final.diagram  # one supplier, many orders
    assert "supplier_key" in final.content
    partial_text = "".join(e.delta for e in events if isinstance(e, PartialEvent))
    assert partial_text == final.content


async def test_lineage_ends_with_a_flowchart_from_the_source_system(ask_explorer: Ask) -> None:
    events = await ask_explorer("Where does fact_bs_purchase_order come from?")
    final = events[-1]
    assert isinstance(final, AgentEvent)
    assert final.diagram is not None and final.diagram.startswith("flowchart LR")
    assert "EKKO" in final.diagram and "stg_bs_purchase_order" in final.diagram


# A catalog of its own for one test: where the session runs, the scenarios above show.
async def test_a_sql_catalog_in_a_session_is_read_by_its_own_names(tmp_path: Path) -> None:
    url = f"sql:sqlite:///{_sqlite(tmp_path / 'shop.db', DJANGO)}"
    session = await ExplorerSession.open("django", session_config(catalog=url))
    final = [e async for e in session.ask("tell me about baskets")][-1]
    assert isinstance(final, AgentEvent)
    assert final.content.startswith("I took “baskets” to mean `basket_basket`.")


# -- The sample catalog, in a steward's words -----------------------------------------------------
# From here on the agent itself answers, with no session and no transport: one mode by nature.


async def test_counts_come_first(sample: Explorer) -> None:
    tables = sample.snapshot.tables
    answer = await sample.ask("how many tables are there?")
    assert answer.text.startswith(f"There are **{len(tables)} tables**")
    facts = sum(t.type == "FACT" for t in tables)
    assert (await sample.ask("how many fact tables do we have?")).text.startswith(f"There are **{facts} FACT")


async def test_which_tables_reference_a_loosely_named_table(sample: Explorer) -> None:
    answer = await sample.ask("which tables reference the supplier dimension?")
    assert answer.calls == [("table_references", {"table": "dimv_bs_supplier"})]
    names_all(answer.text, sample.referencing("dimv_bs_supplier"))
    pointed = await sample.ask("what does fact_bs_invoice point to?")
    names_all(pointed.text, sample.referenced("fact_bs_invoice"))


async def test_impact_names_what_is_downstream_and_the_people_to_tell(sample: Explorer) -> None:
    answer = await sample.ask("what breaks if I change EKPO?")
    names_all(answer.text, sample.downstream("EKPO"))
    owners = {t.owner.name for t in sample.snapshot.tables if t.name in sample.downstream("EKPO") and t.owner}
    assert owners and all(f"**{o}**" in answer.text.split("People to tell")[1] for o in owners)


async def test_filler_misspellings_and_loose_names(sample: Explorer) -> None:
    explained = await sample.ask("explain the goods receipt table")
    assert explained.calls == [("describe_table", {"table": "fact_bs_goods_receipt"})]
    grain = await sample.ask("what is the grain of fact_bs_payment?")
    payment = next(t for t in sample.snapshot.tables if t.name == "fact_bs_payment")
    assert all(f"`{c.name}`" in grain.text.split(":")[0] for c in payment.columns if c.is_primary_key)
    typo = await sample.ask("Describe the purchse order tabel")
    assert typo.calls == [("describe_table", {"table": "fact_bs_purchase_order"})]
    assert typo.text.startswith("I took “purchse order” to mean `fact_bs_purchase_order`")


async def test_columns_by_name_and_by_kind_of_value(sample: Explorer) -> None:
    email = await sample.ask("is there a column for email anywhere?")
    names_all(email.text, sample.columns_like("email"))
    money = await sample.ask("which columns hold money amounts?")
    amounts = {
        f"{t.name}.{c.name}"
        for t in sample.snapshot.tables
        for c in t.columns
        if "amount" in c.name and "decimal" in c.data_type.lower()
    }
    assert amounts and any(f"`{a}`" in money.text for a in amounts)


async def test_glossary_and_people(sample: Explorer) -> None:
    glossary = await sample.ask("show me the glossary")
    assert f"The glossary has {len(sample.snapshot.terms)} terms" in glossary.text
    person = await sample.ask("what does Priya Natarajan own?")
    owned = {t.name for t in sample.snapshot.tables if t.owner and t.owner.name == "Priya Natarajan"}
    names_all(person.text, owned)


async def test_what_the_catalog_does_not_record_is_said_plainly(sample: Explorer) -> None:
    answer = await sample.ask("is the supplier dimension certified?")
    assert answer.calls == [("table_status", {"table": "dimv_bs_supplier"})]
    supplier = next(t for t in sample.snapshot.tables if t.name == "dimv_bs_supplier")
    verdict = {True: "is certified.", False: "is not certified.", None: "Certified: not recorded"}
    assert verdict[supplier.certified] in answer.text


# -- A Django-style schema: app labels, loose plurals, users everywhere ---------------------------


async def test_loose_plurals_take_the_apps_own_table(django: Explorer) -> None:
    await django.load()
    for question, table in (
        ("describe orders", "order_order"),
        ("tell me about baskets", "basket_basket"),
        ("what are the columns of products?", "catalogue_product"),
        ("what fields does the product review table have?", "reviews_productreview"),
    ):
        answer = await django.ask(question)
        assert answer.calls == [("describe_table", {"table": table})], question
        assert f"to mean `{table}`" in answer.text.split("\n")[0]


async def test_follow_ups_on_a_sql_catalog(django: Explorer) -> None:
    await django.load()
    first = await django.ask("describe orders")
    owner = await django.ask("who owns it?", first)
    assert owner.calls == [("get_owner", {"table": "order_order"})]
    other = await django.ask("what about products?", owner)
    assert other.calls == [("get_owner", {"table": "catalogue_product"})]


async def test_references_to_users_and_tables_without_foreign_keys(django: Explorer) -> None:
    await django.load()
    users = await django.ask("which tables reference users?")
    names_all(users.text, django.referencing("auth_user"))
    lonely = await django.ask("list tables with no foreign keys")
    assert lonely.calls == [("find_tables_lacking", {"what": "foreign_keys"})]
    names_all(lonely.text, django.without_foreign_keys())
    assert f"**{len(django.without_foreign_keys())} of {len(django.snapshot.tables)}**" in lonely.text


async def test_an_area_self_references_and_one_to_ones(django: Explorer) -> None:
    await django.load()
    starting = await django.ask("tables starting with catalogue")
    assert starting.calls == [("list_tables", {"area": "catalogue"})]
    area = await django.ask("list the catalogue tables")
    area_tables = [t.name for t in django.snapshot.tables if t.name.startswith("catalogue_")]
    assert all(f" {name} (" in area.text for name in area_tables), area.text
    selfish = await django.ask("which tables reference themselves?")
    names_all(
        selfish.text, {r.from_table for r in django.snapshot.relationships if r.from_table == r.to_table}
    )
    ones = await django.ask("are there any one-to-one relationships?")
    expected = {r.to_table for r in django.snapshot.relationships if r.cardinality == "one-to-one"}
    names_all(ones.text, expected)


async def test_email_columns_and_owners_the_database_cannot_know(django: Explorer) -> None:
    await django.load()
    email = await django.ask("is there a column for email anywhere?")
    names_all(email.text, django.columns_like("email"))
    owners = await django.ask("which tables have no owner?")
    assert "records no owners" in owners.text


async def test_real_ambiguity_offers_the_candidates(django: Explorer) -> None:
    await django.load()
    answer = await django.ask("describe the lines")
    assert answer.tools == []
    names_all(answer.text, [t.name for t in django.snapshot.tables if t.name.endswith("_line")])


async def test_help_and_suggestions_come_from_the_connected_catalog(django: Explorer) -> None:
    await django.load()
    names = {t.name for t in django.snapshot.tables}
    for question in ("help", "tell me a joke", "describe the spaceship table", "who owns it?"):
        text = (await django.ask(question)).text
        assert not any(word in text for word in SAMPLE_ONLY), (question, text)
        assert any(f"{n}" in text for n in names), (question, text)


# -- A plain schema: no prefixes, no steward metadata ---------------------------------------------


async def test_plain_names_misspelt_and_joined(plain: Explorer) -> None:
    await plain.load()
    typo = await plain.ask("explain the custmer table")
    assert typo.calls == [("describe_table", {"table": "customers"})]
    join = await plain.ask("how do I join order items to customers?")
    assert join.calls == [("find_join_path", {"start": "order_items", "end": "customers"})]
    assert "`order_items` → `orders` → `customers`" in join.text


async def test_plain_dates_impact_and_keys(plain: Explorer) -> None:
    await plain.load()
    dates = await plain.ask("which columns hold dates?")
    dated = {
        f"{t.name}.{c.name}"
        for t in plain.snapshot.tables
        for c in t.columns
        if any(k in c.data_type.upper() for k in ("DATE", "TIME"))
    }
    names_all(dates.text, dated)
    impact = await plain.ask("what breaks if I change products?")
    names_all(impact.text, plain.referencing("products"))
    keys = await plain.ask("what is the grain of orders?")
    assert keys.text.startswith("The primary key of `orders` is `id`")


async def test_a_tables_own_optional_references(sample: Explorer) -> None:
    answer = await sample.ask("which nullable foreign keys does fact_bs_invoice have?")
    rels = sample.snapshot.relationships
    own = {r.to_table for r in rels if r.from_table == "fact_bs_invoice" and r.optional}
    names_all(answer.text, own)
    others = {r.from_table for r in sample.snapshot.relationships if r.optional} - {"fact_bs_invoice"}
    assert not any(f"`{name}` →" in answer.text for name in others)


# -- Shapes of question, each in several wordings, on more than one catalog -------------------------

SHAPE_CATALOGS = ("sample", "django", "plain")


@pytest.fixture(params=SHAPE_CATALOGS)
def any_catalog(request: pytest.FixtureRequest) -> Explorer:
    explorer: Explorer = request.getfixturevalue(request.param)
    return explorer


def _columns_where(explorer: Explorer, table: str | None, fits: Any) -> set[str]:
    return {
        f"{t.name}.{c.name}"
        for t in explorer.snapshot.tables
        if table in (None, t.name)
        for c in t.columns
        if fits(c.name.lower(), c.data_type.upper())
    }


@pytest.mark.parametrize(
    "wording",
    [
        "where do we keep {w}?",
        "does anything store {w}?",
        "is {w} stored anywhere?",
        "which tables record {w}?",
    ],
)
async def test_where_a_kind_of_data_is_kept_finds_its_columns(any_catalog: Explorer, wording: str) -> None:
    await any_catalog.load()
    answer = await any_catalog.ask(wording.format(w="email"))
    assert any(tool == "find_columns" for tool in answer.tools), answer.text
    names_all(answer.text, [c for c in any_catalog.columns_like("email") if "." in c])


@pytest.mark.parametrize(
    "wording", ["which fields look like money?", "what columns hold amounts?", "show me the money columns"]
)
@pytest.mark.parametrize("catalog", ["django", "plain"])
async def test_columns_by_kind_of_value_include_every_decimal_amount(
    request: pytest.FixtureRequest, catalog: str, wording: str
) -> None:
    explorer = await request.getfixturevalue(catalog).load()
    answer = await explorer.ask(wording)
    names_all(answer.text, _columns_where(explorer, None, lambda _n, t: "DECIMAL" in t or "NUMERIC" in t))


@pytest.mark.parametrize(
    "wording", ["find timestamps on the {t} table", "which date columns does {t} have?", "any dates on {t}?"]
)
@pytest.mark.parametrize(("catalog", "table"), [("django", "order_order"), ("plain", "orders")])
async def test_a_kind_of_value_on_one_table_is_about_that_table(
    request: pytest.FixtureRequest, catalog: str, table: str, wording: str
) -> None:
    explorer = await request.getfixturevalue(catalog).load()
    answer = await explorer.ask(wording.format(t=table))
    dated = _columns_where(explorer, table, lambda _n, t: "DATE" in t or "TIME" in t)
    assert dated
    names_all(answer.text.replace(f"`{table}.", "`"), [c.split(".")[1] for c in dated])
    elsewhere = _columns_where(explorer, None, lambda _n, t: "DATE" in t or "TIME" in t) - dated
    assert not any(f"`{c}`" in answer.text for c in elsewhere), answer.text


@pytest.mark.parametrize(
    "wording", ["which tables hang off {t}?", "what hooks into {t}?", "list the child tables of {t}"]
)
@pytest.mark.parametrize(("catalog", "table"), [("django", "catalogue_product"), ("plain", "products")])
async def test_verbs_of_reference_ask_what_points_at_a_table(
    request: pytest.FixtureRequest, catalog: str, table: str, wording: str
) -> None:
    explorer = await request.getfixturevalue(catalog).load()
    answer = await explorer.ask(wording.format(t=table))
    assert answer.tools == ["table_references"]
    names_all(answer.text, explorer.referencing(table))
    assert "reference" in answer.text.split("\n")[0] and f"`{table}`" in answer.text


@pytest.mark.parametrize(
    "wording", ["what are the parents of {t}?", "what does {t} hang off?", "what does {t} depend on?"]
)
@pytest.mark.parametrize(("catalog", "table"), [("django", "order_line"), ("plain", "order_items")])
async def test_parents_are_what_a_table_points_to(
    request: pytest.FixtureRequest, catalog: str, table: str, wording: str
) -> None:
    explorer = await request.getfixturevalue(catalog).load()
    answer = await explorer.ask(wording.format(t=table))
    assert answer.text.startswith(f"`{table}` references"), answer.text
    names_all(answer.text, explorer.referenced(table))


@pytest.mark.parametrize(
    "question",
    [
        "give me the key columns of partner stock records",
        "what is the primary key of partner stock records?",
        "what uniquely identifies a partner stock record?",
    ],
)
async def test_the_longest_span_naming_one_table_wins(django: Explorer, question: str) -> None:
    await django.load()
    answer = await django.ask(question)
    assert answer.calls == [("get_keys", {"table": "partner_stockrecord"})], answer.text


@pytest.mark.parametrize(
    ("catalog", "question", "start", "end"),
    [
        (
            "django",
            "how do I get from order lines to the customer who placed them?",
            "order_line",
            "auth_user",
        ),
        ("django", "how do I join baskets to the shopper who owns them?", "basket_basket", "auth_user"),
        ("django", "how do I connect product reviews with the buyer?", "reviews_productreview", "auth_user"),
        ("plain", "how do I get from order items to the client?", "order_items", "customers"),
        ("plain", "how do I join orders to the buyer who placed them?", "orders", "customers"),
    ],
)
async def test_a_role_word_is_the_table_its_foreign_keys_point_at(
    request: pytest.FixtureRequest, catalog: str, question: str, start: str, end: str
) -> None:
    explorer = await request.getfixturevalue(catalog).load()
    other = sorted(t.name for t in explorer.snapshot.tables if t.name not in (start, end))[0]
    before = await explorer.ask(f"describe {other}")
    answer = await explorer.ask(question, before)
    assert answer.calls == [("find_join_path", {"start": start, "end": end})], answer.text


@pytest.mark.parametrize(
    "wording", ["which apps are the biggest?", "rank the modules by size", "what are the largest areas here?"]
)
@pytest.mark.parametrize("catalog", ["sample", "django"])
async def test_areas_ranked_by_how_many_tables_they_hold(
    request: pytest.FixtureRequest, catalog: str, wording: str
) -> None:
    explorer = await request.getfixturevalue(catalog).load()
    answer = await explorer.ask(wording)
    assert answer.tools == ["catalog_summary"]
    tables = explorer.snapshot.tables
    domains = {t.domain for t in tables if t.domain}
    groups = [t.domain for t in tables] if len(domains) > 1 else [t.name.split("_")[0] for t in tables]
    (top, n), second = Counter(groups).most_common(2)
    assert n > second[1]
    assert f"1. {top}: {n} tables" in answer.text, answer.text


@pytest.mark.parametrize(
    "wording",
    ["which table is the widest?", "what table has the most fields?", "which table has most columns?"],
)
@pytest.mark.parametrize("catalog", ["django", "plain", "sample"])
async def test_the_widest_table_is_the_one_with_most_columns(
    request: pytest.FixtureRequest, catalog: str, wording: str
) -> None:
    explorer = await request.getfixturevalue(catalog).load()
    answer = await explorer.ask(wording)
    widest = max(explorer.snapshot.tables, key=lambda t: len(t.columns))
    assert f"`{widest.name}`, with **{len(widest.columns)} columns**" in answer.text.split("\n")[0]


async def test_the_biggest_table_means_rows_where_the_catalog_counts_them(
    sample: Explorer, django: Explorer
) -> None:
    question = "how many columns does the biggest table have?"
    counted = [t for t in sample.snapshot.tables if t.row_count is not None]
    biggest = max(counted, key=lambda t: t.row_count or 0)
    answer = await sample.ask(question)
    assert f"`{biggest.name}`" in answer.text and f"**{len(biggest.columns)} columns**" in answer.text
    await django.load()
    uncounted = await django.ask(question)
    widest = max(django.snapshot.tables, key=lambda t: len(t.columns))
    assert "no row counts" in uncounted.text and f"`{widest.name}`" in uncounted.text


@pytest.mark.parametrize(
    "wording", ["which tables are certified?", "list the certified tables", "any certified datasets?"]
)
async def test_certified_tables_are_only_the_certified_ones(
    sample: Explorer, django: Explorer, wording: str
) -> None:
    answer = await sample.ask(wording)
    tables = sample.snapshot.tables
    assert all(f"{t.name} (" in answer.text for t in tables if t.certified), answer.text
    assert not any(f"{t.name} (" in answer.text for t in tables if not t.certified)
    await django.load()
    assert "records no certification" in (await django.ask(wording)).text


@pytest.mark.parametrize(
    "wording", ["hey, what's in this database?", "give me an overview", "what is this catalog about?"]
)
async def test_an_overview_answers_the_summary_first(any_catalog: Explorer, wording: str) -> None:
    await any_catalog.load()
    answer = await any_catalog.ask(wording)
    assert answer.tools == ["catalog_summary"]
    assert answer.text.startswith(f"There are **{len(any_catalog.snapshot.tables)} tables**")


@pytest.mark.parametrize(
    "wording", ["Describe the table nonexistent_xyz", "explain zz_nothing_here", "describe qq_ww"]
)
async def test_describing_an_unknown_name_asks_the_catalog_and_relays_it(
    any_catalog: Explorer, wording: str
) -> None:
    await any_catalog.load()
    answer = await any_catalog.ask(wording)
    assert answer.tools == ["describe_table"]
    assert "No table named" in answer.text


async def test_more_after_a_complete_listing_and_it_after_a_search(plain: Explorer, sample: Explorer) -> None:
    await plain.load()
    listing = await plain.ask("show me all tables")
    for more in ("show more", "next page", "more please"):
        answer = await plain.ask(more, listing)
        assert not answer.calls and "already complete" in answer.text
    found = await sample.ask("search for supplier")
    top = next(h for h in found.messages[-2].parts[0].content["hits"] if h["kind"] == "table")["name"]
    owner = await sample.ask("who owns it?", found)
    assert owner.calls == [("get_owner", {"table": top})]


@pytest.mark.parametrize(
    ("catalog", "question", "word"),
    [
        ("sample", "where do we keep supplier emails?", "email"),
        ("sample", "any email fields on the supplier dimension?", "email"),
        ("django", "which timestamps does partner_partner have?", "date"),
        ("plain", "find the dates on categories", "date"),
    ],
)
async def test_a_kind_a_named_table_lacks_is_looked_for_across_the_catalog(
    request: pytest.FixtureRequest, catalog: str, question: str, word: str
) -> None:
    explorer = await request.getfixturevalue(catalog).load()
    answer = await explorer.ask(question)
    assert answer.tools[0] == "describe_table" and "find_columns" in answer.tools
    assert "No column of" in answer.text and "Across the catalog" in answer.text
    names_all(answer.text, [c for c in explorer.columns_like(word) if c.split(".")[1].startswith(word)])


@pytest.mark.parametrize(
    "wording", ["how do I get from invoices to the buyer?", "how do I join invoices to the buyer"]
)
async def test_a_role_no_foreign_key_bears_is_the_table_whose_columns_it_opens(
    sample: Explorer, wording: str
) -> None:
    marts = [t for t in sample.snapshot.tables if t.type in ("FACT", "DIMENSION")]
    held = Counter(t.name for t in marts for c in t.columns if c.name.lower().startswith("buyer_"))
    answer = await sample.ask(wording)
    assert answer.calls == [
        ("find_join_path", {"start": "fact_bs_invoice", "end": held.most_common(1)[0][0]})
    ]


@pytest.mark.parametrize(
    ("catalog", "question", "within"),
    [
        (
            "django",
            "what's the widest table in the catalogue app?",
            lambda t: t.name.startswith("catalogue_"),
        ),
        (
            "sample",
            "which table in the Procurement domain has the most columns?",
            lambda t: t.domain == "Procurement",
        ),
    ],
)
async def test_the_widest_table_of_an_area(
    request: pytest.FixtureRequest, catalog: str, question: str, within: Any
) -> None:
    explorer = await request.getfixturevalue(catalog).load()
    answer = await explorer.ask(question)
    widest = max((t for t in explorer.snapshot.tables if within(t)), key=lambda t: len(t.columns))
    assert f"`{widest.name}`, with **{len(widest.columns)} columns**" in answer.text, answer.text


@pytest.mark.parametrize("wording", ["what are the dependants of {t}?", "which tables depend on {t}?"])
@pytest.mark.parametrize(("catalog", "table"), [("django", "auth_user"), ("plain", "customers")])
async def test_dependants_are_the_tables_that_reference_it(
    request: pytest.FixtureRequest, catalog: str, table: str, wording: str
) -> None:
    explorer = await request.getfixturevalue(catalog).load()
    answer = await explorer.ask(wording.format(t=table))
    assert answer.tools == ["table_references"]
    names_all(answer.text, explorer.referencing(table))


@pytest.mark.parametrize(
    "wording",
    [
        "which tables hang off the spaceship table?",
        "find timestamps on the spaceship table",
        "who owns the spaceship table?",
    ],
)
@pytest.mark.parametrize("catalog", ["django", "plain"])
async def test_a_table_the_catalog_lacks_is_asked_about_not_swapped(
    request: pytest.FixtureRequest, catalog: str, wording: str
) -> None:
    explorer = await request.getfixturevalue(catalog).load()
    answer = await explorer.ask(wording)
    assert answer.calls and answer.calls[0][1].get("table") == "spaceship"
    assert "No table named 'spaceship'" in answer.text
