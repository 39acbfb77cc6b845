"""What the MCOP kernel makes of a cell, which conversation it continues, and the names Tab and
Shift-Tab offer from a catalog snapshot (no kernel started here)."""

from __future__ import annotations

import asyncio

import pytest

from mcop_kernel.catalog.models import Column, GlossaryTerm, Person, Table
from mcop_kernel.catalog.snapshot import CatalogSnapshot
from mcop_kernel.config import open_catalog
from mcop_kernel.kernel.cells import NEW_CONVERSATION, Magic, parse_cell, session_id_for
from mcop_kernel.kernel.names import CatalogNames, md_text
from mcop_kernel.registry import valid_session_id


@pytest.fixture(scope="module")
def sample() -> CatalogNames:
    return CatalogNames(asyncio.run(open_catalog("sample").snapshot()))


def shop() -> CatalogNames:
    """A catalog nobody tuned for: a shop's tables, with markup in its descriptions."""
    columns = (
        Column(id="c1", name="CustomerId", display_name="Customer", data_type="int", is_primary_key=True),
        Column(
            id="c2", name="email_address", display_name="Email", data_type="text", description="<b>PII</b>"
        ),
    )
    tables = (
        Table(
            id="t1",
            name="crm_Customer",
            display_name="Customers",
            type="TABLE",
            domain="Sales",
            status="Approved",
            description="People who *buy* things <script>x</script>",
            owner=Person(name="Ada Byron"),
            columns=columns,
        ),
        Table(
            id="t2",
            name="crm_customer_note",
            display_name="Notes",
            type="TABLE",
            domain="Sales",
            status="New",
        ),
    )
    terms = (
        GlossaryTerm(
            id="g1", name="Customer Lifetime Value", definition="What a customer is worth.", synonyms=("CLV",)
        ),
    )
    return CatalogNames(CatalogSnapshot(tables=tables, terms=terms))


def test_a_cell_is_settings_then_a_question() -> None:
    cell = parse_cell(
        "%model offline:10\n%Catalog sample\n# NBVAL_IGNORE_OUTPUT\nWhich tables\nreference suppliers?"
    )
    assert cell.magics == [Magic("%model", "offline:10"), Magic("%catalog", "sample")]
    assert cell.question == "Which tables\nreference suppliers?"
    assert parse_cell("What share is 50%\n%of orders?").question == "What share is 50%\n%of orders?"
    assert parse_cell("# only a comment").question == ""


def test_the_conversation_is_the_notebooks_or_a_named_one() -> None:
    path = "/home/steward/Reviews/Q3 supplier review.ipynb"
    first, origin = session_id_for({"JPY_SESSION_NAME": path})
    assert session_id_for({"JPY_SESSION_NAME": path})[0] == first  # stable across restarts
    assert valid_session_id(first) and "Q3-supplier-review" in first and origin != NEW_CONVERSATION
    assert session_id_for({"JPY_SESSION_NAME": "/elsewhere/Q3 supplier review.ipynb"})[0] != first
    assert session_id_for({"MCOP_SESSION": "steward", "JPY_SESSION_NAME": path}) == (
        "steward",
        "MCOP_SESSION",
    )
    odd, _ = session_id_for({"MCOP_SESSION": "my review / 2026"})
    assert valid_session_id(odd)
    fresh, origin = session_id_for({})
    assert origin == NEW_CONVERSATION and fresh != session_id_for({})[0]


def test_tab_offers_tables_by_prefix_then_by_word(sample: CatalogNames) -> None:
    found = sample.complete("Who owns dimv_bs_supp", 21)
    assert found.matches[:2] == ["dimv_bs_supplier", "dimv_bs_supplier_address"]
    assert (found.start, found.end) == (9, 21)
    by_word = sample.complete("Describe supp", 13).matches
    assert "Supplier" in by_word and "dimv_bs_supplier" in by_word  # a term, and a table by its word
    assert len(by_word) == len(set(by_word))


def test_tab_offers_columns_as_table_dot_column() -> None:
    names = shop()
    assert names.complete("crm_customer.", 13).matches == [
        "crm_Customer.CustomerId",
        "crm_Customer.email_address",
    ]
    assert names.complete("crm_Customer.em", 15).kinds == ["column"]
    assert "crm_Customer.email_address" in names.complete("who has emai", 12).matches  # a column by its name


def test_tab_completes_a_term_of_several_words_and_synonyms() -> None:
    names = shop()
    found = names.complete("What is customer lifetime v", 27)
    assert found.matches[0] == "Customer Lifetime Value" and found.start == len("What is ")
    assert names.complete("what is cl", 10).matches == ["CLV"]
    assert names.complete("%ca", 3).matches == ["%catalog"]
    assert names.complete("%catalog s", 10).matches == ["sample", "sql:"]


def test_shift_tab_describes_a_table_as_text_never_markup() -> None:
    names = shop()
    bundle = names.describe("tell me about crm_customer please", 16)
    assert bundle is not None
    assert bundle["text/plain"].startswith("crm_Customer (TABLE, Sales)")
    assert "Owner: Ada Byron. Steward: not recorded." in bundle["text/plain"]
    assert "<script>" not in bundle["text/markdown"] and "<b>" not in bundle["text/markdown"]
    assert r"\<script\>" in bundle["text/markdown"] and r"\*buy\*" in bundle["text/markdown"]
    column = names.describe("crm_Customer.email_address", 20)
    assert column is not None and column["text/plain"].startswith("crm_Customer.email_address text")
    term = names.describe("is Customer Lifetime Value high", 12)
    assert term is not None and term["text/plain"].startswith("Customer Lifetime Value (glossary term")
    assert names.describe("nothing here", 3) is None


def test_markdown_text_escapes_every_markup_character() -> None:
    assert md_text("a_b *c* [d](e) <i>") == r"a\_b \*c\* \[d\]\(e\) \<i\>"
