"""Names learnt from a catalog's conventions: app labels, endings, run-together words, search by a word."""

from __future__ import annotations

import asyncio
import threading
from functools import partial

import pytest

from mcop_kernel.catalog import CatalogSnapshot, Column, SnapshotCatalog, Table, steward, steward_schema
from mcop_kernel.catalog.loaded import LoadedCatalog
from mcop_kernel.catalog.words import conventions_of, name_conventions, run_together
from mcop_kernel.offline import value_kinds, vocabulary
from mcop_kernel.offline.vocabulary import PART, build, snapshot_of

LEDGER = ("bill", "invoice", "customer", "vendor", "bankaccount", "journalentry", "ledger")
"""Models of an accounting app whose tables are `<two-word app label>_<model>model`."""


def column(name: str, data_type: str = "INTEGER") -> Column:
    return Column(id=name, name=name, display_name=name, data_type=data_type, is_primary_key=name == "id")


def table(name: str, *columns: Column) -> Table:
    return Table(
        id=name,
        name=name,
        display_name=name,
        type="TABLE",
        domain="main",
        status="Approved",
        columns=(column("id"), *columns),
    )


def app_catalog() -> CatalogSnapshot:
    """A Django-like schema: a two-word app label with a `model` ending, a framework's own tables under
    the label's first word, a `teams` app under a shared vendor prefix, run-together names."""
    tables = [
        table(f"books_ledger_{m}model", column("amount_due", "DECIMAL"), column(f"{m}_id")) for m in LEDGER
    ]
    tables += [table(n) for n in ("books_session", "books_migrations", "auth_user", "auth_group")]
    tables += [table("auth_user_groups", column("user_id"), column("group_id"))]
    tables += [table(f"vendor_teams_{m}") for m in ("team", "membership", "simplemembership", "simpleteam")]
    tables += [table(f"vendor_invites_{m}") for m in ("invitation", "invitestat")]
    tables += [
        table(
            "desk_ticket",
            column("created", "DATETIME"),
            column("bank_account_id"),
            column("journal_entry_id"),
        ),
        table("desk_customfield", column("label", "VARCHAR(40)")),
        table("desk_ticketcustomfieldvalue", column("value", "TEXT"), column("phone", "VARCHAR(20)")),
        table("desk_signupcode", column("code", "VARCHAR(20)"), column("sent_at", "DATETIME")),
        table("desk_signupcoderesult", column("used_on", "DATE"), column("signup_code_id")),
    ]
    return CatalogSnapshot(title="Accounting app", tables=tuple(tables))


def names(snapshot: CatalogSnapshot, prefix: str) -> list[str]:
    return sorted(t.name for t in snapshot.tables if t.name.startswith(prefix))


def test_app_labels_are_the_longest_prefix_that_still_groups() -> None:
    snap = app_catalog()
    learnt = conventions_of(snap.tables)
    assert {learnt.label_of(n) for n in names(snap, "books_ledger_")} == {"books_ledger"}
    assert learnt.label_of("books_session") == "books"
    assert {learnt.label_of(n) for n in names(snap, "vendor_teams_")} == {"vendor_teams"}
    assert learnt.label_of("vendor_invites_invitation") == "vendor"  # two of six: not a label of its own
    assert learnt.label_of("auth_user_groups") == "auth"  # `auth_user` is a table, not an app


def test_a_prefix_every_table_of_an_area_shares_keeps_the_shorter_name() -> None:
    learnt = name_conventions(["stg_bs_order", "stg_bs_invoice", "stg_bs_supplier", "dim_bs_date"])
    assert learnt.label_of("stg_bs_order") == "stg"


def test_an_ending_most_tables_of_an_area_share_is_convention_not_meaning() -> None:
    snap = app_catalog()
    learnt = conventions_of(snap.tables)
    assert learnt.suffixes == {"books_ledger": "model"}
    assert learnt.core("books_ledger_customermodel") == ("customer",)
    assert learnt.loose("books_ledger_bankaccountmodel") == ("bank", "account")
    plain = name_conventions(["appointments", "departments", "payments", "patients", "doctors", "invoices"])
    assert plain.suffixes == {}


def test_words_run_together_are_split_into_the_catalogs_own_words() -> None:
    known = frozenset({"ticket", "customfield", "value", "signup", "code"})
    assert run_together("ticketcustomfieldvalue", known) == ("ticket", "customfield", "value")
    assert run_together("signupcode", known) == ("signup", "code")
    assert run_together("zebracrossing", known) == ("zebracrossing",)


def test_loose_names_and_areas_come_from_the_conventions() -> None:
    snap = app_catalog()
    vocab = build(snap)
    assert vocab.candidates("customer")[0][1] == "books_ledger_customermodel"
    assert vocab.candidates("bank account")[0][1] == "books_ledger_bankaccountmodel"
    assert not vocab.candidates("model")  # the ending alone names nothing
    assert (
        vocab.areas["ledger"] == "books_ledger"
        and vocab.areas[vocabulary.key("books_ledger")] == "books_ledger"
    )
    assert vocab.areas["team"] == "vendor_teams"
    assert [n for _, n in vocab.candidates("customfield")] == [
        "desk_customfield",
        "desk_ticketcustomfieldvalue",
    ]
    assert dict((n, q) for q, n in vocab.candidates("customfield"))["desk_ticketcustomfieldvalue"] == PART
    assert "signup" in vocab.words and not vocab.candidates("signup")  # a column word asks for columns
    assert vocab.candidates("sign up code")[0][1] == "desk_signupcode"  # words written apart


async def test_the_catalog_resolves_loose_names_and_lists_areas_by_label() -> None:
    snap = app_catalog()
    catalog = SnapshotCatalog(snap)
    assert await catalog.resolve_table("customers") == "books_ledger_customermodel"
    assert await catalog.resolve_table("journal entries") == "books_ledger_journalentrymodel"
    for area, prefix in (("ledger", "books_ledger_"), ("teams", "vendor_teams_"), ("books", "books_")):
        _, _, found = steward.tables_in_area(snap, area)
        assert sorted(found) == names(snap, prefix), area
    summary = steward.catalog_summary(snap)
    areas = {a["name"]: a["tables"] for a in summary["areas"]}
    assert areas["books_ledger"] == len(LEDGER)  # the biggest app, not the framework prefix around it
    assert "books" not in areas and {"name": "books", "tables": len(LEDGER) + 2} in summary["prefix_areas"]


@pytest.mark.parametrize(
    ("word", "holding"),
    [
        ("membership", ("vendor_teams_membership", "vendor_teams_simplemembership")),
        ("customfields", ("desk_customfield", "desk_ticketcustomfieldvalue")),
        ("signup", ("desk_signupcode", "desk_signupcoderesult")),
    ],
)
async def test_search_names_every_table_holding_the_word_before_columns(
    word: str, holding: tuple[str, ...]
) -> None:
    snap = app_catalog()
    truth = {t.name for t in snap.tables if vocabulary.key(word).replace(" ", "") in t.name.replace("_", "")}
    assert truth == set(holding)
    hits = await SnapshotCatalog(snap).search(word, limit=10)
    tables = [h.name for h in hits if h.kind == "table"]
    assert set(tables) == truth
    assert [h.kind for h in hits[: len(truth)]] == ["table"] * len(truth)


def test_columns_of_a_kind_are_found_by_name_words_and_data_type() -> None:
    snap = app_catalog()
    fits = partial(value_kinds.matches, "date")
    found = steward_schema.find_columns(snap, "", 200, "date", fits)
    truth = {(t.name, c.name) for t in snap.tables for c in t.columns if fits(c.name, c.data_type)}
    assert {(c["table"], c["column"]) for c in found["columns"]} == truth and found["count"] == len(truth)
    assert found["kind"] == "date" and found["tables_count"] == len({t for t, _ in truth})
    narrowed = steward_schema.find_columns(snap, "sent", 200, "date", fits)
    assert [(c["table"], c["column"]) for c in narrowed["columns"]] == [("desk_signupcode", "sent_at")]


async def test_the_vocabulary_is_built_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    builders: list[threading.Thread] = []

    def recording(snapshot: CatalogSnapshot) -> vocabulary.Vocabulary:
        builders.append(threading.current_thread())
        return build(snapshot)

    monkeypatch.setattr(vocabulary, "build", recording)
    snap = app_catalog()
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    beat = asyncio.create_task(ticker())
    try:
        assert await snapshot_of(SnapshotCatalog(snap)) is snap
    finally:
        beat.cancel()
    assert builders and builders[0] is not threading.main_thread()
    assert vocabulary.cached(snap) is not None
    assert await snapshot_of(SnapshotCatalog(snap)) is snap and len(builders) == 1


async def test_a_catalog_read_from_its_source_has_its_vocabulary_before_the_first_question() -> None:
    snap = app_catalog()

    class Source(LoadedCatalog):
        def read_snapshot(self) -> CatalogSnapshot:
            return snap

    source = Source()
    assert await source.snapshot() is snap
    for _ in range(200):  # the loader's thread builds it just after the read: bounded wait, 10 s
        if vocabulary.cached(snap) is not None:
            break
        await asyncio.sleep(0.05)
    assert vocabulary.cached(snap) is not None
