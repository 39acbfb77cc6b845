"""CollibraCatalog against a local fake Collibra (tests/collibra_server.py) serving the bundled sample in
the REST Core API v2's documented shapes: same answers as the sample, every page read, retries,
clear errors, no secret shown."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Iterator
from typing import Any

import pytest
from collibra_server import CLIENT_ID, CLIENT_SECRET, PASSWORD, USER, FakeCollibra
from pydantic_ai import models

from mcop_kernel import AgentEvent, ConfigError, ExplorerSession, open_catalog, session_config
from mcop_kernel.catalog import Catalog, CatalogUnavailableError, sample_catalog
from mcop_kernel.catalog.collibra import CollibraCatalog, CollibraConfig
from mcop_kernel.catalog.sample import bundled_snapshot

models.ALLOW_MODEL_REQUESTS = False
PAGE = 250
ENDPOINTS = ("assets", "relations", "attributes", "responsibilities", "relationTypes", "users")


@pytest.fixture
def collibra() -> Iterator[FakeCollibra]:
    with FakeCollibra() as server:
        yield server


def basic(server: FakeCollibra, **overrides: Any) -> CollibraCatalog:
    settings: dict[str, Any] = {"page_size": PAGE, "backoff": 0.01, "timeout": 5.0} | overrides
    return CollibraCatalog(CollibraConfig(server.url, username=USER, password=PASSWORD, **settings))


def oauth(server: FakeCollibra, **overrides: Any) -> CollibraCatalog:
    settings: dict[str, Any] = {"page_size": PAGE, "backoff": 0.01} | overrides
    config = CollibraConfig(server.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, **settings)
    return CollibraCatalog(config)


async def test_answers_like_the_sample_catalog(collibra: FakeCollibra) -> None:
    catalog, sample = basic(collibra), sample_catalog()
    assert isinstance(catalog, Catalog)
    snapshot, expected = await catalog.snapshot(), bundled_snapshot()
    assert snapshot.tables == expected.tables
    assert (snapshot.relationships, snapshot.lineage, snapshot.terms) == (
        expected.relationships,
        expected.lineage,
        expected.terms,
    )
    order, expected_order = (
        await catalog.describe_table("purchase orders"),
        await sample.describe_table("fact_bs_purchase_order"),
    )
    assert order == expected_order and order.columns and order.owner is not None
    assert [c.name for c in order.columns] == [c.name for c in expected_order.columns]
    hood = await catalog.relationships("fact_bs_purchase_order")
    assert hood == await sample.relationships("fact_bs_purchase_order") and hood.relationships
    graph = await catalog.lineage("fact_bs_purchase_order", direction="upstream")
    assert "EKKO" in {t.name for t in graph.tables} and all(e.process for e in graph.edges)
    supplier = await catalog.term("vendors")
    assert supplier.name == "Supplier" and "Vendor" in supplier.synonyms
    owners = await catalog.owner("fact_bs_purchase_order")
    assert owners.owner is not None and owners.owner.email and owners.owner.email.endswith("@example.com")
    assert owners == await sample.owner("fact_bs_purchase_order")
    assert (await catalog.list_tables(limit=200)).total == len(expected.tables)


async def test_every_page_is_read_with_cursors(collibra: FakeCollibra) -> None:
    await basic(collibra).snapshot()
    assert len(collibra.data["assets"]) > 1000
    for name in ENDPOINTS:
        pages = [r for r in collibra.requests if r.path == f"/rest/2.0/{name}"]
        assert len(pages) == math.ceil(len(collibra.data[name]) / PAGE), name
        assert pages[0].query["cursor"] == "" and all(p.query["cursor"] for p in pages[1:]), name
        assert all(p.query["limit"] == str(PAGE) for p in pages)
    assert collibra.count("/rest/2.0/assets") == 5  # 1,109 assets


async def test_scopes_are_sent_as_filters(collibra: FakeCollibra) -> None:
    await basic(collibra, community_id="c-1", domain_id="d-2").snapshot()
    first = next(r for r in collibra.requests if r.path == "/rest/2.0/assets")
    assert (first.query["communityId"], first.query["domainId"]) == ("c-1", "d-2")


async def test_429_and_500_are_retried(collibra: FakeCollibra, caplog: pytest.LogCaptureFixture) -> None:
    collibra.fail("/rest/2.0/assets", 429, 500)
    collibra.fail("/rest/2.0/attributes", 503)
    started = time.monotonic()
    catalog = basic(collibra, backoff=0.05)
    assert len((await catalog.snapshot()).tables) == len(bundled_snapshot().tables)
    attribute_pages = math.ceil(len(collibra.data["attributes"]) / PAGE)
    assert (
        collibra.count("/rest/2.0/assets") == 5 + 2
        and collibra.count("/rest/2.0/attributes") == attribute_pages + 1
    )
    assert time.monotonic() - started < 5
    assert "HTTP 429" in caplog.text and "HTTP 500" in caplog.text


async def test_retry_after_overrides_the_backoff(collibra: FakeCollibra) -> None:
    collibra.fail("/rest/2.0/users", 429)  # Retry-After: 0
    started = time.monotonic()
    await basic(collibra, backoff=30.0).snapshot()
    assert time.monotonic() - started < 5


async def test_too_many_failures_give_up(collibra: FakeCollibra) -> None:
    collibra.fail("/rest/2.0/relations", 500, 500, 500)
    with pytest.raises(CatalogUnavailableError, match="HTTP 500"):
        await basic(collibra, retries=2).snapshot()
    assert collibra.count("/rest/2.0/relations") == 3


async def test_wrong_password_is_a_clear_error(
    collibra: FakeCollibra, caplog: pytest.LogCaptureFixture
) -> None:
    catalog = CollibraCatalog(CollibraConfig(collibra.url, username=USER, password="wr0ng-Passw0rd"))
    with pytest.raises(CatalogUnavailableError, match="Collibra refused the credentials") as caught:
        await catalog.list_tables()
    assert "wr0ng-Passw0rd" not in str(caught.value) + caplog.text + catalog.description
    wrong = CollibraConfig(collibra.url, client_id=CLIENT_ID, client_secret="n0t-the-S3cret")
    with pytest.raises(CatalogUnavailableError, match="Collibra refused the credentials") as caught:
        await CollibraCatalog(wrong).list_tables()
    assert "n0t-the-S3cret" not in str(caught.value) + caplog.text


async def test_a_slow_collibra_times_out_quickly(collibra: FakeCollibra) -> None:
    collibra.delay = 5.0
    started = time.monotonic()
    with pytest.raises(CatalogUnavailableError, match=r"did not answer GET /rest/2.0/\w+ within 0.2 s"):
        await basic(collibra, timeout=0.2, retries=1).list_tables()
    assert time.monotonic() - started < 2


async def test_oauth_gets_a_token_and_sends_it(
    collibra: FakeCollibra, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    collibra.fail("/rest/2.0/relations", 500)
    catalog = oauth(collibra)
    assert (await catalog.owner("purchase orders")).owner is not None
    token_requests = [r for r in collibra.requests if r.path == "/rest/oauth/v2/token"]
    assert len(token_requests) == 1 and len(collibra.tokens) == 1
    token = next(iter(collibra.tokens))
    api = [r for r in collibra.requests if r.path.startswith("/rest/2.0/")]
    assert api and all(r.authorization == f"Bearer {token}" for r in api)
    shown = caplog.text + catalog.description
    assert token not in shown and CLIENT_SECRET not in shown


async def test_secrets_never_shown(collibra: FakeCollibra, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    catalog = basic(collibra)
    collibra.fail("/rest/2.0/assets", 418)
    with pytest.raises(CatalogUnavailableError) as caught:
        await catalog.snapshot()
    await catalog.refresh()
    assert "Read 1109 assets" in caplog.text and "71 tables" in catalog.description
    for text in (str(caught.value), caplog.text, catalog.description, repr(catalog)):
        assert PASSWORD not in text


async def test_concurrent_questions_share_one_read(collibra: FakeCollibra) -> None:
    catalog = basic(collibra)
    await asyncio.gather(*(catalog.describe_table("purchase orders") for _ in range(5)))
    assert collibra.count("/rest/2.0/assets") == 5
    await catalog.refresh()
    assert collibra.count("/rest/2.0/assets") == 10


async def test_opening_connects_to_nothing(collibra: FakeCollibra) -> None:
    catalog = basic(collibra)
    assert "not read yet" in catalog.description and not collibra.requests


def test_open_catalog_takes_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("USERNAME", "PASSWORD", "CLIENT_ID", "CLIENT_SECRET"):
        monkeypatch.delenv(f"COLLIBRA_{name}", raising=False)
    with pytest.raises(ConfigError, match="COLLIBRA_USERNAME and COLLIBRA_PASSWORD") as caught:
        open_catalog("collibra:https://acme.collibra.com")
    assert "COLLIBRA_CLIENT_ID and COLLIBRA_CLIENT_SECRET" in str(caught.value)
    monkeypatch.setenv("COLLIBRA_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("COLLIBRA_CLIENT_SECRET", CLIENT_SECRET)
    catalog = open_catalog("collibra:https://acme.collibra.com")
    assert isinstance(catalog, CollibraCatalog)
    assert catalog.description == "Collibra https://acme.collibra.com (not read yet)"
    with pytest.raises(ConfigError, match="https://"):
        open_catalog("collibra:acme.collibra.com")


async def test_the_explorer_answers_over_collibra(
    collibra: FakeCollibra, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole agent (offline model) over `collibra:URL`, as `mcop --catalog` would use it."""
    monkeypatch.setenv("COLLIBRA_USERNAME", USER)
    monkeypatch.setenv("COLLIBRA_PASSWORD", PASSWORD)
    session = await ExplorerSession.open("collibra", session_config(catalog=f"collibra:{collibra.url}"))
    listing = [e async for e in session.ask("Show me all tables")][-1]
    assert isinstance(listing, AgentEvent)
    assert "fact_bs_purchase_order (FACT)" in listing.content
    assert PASSWORD not in listing.content


async def test_a_failing_endpoint_stops_the_other_reads(collibra: FakeCollibra) -> None:
    collibra.delay = 0.3
    collibra.fail("/rest/2.0/relations", 404)
    with pytest.raises(CatalogUnavailableError, match="HTTP 404"):
        await basic(collibra).snapshot()
    assert collibra.count("/rest/2.0/assets") == 1


async def test_an_expired_token_is_renewed(collibra: FakeCollibra) -> None:
    collibra.token_uses = 10
    assert len((await oauth(collibra).snapshot()).tables) == len(bundled_snapshot().tables)
    assert collibra.count("/rest/oauth/v2/token") > 1
